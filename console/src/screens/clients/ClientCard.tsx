// A client's card: contact, birthday, language, notes, tags, consents with their evidence; visits with
// staff, service and amount, the upcoming ones; messages with their fate and cost; feedback;
// defections; bonus (balance, what burns when, the ledger, an adjustment by hand with a reason). Edit,
// book again, message, export and erase, each shown only to the roles that may.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api, definitelyRefused, explain, fieldErrors, ok, type ClientDetail, type Loyalty, type Schemas } from "../../api/client";
import { Dialog, Field, FormError, Scroll, Status } from "../../components/ui";
import { date, fractionDigits, has, LANGUAGE_NAMES, LANGUAGES, money, percent, plainDate, t, when, type Key } from "../../i18n";
import { parseSigned } from "../../lib/amount";
import { may, say, serviceById, staffById } from "../../state";
import { BookingDialog, type BookingDraft } from "../calendar/BookingDialog";
import { ContactFields } from "./ContactFields";
import { MessageForm } from "./MessageForm";
import { reasonInWords } from "./words";

type History = Schemas["ClientHistoryOut"];
type Ledger = Schemas["LedgerOut"];
type Action = "edit" | "adjust" | "message" | "erase" | null;
const word = (prefix: string, code: string | null | undefined) => (code && has(`${prefix}.${code}`) ? t(`${prefix}.${code}` as Key) : t("common.unknown"));

