// How an SMS text is encoded and how many billed parts it takes: the same rules as the engine's
// `regulars.messaging.rules.sms_parts` (GSM 03.38 basic set and extension table, else UCS-2;
// 160 septets or 70 units in one message, parts of 153 or 67, an escape sequence or a surrogate
// pair never split), so the console's counts are the ones the salon is billed for. As the engine
// sends it (`sms_text`): a text that becomes all GSM-7 once look-alikes are folded (typographic
// quotes and dashes, odd spaces, accented Latin letters the basic set lacks) goes folded.

export type Encoding = "GSM-7" | "UCS-2";

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("\f^{}\\[~]|€");

export interface SmsInfo {
  encoding: Encoding;
  /** septets for GSM-7, UTF-16 code units for UCS-2 */
  units: number;
  segments: number;
  /** characters that force UCS-2, each once, in the order they first appear */
  nonGsm: string[];
  /** characters sent as their GSM-7 look-alike (the text is GSM-7 once they are), each once */
  folded: string[];
}

const isGsm = (c: string) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c);

const LOOKALIKES: Record<string, string> = {
  "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
  "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
  "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...",
  "\u00b4": "'", "`": "'",
};

/** One character as GSM-7 has it: itself, its look-alike, or its unaccented Latin letter (else itself). */
function fold(c: string): string {
  if (isGsm(c)) return c;
  if (c in LOOKALIKES) return LOOKALIKES[c];
  const base = c.normalize("NFD")[0];
  return base !== c && /^[A-Za-z]$/.test(base) ? base : c;
}

/** The text as it goes by SMS: folded to GSM-7 when that makes all of it GSM-7, else as it is. */
export function smsText(text: string): string {
  const folded = Array.from(text).map(fold).join("");
  const gsm = folded !== text && Array.from(folded).every(isGsm);
  return gsm && count(folded).segments <= count(text).segments ? folded : text;
}

export function smsInfo(original: string): SmsInfo {
  const text = smsText(original);
  const folded = text === original ? [] : [...new Set(Array.from(original).filter((c) => !isGsm(c)))];
  return { ...count(text), folded };
}

/** The encoding, units and parts of a text as it is. */
function count(text: string): Omit<SmsInfo, "folded"> {
  const chars = Array.from(text); // code points: a surrogate pair is one character
  const nonGsm = [...new Set(chars.filter((c) => !isGsm(c)))];
  const encoding: Encoding = nonGsm.length ? "UCS-2" : "GSM-7";
  const sizes = chars.map((c) =>
    encoding === "GSM-7" ? (GSM7_EXTENSION.has(c) ? 2 : 1) : c.length,
  );
  const units = sizes.reduce((a, b) => a + b, 0);
  const [single, part] = encoding === "GSM-7" ? [160, 153] : [70, 67];
  let segments = 0;
  if (units > 0 && units <= single) segments = 1;
  else if (units > single) {
    segments = 1;
    let used = 0;
    for (const size of sizes) {
      if (used + size > part) {
        segments += 1;
        used = 0;
      }
      used += size;
    }
  }
  return { encoding, units, segments, nonGsm };
}
