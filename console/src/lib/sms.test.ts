import { describe, expect, it } from "vitest";
import { smsInfo, smsText } from "./sms";

// The cases of the engine's own tests (tests/unit/messaging/test_sms_segments.py): the console must
// count what the salon is billed for.
describe("SMS encoding and billed parts", () => {
  it.each([
    ["Hello, Anna! See you @ 10:00 (£25).", "GSM-7"],
    ["Привет", "UCS-2"],
    ["Ç and é are GSM", "GSM-7"],
    ["ç is not, but goes as c", "GSM-7"],
    ["sáb", "GSM-7"],
    ["mañana ¿que tal? ¡Si!", "GSM-7"],
    ["€ [ ] { } \\ ^ ~ | \f", "GSM-7"],
    ["see you 😀", "UCS-2"],
    ["no\u00a0break", "GSM-7"],
    ["María, привет", "UCS-2"],
    ["", "GSM-7"],
  ])("%j is %s", (text, encoding) => {
    expect(smsInfo(text).encoding).toBe(encoding);
  });

  it.each([
    ["a".repeat(160), 1],
    ["a".repeat(161), 2],
    ["a".repeat(306), 2],
    ["a".repeat(307), 3],
    ["ж".repeat(70), 1],
    ["ж".repeat(71), 2],
    ["ж".repeat(134), 2],
    ["ж".repeat(135), 3],
    ["a".repeat(69) + "ж", 1],
    ["a".repeat(159) + "ж", 3],
    ["€".repeat(80), 1],
    ["€".repeat(81), 2],
    ["", 0],
  ])("a text of %#: %i parts", (text, segments) => {
    expect(smsInfo(text).segments).toBe(segments);
  });

  it("never splits an escape sequence: 152 letters and a euro sign start a second part with it", () => {
    // 152 + 2 + 7 = 161 septets: two parts; the escape would straddle 153, so part one holds 152
    expect(smsInfo("a".repeat(152) + "€" + "a".repeat(7)).segments).toBe(2);
    expect(smsInfo("a".repeat(152) + "€" + "a".repeat(152)).segments).toBe(3);
  });

  it("counts an emoji as two units and never splits it", () => {
    expect(smsInfo("😀").units).toBe(2);
    expect(smsInfo("ж".repeat(66) + "😀" + "ж".repeat(3)).segments).toBe(2);
    expect(smsInfo("ж".repeat(66) + "😀" + "ж".repeat(66)).segments).toBe(3);
  });

  it("names the characters that force UCS-2, once each", () => {
    expect(smsInfo("Mañana a las 10, ¿sí? sí, привет").nonGsm).toEqual(["í", "п", "р", "и", "в", "е", "т"]);
    expect(smsInfo("Mañana a las 10, ¿sí? sí").nonGsm).toEqual([]);
    expect(smsInfo("Mañana a las 10, ¿sí? sí").folded).toEqual(["í"]);
  });

  // The engine's sms_text cases (tests/unit/messaging/test_sms_segments.py): what goes by SMS.
  it.each([
    ["sáb", "sab"],
    ["Mañana a las 10, ¿sí?", "Mañana a las 10, ¿si?"],
    ["you\u2019re booked \u2013 Zoë", "you're booked - Zoe"],
    ["no\u00a0break\u2026", "no break..."],
    ["María, привет", "María, привет"],
    ["see you 😀 café", "see you 😀 café"],
    ["Anna, €35", "Anna, €35"],
    ["\u2026".repeat(60), "\u2026".repeat(60)],
  ])("%j goes by SMS as %j", (text, sent) => {
    expect(smsText(text)).toBe(sent);
  });
});
