// How an SMS text is encoded and how many billed parts it takes: the same rules as the engine's
// `regulars.messaging.rules.sms_parts` (GSM 03.38 basic set and extension table, else UCS-2;
// 160 septets or 70 units in one message, parts of 153 or 67, an escape sequence or a surrogate
// pair never split), so the console's counts are the ones the salon is billed for.

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
}

export function smsInfo(text: string): SmsInfo {
  const chars = Array.from(text); // code points: a surrogate pair is one character
  const nonGsm = [...new Set(chars.filter((c) => !GSM7_BASIC.has(c) && !GSM7_EXTENSION.has(c)))];
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
