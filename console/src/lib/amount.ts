// Amounts as people type them at a desk, in the minor units the API counts in: "28,50", "28.50",
// "1 234,50", "1.234,50", "28" are all read; anything else is refused rather than guessed.
export type Parsed = { ok: true; minor: number } | { ok: false; reason: "empty" | "format" | "negative" };

export function parseAmount(text: string, digits = 2): Parsed {
  let s = text.replace(/[\s\u00a0\u202f']/g, "").replace(/^\+/, "");
  if (!s) return { ok: false, reason: "empty" };
  let negative = false;
  if (/^[-−]/.test(s)) {
    negative = true;
    s = s.slice(1);
  }
  if (!/^[\d.,]+$/.test(s)) return { ok: false, reason: "format" };
  const seps = s.replace(/\d/g, "");
  let whole = s;
  let fraction = "";
  if (seps) {
    const last = Math.max(s.lastIndexOf(","), s.lastIndexOf("."));
    const tail = s.slice(last + 1);
    const repeated = seps.split("").every((c) => c === seps[0]) && seps.length > 1;
    // "28,50", "1.234,50", "1,234.50": the last mark with 1..digits digits after it is the decimal one;
    // "1.234", "1 234 567" and "1,234,567" group thousands; every group after the first has 3 digits
    const decimal = !repeated && tail.length >= 1 && tail.length <= digits;
    if (decimal) {
      whole = s.slice(0, last);
      fraction = tail;
    } else if (tail.length !== 3) {
      return { ok: false, reason: "format" };
    }
    const groups = whole.split(/[.,]/);
    if (groups.length > 1 && (groups[0] === "" || groups.slice(1).some((g) => g.length !== 3))) return { ok: false, reason: "format" };
    if (new Set(whole.replace(/\d/g, "")).size > 1) return { ok: false, reason: "format" };
    whole = groups.join("");
  }
  if (!/^\d+$/.test(whole || "0") || !/^\d*$/.test(fraction)) return { ok: false, reason: "format" };
  const minor = Number(whole || "0") * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: "format" };
  if (negative) return minor === 0 ? { ok: true, minor: 0 } : { ok: false, reason: "negative" };
  return { ok: true, minor };
}

/** Signed amounts (a bonus adjustment): "-5,00" is a debit. */
export function parseSigned(text: string, digits = 2): Parsed {
  const s = text.trim();
  const negative = /^[-−]/.test(s);
  const parsed = parseAmount(negative ? s.slice(1) : s, digits);
  return parsed.ok && negative ? { ok: true, minor: -parsed.minor } : parsed;
}

/** An amount written as the locale writes it, for a field's initial value ("28,50" in es and ru). */
export function formatPlain(minor: number, locale: string, digits = 2): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(
    minor / 10 ** digits,
  );
}
