// The salon's rules as the settings sections edit them: a value found and set by its path in the
// settings object ("loyalty.lifetime_days"), and what a person types read into what the API accepts
// (the same bounds as the API's model), each problem a code the section turns into words.
import { parseAmount } from "../../lib/amount";

export type Problem =
  | { code: "required" }
  | { code: "whole"; min: number; max: number }
  | { code: "step"; step: number; min: number; max: number }
  | { code: "decimal"; min: number; max: number }
  | { code: "amount" }
  | { code: "amountMax" }
  | { code: "duration"; min: number; max: number }
  | { code: "sameTimes" }
  | { code: "duplicate" }
  | { code: "tierCriterion" };

export type Read<T> = { ok: true; value: T } | { ok: false; problem: Problem };

type Tree = Record<string, unknown>;

export function getPath(tree: Tree, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node == null ? undefined : (node as Tree)[key]), tree);
}

/** A copy of ``tree`` with ``value`` at ``path``; the objects on the way are copied, the rest shared. */
export function setPath<T extends Tree>(tree: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split(".");
  const here = { ...tree } as Tree;
  here[head] = rest.length ? setPath(((tree[head] as Tree) ?? {}) as Tree, rest.join("."), value) : value;
  return here as T;
}

/** A whole number in [min, max], a multiple of ``step`` when given; empty is null when ``optional``. */
export function readWhole(text: string, min: number, max: number, opts: { step?: number; optional?: boolean } = {}): Read<number | null> {
  const s = text.trim();
  if (!s) return opts.optional ? { ok: true, value: null } : { ok: false, problem: { code: "required" } };
  if (!/^\d+$/.test(s)) return { ok: false, problem: { code: "whole", min, max } };
  const n = Number(s);
  if (n < min || n > max) return { ok: false, problem: opts.step ? { code: "step", step: opts.step, min, max } : { code: "whole", min, max } };
  if (opts.step && n % opts.step !== 0) return { ok: false, problem: { code: "step", step: opts.step, min, max } };
  return { ok: true, value: n };
}

