import { describe, expect, it } from "vitest";
import { estimate, split } from "./estimate";

const seen = [
  { channel: "sms", purpose: "marketing", count: 100, cost: 80 },
  { channel: "sms", purpose: "transactional", count: 900, cost: 1800 },
  { channel: "telegram", purpose: "transactional", count: 50, cost: 0 },
  { channel: "whatsapp", purpose: "transactional", count: 10, cost: 50 },
];

describe("a campaign's cost before it is scheduled", () => {
  it("holds out the share asked, rounded", () => {
    expect(split(200, 10)).toEqual({ recipients: 180, held: 20 });
    expect(split(7, 15)).toEqual({ recipients: 6, held: 1 });
    expect(split(0, 10)).toEqual({ recipients: 0, held: 0 });
  });

  it("takes each channel's marketing cost where there is one, else every purpose's", () => {
    const e = estimate(100, 10, ["push", "telegram", "whatsapp", "sms"], seen, 1);
    const by = Object.fromEntries(e.channels.map((c) => [c.channel, c]));
    expect(by.sms).toMatchObject({ perMessage: 0.8, basis: "marketing" });
    expect(by.sms.total).toBeCloseTo(72);
    expect(by.whatsapp).toMatchObject({ perMessage: 5, total: 450, basis: "all" });
    expect(by.telegram).toMatchObject({ perMessage: 0, total: 0 });
    expect(by.push).toMatchObject({ perMessage: null, total: null, basis: "none" });
    expect(e.low).toBe(0);
    expect(e.high).toBe(450);
    expect(e.recipients).toBe(90);
  });

  it("bills an SMS per part of the longest text", () => {
    const e = estimate(10, 0, ["sms"], seen, 3);
    expect(e.channels[0].perMessage).toBeCloseTo(2.4);
    expect(e.high).toBeCloseTo(24);
  });

  it("says nothing it does not know", () => {
    const e = estimate(10, 0, ["push", "sms"], [], 1);
    expect(e.low).toBeNull();
    expect(e.high).toBeNull();
  });
});
