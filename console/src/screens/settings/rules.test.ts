import { describe, expect, it } from "vitest";
import {
  getPath,
  joinQuiet,
  localField,
  move,
  readBasisPoints,
  readCallingCodes,
  readDecimal,
  readDuration,
  readMoney,
  readOffsets,
  readTiers,
  readWaves,
  readWhole,
  setPath,
  splitMinutes,
  splitQuiet,
} from "./rules";

describe("a value by its path in the settings", () => {
  it("is read and set without touching the rest", () => {
    const settings = { loyalty: { lifetime_days: 60, tiers: [1] }, quiet_hours: "21:00-09:00" };
    expect(getPath(settings, "loyalty.lifetime_days")).toBe(60);
    expect(getPath(settings, "protection.calling_codes")).toBeUndefined();
    const next = setPath(settings, "loyalty.lifetime_days", 90);
    expect(next).toEqual({ loyalty: { lifetime_days: 90, tiers: [1] }, quiet_hours: "21:00-09:00" });
    expect(settings.loyalty.lifetime_days).toBe(60);
    expect(next.loyalty.tiers).toBe(settings.loyalty.tiers);
    expect(setPath({}, "protection.sms_daily_parts", null)).toEqual({ protection: { sms_daily_parts: null } });
  });

  it("names the API's fields as the section does", () => {
    expect(localField("settings.loyalty.tiers.0.rate_bp")).toBe("loyalty.tiers.0.rate_bp");
    expect(localField("body.settings.quiet_hours")).toBe("quiet_hours");
  });
});

describe("numbers as typed", () => {
  it("reads whole numbers in the API's bounds and steps", () => {
    expect(readWhole("15", 5, 120, { step: 5 })).toEqual({ ok: true, value: 15 });
    expect(readWhole("17", 5, 120, { step: 5 })).toMatchObject({ ok: false, problem: { code: "step" } });
    expect(readWhole("0", 1, 365)).toMatchObject({ ok: false, problem: { code: "whole", min: 1, max: 365 } });
    expect(readWhole("1.5", 0, 10)).toMatchObject({ ok: false });
    expect(readWhole(" ", 1, 20, { optional: true })).toEqual({ ok: true, value: null });
    expect(readWhole("", 1, 20)).toMatchObject({ ok: false, problem: { code: "required" } });
  });

  it("reads decimals with a comma or a point, and percentages as basis points", () => {
    expect(readDecimal("1,5", 1, 5, 2)).toEqual({ ok: true, value: 1.5 });
    expect(readDecimal("5.01", 1, 5, 2)).toMatchObject({ ok: false });
    expect(readDecimal("1.255", 1, 5, 2)).toMatchObject({ ok: false });
    expect(readBasisPoints("7,5")).toEqual({ ok: true, value: 750 });
    expect(readBasisPoints("10")).toEqual({ ok: true, value: 1000 });
    expect(readBasisPoints("0,07")).toEqual({ ok: true, value: 7 });
    expect(readBasisPoints("101")).toMatchObject({ ok: false });
  });

  it("reads amounts as the desk types them, in minor units, up to the API's limit", () => {
    expect(readMoney("5,00", 2, 10_000_000)).toEqual({ ok: true, value: 500 });
    expect(readMoney("1.234,50", 2, 10_000_000)).toEqual({ ok: true, value: 123450 });
    expect(readMoney("", 2, 100, true)).toEqual({ ok: true, value: null });
    expect(readMoney("5,0,0", 2, 10_000_000)).toMatchObject({ ok: false, problem: { code: "amount" } });
    expect(readMoney("100001", 2, 10_000_000)).toMatchObject({ ok: false, problem: { code: "amountMax" } });
  });
});

