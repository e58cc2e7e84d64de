// The segment builder's form and the API's SegmentFilter, both ways: every condition the API has, each
// typed as the desk types it (amounts "28,50", whole numbers, days), read into the filter with the
// problems in words keyed by the form's field, and a saved segment's conditions back into the form.
import type { Schemas } from "../../api/client";
import { formatPlain, parseAmount } from "../../lib/amount";

export type Filter = Schemas["SegmentFilter"];
export type Lifecycle = NonNullable<Filter["lifecycle"]>[number];
export type LtvGroup = NonNullable<Filter["ltv_groups"]>[number];
export type Channel = "sms" | "telegram" | "whatsapp" | "push";

export const LIFECYCLES: Lifecycle[] = ["new", "active", "at_risk", "lapsed", "lost", "won_back"];
export const LTV_GROUPS: LtvGroup[] = ["top", "high", "middle", "low", "none"];
export const SCORES = [5, 4, 3, 2, 1] as const;
export const CHANNELS: Channel[] = ["push", "telegram", "whatsapp", "sms"];

export interface SegmentDraft {
  lastAfter: string;
  lastBefore: string;
  daysMin: string;
  daysMax: string;
  visitsMin: string;
  visitsMax: string;
  spendMin: string;
  spendMax: string;
  averageMin: string;
  averageMax: string;
  bonusMin: string;
  bonusMax: string;
  lifecycle: Lifecycle[];
  ltv: LtvGroup[];
  recency: number[];
  frequency: number[];
  monetary: number[];
  tiers: string[];
  services: string[];
  staff: string[];
  tags: string;
  birthdays: number[];
  consentPurpose: "" | "marketing" | "transactional";
  consentChannel: "" | Channel;
}

export const emptySegment = (): SegmentDraft => ({
  lastAfter: "", lastBefore: "", daysMin: "", daysMax: "", visitsMin: "", visitsMax: "", spendMin: "", spendMax: "",
  averageMin: "", averageMax: "", bonusMin: "", bonusMax: "", lifecycle: [], ltv: [], recency: [], frequency: [], monetary: [],
  tiers: [], services: [], staff: [], tags: "", birthdays: [], consentPurpose: "", consentChannel: "",
});

/** What went wrong with a field, as a code the screen puts in words. */
export type Problem = "whole" | "amount" | "date" | "order" | "tag" | "tags";
export type Problems = Partial<Record<keyof SegmentDraft, Problem>>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LIMITS = { days: 36_500, visits: 100_000, amount: 10 ** 10 };

function whole(text: string, max: number): number | Problem | undefined {
  const s = text.trim();
  if (!s) return undefined;
  if (!/^\d+$/.test(s)) return "whole";
  const n = Number(s);
  return n <= max ? n : "whole";
}

function amount(text: string, digits: number): number | Problem | undefined {
  if (!text.trim()) return undefined;
  const p = parseAmount(text, digits);
  return p.ok && p.minor <= LIMITS.amount ? p.minor : "amount";
}

function day(text: string): string | Problem | undefined {
  const s = text.trim();
  if (!s) return undefined;
  return DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) ? s : "date";
}

/** The tags typed with commas ("vip, bride"): each kept once, in the order typed. */
export function tagsOf(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim()).filter(Boolean))];
}