export function ClientCard() {
  const { params } = useRoute();
  const id = params.id;
  const client = useSignal<ClientDetail | null>(null);
  const history = useSignal<History | null>(null);
  const bonus = useSignal<Loyalty | null>(null);
  const ledger = useSignal<Ledger | null>(null);
  const problem = useSignal("");
  const action = useSignal<Action>(null);
  const booking = useSignal<BookingDraft | null>(null);

  async function load() {
    try {
      const path = { params: { path: { client_id: id } } };
      const [c, h, l, g] = await Promise.all([
        ok(api.GET("/v1/admin/clients/{client_id}", path)),
        may("clients.history") ? ok(api.GET("/v1/admin/clients/{client_id}/history", path)) : null,
        may("loyalty.read") ? ok(api.GET("/v1/admin/clients/{client_id}/loyalty", path)) : null,
        may("loyalty.read") ? ok(api.GET("/v1/admin/clients/{client_id}/ledger", path)) : null,
      ]);
      client.value = c;
      history.value = h;
      bonus.value = l;
      ledger.value = g;
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void load(), [id]);

  async function exportData() {
    try {
      const data = await ok(api.GET("/v1/admin/clients/{client_id}/export", { params: { path: { client_id: id } } }));
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      link.download = `client-${id}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
      say(t("client.exportDone"));
    } catch (err) {
      say(explain(err), "error");
    }
  }

  const c = client.value;
  if (!c) return <section>{problem.value ? <FormError text={problem.value} /> : <p>{t("common.loading")}</p>}</section>;
  const now = Date.now();
  const past = c.appointments.filter((a) => Date.parse(a.start) <= now || !["booked", "confirmed"].includes(a.status));
  const upcoming = c.appointments.filter((a) => Date.parse(a.start) > now && ["booked", "confirmed"].includes(a.status));
  const status = (c.lifecycle as { status?: string } | null)?.status;
  const marketing = (c.consents as Record<string, { granted?: boolean; at?: string; source?: string } | undefined>).marketing;
  const last = past.find((a) => a.status === "completed") ?? past[0];
  const erased = Boolean(c.erased_at);

  return (
    <section aria-labelledby="client-title" class="client-card">
      <div class="toolbar">
        <h1 id="client-title">{erased ? t("client.erased") : c.name}</h1>
        <p class="muted">
          {status && <span class={`badge lifecycle-${status}`}>{t(`lifecycle.${status}` as Key)}</span>} {reasonInWords(c)} ·{" "}
          {t("client.stats", { visits: c.stats.visits, noShows: c.stats.no_shows, spent: money(c.stats.total_spent) })}
        </p>
        {!erased && (
          <div class="actions">
            {may("appointments.book") && (
              <button type="button" onClick={() => (booking.value = { clientId: c.id, clientLabel: `${c.name}, ${c.phone}`, serviceId: last?.service_id, staffId: last?.staff_id })}>
                {t("book.again")}
              </button>
            )}
            {may("clients.update") && <button type="button" class="secondary" onClick={() => (action.value = "edit")}>{t("client.edit")}</button>}
            {may("loyalty.adjust") && <button type="button" class="secondary" onClick={() => (action.value = "adjust")}>{t("client.adjust")}</button>}
            {may("clients.message") && <button type="button" class="secondary" onClick={() => (action.value = "message")}>{t("client.message")}</button>}
            {may("clients.export") && <button type="button" class="secondary" id="client-export" onClick={exportData}>{t("client.export")}</button>}
            {may("clients.erase") && <button type="button" class="danger" onClick={() => (action.value = "erase")}>{t("client.erase")}</button>}
          </div>
        )}
      </div>
      <div class="cards">
        <article class="card" aria-labelledby="h-contact">
          <h2 id="h-contact">{t("client.contact")}</h2>
          <dl class="facts">
            <dt>{t("clients.phone")}</dt><dd id="client-phone">{c.phone}</dd>
            <dt>{t("client.email")}</dt><dd>{c.email ?? "—"}</dd>
            <dt>{t("client.birthday")}</dt><dd>{c.birthday ? plainDate(c.birthday) : "—"}</dd>
            <dt>{t("client.locale")}</dt><dd>{c.locale ? LANGUAGE_NAMES[c.locale.slice(0, 2) as "en"] ?? c.locale : "—"}</dd>
            <dt>{t("client.tags")}</dt><dd id="client-tags">{c.tags.length ? c.tags.join(", ") : "—"}</dd>
            <dt>{t("client.notes")}</dt><dd id="client-notes" class="notes">{c.notes || "—"}</dd>
            <dt>{t("client.consent.marketing")}</dt>
            <dd>
              {marketing?.at
                ? t(marketing.granted ? "client.consent.granted" : "client.consent.withdrawn", { date: date(marketing.at), source: word("consentSource", marketing.source) })
                : t("client.consent.never")}
            </dd>
          </dl>
          {history.value && (history.value.preferences as { services?: string[] }).services?.length ? (
            <p id="client-usually">
              {t("client.usually", {
                services: (history.value.preferences as { services: string[] }).services.join(", "),
                staff: ((history.value.preferences as { staff?: string[] }).staff ?? []).join(", ") || "—",
              })}
            </p>
          ) : null}
          <p class="muted">{t("client.since", { date: date(c.created_at) })}</p>
        </article>
        {bonus.value && (
          <article class="card" aria-labelledby="h-bonus">
            <h2 id="h-bonus">{t("client.loyalty")}</h2>
            <p class="big" id="client-balance">{money(bonus.value.balance, bonus.value.currency)}</p>
            <p class="muted">{t("client.tier", { name: bonus.value.tier.name, rate: percent(bonus.value.tier.rate_bp) })}</p>
            {bonus.value.lots.length > 0 && (
              <ul class="plain">
                {bonus.value.lots.map((l) => <li>{t("client.lotBurns", { amount: money(l.remaining, bonus.value!.currency), date: date(l.expires_at) })}</li>)}
              </ul>
            )}
            {ledger.value && ledger.value.entries.length > 0 && (
              <details>
                <summary>{t("client.ledger")}</summary>
                <Scroll label={t("client.ledger")}><table>
                  <thead><tr><th scope="col">{t("client.date")}</th><th scope="col">{t("client.reason")}</th><th scope="col">{t("client.amount")}</th></tr></thead>
                  <tbody>
                    {ledger.value.entries.map((e) => (
                      <tr><td>{date(e.created_at)}</td><td>{word("ledger", e.kind)}{e.kind === "adjustment" && e.reason ? `: ${e.reason}` : ""}</td><td class="num">{money(e.amount, bonus.value!.currency)}</td></tr>
                    ))}
                  </tbody>
                </table></Scroll>
              </details>
            )}
          </article>
        )}
      </div>
      <article class="card" aria-labelledby="h-upcoming">
        <h2 id="h-upcoming">{t("client.upcoming")}</h2>
        <Visits rows={upcoming} label={t("client.upcoming")} />
      </article>
      <article class="card" aria-labelledby="h-visits">
        <h2 id="h-visits">{t("client.visits")}</h2>
        <Visits rows={past} label={t("client.visits")} />
      </article>
      <article class="card" aria-labelledby="h-messages">
        <h2 id="h-messages">{t("client.messages")}</h2>
        {c.messages.length === 0 ? <p class="muted">{t("client.noMessages")}</p> : (
          <Scroll label={t("client.messages")}><table>
            <thead><tr><th scope="col">{t("client.date")}</th><th scope="col">{t("client.purpose")}</th><th scope="col">{t("client.channel")}</th><th scope="col">{t("client.fate")}</th><th scope="col">{t("client.cost")}</th></tr></thead>
            <tbody>
              {c.messages.slice(0, 30).map((m) => (
                <tr title={m.text ?? ""}>
                  <td>{when(m.sent_at ?? m.created_at)}</td><td>{word("purpose", m.purpose)}</td><td>{m.channel ? channelName(m.channel) : "—"}</td>
                  <td>{word("message", m.status)}</td><td class="num">{m.cost_micros != null && m.cost_currency ? money(Math.round(m.cost_micros / 10 ** (6 - fractionDigits(m.cost_currency))), m.cost_currency) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table></Scroll>
        )}
      </article>
      {history.value && (
        <div class="cards">
          <article class="card" aria-labelledby="h-feedback">
            <h2 id="h-feedback">{t("client.feedback")}</h2>
            {history.value.feedback.length === 0 ? <p class="muted">{t("client.noFeedback")}</p> : (
              <ul class="plain">
                {(history.value.feedback as Array<{ rating: number; comment?: string | null; created_at: string; tip_amount?: number }>).map((f) => (
                  <li>{date(f.created_at)} · {t("client.rated", { rating: f.rating })}{f.comment ? ` · “${f.comment}”` : ""}{f.tip_amount ? ` · ${t("client.tip", { amount: money(f.tip_amount) })}` : ""}</li>
                ))}
              </ul>
            )}
          </article>
          <article class="card" aria-labelledby="h-defections">
            <h2 id="h-defections">{t("client.defections")}</h2>
            {history.value.defections.length === 0 ? <p class="muted">{t("client.noDefections")}</p> : (
              <ul class="plain">
                {(history.value.defections as Array<{ at: string; type: string; reason?: string | null }>).map((d) => (
                  <li>{date(d.at)} · {word("defection", d.type)}{d.reason ? ` · ${d.reason}` : ""}</li>
                ))}
              </ul>
            )}
          </article>
        </div>
      )}
      <Dialog title={t("client.edit")} open={action.value === "edit"} onClose={() => (action.value = null)} wide>
        {action.value === "edit" && <Edit c={c} onDone={async () => { action.value = null; say(t("common.saved")); await load(); }} />}
      </Dialog>
      <Dialog title={t("client.adjust")} open={action.value === "adjust"} onClose={() => (action.value = null)}>
        {action.value === "adjust" && <Adjust id={c.id} currency={bonus.value?.currency} onDone={async () => { action.value = null; say(t("client.adjustDone")); await load(); }} />}
      </Dialog>
      <Dialog title={t("client.message")} open={action.value === "message"} onClose={() => (action.value = null)}>
        {action.value === "message" && <MessageForm id={c.id} purpose="transactional" onDone={async () => { action.value = null; say(t("client.messageDone")); await load(); }} />}
      </Dialog>
      <Dialog title={t("client.eraseTitle", { name: c.name })} open={action.value === "erase"} onClose={() => (action.value = null)}>
        {action.value === "erase" && <Erase c={c} onDone={async () => { action.value = null; say(t("client.erased")); await load(); }} />}
      </Dialog>
      <BookingDialog draft={booking.value} onClose={() => (booking.value = null)} onBooked={() => { booking.value = null; void load(); }} />
    </section>
  );
}

const channelName = (c: string) => ({ sms: "SMS", whatsapp: "WhatsApp", telegram: "Telegram", push: "Push" })[c] ?? c;

function Visits({ rows, label }: { rows: ClientDetail["appointments"]; label: string }) {
  if (!rows.length) return <p class="muted">{t("client.noVisits")}</p>;
  return (
    <Scroll label={label}><table>
      <thead><tr><th scope="col">{t("table.when")}</th><th scope="col">{t("table.service")}</th><th scope="col">{t("table.staff")}</th><th scope="col">{t("table.status")}</th><th scope="col">{t("table.amount")}</th></tr></thead>
      <tbody>
        {rows.map((a) => (
          <tr>
            <td>{when(a.start)}</td><td>{serviceById.value.get(a.service_id)?.name}</td><td>{staffById.value.get(a.staff_id)?.name}</td>
            <td><Status value={a.status} /></td>
            <td class="num">{a.paid_amount != null ? money(a.paid_amount + (a.bonus_amount ?? 0), a.price.currency) : money(a.price.amount, a.price.currency)}</td>
          </tr>
        ))}
      </tbody>
    </table></Scroll>
  );
}

function Edit({ c, onDone }: { c: ClientDetail; onDone: () => unknown }) {
  const v = useSignal({ name: c.name, phone: c.phone ?? "", email: c.email ?? "", birthday: c.birthday ?? "", locale: c.locale ?? "", notes: c.notes ?? "", tags: c.tags.join(", ") });
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const set = (k: keyof typeof v.value) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement }) => (v.value = { ...v.value, [k]: e.currentTarget.value });
  async function save(ev: Event) {
    ev.preventDefault();
    if (!v.value.name.trim()) return void (errors.value = { name: t("common.required") });
    try {
      await ok(api.PATCH("/v1/admin/clients/{client_id}", {
        params: { path: { client_id: c.id } },
        body: {
          name: v.value.name.trim(), phone: v.value.phone.trim() || null, email: v.value.email.trim() || null, birthday: v.value.birthday || null,
          locale: v.value.locale || null, notes: v.value.notes, tags: v.value.tags.split(",").map((s) => s.trim()).filter(Boolean),
        },
      }));
      await onDone();
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <ContactFields v={v} errors={errors.value} />
      <div class="row">
        <Field label={t("client.locale")} error={errors.value.locale}>
          {({ id }) => (
            <select id={id} name="locale" value={v.value.locale} onChange={set("locale")}>
              <option value="">—</option>
              {LANGUAGES.map((l) => <option value={l} lang={l}>{LANGUAGE_NAMES[l]}</option>)}
            </select>
          )}
        </Field>
      </div>
      <Field label={t("client.tags")} hint={t("client.tagsHint")} error={errors.value.tags} input={{ name: "tags", value: v.value.tags, onInput: set("tags") }} />
      <Field label={t("client.notes")} error={errors.value.notes}>
        {({ id }) => <textarea id={id} name="notes" rows={3} maxLength={2000} value={v.value.notes} onInput={set("notes")} />}
      </Field>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit">{t("common.save")}</button></div>
    </form>
  );
}

function Adjust({ id, currency, onDone }: { id: string; currency?: string; onDone: () => unknown }) {
  const amount = useSignal("");
  const reason = useSignal("");
  const busy = useSignal(false);
  const key = useRef(crypto.randomUUID()); // one per adjustment: a second click credits once
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  async function save(ev: Event) {
    ev.preventDefault();
    const parsed = parseSigned(amount.value, fractionDigits(currency));
    const e: Record<string, string> = {};
    if (!parsed.ok || parsed.minor === 0) e.amount = parsed.ok || parsed.reason === "empty" ? t("common.required") : t("checkout.badAmount", { example: "5,00" });
    if (!reason.value.trim()) e.reason = t("common.required");
    errors.value = e;
    if (Object.keys(e).length || !parsed.ok) return;
    busy.value = true;
    try {
      await ok(api.POST("/v1/admin/clients/{client_id}/loyalty/adjustments", {
        params: { path: { client_id: id }, header: { "idempotency-key": key.current } }, body: { amount: parsed.minor, reason: reason.value.trim() },
      }));
      key.current = crypto.randomUUID();
      await onDone();
    } catch (err) {
      if (definitelyRefused(err)) key.current = crypto.randomUUID();
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <Field label={t("client.adjustAmount")} hint={t("client.adjustHint")} error={errors.value.amount}
        input={{ name: "amount", inputMode: "decimal", value: amount.value, onInput: (e) => (amount.value = e.currentTarget.value) }} />
      <Field label={t("client.adjustReason")} error={errors.value.reason} input={{ name: "reason", maxLength: 200, value: reason.value, onInput: (e) => (reason.value = e.currentTarget.value) }} />
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" disabled={busy.value}>{t("common.save")}</button></div>
    </form>
  );
}

function Erase({ c, onDone }: { c: ClientDetail; onDone: () => unknown }) {
  const typed = useSignal("");
  const error = useSignal("");
  const problem = useSignal("");
  async function save(ev: Event) {
    ev.preventDefault();
    if (typed.value.trim().toLocaleLowerCase() !== c.name.trim().toLocaleLowerCase()) return void (error.value = t("client.eraseMismatch"));
    try {
      await ok(api.POST("/v1/admin/clients/{client_id}/erase", { params: { path: { client_id: c.id } }, body: { reason: null } }));
      await onDone();
    } catch (err) {
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <p>{t("client.eraseLead")}</p>
      <Field label={t("client.eraseType")} error={error.value} input={{ name: "confirm", autoComplete: "off", value: typed.value, onInput: (e) => (typed.value = e.currentTarget.value) }} />
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" class="danger">{t("client.eraseDo")}</button></div>
    </form>
  );
}