describe("lengths of time", () => {
  it("are shown in the largest whole unit", () => {
    expect(splitMinutes(1440)).toEqual({ amount: 1, unit: "days" });
    expect(splitMinutes(120)).toEqual({ amount: 2, unit: "hours" });
    expect(splitMinutes(90)).toEqual({ amount: 90, unit: "minutes" });
    expect(splitMinutes(0)).toEqual({ amount: 0, unit: "minutes" });
  });

  it("are read in minutes inside the bounds", () => {
    expect(readDuration("1,5", "hours", 5, 43200)).toEqual({ ok: true, value: 90 });
    expect(readDuration("3", "days", 5, 43200)).toEqual({ ok: true, value: 4320 });
    expect(readDuration("31", "days", 5, 43200)).toMatchObject({ ok: false, problem: { code: "duration", min: 5, max: 43200 } });
    expect(readDuration("0.1", "minutes", 0, 100)).toMatchObject({ ok: false });
  });

  it("reminders: each once, largest first, each problem by its row", () => {
    const read = readOffsets([
      { amount: "2", unit: "hours" },
      { amount: "1", unit: "days" },
      { amount: "120", unit: "minutes" },
      { amount: "2", unit: "minutes" },
    ]);
    expect(read.minutes).toEqual([1440, 120]);
    expect(Object.keys(read.problems)).toEqual(["3"]);
  });

  it("quiet hours: two different times", () => {
    expect(splitQuiet("21:00-09:00")).toEqual(["21:00", "09:00"]);
    expect(splitQuiet("nonsense")).toBeNull();
    expect(joinQuiet("22:30", "08:00")).toEqual({ ok: true, value: "22:30-08:00" });
    expect(joinQuiet("08:00", "08:00")).toMatchObject({ ok: false, problem: { code: "sameTimes" } });
    expect(joinQuiet("", "08:00")).toMatchObject({ ok: false, problem: { code: "required" } });
  });
});

describe("lists", () => {
  it("calling codes with or without a plus, each once", () => {
    expect(readCallingCodes("+49, 34 +49")).toEqual(["49", "34"]);
    expect(readCallingCodes("")).toEqual([]);
    expect(readCallingCodes("+049")).toBeNull();
    expect(readCallingCodes("1234")).toBeNull();
  });

  it("the channels' order moves inside its ends", () => {
    expect(move(["push", "telegram", "sms"], 2, -1)).toEqual(["push", "sms", "telegram"]);
    expect(move(["push", "sms"], 0, -1)).toEqual(["push", "sms"]);
  });

  it("tiers: the first is everyone's, names differ, rates in basis points", () => {
    const read = readTiers(
      [
        { name: "Base", rate: "5", visits: "3", spend: "100" },
        { name: "Gold", rate: "10", visits: "8", spend: "1.000,00" },
      ],
      2,
    );
    expect(read.problems).toEqual({});
    expect(read.tiers).toEqual([
      { name: "Base", rate_bp: 500, min_visits: 0, min_spend: null },
      { name: "Gold", rate_bp: 1000, min_visits: 8, min_spend: 100000 },
    ]);
    const bad = readTiers(
      [
        { name: "Base", rate: "5", visits: "", spend: "" },
        { name: "base ", rate: "x", visits: "-1", spend: "" },
      ],
      2,
    );
    expect(Object.keys(bad.problems).sort()).toEqual(["1.min_visits", "1.name", "1.rate_bp"]);
    expect(bad.problems["1.name"]).toEqual({ code: "duplicate" });
    // a tier above the first with neither visits nor spend would be reached by no one: said beside it
    const none = readTiers(
      [
        { name: "Base", rate: "5", visits: "", spend: "" },
        { name: "VIP", rate: "15", visits: "", spend: "" },
        { name: "Spenders", rate: "10", visits: "0", spend: "5.000" },
      ],
      2,
    );
    expect(none.problems).toEqual({ "1.min_visits": { code: "tierCriterion" } });
    expect(none.tiers.map((x) => x.name)).toEqual(["Base", "Spenders"]);
  });

  it("win-back waves: later each time, bonus in minor units", () => {
    const read = readWaves(
      [
        { delay: "0", bonus: "", lifetime: "30", offer: " " },
        { delay: "14", bonus: "5,00", lifetime: "30", offer: "10 % off" },
        { delay: "14", bonus: "", lifetime: "30", offer: "" },
      ],
      2,
    );
    expect(read.waves.slice(0, 2)).toEqual([
      { delay_days: 0, bonus_amount: 0, bonus_lifetime_days: 30, offer: "" },
      { delay_days: 14, bonus_amount: 500, bonus_lifetime_days: 30, offer: "10 % off" },
    ]);
    expect(read.problems).toEqual({ "2.delay_days": "order" });
  });
});
