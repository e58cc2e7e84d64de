// A client's lifecycle status and its reason, in the user's words, from the figures the API keeps
// (cadence, days since the last visit, a complaint) rather than from its English sentence.
import type { Client } from "../../api/client";
import { date, t } from "../../i18n";

type Lifecycle = { status?: string; cadence_days?: number; complaint?: { at: string } };

export function reasonInWords(c: Pick<Client, "lifecycle" | "stats">, now: Date = new Date()): string {
  const l = (c.lifecycle ?? {}) as Lifecycle;
  const last = c.stats?.last_visit_at;
  if (l.complaint?.at) return t("reason.complaint", { date: date(l.complaint.at) });
  if (!last) return t("reason.noVisit");
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(last)) / 86_400_000));
  if (l.cadence_days) return t("reason.cadence", { cadence: Math.round(l.cadence_days), days });
  return t("reason.since", { days });
}
