import { describe, expect, it } from "vitest";
import { csvField, csvName, toCsv } from "./csv";

describe("CSV for a spreadsheet", () => {
  it("quotes only the fields that need it, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField("")).toBe("");
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
  });

  it("writes numbers as numbers, with a dot, and nothing for a non-number", () => {
    expect(csvField(1234.5)).toBe("1234.5");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(true)).toBe("true");
  });

  it("keeps a name that looks like a formula from running", () => {
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("+7 900")).toBe("'+7 900");
    expect(csvField("=1,2")).toBe(`"'=1,2"`);
    expect(csvField("-5")).toBe("-5"); // a signed number is a number
    expect(csvField("+12,5")).toBe('"+12,5"');
  });

  it("starts with a BOM and ends every line with CRLF", () => {
    const text = toCsv(["Name", "Spent"], [["Анна", 2850], ["José, jr", null]]);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.slice(1)).toBe('Name,Spent\r\nАнна,2850\r\n"José, jr",\r\n');
    expect(new TextEncoder().encode(text).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it("an empty table is its header", () => {
    expect(toCsv(["a"], [])).toBe("\ufeffa\r\n");
  });

  it("names the file after the table", () => {
    expect(csvName("Visits / month")).toBe("visits-month.csv");
    expect(csvName("Когорты: кто вернулся")).toBe("когорты-кто-вернулся.csv");
    expect(csvName("  ")).toBe("table.csv");
  });
});
