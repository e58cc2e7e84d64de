// Figures as the campaigns and analytics screens show them: amounts in the salon's currency (the API
// counts minor units, sometimes with fractions), shares as percentages, counts and averages by Intl in
// the chosen language; months by name.
import { has, locale, money, numberLocale, t } from "../../i18n";

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(id: string, make: () => T): T {
  const key = `${locale.value}|${numberLocale.value}|${id}`;
  let f = formats.get(key);
  if (!f) {
    f = make();
    formats.set(key, f);
  }
  return f as T;
}

/** A share (0.125) as a percentage ("12.5%", "12,5 %"). */
export const share = (rate: number) =>
  cached("share", () => new Intl.NumberFormat(numberLocale.value, { style: "percent", maximumFractionDigits: 1 })).format(rate);

/** A count or an average with at most one decimal ("1,234", "2.5"). */
export const figure = (n: number) => cached("figure", () => new Intl.NumberFormat(numberLocale.value, { maximumFractionDigits: 1 })).format(n);

/** An amount in minor units, possibly fractional (an average, an estimate), in ``cur``. */
export const cash = (minor: number, cur?: string) => money(Math.round(minor), cur);

/** "2026-01" as the language names it ("January 2026", "январь 2026 г."). */
export const monthName = (month: string) =>
  cached("month", () => new Intl.DateTimeFormat(locale.value, { month: "long", year: "numeric", timeZone: "UTC" })).format(
    new Date(`${month}-15T12:00:00Z`),
  );

/** The analytics figures, in the order shown, and how each is written. */
export const ANALYTICS_FIGURES = {
  visits: "count", revenue: "money", new_clients: "count", clients_visited: "count", returning_clients: "count",
  repeat_visit_rate: "share", average_visit_interval_days: "days", rebooking_rate: "share", no_show_rate: "share",
  no_show_rate_confirmed: "share", no_show_rate_unconfirmed: "share", reminder_confirmation_rate: "share",
  cancellation_rate: "share", late_cancellation_rate: "share", messages_sent: "count", message_cost: "money",
  bonus_issued: "money", bonus_spent: "money", bonus_burned: "money", retention_spend: "money",
  retention_spend_per_returning_client: "money",
} as const;
export type FigureKind = (typeof ANALYTICS_FIGURES)[keyof typeof ANALYTICS_FIGURES];

export function shown(kind: FigureKind | undefined, value: number | null | undefined, cur?: string): string {
  if (value === null || value === undefined) return "—";
  if (kind === "money") return cash(value, cur);
  if (kind === "share") return share(value);
  return figure(value);
}

/** The catalog's word for a code the API sends (a status, a kind), never the raw code. */
export const wordFor = (prefix: string, code: string) => {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : t("common.unknown");
};

/** The month eleven months before ``month``, so the two span a year ("2026-05" → "2025-06"). */
export function yearBefore(month: string): string {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) - 11;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** A channel's name: the messengers' brand names are the same in every language, push and SMS are words. */
export function channelName(channel: string): string {
  if (channel === "telegram") return "Telegram";
  if (channel === "whatsapp") return "WhatsApp";
  const key = `segments.channel.${channel}`;
  return has(key) ? t(key) : t("common.unknown");
}
