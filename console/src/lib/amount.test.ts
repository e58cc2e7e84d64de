import { describe, expect, it } from "vitest";
import { formatPlain, parseAmount, parseSigned } from "./amount";

describe("amounts typed at the desk", () => {
  it.each([
    ["28,50", 2850], ["28.50", 2850], ["28", 2800], ["28,5", 2850], ["0,99", 99], [" 1 234,50 ", 123450],
    ["1.234,50", 123450], ["1,234.50", 123450], [",50", 50], ["1.234", 123400], ["1,234,567", 123456700], ["1\u00a0234,5", 123450],
  ])("reads %s as %i minor units", (text, minor) => {
    expect(parseAmount(text)).toEqual({ ok: true, minor });
  });

  it.each(["", "  "])("says an empty %j is empty", (text) => {
    expect(parseAmount(text)).toEqual({ ok: false, reason: "empty" });
  });

  it.each(["abc", "1.23.45", "12,34.56,7", "1,2345", "28€", "1e3", "1.234.5", "2..5"])("refuses %s rather than guess", (text) => {
    expect(parseAmount(text)).toEqual({ ok: false, reason: "format" });
  });

  it("refuses a negative amount where only positive ones make sense, and reads signed ones where they do", () => {
    expect(parseAmount("-5")).toEqual({ ok: false, reason: "negative" });
    expect(parseSigned("-5,00")).toEqual({ ok: true, minor: -500 });
    expect(parseSigned("−2.5")).toEqual({ ok: true, minor: -250 });
    expect(parseSigned("7")).toEqual({ ok: true, minor: 700 });
  });

  it("knows currencies without cents", () => {
    expect(parseAmount("1500", 0)).toEqual({ ok: true, minor: 1500 });
    expect(parseAmount("1.500", 0)).toEqual({ ok: true, minor: 1500 });
    expect(parseAmount("15,5", 0)).toEqual({ ok: false, reason: "format" });
  });

  it("writes an amount back as the language writes it, and reads it again", () => {
    for (const locale of ["en-GB", "ru", "es-ES", "de-DE"]) {
      const text = formatPlain(123456, locale);
      expect(parseAmount(text)).toEqual({ ok: true, minor: 123456 });
    }
    expect(formatPlain(2850, "es-ES")).toBe("28,50");
    expect(formatPlain(2850, "en-GB")).toBe("28.50");
  });
});
