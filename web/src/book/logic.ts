// The booking page's rules that need no page: which day to open on, times by part of the day, and an
// API refusal in the client's words beside the field it is about.
import type { ApiError } from "../shared/api";
import type { Key } from "../shared/i18n";

export type DayState = "free" | "full" | "closed" | "past" | "beyond_horizon";
export interface Day {
  date: string;
  state: DayState;
  free_times: number;
}
export interface Slot {
  start: string;
  staff_id: string;
}
export type PartOfDay = "morning" | "afternoon" | "evening";

/** The day to show: the one asked for when it has free times, else the first day that has, else the
 * one asked for (its state says why it has none), else the first. */
export function openingDay(days: Day[], asked: string | null): string | null {
  const wanted = asked ? days.find((d) => d.date === asked) : undefined;
  if (wanted?.state === "free") return wanted.date;
  const first = days.find((d) => d.state === "free" && (!asked || d.date >= asked)) ?? days.find((d) => d.state === "free");
  return first?.date ?? wanted?.date ?? days[0]?.date ?? null;
}

/** The salon-local hour of an ISO time written with the salon's offset ("2026-12-07T17:30:00+01:00"). */
const hourOf = (iso: string) => Number(iso.slice(11, 13));

export function partOfDay(iso: string): PartOfDay {
  const h = hourOf(iso);
  return h < 12 ? "morning" : h < 17 ? "afternoon" : "evening";
}

/** Free times for "anyone": one per start (the first staff member free then), grouped by part of day. */
export function groupTimes(slots: Slot[], oneEach: boolean): [PartOfDay, Slot[]][] {
  const seen = new Set<string>();
  const groups: Record<PartOfDay, Slot[]> = { morning: [], afternoon: [], evening: [] };
  for (const s of slots) {
    if (oneEach && seen.has(s.start)) continue;
    seen.add(s.start);
    groups[partOfDay(s.start)].push(s);
  }
  return (["morning", "afternoon", "evening"] as PartOfDay[]).filter((p) => groups[p].length).map((p) => [p, groups[p]]);
}

export type FormField = "name" | "phone" | "email" | "code" | "form" | "days" | "parts" | "consent";
export interface Problem {
  field: FormField;
  key: Key;
  values?: Record<string, string | number>;
}

const FIELD_OF: Record<string, FormField> = {
  "client.name": "name",
  "client.phone": "phone",
  phone: "phone",
  "client.email": "email",
  code: "code",
};

/** What went wrong, in the client's words, and beside which field: every refusal the booking and the
 * code routes give (a field the API names goes to that field; the rest to the form). */
export function problems(err: ApiError): Problem[] {
  if (err.status === 429) {
    return [{ field: "form", key: "err.wait", values: { minutes: Math.max(1, Math.ceil((err.retryAfter || 60) / 60)) } }];
  }
  if (err.status === 0) return [{ field: "form", key: "err.offline" }];
  switch (err.code) {
    case "slot_taken":
    case "time_blocked":
      return [{ field: "form", key: "err.taken" }];
    case "too_soon":
      return [{ field: "form", key: "err.tooSoon" }];
    case "too_far":
      return [{ field: "form", key: "err.tooFar" }];
    case "not_a_slot":
      return [{ field: "form", key: "err.taken" }];
    case "invalid_phone":
      return [{ field: "phone", key: "err.phone" }];
    case "phone_country_not_accepted":
      return [{ field: "phone", key: "err.phoneCountry" }];
    case "wrong_code": {
      const left = Number(/(\d+)/.exec(err.fields[0]?.reason ?? "")?.[1] ?? 0);
      return [{ field: "code", key: left ? "err.wrongCode" : "err.codeSpent", values: { left } }];
    }
    case "code_expired":
    case "check_exhausted":
    case "check_used":
    case "check_not_found":
      return [{ field: "code", key: "err.codeSpent" }];
  }
  const named = err.fields
    .map((f): Problem | null => {
      const field = FIELD_OF[f.field];
      if (field === "name") return { field, key: "err.name" };
      if (field === "phone") return { field, key: "err.phone" };
      if (field === "email") return { field, key: "err.email" };
      if (field === "code") return { field, key: "err.code" };
      return null;
    })
    .filter((p): p is Problem => p !== null);
  return named.length ? named : [{ field: "form", key: "err.general" }];
}
