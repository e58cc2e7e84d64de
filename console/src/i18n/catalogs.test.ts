// Every language says everything English says, with the same placeholders, as valid ICU messages.
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import auditEn from "../screens/audit/messages/en.json";
import auditEs from "../screens/audit/messages/es.json";
import auditRu from "../screens/audit/messages/ru.json";
import importEn from "../screens/import/messages/en.json";
import importEs from "../screens/import/messages/es.json";
import importRu from "../screens/import/messages/ru.json";
import insightsEn from "../screens/insights/messages/en.json";
import insightsEs from "../screens/insights/messages/es.json";
import insightsRu from "../screens/insights/messages/ru.json";
import retentionEn from "../screens/retention/messages/en.json";
import retentionEs from "../screens/retention/messages/es.json";
import retentionRu from "../screens/retention/messages/ru.json";
import settingsEn from "../screens/settings/messages/en.json";
import settingsEs from "../screens/settings/messages/es.json";
import settingsRu from "../screens/settings/messages/ru.json";
import mainEn from "./en.json";
import mainEs from "./es.json";
import mainRu from "./ru.json";

// The main catalogs and the screens' own, as the console merges them
const en: Record<string, string> = { ...mainEn, ...insightsEn, ...retentionEn, ...settingsEn, ...auditEn, ...importEn };
const ru: Record<string, string> = { ...mainRu, ...insightsRu, ...retentionRu, ...settingsRu, ...auditRu, ...importRu };
const es: Record<string, string> = { ...mainEs, ...insightsEs, ...retentionEs, ...settingsEs, ...auditEs, ...importEs };

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

it.each([["en", en], ["ru", ru], ["es", es]] as const)("the %s menu names each screen differently", (_, catalog) => {
  const names = Object.entries(catalog).filter(([key]) => key.startsWith("nav.")).map(([, name]) => name.toLowerCase());
  expect(names.length).toBeGreaterThan(5);
  expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
});

const SCREENS = [
  ["insights", insightsEn, insightsRu, insightsEs],
  ["retention", retentionEn, retentionRu, retentionEs],
  ["settings", settingsEn, settingsRu, settingsEs],
  ["import", importEn, importRu, importEs],
] as const;

it.each(SCREENS)("the %s catalogs use no key of the main ones nor of another screen's", (name, own) => {
  for (const key of Object.keys(own)) expect(key in mainEn, key).toBe(false);
  for (const [other, theirs] of SCREENS) if (other !== name) for (const key of Object.keys(own)) expect(key in theirs, key).toBe(false);
});

it.each(SCREENS)("the %s catalogs say everything in every language", (_, ownEn, ownRu, ownEs) => {
  expect(Object.keys(ownRu).sort()).toEqual(Object.keys(ownEn).sort());
  expect(Object.keys(ownEs).sort()).toEqual(Object.keys(ownEn).sort());
});

it("the retention desk's plurals in Russian", () => {
  const say = (key: string, values: Record<string, number | string>) => String(new IntlMessageFormat(ru[key], "ru").format(values));
  expect(say("retention.tasksCount", { count: 1 })).toBe("1 открытая задача");
  expect(say("retention.tasksCount", { count: 3 })).toBe("3 открытые задачи");
  expect(say("retention.clientsCount", { count: 11 })).toBe("11 клиентов");
  expect(say("retention.defectionsCount", { count: 21 })).toBe("21 потеря");
});

it("the campaigns' plurals and the placeholders shown beside the message", () => {
  const say = (catalog: Record<string, string>, key: string, lang: string, values: Record<string, number | string>) =>
    String(new IntlMessageFormat(catalog[key], lang).format(values));
  expect(say(en, "campaigns.groups", "en", { sent: 1, holdout: 3 })).toBe("1 client was chosen to get it, 3 were held out.");
  expect(say(ru, "campaigns.groups", "ru", { sent: 22, holdout: 5 })).toBe("22 клиента выбраны для рассылки, 5 в контрольной группе.");
  expect(say(ru, "analytics.snapshotLine", "ru", { when: "1 мая", clients: 21, statuses: "", bonus: "0 €" })).toContain("21 клиент ");
  const literal = Object.fromEntries(["name", "salon", "link", "bonus", "expires", "offer"].map((p) => [p, `{${p}}`]));
  for (const catalog of [en, ru, es]) {
    const hint = say(catalog, "campaigns.textHint", "en", literal);
    for (const p of Object.values(literal)) expect(hint).toContain(p);
  }
});

it("plural forms follow each language's rules", () => {
  const visits = (catalog: Record<string, string>, lang: string, count: number) => new IntlMessageFormat(catalog["calendar.visits"], lang).format({ count });
  expect(visits(en, "en", 1)).toBe("1 visit");
  expect(visits(ru, "ru", 2)).toBe("2 записи");
  expect(visits(ru, "ru", 5)).toBe("5 записей");
  expect(visits(ru, "ru", 21)).toBe("21 запись");
  expect(visits(es, "es", 0)).toBe("Sin citas");
});
