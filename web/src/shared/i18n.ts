// The client pages' words in English, Russian and Spanish (ICU messages through intl-messageformat:
// plurals, selects), chosen from ?lang=, then the client's own earlier choice, then the browser's
// languages (ru-RU -> ru), then English. Dates, times and amounts go through Intl in the salon's time
// zone and currency. A catalog missing a key fails the type check: ru and es say all that en says.
import { IntlMessageFormat } from "intl-messageformat";
import en from "./locales/en.json";
import es from "./locales/es.json";
import ru from "./locales/ru.json";

export type Key = keyof typeof en;
export const LANGUAGES = ["en", "ru", "es"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ru: "Русский", es: "Español" };
const CATALOGS: Record<Language, Record<Key, string>> = { en, ru, es };
const STORED = "regulars.client.language";

const isLanguage = (v: string | null | undefined): v is Language => LANGUAGES.includes(v as Language);

/** The page's language: ?lang=, else the one the client chose before, else the first of the browser's
 * languages we speak (by its primary subtag: ru-RU is ru), else English. */
export function pickLanguage(query: string | null, stored: string | null, browser: readonly string[]): Language {
  const asked = query?.toLowerCase().slice(0, 2);
  if (isLanguage(asked)) return asked;
  if (isLanguage(stored)) return stored;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split("-")[0];
    if (isLanguage(primary)) return primary;
  }
  return "en";
}

function storedChoice(): string | null {
  try {
    return localStorage.getItem(STORED);
  } catch {
    return null;
  }
}

let current: Language = typeof window === "undefined" ? "en"
  : pickLanguage(new URLSearchParams(location.search).get("lang"), storedChoice(), navigator.languages?.length ? navigator.languages : [navigator.language]);
let salonZone = "UTC";
let salonRegion = "";
const listeners = new Set<() => void>();
const formatters = new Map<string, IntlMessageFormat>();

export const language = () => current;

/** Choose the language (the switch): kept for the next visit, put in the URL (a reload keeps it), and
 * every page part that listens draws itself again. */
export function setLanguage(lang: Language, remember = true): void {
  current = lang;
  if (remember) {
    try {
      localStorage.setItem(STORED, lang);
    } catch {
      /* not kept: the URL still carries it */
    }
    const url = new URL(location.href);
    url.searchParams.set("lang", lang);
    history.replaceState(history.state, "", url);
  }
  document.documentElement.lang = lang;
  listeners.forEach((f) => f());
}

export function onLanguage(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** The salon's zone and locale (its region writes 24-hour times in English too: en-DE). */
export function setSalon(timezone: string, locale: string): void {
  salonZone = timezone;
  salonRegion = locale.split("-")[1] ?? "";
}

export function locale(): string {
  const tag = salonRegion ? `${current}-${salonRegion}` : current;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return current;
  }
}

export function t(key: Key, values?: Record<string, string | number | Date>): string {
  const id = `${current}:${key}`;
  let f = formatters.get(id);
  if (!f) {
    f = new IntlMessageFormat(CATALOGS[current][key] ?? CATALOGS.en[key] ?? key, current);
    formatters.set(id, f);
  }
  return String(f.format(values));
}

/** A salon-local calendar day ("2026-12-07") in words: "Mon 7 Dec". */
export function dayWords(day: string, style: "short" | "long" = "short"): string {
  const [y, m, d] = day.split("-").map(Number);
  const opts: Intl.DateTimeFormatOptions = style === "short"
    ? { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }
    : { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale(), opts).format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** The parts of a day chip: weekday and day of month. */
export function dayParts(day: string): { weekday: string; date: string; month: string } {
  const [y, m, d] = day.split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1, d, 12));
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale(), { ...o, timeZone: "UTC" }).format(at);
  return { weekday: f({ weekday: "short" }), date: f({ day: "numeric" }), month: f({ month: "short" }) };
}

/** An instant as the salon's wall-clock time: "10:30". */
export function timeWords(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", timeZone: salonZone }).format(new Date(iso));
}

/** An instant as the salon's date and time: "Mon 7 Dec, 10:30". */
export function whenWords(iso: string): string {
  return new Intl.DateTimeFormat(locale(), {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: salonZone,
  }).format(new Date(iso));
}

export function moneyWords(m: { amount: number; currency: string }): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency: m.currency }).format(m.amount / 100);
}
