// The audit trail: who changed what in the salon, and when, newest first: a client's data exported or
// erased, bonus adjusted by hand, the salon's settings, services and staff changed, segments and
// campaigns saved or cancelled, the team changed. Read-only; filtered by day range and kind.
import { useComputed, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiError, explain, ok, type Schemas } from "../../api/client";
import { Field, FormError, Scroll } from "../../components/ui";
import { has, money, t, when } from "../../i18n";
import { serviceById, staffById } from "../../state";
import { actionGroup, fieldWords, GROUPS, who, type Group } from "./words";

type Entry = Schemas["AuditEntryOut"];
const LIMIT = 500;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RANGE_HINT = "audit-range-hint";

export function AuditScreen() {
  // empty: the application's own year up to its today (the server's clock, which a local clock moved
  // forward is ahead of the browser's)
  const from = useSignal("");
  const to = useSignal("");
  const group = useSignal<Group | "all">("all");
  const entries = useSignal<Entry[] | null>(null);
  const names = useSignal<Record<string, string | null>>({});
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);

  async function load(ev?: Event) {
    ev?.preventDefault();
    const e: Record<string, string> = {};
    if (from.value && !DAY.test(from.value)) e.from = t("audit.err.day");
    if (to.value && !DAY.test(to.value)) e.to = t("audit.err.day");
    if (!e.from && !e.to && from.value && to.value && from.value > to.value) e.to = t("audit.err.order");
    errors.value = e;
    problem.value = "";
    if (Object.keys(e).length) return;
    busy.value = true;
    try {
      const answer = await ok(api.GET("/v1/admin/audit", { params: { query: { ...(from.value ? { from: from.value } : {}), ...(to.value ? { to: to.value } : {}), limit: LIMIT } } }));
      entries.value = answer.entries;
      void loadNames(answer.entries);
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) {
        errors.value = Object.fromEntries(err.fields.map((f) => [f.field === "to" ? "to" : "from", t("audit.err.day")]));
      }
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  /** The clients the entries name, each read once: an erased client is said to be erased. */
  async function loadNames(list: Entry[]) {
    const ids = [...new Set(list.map((e) => e.client_id).filter((id): id is string => !!id && !(id in names.value)))];
    for (let i = 0; i < ids.length; i += 6) {
      const found = await Promise.all(
        ids.slice(i, i + 6).map(async (id) => {
          const r = await api.GET("/v1/admin/clients/{client_id}", { params: { path: { client_id: id } } });
          return [id, r.data && !r.data.erased_at ? r.data.name : null] as const;
        }),
      );
      names.value = { ...names.value, ...Object.fromEntries(found) };
    }
  }
  useEffect(() => void load(), []);

  const shown = useComputed(() => (entries.value ?? []).filter((e) => group.value === "all" || actionGroup(e.action) === group.value));
  const list = entries.value;
  return (
    <section aria-labelledby="audit-title" class="insights">
      <div class="toolbar">
        <h1 id="audit-title">{t("audit.title")}</h1>
        <p class="muted">{t("audit.lead")}</p>
        <form class="toolbar-row audit-filters" onSubmit={load} noValidate>
          <Field label={t("audit.from")} error={errors.value.from} describedBy={RANGE_HINT}
            input={{ type: "date", name: "from", value: from.value, onInput: (e) => (from.value = e.currentTarget.value) }} />
          <Field label={t("audit.to")} error={errors.value.to} describedBy={RANGE_HINT}
            input={{ type: "date", name: "to", value: to.value, onInput: (e) => (to.value = e.currentTarget.value) }} />
          <div class="field end">
            <button type="submit" id="audit-show" disabled={busy.value}>{t("audit.show")}</button>
          </div>
        </form>
        {/* under both dates, not under the first: a hint inside one field would set it lower than the other */}
        <p id={RANGE_HINT} class="hint">{t("audit.range.hint")}</p>
      </div>
      <FormError text={problem.value} />
      {list && (
        <>
          <div class="toolbar-row audit-filters">
            <Field label={t("audit.kind")}>
              {({ id }) => (
                <select id={id} name="kind" value={group.value} onChange={(e) => (group.value = e.currentTarget.value as Group | "all")}>
                  <option value="all">{t("audit.kind.all")}</option>
                  {GROUPS.map((g) => (
                    <option value={g}>{t(`audit.kind.${g}`)}</option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <p class="muted" aria-live="polite" id="audit-count">
            {list.length >= LIMIT ? t("audit.newest", { count: LIMIT }) : t("audit.count", { count: shown.value.length })}
          </p>
          {shown.value.length ? (
            <Scroll label={t("audit.title")}>
              <table class="audit">
                <thead>
                  <tr>
                    <th scope="col">{t("audit.col.when")}</th>
                    <th scope="col">{t("audit.col.what")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.value.map((e) => (
                    <tr key={e.id} data-action={e.action}>
                      <td>
                        <span class="when">{when(e.at)}</span>
                        <span class="who muted">{who(e.by)}</span>
                      </td>
                      <td>
                        <strong class="what">{has(`audit.action.${e.action}`) ? t(`audit.action.${e.action}` as never) : t("audit.action.other")}</strong>
                        <span class="detail">
                          {e.client_id && <ClientLink id={e.client_id} name={names.value[e.client_id]} />}
                          <Detail entry={e} />
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          ) : (
            <p id="audit-empty">{t("audit.empty")}</p>
          )}
        </>
      )}
    </section>
  );
}

function ClientLink({ id, name }: { id: string; name: string | null | undefined }) {
  if (name === null) return <span class="muted">{t("audit.erasedClient")} </span>;
  return (
    <>
      <a href={`/clients/${id}`}>{name ?? t("audit.aClient")}</a>{" "}
    </>
  );
}

/** What the entry's detail says, in words: the figures and names, never the raw keys. */
function Detail({ entry }: { entry: Entry }) {
  const d = entry.detail as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  switch (entry.action) {
    case "loyalty.adjusted": {
      const amount = Number(d.amount ?? 0);
      return <span>{t(amount < 0 ? "audit.detail.debited" : "audit.detail.credited", { amount: money(Math.abs(amount)) })}</span>;
    }
    case "loyalty.paid_above_price": {
      const paid = Number(d.paid_amount ?? 0) + Number(d.bonus_amount ?? 0);
      return <span>{t("audit.detail.paidAbovePrice", { paid: money(paid), price: money(Number(d.price ?? 0)) })}</span>;
    }
    case "client.invited": {
      const amount = Number(d.bonus_amount ?? 0);
      return <span>{amount ? t("audit.detail.credited", { amount: money(amount) }) : ""}</span>;
    }
    case "client.erased":
      return <span>{d.reason ? t("audit.detail.reason", { reason: str(d.reason) }) : ""}</span>;
    case "client.exported":
      return <span>{t("audit.detail.exported")}</span>;
    case "salon.updated": {
      const fields = [...((d.fields as string[] | undefined) ?? []).filter((f) => f !== "settings"), ...((d.settings as string[] | undefined) ?? [])];
      return <span>{fields.length ? t("audit.detail.changed", { fields: fields.map(fieldWords).join(", ") }) : ""}</span>;
    }
    case "service.created":
    case "service.updated": {
      const name = serviceById.value.get(str(d.service_id))?.name ?? t("audit.aService");
      const changed = Object.keys((d.changes as Record<string, unknown> | undefined) ?? {});
      return <span>{entry.action === "service.created" || !changed.length ? name : `${name}: ${t("audit.detail.changed", { fields: changed.map(fieldWords).join(", ") })}`}</span>;
    }
    case "staff.created":
    case "staff.updated": {
      const name = staffById.value.get(str(d.staff_id))?.name ?? t("audit.aStaffMember");
      const changed = ((d.fields as string[] | undefined) ?? []);
      return <span>{entry.action === "staff.created" || !changed.length ? name : `${name}: ${t("audit.detail.changed", { fields: changed.map(fieldWords).join(", ") })}`}</span>;
    }
    case "segment.saved":
    case "segment.deleted":
    case "campaign.created":
    case "campaign.cancelled":
      return <span>{str(d.name) ? `«${str(d.name)}»` : ""}</span>;
    case "team.invited":
    case "team.removed":
      return <span>{`${str(d.email)}${d.role ? `: ${roleWords(str(d.role))}` : ""}`}</span>;
    case "team.role_changed":
      return <span>{`${str(d.email)}: ${roleWords(str(d.previous))} → ${roleWords(str(d.role))}`}</span>;
    default:
      return null;
  }
}

const roleWords = (role: string) => (has(`role.${role}`) ? t(`role.${role}` as never) : role);
