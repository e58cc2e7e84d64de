import { describe, expect, it } from "vitest";
import { ApiError } from "../shared/api";
import { contrast, brandColours } from "../shared/brand";
import { pickLanguage } from "../shared/i18n";
import { groupTimes, openingDay, partOfDay, problems, type Day } from "./logic";

const days = (states: Day["state"][]): Day[] =>
  states.map((state, i) => ({ date: `2026-12-0${i + 1}`, state, free_times: state === "free" ? 3 : 0 }));

describe("the day the page opens on", () => {
  it("is the day asked for when it has free times", () => {
    expect(openingDay(days(["free", "free"]), "2026-12-02")).toBe("2026-12-02");
  });
  it("is the first free day after a closed one asked for", () => {
    expect(openingDay(days(["closed", "full", "free", "free"]), "2026-12-01")).toBe("2026-12-03");
  });
  it("is the first free day when none is asked", () => {
    expect(openingDay(days(["past", "closed", "free"]), null)).toBe("2026-12-03");
  });
  it("stays on the day asked when nothing is free (its state says why)", () => {
    expect(openingDay(days(["closed", "beyond_horizon"]), "2026-12-02")).toBe("2026-12-02");
  });
});

describe("times by part of the day", () => {
  const slot = (hhmm: string, staff = "anna") => ({ start: `2026-12-07T${hhmm}:00+01:00`, staff_id: staff });
  it("splits at noon and five, in the salon's own hours", () => {
    expect(partOfDay(slot("11:45").start)).toBe("morning");
    expect(partOfDay(slot("12:00").start)).toBe("afternoon");
    expect(partOfDay(slot("17:00").start)).toBe("evening");
  });
  it("shows each time once for anyone, every member's when one is chosen", () => {
    const slots = [slot("10:00"), slot("10:00", "ben"), slot("18:30")];
    expect(groupTimes(slots, true)).toEqual([["morning", [slots[0]]], ["evening", [slots[2]]]]);
    expect(groupTimes(slots, false)[0][1]).toHaveLength(2);
  });
});

describe("refusals in the client's words", () => {
  it("puts a field the API names beside that field", () => {
    const err = new ApiError(422, { code: "invalid_input", fields: [{ field: "client.phone", reason: "String should have at least 3 characters" }] });
    expect(problems(err)).toEqual([{ field: "phone", key: "err.phone" }]);
  });
  it("counts the tries left of a wrong code", () => {
    const err = new ApiError(422, { code: "wrong_code", fields: [{ field: "code", reason: "wrong code; 4 tries left" }] });
    expect(problems(err)).toEqual([{ field: "code", key: "err.wrongCode", values: { left: 4 } }]);
  });
  it("says how long to wait after a limit", () => {
    expect(problems(new ApiError(429, { code: "rate_limited" }, 125))).toEqual([{ field: "form", key: "err.wait", values: { minutes: 3 } }]);
  });
});

describe("the page's language", () => {
  it("takes ?lang= first, then the client's choice, then the browser's (ru-RU is ru)", () => {
    expect(pickLanguage("es", "ru", ["en-GB"])).toBe("es");
    expect(pickLanguage(null, "ru", ["en-GB"])).toBe("ru");
    expect(pickLanguage(null, null, ["de-DE", "ru-RU", "en"])).toBe("ru");
    expect(pickLanguage("xx", null, ["fr-FR"])).toBe("en");
  });
});

describe("the salon's colour", () => {
  it("keeps text readable on it and as text on white", () => {
    for (const colour of ["#ffeb3b", "#6d35d6", "#00bcd4", "#111111", "not a colour"]) {
      const c = brandColours(colour);
      expect(contrast(c["--brand"], c["--on-brand"])).toBeGreaterThanOrEqual(4.5);
      expect(contrast(c["--brand-ink"], "#ffffff")).toBeGreaterThanOrEqual(4.5);
    }
  });
});
