// What a campaign's messages will cost, estimated before it is scheduled, from what the API gives:
// the preview's reachable count (clients with marketing consent on a channel that reaches them, not
// split by channel), the holdout share, the salon's channel order, and what each channel's messages
// really cost the salon lately (the analytics answer's messages by channel, over the last twelve
// months; marketing messages where there were any, else every purpose). The engine picks per client
// the first channel in the order that reaches them and is allowed, which the preview does not tell;
// so the estimate is a range: every recipient by the cheapest channel seen, and every one by the
// dearest. An SMS costs per billed part: the per-message cost seen is taken as a one-part message's,
// times the parts of the longest text, so the SMS figure errs high, never low.
import type { Channel } from "./segment";

export interface Seen {
  channel: string;
  purpose: string;
  count: number;
  cost: number; // minor units
}

export interface ChannelEstimate {
  channel: Channel;
  /** the salon's own cost of one message on this channel lately, in minor units; null: none sent */
  perMessage: number | null;
  /** what every recipient by this channel would cost */
  total: number | null;
  basis: "marketing" | "all" | "none";
}

export interface Estimate {
  recipients: number;
  held: number;
  channels: ChannelEstimate[];
  low: number | null;
  high: number | null;
  smsParts: number;
}

/** Expected sizes of the sent group and the holdout (the split is random per client). */
export function split(reachable: number, holdoutPercent: number): { recipients: number; held: number } {
  const held = Math.round((reachable * holdoutPercent) / 100);
  return { recipients: reachable - held, held };
}

export function estimate(reachable: number, holdoutPercent: number, order: Channel[], seen: Seen[], smsParts: number): Estimate {
  const { recipients, held } = split(reachable, holdoutPercent);
  const parts = Math.max(1, smsParts);
  const channels = order.map((channel): ChannelEstimate => {
    const rows = seen.filter((r) => r.channel === channel && r.count > 0);
    const marketing = rows.filter((r) => r.purpose === "marketing");
    const use = marketing.length ? marketing : rows;
    const count = use.reduce((a, r) => a + r.count, 0);
    if (!count) return { channel, perMessage: null, total: null, basis: "none" };
    const perMessage = (use.reduce((a, r) => a + r.cost, 0) / count) * (channel === "sms" ? parts : 1);
    return { channel, perMessage, total: perMessage * recipients, basis: marketing.length ? "marketing" : "all" };
  });
  const totals = channels.map((c) => c.total).filter((x): x is number => x !== null);
  return {
    recipients, held, channels, smsParts: parts,
    low: totals.length ? Math.min(...totals) : null,
    high: totals.length ? Math.max(...totals) : null,
  };
}
