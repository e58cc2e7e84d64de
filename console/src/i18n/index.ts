// The console's words in English, Russian and Spanish (ICU messages: plurals, selects), and every date,
// time, number and amount formatted by Intl in the chosen language and the salon's time zone. A
// catalog missing a key fails the type check: ru and es must say everything en says.
import { computed, signal } from "@preact/signals";
import { IntlMessageFormat } from "intl-messageformat";
import auditEn from "../screens/audit/messages/en.json";
import auditEs from "../screens/audit/messages/es.json";
import auditRu from "../screens/audit/messages/ru.json";
import importEn from "../screens/import/messages/en.json";
import importEs from "../screens/import/messages/es.json";
import importRu from "../screens/import/messages/ru.json";
import insightsEn from "../screens/insights/messages/en.json";
import insightsEs from "../screens/insights/messages/es.json";
import insightsRu from "../screens/insights/messages/ru.json";
import retentionEn from "../screens/retention/messages/en.json";
import retentionEs from "../screens/retention/messages/es.json";
import retentionRu from "../screens/retention/messages/ru.json";
import settingsEn from "../screens/settings/messages/en.json";
import settingsEs from "../screens/settings/messages/es.json";
import settingsRu from "../screens/settings/messages/ru.json";
import mainEn from "./en.json";
import mainEs from "./es.json";
import mainRu from "./ru.json";

// The main catalogs, and the screens' own (campaigns, analytics, the retention desk and the settings
// keep theirs beside them).
const en = { ...mainEn, ...insightsEn, ...retentionEn, ...settingsEn, ...auditEn, ...importEn };
const ru = { ...mainRu, ...insightsRu, ...retentionRu, ...settingsRu, ...auditRu, ...importRu };
const es = { ...mainEs, ...insightsEs, ...retentionEs, ...settingsEs, ...auditEs, ...importEs };

export type Key = keyof typeof en;
type Catalog = Record<Key, string>;
export const LANGUAGES = ["en", "ru", "es"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ru: "Русский", es: "Español" };
const CATALOGS: Record<Language, Catalog> = { en, ru, es };
const STORED = "regulars.language";

export const language = signal<Language>(chosen() ?? "en");
/** The salon's locale (e.g. "es-ES"): its region shapes numbers and dates when the language matches. */
export const salonLocale = signal<string>("en");
/** The salon's IANA time zone: every time on every screen is the salon's, wherever the browser is. */
export const salonZone = signal<string>("UTC");
export const currency = signal<string>("EUR");

function chosen(): Language | null {
  const v = localStorage.getItem(STORED);
  return LANGUAGES.includes(v as Language) ? (v as Language) : null;
}

/** The language the user picked, else the salon's, else the browser's, else English. */
export function settle(salonLanguage: string | undefined): void {
  const fromSalon = salonLanguage?.slice(0, 2) as Language | undefined;
  const fromBrowser = navigator.language.slice(0, 2) as Language;
  language.value = chosen() ?? (fromSalon && LANGUAGES.includes(fromSalon) ? fromSalon : LANGUAGES.includes(fromBrowser) ? fromBrowser : "en");
}

export function choose(lang: Language): void {
  localStorage.setItem(STORED, lang);
  language.value = lang;
}

/** The salon's country (ISO 3166), for the region of the locale: English in Germany writes 24-hour times. */
export const salonCountry = signal<string>("");

/** The BCP 47 locale Intl formats with: the salon's own when it speaks the chosen language, else the
 * chosen language in the salon's country ("en-DE"), which Intl reads or falls back from. */
export const locale = computed(() => {
  const base = salonLocale.value.slice(0, 2) === language.value ? salonLocale.value : language.value;
  const tag = !base.includes("-") && salonCountry.value ? `${base}-${salonCountry.value.toUpperCase()}` : base;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return language.value;
  }
});

/** The locale numbers and amounts are written in: the salon's own when it speaks the chosen language,
 * else the language itself (ICU writes "en-DE" amounts half German, half English: "25,00" but "€1,234.50"). */
export const numberLocale = computed(() => (salonLocale.value.slice(0, 2) === language.value ? salonLocale.value : language.value));

const compiled = new Map<string, IntlMessageFormat>();

export function t(key: Key, values?: Record<string, string | number>): string {
  const lang = language.value;
  const source = CATALOGS[lang][key] ?? en[key] ?? key;
  const id = `${lang}\u0000${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(source, locale.value);
    compiled.set(id, format);
  }
  return String(format.format(values));
}

/** Whether a message exists: for words that come from the API as codes (statuses, sources, errors). */
export function has(key: string): key is Key {
  return key in en;
}

// --- formatting in the salon's zone ----------------------------------------------------------------
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(id: string, make: () => T): T {
  const key = `${locale.value}|${numberLocale.value}|${salonZone.value}|${id}`;
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f as T;
}

const dt = (id: string, options: Intl.DateTimeFormatOptions) =>
  cached(id, () => new Intl.DateTimeFormat(locale.value, { timeZone: salonZone.value, ...options }));

export const time = (iso: string | Date) => dt("time", { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
export const date = (iso: string | Date) => dt("date", { day: "numeric", month: "short", year: "numeric" }).format(new Date(iso));
export const dayTitle = (iso: string | Date) =>
  dt("dayTitle", { weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));
export const when = (iso: string | Date) =>
  dt("when", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));

/** A plain calendar day (YYYY-MM-DD, a birthday say): formatted as it is, with no zone to shift it. */
export const plainDate = (day: string) =>
  cached("plainDate", () => new Intl.DateTimeFormat(locale.value, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })).format(
    new Date(`${day}T12:00:00Z`),
  );

export const money = (minor: number, cur: string = currency.value) =>
  cached(`money-${cur}`, () => new Intl.NumberFormat(numberLocale.value, { style: "currency", currency: cur })).format(
    minor / 10 ** fractionDigits(cur),
  );

export const number = (n: number) => cached("number", () => new Intl.NumberFormat(numberLocale.value)).format(n);
export const percent = (basisPoints: number) => number(basisPoints / 100);

export function fractionDigits(cur: string = currency.value): number {
  return new Intl.NumberFormat("en", { style: "currency", currency: cur }).resolvedOptions().maximumFractionDigits ?? 2;
}
