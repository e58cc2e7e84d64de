import { describe, expect, it } from "vitest";
import { conditionCount, draftOf, emptySegment, filterOf, tagsOf } from "./segment";

describe("the segment builder's filter", () => {
  it("an empty form names everyone", () => {
    expect(filterOf(emptySegment(), 2)).toEqual({ filter: {}, problems: {} });
  });

  it("reads every condition", () => {
    const d = {
      ...emptySegment(), lastAfter: "2026-01-01", lastBefore: "2026-06-01", daysMin: "30", daysMax: "365", visitsMin: "2",
      visitsMax: "40", spendMin: "100", spendMax: "1.234,50", averageMin: "20,5", averageMax: "80", bonusMin: "0", bonusMax: "50",
      lifecycle: ["lost", "at_risk"] as const, ltv: ["top"] as const, recency: [1, 2], frequency: [5], monetary: [4, 5],
      tiers: ["Gold"], services: ["cut"], staff: ["anna"], tags: " vip, bride ,vip", birthdays: [12, 3],
      consentPurpose: "marketing" as const, consentChannel: "sms" as const,
    };
    const { filter, problems } = filterOf({ ...d, lifecycle: [...d.lifecycle], ltv: [...d.ltv] }, 2);
    expect(problems).toEqual({});
    expect(filter).toEqual({
      last_visit_after: "2026-01-01", last_visit_before: "2026-06-01", days_since_visit_min: 30, days_since_visit_max: 365,
      visits_min: 2, visits_max: 40, spend_min: 10000, spend_max: 123450, average_spend_min: 2050, average_spend_max: 8000,
      bonus_min: 0, bonus_max: 5000, lifecycle: ["at_risk", "lost"], ltv_groups: ["top"], recency_scores: [1, 2],
      frequency_scores: [5], monetary_scores: [4, 5], tiers: ["Gold"], services: ["cut"], staff: ["anna"], tags: ["vip", "bride"],
      birthday_months: [3, 12], consent: { purpose: "marketing", channel: "sms" },
    });
    expect(conditionCount(filter)).toBe(23);
  });

  it("puts each problem beside its field and sends nothing for it", () => {
    const { filter, problems } = filterOf(
      { ...emptySegment(), daysMin: "3.5", visitsMin: "-1", spendMin: "abc", lastAfter: "2026-13-40", visitsMax: "5", tags: "x".repeat(41) },
      2,
    );
    expect(problems).toEqual({ daysMin: "whole", visitsMin: "whole", spendMin: "amount", lastAfter: "date", tags: "tag" });
    expect(filter).toEqual({ visits_max: 5 });
  });

  it("refuses a range whose low end is above its high end", () => {
    expect(filterOf({ ...emptySegment(), spendMin: "50", spendMax: "20" }, 2).problems).toEqual({ spendMax: "order" });
    expect(filterOf({ ...emptySegment(), lastAfter: "2026-02-01", lastBefore: "2026-02-01" }, 2).problems).toEqual({ lastBefore: "order" });
    expect(filterOf({ ...emptySegment(), visitsMin: "3", visitsMax: "3" }, 2).problems).toEqual({});
  });

  it("a consent with any channel", () => {
    expect(filterOf({ ...emptySegment(), consentPurpose: "transactional" }, 2).filter).toEqual({ consent: { purpose: "transactional", channel: null } });
  });

  it("tags are split on commas, each once", () => {
    expect(tagsOf("a, b,,a , c")).toEqual(["a", "b", "c"]);
    expect(filterOf({ ...emptySegment(), tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(",") }, 2).problems).toEqual({ tags: "tags" });
  });

  it("a saved segment comes back into the form as it was typed", () => {
    const saved = { spend_min: 123450, visits_min: 2, lifecycle: ["lost"], tags: ["vip", "bride"], consent: { purpose: "marketing", channel: null } };
    const d = draftOf(saved, 2, "es-ES");
    expect(d.spendMin).toBe("1234,50");
    expect(d.visitsMin).toBe("2");
    expect(d.tags).toBe("vip, bride");
    expect(d.consentChannel).toBe("");
    expect(filterOf(d, 2).filter).toEqual(saved);
  });
});