/** A number with up to ``digits`` decimals ("1,5" or "1.5") in [min, max]. */
export function readDecimal(text: string, min: number, max: number, digits: number): Read<number> {
  const s = text.trim().replace(",", ".");
  if (!s) return { ok: false, problem: { code: "required" } };
  const pattern = new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`);
  if (!pattern.test(s)) return { ok: false, problem: { code: "decimal", min, max } };
  const n = Number(s);
  if (n < min || n > max) return { ok: false, problem: { code: "decimal", min, max } };
  return { ok: true, value: n };
}

/** A percentage with up to two decimals, as basis points (7,5 -> 750). */
export function readBasisPoints(text: string): Read<number> {
  const r = readDecimal(text, 0, 100, 2);
  return r.ok ? { ok: true, value: Math.round(r.value * 100) } : r;
}

/** An amount as the desk types it, in minor units, at most ``max``; empty is null when ``optional``. */
export function readMoney(text: string, digits: number, max: number, optional = false): Read<number | null> {
  if (!text.trim()) return optional ? { ok: true, value: null } : { ok: false, problem: { code: "required" } };
  const parsed = parseAmount(text, digits);
  if (!parsed.ok) return { ok: false, problem: { code: "amount" } };
  if (parsed.minor > max) return { ok: false, problem: { code: "amountMax" } };
  return { ok: true, value: parsed.minor };
}

export const UNITS = ["minutes", "hours", "days"] as const;
export type Unit = (typeof UNITS)[number];
const MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 24 * 60 };

/** A length of time in minutes shown in the largest unit that holds it whole: 1440 -> 1 day. */
export function splitMinutes(minutes: number): { amount: number; unit: Unit } {
  if (minutes > 0 && minutes % MINUTES.days === 0) return { amount: minutes / MINUTES.days, unit: "days" };
  if (minutes > 0 && minutes % MINUTES.hours === 0) return { amount: minutes / MINUTES.hours, unit: "hours" };
  return { amount: minutes, unit: "minutes" };
}

/** An amount of a unit read as minutes in [min, max] ("1,5" hours is 90 minutes). */
export function readDuration(text: string, unit: Unit, min: number, max: number): Read<number> {
  const s = text.trim().replace(",", ".");
  if (!s) return { ok: false, problem: { code: "required" } };
  if (!/^\d+(\.\d+)?$/.test(s)) return { ok: false, problem: { code: "duration", min, max } };
  const minutes = Number(s) * MINUTES[unit];
  if (!Number.isInteger(minutes) || minutes < min || minutes > max) return { ok: false, problem: { code: "duration", min, max } };
  return { ok: true, value: minutes };
}

/** "21:00-09:00" as its two times, or null for a text that is not two times. */
export function splitQuiet(value: string): [string, string] | null {
  const m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(value);
  return m ? [m[1], m[2]] : null;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Quiet hours as the API stores them, or why not: both times, and not the same time. */
export function joinQuiet(from: string, to: string): Read<string> {
  if (!HHMM.test(from) || !HHMM.test(to)) return { ok: false, problem: { code: "required" } };
  if (from === to) return { ok: false, problem: { code: "sameTimes" } };
  return { ok: true, value: `${from}-${to}` };
}

/** A field name of the API ("settings.loyalty.tiers.0.rate_bp") as the section's ("loyalty.tiers.0.rate_bp"). */
export const localField = (field: string) => field.replace(/^(body\.)?settings\./, "");

/** "49, 7" as the list of calling codes, or null when one is not a calling code. */
export function readCallingCodes(text: string): string[] | null {
  const codes = text.split(/[\s,;]+/).map((c) => c.replace(/^\+/, "")).filter(Boolean);
  return codes.every((c) => /^[1-9]\d{0,2}$/.test(c)) && codes.length <= 50 ? [...new Set(codes)] : null;
}

export type Offset = { amount: string; unit: Unit };
const OFFSET_MIN = 5;
const OFFSET_MAX = 60 * 24 * 30; // the API's bounds of a reminder's offset

/** The offsets as typed, read into minutes (largest first, each once), or the problem of each by index. */
export function readOffsets(rows: Offset[]): { minutes: number[]; problems: Record<number, Problem> } {
  const minutes: number[] = [];
  const problems: Record<number, Problem> = {};
  rows.forEach((r, i) => {
    const read = readDuration(r.amount, r.unit, OFFSET_MIN, OFFSET_MAX);
    if (read.ok) minutes.push(read.value);
    else problems[i] = read.problem;
  });
  return { minutes: [...new Set(minutes)].sort((a, b) => b - a), problems };
}

/** ``list`` with the item at ``index`` moved by ``by`` places (kept inside the list): the channels' order. */
export function move<T>(list: readonly T[], index: number, by: number): T[] {
  const to = Math.max(0, Math.min(list.length - 1, index + by));
  const out = [...list];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item);
  return out;
}

export type TierRow = { name: string; rate: string; visits: string; spend: string };
type Tier = { name: string; rate_bp: number; min_visits: number; min_spend: number | null };

/** The tiers as typed, read into the API's, with each problem keyed "<index>.<field>". */
export function readTiers(rows: TierRow[], digits: number): { tiers: Tier[]; problems: Record<string, Problem> } {
  const tiers: Tier[] = [];
  const problems: Record<string, Problem> = {};
  const names = new Set<string>();
  rows.forEach((r, i) => {
    const name = r.name.trim();
    if (!name) problems[`${i}.name`] = { code: "required" };
    else if (names.has(name.toLowerCase())) problems[`${i}.name`] = { code: "duplicate" };
    names.add(name.toLowerCase());
    const rate = readBasisPoints(r.rate);
    if (!rate.ok) problems[`${i}.rate_bp`] = rate.problem;
    const visits = i === 0 ? ({ ok: true, value: 0 } as const) : readWhole(r.visits || "0", 0, 1000);
    if (!visits.ok) problems[`${i}.min_visits`] = visits.problem;
    const spend = i === 0 ? ({ ok: true, value: null } as const) : readMoney(r.spend, digits, 10 ** 12, true);
    if (!spend.ok) problems[`${i}.min_spend`] = spend.problem;
    // a tier above the first is reached by what it names: with neither, no one would reach it
    if (i > 0 && visits.ok && spend.ok && !visits.value && !spend.value) problems[`${i}.min_visits`] = { code: "tierCriterion" };
    if (rate.ok && visits.ok && spend.ok && !problems[`${i}.min_visits`]) tiers.push({ name, rate_bp: rate.value, min_visits: visits.value ?? 0, min_spend: spend.value });
  });
  return { tiers, problems };
}

export type WaveRow = { delay: string; bonus: string; lifetime: string; offer: string };
type Wave = { delay_days: number; bonus_amount: number; bonus_lifetime_days: number; offer: string };

/** The waves as typed, read into the API's, each problem keyed "<index>.<field>"; the delays must grow. */
export function readWaves(rows: WaveRow[], digits: number): { waves: Wave[]; problems: Record<string, Problem | "order"> } {
  const waves: Wave[] = [];
  const problems: Record<string, Problem | "order"> = {};
  rows.forEach((r, i) => {
    const delay = readWhole(r.delay, 0, 365);
    const bonus = readMoney(r.bonus || "0", digits, 10_000_000);
    const lifetime = readWhole(r.lifetime || "30", 1, 365);
    if (!delay.ok) problems[`${i}.delay_days`] = delay.problem;
    if (!bonus.ok) problems[`${i}.bonus_amount`] = bonus.problem;
    if (!lifetime.ok) problems[`${i}.bonus_lifetime_days`] = lifetime.problem;
    if (delay.ok && bonus.ok && lifetime.ok) {
      const previous = waves[waves.length - 1];
      if (previous && delay.value! <= previous.delay_days) problems[`${i}.delay_days`] = "order";
      waves.push({ delay_days: delay.value!, bonus_amount: bonus.value!, bonus_lifetime_days: lifetime.value!, offer: r.offer.trim().slice(0, 200) });
    }
  });
  return { waves, problems };
}
