// Every language says everything English says, with the same placeholders, as valid ICU messages.
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import es from "./es.json";
import ru from "./ru.json";

const placeholders = (message: string) =>
  [...new Set([...message.matchAll(/\{\s*([a-zA-Z]+)\s*(?:[,}])/g)].map((m) => m[1]))].sort();

describe.each([["ru", ru], ["es", es]] as const)("the %s catalog", (lang, catalog) => {
  it("has every key of the English one and no other", () => {
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
  });

  it("keeps each message's placeholders and parses as ICU", () => {
    for (const [key, message] of Object.entries(en)) {
      const translated = (catalog as Record<string, string>)[key];
      expect(placeholders(translated), key).toEqual(placeholders(message));
      expect(() => new IntlMessageFormat(translated, lang), key).not.toThrow();
    }
  });

  it("translates what has words to translate", () => {
    const same = Object.entries(en).filter(([key, message]) => (catalog as Record<string, string>)[key] === message && /[a-z]{3}/.test(message.replace(/\{[^}]*\}/g, "")));
    // brand and channel names are the same in every language
    expect(same.map(([key]) => key).filter((k) => !/^(app\.name|source\.(telegram|whatsapp))$/.test(k))).toEqual([]);
  });
});

it("plural forms follow each language's rules", () => {
  const visits = (catalog: Record<string, string>, lang: string, count: number) => new IntlMessageFormat(catalog["calendar.visits"], lang).format({ count });
  expect(visits(en, "en", 1)).toBe("1 visit");
  expect(visits(ru, "ru", 2)).toBe("2 записи");
  expect(visits(ru, "ru", 5)).toBe("5 записей");
  expect(visits(ru, "ru", 21)).toBe("21 запись");
  expect(visits(es, "es", 0)).toBe("Sin citas");
});
