// For pages without components (manage, feedback): the header with the salon's name and the language
// switch, drawn again (with the rest of the page) when the language changes.
import { LANGUAGES, LANGUAGE_NAMES, language, onLanguage, setLanguage, setSalon, t } from "./i18n";
import { brandColours } from "./brand";
import { el } from "./api";

export function header(title: string): HTMLElement {
  const switcher = el("div", { class: "languages", role: "group", "aria-label": t("common.language") },
    ...LANGUAGES.map((lang) => el("button", {
      type: "button", class: "lang", lang, "aria-pressed": String(lang === language()),
      onclick: () => setLanguage(lang),
    }, lang.toUpperCase(), el("span", { class: "visually-hidden" }, ` ${LANGUAGE_NAMES[lang]}`))));
  return el("header", {}, el("h1", { id: "salon-name" }, title), switcher);
}

/** Draw the page now and again on each change of language. */
export function mount(draw: () => void): void {
  onLanguage(draw);
  document.documentElement.lang = language();
  draw();
}

/** The salon's zone, locale and colour for the words and styles that follow. */
export function useSalon(salon: { timezone: string; locale: string; brand_color?: string | null }): void {
  setSalon(salon.timezone, salon.locale);
  for (const [k, v] of Object.entries(brandColours(salon.brand_color))) document.documentElement.style.setProperty(k, v);
}
