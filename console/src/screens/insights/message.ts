// A campaign's text per language: which placeholders it may use, what is wrong with its braces, and
// the text as a client would get it (for its SMS parts: the engine counts the filled-in text).
import { smsInfo, type SmsInfo } from "../../lib/sms";

export const PLACEHOLDERS = ["name", "salon", "link", "offer", "bonus", "expires"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The problem of a text in the engine's terms, or "": braces that do not pair, a name it cannot fill,
 * {bonus} or {expires} without a bonus. */
export function textProblem(text: string, hasBonus: boolean): "" | "braces" | "placeholder" | "needsBonus" {
  let depth = 0;
  for (const c of text) {
    depth += c === "{" ? 1 : c === "}" ? -1 : 0;
    if (depth < 0 || depth > 1) return "braces";
  }
  if (depth !== 0) return "braces";
  const names = [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
  if (!names.every((n) => (PLACEHOLDERS as readonly string[]).includes(n))) return "placeholder";
  if (!hasBonus && names.some((n) => n === "bonus" || n === "expires")) return "needsBonus";
  return "";
}

/** The text with its placeholders filled in (names it does not know are left as written). */
export function filled(text: string, values: Partial<Record<Placeholder, string>>): string {
  return text.replace(/\{([^{}]*)\}/g, (whole, name: string) => values[name as Placeholder] ?? whole);
}

/** ``text`` with ``insert`` put where the cursor was (replacing a selection), and where the cursor goes. */
export function insertAt(text: string, insert: string, start: number, end: number): { text: string; cursor: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), cursor: a + insert.length };
}

/** A stand-in for a client's name when no client is at hand: ten letters of the GSM alphabet. */
export const TEN_LETTERS = "Xxxxxxxxxx";

/** A text's SMS as most clients would get it (filled in with the longest of ``names`` in the GSM
 * alphabet, else a ten-letter name: ``name`` null), and, when a client's name would make it dearer (a
 * name outside that alphabet, a longer one), as the one it costs most for. */
export function smsOf(text: string, example: Partial<Record<Placeholder, string>>, names: string[]) {
  const gsm = names.filter((n) => smsInfo(n).encoding === "GSM-7");
  const longest = gsm.reduce((a, n) => (n.length > a.length ? n : a), "");
  const info = smsInfo(filled(text, { ...example, name: longest || TEN_LETTERS }));
  let worst: { name: string; info: SmsInfo } | null = null;
  for (const n of names) {
    const other = smsInfo(filled(text, { ...example, name: n }));
    if (other.segments > (worst?.info.segments ?? info.segments) || (!worst && other.encoding !== info.encoding && other.segments >= info.segments)) {
      worst = { name: n, info: other };
    }
  }
  return { name: longest || null, info, worst };
}