/** The API's filter from the form, with the form's problems; the filter holds only what is set. */
export function filterOf(d: SegmentDraft, digits: number): { filter: Filter; problems: Problems } {
  const problems: Problems = {};
  const f: Filter = {};
  const put = <K extends keyof Filter>(key: K, field: keyof SegmentDraft, value: Filter[K] | Problem | undefined) => {
    if (value === undefined) return;
    if (typeof value === "string" && ["whole", "amount", "date"].includes(value)) problems[field] = value as Problem;
    else f[key] = value as Filter[K];
  };
  put("last_visit_after", "lastAfter", day(d.lastAfter));
  put("last_visit_before", "lastBefore", day(d.lastBefore));
  put("days_since_visit_min", "daysMin", whole(d.daysMin, LIMITS.days));
  put("days_since_visit_max", "daysMax", whole(d.daysMax, LIMITS.days));
  put("visits_min", "visitsMin", whole(d.visitsMin, LIMITS.visits));
  put("visits_max", "visitsMax", whole(d.visitsMax, LIMITS.visits));
  put("spend_min", "spendMin", amount(d.spendMin, digits));
  put("spend_max", "spendMax", amount(d.spendMax, digits));
  put("average_spend_min", "averageMin", amount(d.averageMin, digits));
  put("average_spend_max", "averageMax", amount(d.averageMax, digits));
  put("bonus_min", "bonusMin", amount(d.bonusMin, digits));
  put("bonus_max", "bonusMax", amount(d.bonusMax, digits));
  const ranges: Array<[keyof Filter, keyof Filter, keyof SegmentDraft]> = [
    ["last_visit_after", "last_visit_before", "lastBefore"], ["days_since_visit_min", "days_since_visit_max", "daysMax"],
    ["visits_min", "visits_max", "visitsMax"], ["spend_min", "spend_max", "spendMax"],
    ["average_spend_min", "average_spend_max", "averageMax"], ["bonus_min", "bonus_max", "bonusMax"],
  ];
  for (const [low, high, field] of ranges) {
    const a = f[low] as number | string | undefined;
    const b = f[high] as number | string | undefined;
    // the API's rule: the low end must not be above the high one (a day "before" is exclusive, so equal days name no one)
    if (a !== undefined && b !== undefined && (a > b || (low === "last_visit_after" && a === b))) problems[field] = "order";
  }
  if (d.lifecycle.length) f.lifecycle = LIFECYCLES.filter((s) => d.lifecycle.includes(s));
  if (d.ltv.length) f.ltv_groups = LTV_GROUPS.filter((g) => d.ltv.includes(g));
  if (d.recency.length) f.recency_scores = [...d.recency].sort();
  if (d.frequency.length) f.frequency_scores = [...d.frequency].sort();
  if (d.monetary.length) f.monetary_scores = [...d.monetary].sort();
  if (d.tiers.length) f.tiers = d.tiers.slice(0, 20);
  if (d.services.length) f.services = d.services.slice(0, 50);
  if (d.staff.length) f.staff = d.staff.slice(0, 50);
  const tags = tagsOf(d.tags);
  if (tags.some((t) => t.length > 40)) problems.tags = "tag";
  else if (tags.length > 20) problems.tags = "tags";
  else if (tags.length) f.tags = tags;
  if (d.birthdays.length) f.birthday_months = [...d.birthdays].sort((a, b) => a - b);
  if (d.consentPurpose) f.consent = { purpose: d.consentPurpose, channel: d.consentChannel || null };
  return { filter: f, problems };
}

/** A saved segment's conditions back in the form (amounts written in the salon's locale). */
export function draftOf(saved: Record<string, unknown>, digits: number, locale: string): SegmentDraft {
  const f = saved as Filter;
  const text = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));
  const money = (n: number | null | undefined) => (n === null || n === undefined ? "" : formatPlain(n, locale, digits));
  return {
    lastAfter: f.last_visit_after ?? "", lastBefore: f.last_visit_before ?? "",
    daysMin: text(f.days_since_visit_min), daysMax: text(f.days_since_visit_max),
    visitsMin: text(f.visits_min), visitsMax: text(f.visits_max),
    spendMin: money(f.spend_min), spendMax: money(f.spend_max),
    averageMin: money(f.average_spend_min), averageMax: money(f.average_spend_max),
    bonusMin: money(f.bonus_min), bonusMax: money(f.bonus_max),
    lifecycle: f.lifecycle ?? [], ltv: f.ltv_groups ?? [], recency: f.recency_scores ?? [], frequency: f.frequency_scores ?? [],
    monetary: f.monetary_scores ?? [], tiers: f.tiers ?? [], services: f.services ?? [], staff: f.staff ?? [],
    tags: (f.tags ?? []).join(", "), birthdays: f.birthday_months ?? [],
    consentPurpose: f.consent?.purpose ?? "", consentChannel: f.consent?.channel ?? "",
  };
}

/** How many conditions a filter sets (a range's two ends count as two). */
export const conditionCount = (f: Filter) => Object.keys(f).length;
