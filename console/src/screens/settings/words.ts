// The settings' small shared parts: weekday names in the chosen language (by Intl, never typed in),
// the roles in words, and the checks of a day's spans of time.
import { locale, t, type Key } from "../../i18n";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const ROLES = ["owner", "manager", "reception", "staff"] as const;
export type Role = (typeof ROLES)[number];

/** A weekday's name ("Monday", "понедельник", "lunes"): 1 January 2024 was a Monday. */
export function weekdayName(day: Weekday, style: "long" | "short" = "long"): string {
  const i = WEEKDAYS.indexOf(day);
  return new Intl.DateTimeFormat(locale.value, { weekday: style, timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i)));
}

/** A weekday's name standing alone (a heading): with its first letter capital, as Intl does not in ru and es. */
export function weekdayTitle(day: Weekday): string {
  const name = weekdayName(day);
  return name.charAt(0).toLocaleUpperCase(locale.value) + name.slice(1);
}

export const roleName = (role: string) => t(`role.${role}` as Key);
export const roleMeans = (role: string) => t(`role.${role}Means` as Key);

export type Span = [string, string];

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/** Each span's problem in words (both times given, the end after the start), then the spans that
 * overlap another: index -> message. */
export function spanProblems(spans: Span[]): Record<number, string> {
  const out: Record<number, string> = {};
  spans.forEach(([a, b], i) => {
    if (!/^\d\d:\d\d$/.test(a) || !/^\d\d:\d\d$/.test(b)) out[i] = t("settings.err.time");
    else if (minutes(b) <= minutes(a)) out[i] = t("settings.err.endAfterStart");
  });
  spans.forEach(([a, b], i) => {
    if (out[i]) return;
    spans.forEach(([c, d], j) => {
      if (i === j || out[j]) return;
      if (minutes(a) < minutes(d) && minutes(c) < minutes(b)) out[i] = t("settings.err.overlap");
    });
  });
  return out;
}

/** A human-readable slug for a new object's id, unique enough with a short random tail. */
export function newId(name: string, fallback: string): string {
  const slug = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  const tail = Math.random().toString(36).slice(2, 8);
  return `${slug || fallback}-${tail}`;
}
