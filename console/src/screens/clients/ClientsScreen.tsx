// Clients: found by any word of the name or by phone in any format, or listed by lifecycle status
// with the reason in words; a new client added here.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, explain, fieldErrors, ok } from "../../api/client";
import { Dialog, Field, FormError } from "../../components/ui";
import { date, money, t, type Key } from "../../i18n";
import { may, salon, say } from "../../state";
import { ContactFields } from "./ContactFields";
import { reasonInWords } from "./words";

const STATUSES = ["new", "active", "at_risk", "lapsed", "lost", "won_back"] as const;

interface Row {
  id: string;
  name: string;
  phone: string;
  status?: string;
  reason?: string;
  visits: number;
  last?: string | null;
  spent: number;
  tier?: string;
}

export function ClientsScreen() {
  const { route } = useLocation();
  const q = useSignal(new URLSearchParams(location.search).get("q") ?? "");
  const status = useSignal("");
  const lastVisit = useSignal<"" | "30" | "30-90" | "90">("");
  const tier = useSignal("");
  const tierNames = ((salon.value?.settings as { loyalty?: { tiers?: { name: string }[] } } | undefined)?.loyalty?.tiers ?? []).map((x) => x.name);
  const rows = useSignal<Row[] | null>(null);
  const problem = useSignal("");
  const adding = useSignal(false);

  async function search() {
    problem.value = "";
    const text = q.value.trim();
    try {
      if (text) {
        const found = (await ok(api.GET("/v1/admin/clients", { params: { query: { q: text } } }))).clients;
        rows.value = found
          .filter((c) => !status.value || (c.lifecycle as { status?: string } | null)?.status === status.value)
          .map((c) => ({
            id: c.id, name: c.name, phone: c.phone ?? "", status: (c.lifecycle as { status?: string } | null)?.status,
            reason: reasonInWords(c), visits: c.stats.visits, last: c.stats.last_visit_at, spent: c.stats.total_spent,
          }));
      } else if (status.value && may("retention.read")) {
        const list = await ok(api.GET("/v1/admin/retention/clients", { params: { query: { status: status.value as (typeof STATUSES)[number] } } }));
        rows.value = list.clients.map((c) => ({
          id: c.client_id, name: c.name, phone: c.phone, status: c.status,
          reason: reasonInWords({ lifecycle: { status: c.status, cadence_days: c.cadence_days }, stats: { last_visit_at: c.last_visit_at } as never }),
          visits: c.visits, last: c.last_visit_at, spent: c.total_spent,
        }));
      } else rows.value = null;
      const listed = rows.value;
      if (listed?.length && may("loyalty.read")) {
        const found = await ok(api.GET("/v1/admin/loyalty/tiers", { params: { query: { ids: listed.slice(0, 100).map((r) => r.id).join(",") } } }));
        if (rows.value === listed) rows.value = listed.map((r) => ({ ...r, tier: found.tiers[r.id]?.name }));
      }
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void search(), [status.value]);

  return (
    <section aria-labelledby="clients-title">
      <div class="toolbar">
        <h1 id="clients-title">{t("clients.title")}</h1>
        <form class="toolbar-row" role="search" onSubmit={(e) => { e.preventDefault(); void search(); }}>
          <Field label={t("clients.search")} hint={t("clients.searchHint")}
            input={{ type: "search", name: "q", value: q.value, autoComplete: "off", onInput: (e) => (q.value = e.currentTarget.value) }} />
          {may("retention.read") && (
            <Field label={t("clients.status")} hint={t("client.filterHint")}>
              {({ id, describedBy }) => (
                <select id={id} name="status" aria-describedby={describedBy} value={status.value} onChange={(e) => (status.value = e.currentTarget.value)}>
                  <option value="">{t("clients.anyStatus")}</option>
                  {STATUSES.map((s) => <option value={s}>{t(`lifecycle.${s}` as Key)}</option>)}
                </select>
              )}
            </Field>
          )}
          <Field label={t("clients.lastVisitFilter")}>
            {({ id }) => (
              <select id={id} name="last_visit" value={lastVisit.value} onChange={(e) => (lastVisit.value = e.currentTarget.value as "")}>
                <option value="">{t("clients.anyTime")}</option>
                <option value="30">{t("clients.within30")}</option>
                <option value="30-90">{t("clients.between")}</option>
                <option value="90">{t("clients.over90")}</option>
              </select>
            )}
          </Field>
          {may("loyalty.read") && tierNames.length > 1 && (
            <Field label={t("clients.tier")}>
              {({ id }) => (
                <select id={id} name="tier" value={tier.value} onChange={(e) => (tier.value = e.currentTarget.value)}>
                  <option value="">{t("clients.anyTier")}</option>
                  {tierNames.map((n) => <option value={n}>{n}</option>)}
                </select>
              )}
            </Field>
          )}
          <div class="field end">
            <button type="submit">{t("common.search")}</button>
          </div>
          {may("clients.create") && (
            <div class="field end">
              <button type="button" class="secondary" onClick={() => (adding.value = true)}>{t("clients.add")}</button>
            </div>
          )}
        </form>
      </div>
      <FormError text={problem.value} />
      {rows.value === null && <p class="muted">{t("clients.typeToSearch")}</p>}
      {shownRows(rows.value, lastVisit.value, tier.value)?.length === 0 && <p class="muted">{t("clients.none")}</p>}
      {rows.value && (shownRows(rows.value, lastVisit.value, tier.value)?.length ?? 0) > 0 && (
        <ul class="client-list">
          {shownRows(rows.value, lastVisit.value, tier.value)!.map((r) => (
            <li>
              <a href={`/clients/${r.id}`} class="client-row">
                <span class="client-name">{r.name}</span>
                <span class="muted">{r.phone}</span>
                {r.status && <span class={`badge lifecycle-${r.status}`}>{t(`lifecycle.${r.status}` as Key)}</span>}
                {r.tier && <span class="badge tier">{r.tier}</span>}
                <span class="muted">
                  {t("clients.visits", { count: r.visits })} · {t("clients.lastVisit")}: {r.last ? date(r.last) : t("clients.never")} · {money(r.spent)}
                </span>
                {r.reason && <span class="muted reason">{r.reason}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
      <Dialog title={t("client.add")} open={adding.value} onClose={() => (adding.value = false)} wide>
        {adding.value && <NewClient onAdded={(id) => { adding.value = false; route(`/clients/${id}`); }} />}
      </Dialog>
    </section>
  );
}

const DAY = 86_400_000;

/** The rows in the chosen tier and within the chosen time since the last visit. */
function shownRows(rows: Row[] | null, since: "" | "30" | "30-90" | "90", tier: string): Row[] | null {
  if (!rows) return rows;
  const now = Date.now();
  return rows.filter((r) => {
    if (tier && r.tier !== tier) return false;
    if (!since) return true;
    const days = r.last ? (now - Date.parse(r.last)) / DAY : Infinity;
    return since === "30" ? days <= 30 : since === "30-90" ? days > 30 && days <= 90 : days > 90;
  });
}

function NewClient({ onAdded }: { onAdded: (id: string) => void }) {
  const v = useSignal({ name: "", phone: "", email: "", birthday: "", notes: "", marketing: false });
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  async function save(ev: Event) {
    ev.preventDefault();
    const e: Record<string, string> = {};
    if (!v.value.name.trim()) e.name = t("common.required");
    if (!v.value.phone.trim()) e.phone = t("common.required");
    errors.value = e;
    if (Object.keys(e).length) return;
    try {
      const c = await ok(api.POST("/v1/admin/clients", {
        body: {
          name: v.value.name.trim(), phone: v.value.phone.trim(), email: v.value.email.trim() || null, birthday: v.value.birthday || null,
          notes: v.value.notes.trim() || null, marketing_consent: v.value.marketing, tags: [],
        },
      }));
      say(t("client.added", { name: c.name }));
      onAdded(c.id);
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <ContactFields v={v} errors={errors.value} />
      <Field label={t("client.notes")} optional error={errors.value.notes}>
        {({ id }) => <textarea id={id} name="notes" rows={2} maxLength={2000} value={v.value.notes} onInput={(e) => (v.value = { ...v.value, notes: e.currentTarget.value })} />}
      </Field>
      <label class="check">
        <input type="checkbox" name="marketing" checked={v.value.marketing} onChange={(e) => (v.value = { ...v.value, marketing: e.currentTarget.checked })} />
        {t("client.marketing")}
      </label>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit">{t("common.save")}</button></div>
    </form>
  );
}
