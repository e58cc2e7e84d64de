import { describe, expect, it } from "vitest";
import { checkTemplate, fillTemplate, insertPlaceholder, parseTemplate, readWhatsApp, withOverride } from "./templates";

const REMINDER = ["client_name", "salon_name", "service_name", "staff_name", "when", "date", "time", "price", "manage_link"];

// The cases the engine refuses (tests/unit/messaging/test_templates.py): the console refuses them first.
describe("a salon's own text", () => {
  it("is read as the engine reads it: placeholders and doubled braces", () => {
    expect(parseTemplate("Hi {client_name}, {{ok}}")).toEqual({ pieces: [{ text: "Hi " }, { name: "client_name" }, { text: ", {ok}" }] });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["Hi {client_name", "syntax"],
    ["Hi client_name}", "syntax"],
    ["Hi {client_name.upper}", "notPlain"],
    ["Hi {client_name!r}", "notPlain"],
    ["Hi {client_name:>9}", "notPlain"],
    ["Hi {}", "notPlain"],
    ["Hi {a{b}", "syntax"],
    ["Your bonus {amount}", "unknown"],
  ])("%j is refused (%s)", (text, code) => {
    expect(checkTemplate(text, REMINDER, 1000)?.code).toBe(code);
  });

  it("names every unknown placeholder once, and refuses a text too long", () => {
    expect(checkTemplate("{amount} {code} {amount}", REMINDER, 1000)).toEqual({ code: "unknown", names: ["amount", "code"] });
    expect(checkTemplate("x".repeat(1001), REMINDER, 1000)).toEqual({ code: "tooLong", max: 1000 });
    expect(checkTemplate("See you {when}, {client_name}! {{:)}}", REMINDER, 1000)).toBeNull();
  });

  it("is filled as the engine fills it: one space for a run, the ends trimmed", () => {
    expect(fillTemplate(" {client_name},  we miss you! {offer}Book: {link} ", { client_name: "Ana", offer: "", link: "x" })).toBe(
      "Ana, we miss you! Book: x",
    );
    expect(fillTemplate("{a} and {b}", { a: "1" })).toBe("1 and {b}");
  });

  it("gets a placeholder at the caret", () => {
    expect(insertPlaceholder("Hi !", "client_name", 3, 3)).toEqual({ text: "Hi {client_name}!", caret: 16 });
    expect(insertPlaceholder("Hi you!", "client_name", 3, 6)).toEqual({ text: "Hi {client_name}!", caret: 16 });
  });

  it("is kept per kind and language; the default is no override", () => {
    const one = withOverride({}, "reminder", "es", "Hola {client_name}");
    expect(one).toEqual({ reminder: { es: "Hola {client_name}" } });
    const two = withOverride(one, "reminder", "en", "Hi");
    expect(two).toEqual({ reminder: { es: "Hola {client_name}", en: "Hi" } });
    expect(one).toEqual({ reminder: { es: "Hola {client_name}" } });
    expect(withOverride(two, "reminder", "es", null)).toEqual({ reminder: { en: "Hi" } });
    expect(withOverride({ reminder: { es: "x" } }, "reminder", "es", null)).toEqual({});
  });
});

describe("an approved WhatsApp template", () => {
  it("is read with its parameters in order, or is none without a name", () => {
    expect(readWhatsApp(" reminder_v2 ", "es", "{client_name}, when  service_name", REMINDER)).toEqual({
      template: { name: "reminder_v2", language: "es", parameters: ["client_name", "when", "service_name"] },
      problems: {},
    });
    expect(readWhatsApp("", "es", "x", REMINDER)).toEqual({ template: null, problems: {} });
  });

  it("refuses what Meta's names and the kind's placeholders do not allow", () => {
    expect(readWhatsApp("Reminder V2", "es_ES", "amount", REMINDER).problems).toEqual({ name: "format", parameters: { unknown: ["amount"] } });
    expect(readWhatsApp("ok", "spanish!", "", REMINDER).problems).toEqual({ language: "format" });
    expect(readWhatsApp("ok", "", Array(11).fill("when").join(","), REMINDER).problems).toEqual({ parameters: "tooMany" });
  });
});
