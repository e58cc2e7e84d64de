// The retention desk, the first screen of the morning: the follow-ups to call back (with the unhappy
// answer that opened them), the clients slipping away by status (the reason built from their figures,
// with one-click booking and messages), and the defections with their reasons and their statistics as
// charts. Each section is shown only to a role that may read it; each action only to one that may do it.
import { signal, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiError, explain, fieldErrors, ok, type Schemas } from "../../api/client";
import { Dialog, Field, FormError, Scroll } from "../../components/ui";
import { currency, date, fractionDigits, has, money, number, salonZone, t, when, type Key } from "../../i18n";
import { parseAmount } from "../../lib/amount";
import { useSend } from "../../lib/send";
import { today } from "../../lib/zone";
import { may, say, serviceById, staffById } from "../../state";
import { BookingDialog, type BookingDraft } from "../calendar/BookingDialog";
import { MessageForm } from "../clients/MessageForm";
import { reasonInWords } from "../clients/words";
import { monthName } from "../insights/format";
import { BarChart, type Row } from "../../components/BarChart";
import { Waitlist } from "./Waitlist";

type Task = Schemas["TaskOut"];
type Feedback = Schemas["FeedbackOut"];
type Slipping = Schemas["RetentionClientOut"];
type Defection = Schemas["DefectionOut"];
type Stats = Schemas["DefectionStatsOut"];

const STATUSES = ["at_risk", "lapsed", "lost", "won_back"] as const;
const REASONS = ["price", "quality", "staff", "moved_away", "schedule", "other"] as const;
type Reason = (typeof REASONS)[number];
const TYPES = ["no_show", "late_cancellation", "cancelled_not_rebooked", "lapsed", "lost"];
const MONTH = /^(19|20)\d\d-(0[1-9]|1[0-2])$/;
const DEFECTIONS_SHOWN = 25;

/** Bumped when a follow-up is opened from the lists below, so that the follow-ups are read again. */
const tasksChanged = signal(0);

const word = (key: string) => (has(key) ? t(key) : t("common.unknown"));

// --- client names: tasks and defections carry only the client's id ---------------------------------
const names = new Map<string, Promise<string | null>>();
function nameOf(id: string): Promise<string | null> {
  if (!may("clients.read")) return Promise.resolve(null);
  let p = names.get(id);
  if (!p) {
    p = ok(api.GET("/v1/admin/clients/{client_id}", { params: { path: { client_id: id } } }))
      .then((c) => (c.erased_at ? null : c.name))
      .catch(() => null);
    names.set(id, p);
  }
  return p;
}

/** The names of these clients, a few requests at a time. */
async function namesOf(ids: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  const out: Record<string, string> = {};
  for (let i = 0; i < unique.length; i += 6) {
    const batch = unique.slice(i, i + 6);
    const got = await Promise.all(batch.map(nameOf));
    batch.forEach((id, j) => {
      if (got[j]) out[id] = got[j]!;
    });
  }
  return out;
}

function ClientLink({ id, name }: { id: string; name?: string }) {
  const label = name ?? t("retention.aClient");
  return may("clients.read") ? <a href={`/clients/${id}`} class="client-name">{label}</a> : <span class="client-name">{label}</span>;
}

export function RetentionScreen() {
  const tasks = may("tasks.read");
  const slipping = may("retention.read");
  const defections = may("defections.read");
  const waitlist = may("waitlist.read");
  return (
    <section aria-labelledby="retention-title" class="retention insights">
      <div class="toolbar">
        <h1 id="retention-title">{t("retention.title")}</h1>
      </div>
      <p class="muted">{t("retention.lead")}</p>
      {tasks && <FollowUps />}
      {waitlist && <Waitlist />}
      {slipping && <SlippingAway />}
      {defections && <Defections />}
    </section>
  );
}

// --- 1. follow-ups ------------------------------------------------------------------------------------
function FollowUps() {
  const list = useSignal<Task[] | null>(null);
  const feedback = useSignal<Feedback[]>([]);
  const who = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const closing = useSignal<Task | null>(null);

  async function load() {
    try {
      const [tk, fb] = await Promise.all([
        ok(api.GET("/v1/admin/tasks", { params: { query: { status: "open" } } })),
        may("feedback.read") ? ok(api.GET("/v1/admin/feedback")) : { feedback: [] },
      ]);
      feedback.value = fb.feedback.filter((f) => f.mood === "unhappy");
      list.value = tk.tasks;
      who.value = { ...who.value, ...(await namesOf(tk.tasks.map((x) => x.client_id))) };
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void load(), [tasksChanged.value]);

  const why = (task: Task) => {
    if (task.kind === "call_back") {
      return (
        <span>
          <strong>{t("retention.task.call_back")}</strong>
          {" · "}
          <q class="comment">{task.summary}</q>
        </span>
      );
    }
    const f =
      feedback.value.find((x) => task.appointment_id && x.appointment_id === task.appointment_id) ??
      feedback.value.find((x) => x.client_id === task.client_id);
    if (!f) return <span>{word(`retention.task.${task.kind}`) === t("common.unknown") ? t("retention.task.other") : word(`retention.task.${task.kind}`)}</span>;
    return (
      <span>
        <strong class="rating">{t("retention.why.rated", { rating: f.rating })}</strong>
        {" · "}
        {f.comment ? <q class="comment">{f.comment}</q> : <span class="muted">{t("retention.why.noComment")}</span>}
      </span>
    );
  };

  const rows = list.value;
  return (
    <article class="card" aria-labelledby="h-tasks" id="follow-ups">
      <h2 id="h-tasks">{t("retention.tasks")}</h2>
      <p class="muted">{t("retention.tasksLead")}</p>
      <FormError text={problem.value} />
      {!rows && !problem.value && <p>{t("common.loading")}</p>}
      {rows && rows.length === 0 && <p class="muted" id="tasks-none">{t("retention.noTasks")}</p>}
      {rows && rows.length > 0 && (
        <>
          <p id="tasks-count">{t("retention.tasksCount", { count: rows.length })}</p>
          <Scroll labelledBy="h-tasks">
            <table id="tasks">
              <thead>
                <tr>
                  <th scope="col">{t("retention.col.client")}</th><th scope="col">{t("retention.col.why")}</th><th scope="col">{t("retention.col.when")}</th>
                  {may("tasks.close") && <th scope="col"><span class="visually-hidden">{t("retention.col.actions")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((task) => (
                  <tr data-id={task.id}>
                    <td><ClientLink id={task.client_id} name={who.value[task.client_id]} /></td>
                    <td class="why">{why(task)}</td>
                    <td>{when(task.created_at)}</td>
                    {may("tasks.close") && (
                      <td>
                        <button type="button" class="secondary close-task" aria-label={`${t("retention.close")}: ${who.value[task.client_id] ?? t("retention.aClient")}`} onClick={() => (closing.value = task)}>
                          {t("retention.close")}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </>
      )}
      <Dialog
        title={t("retention.closeTitle", { name: closing.value ? (who.value[closing.value.client_id] ?? t("retention.aClient")) : "" })}
        open={closing.value !== null}
        onClose={() => (closing.value = null)}
      >
        {closing.value && (
          <CloseTask task={closing.value} onDone={async () => { closing.value = null; say(t("retention.closed")); await load(); }} />
        )}
      </Dialog>
    </article>
  );
}

function CloseTask({ task, onDone }: { task: Task; onDone: () => unknown }) {
  const note = useSignal("");
  const error = useSignal("");
  const problem = useSignal("");
  const busy = useSignal(false);
  async function save(ev: Event) {
    ev.preventDefault();
    problem.value = "";
    if (!note.value.trim()) return void (error.value = t("common.required"));
    error.value = "";
    busy.value = true;
    try {
      await ok(api.POST("/v1/admin/tasks/{task_id}/close", { params: { path: { task_id: task.id } }, body: { note: note.value.trim() } }));
      await onDone();
    } catch (err) {
      error.value = fieldErrors(err).note ?? "";
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }
  return (
    <form onSubmit={save} noValidate id="close-task-form">
      <Field label={t("retention.note")} hint={t("retention.noteHint")} error={error.value}>
        {({ id, describedBy, invalid }) => (
          <textarea id={id} name="note" rows={3} maxLength={2000} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            value={note.value} onInput={(e) => (note.value = e.currentTarget.value)} />
        )}
      </Field>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" id="close-task-do" disabled={busy.value}>{t("retention.closeDo")}</button></div>
    </form>
  );
}

// --- 2. clients slipping away -------------------------------------------------------------------------
function SlippingAway() {
  const status = useSignal<(typeof STATUSES)[number]>("at_risk");
  const list = useSignal<Slipping[] | null>(null);
  const complaints = useSignal<Map<string, string>>(new Map());
  const problem = useSignal("");
  const booking = useSignal<BookingDraft | null>(null);
  const writing = useSignal<Slipping | null>(null);
  const inviting = useSignal<Slipping | null>(null);
  const calling = useSignal<Slipping | null>(null);

  async function load() {
    problem.value = "";
    list.value = null;
    try {
      const [r, fb] = await Promise.all([
        ok(api.GET("/v1/admin/retention/clients", { params: { query: { status: status.value, limit: 100 } } })),
        may("feedback.read") && complaints.value.size === 0 ? ok(api.GET("/v1/admin/feedback")) : null,
      ]);
      if (fb) complaints.value = new Map(fb.feedback.filter((f) => f.mood === "unhappy").reverse().map((f) => [f.client_id, f.created_at]));
      list.value = r.clients;
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void load(), [status.value]);

  const reason = (c: Slipping) => {
    const complaint = complaints.value.get(c.client_id);
    const recent = complaint && (!c.last_visit_at || Date.parse(complaint) >= Date.parse(c.last_visit_at)) && c.status === "at_risk";
    return reasonInWords({
      lifecycle: { status: c.status, cadence_days: c.cadence_days ?? undefined, complaint: recent ? { at: complaint } : undefined },
      stats: { last_visit_at: c.last_visit_at },
    } as unknown as Parameters<typeof reasonInWords>[0]);
  };

  const rows = list.value;
  return (
    <article class="card" aria-labelledby="h-slipping" id="slipping">
      <h2 id="h-slipping">{t("retention.slipping")}</h2>
      <p class="muted">{t("retention.slippingLead")}</p>
      <div class="toolbar-row">
        <Field label={t("retention.status")}>
          {({ id }) => (
            <select id={id} name="status" value={status.value} onChange={(e) => (status.value = e.currentTarget.value as "at_risk")}>
              {STATUSES.map((s) => <option value={s}>{t(`lifecycle.${s}` as Key)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <FormError text={problem.value} />
      {!rows && !problem.value && <p>{t("common.loading")}</p>}
      {rows && (
        <p id="clients-count" aria-live="polite">{t("retention.clientsCount", { count: rows.length })}</p>
      )}
      {rows && rows.length > 0 && (
        <Scroll labelledBy="h-slipping">
          <table id="slipping-clients">
            <thead>
              <tr>
                <th scope="col">{t("retention.col.client")}</th><th scope="col">{t("retention.col.reason")}</th>
                <th scope="col" class="num">{t("retention.col.visits")}</th><th scope="col" class="num">{t("retention.col.spent")}</th>
                <th scope="col">{t("retention.col.last")}</th><th scope="col"><span class="visually-hidden">{t("retention.col.actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr data-id={c.client_id}>
                  <td><ClientLink id={c.client_id} name={c.name} /></td>
                  <td class="reason">{reason(c)}</td>
                  <td class="num visits">{number(c.visits)}</td>
                  <td class="num spent">{money(c.total_spent)}</td>
                  <td class="last">{c.last_visit_at ? date(c.last_visit_at) : t("retention.never")}</td>
                  <td class="row-actions">
                    {may("appointments.book") && (
                      <button type="button" class="secondary book" aria-label={t("retention.bookFor", { name: c.name })}
                        onClick={() => (booking.value = { clientId: c.client_id, clientLabel: c.name })}>
                        {t("retention.bookShort")}
                      </button>
                    )}
                    {may("clients.message") && (
                      <button type="button" class="secondary message" aria-label={t("retention.messageFor", { name: c.name })} onClick={() => (writing.value = c)}>
                        {t("retention.messageShort")}
                      </button>
                    )}
                    {may("clients.invite") && c.marketing && (
                      <button type="button" class="secondary invite" aria-label={t("retention.inviteFor", { name: c.name })} onClick={() => (inviting.value = c)}>
                        {t("retention.inviteShort")}
                      </button>
                    )}
                    {may("tasks.create") && (
                      <button type="button" class="secondary call" aria-label={t("retention.callFor", { name: c.name })} onClick={() => (calling.value = c)}>
                        {t("retention.callShort")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {rows && rows.length === 0 && <p class="muted">{t("retention.noClients")}</p>}
      <BookingDialog draft={booking.value} onClose={() => (booking.value = null)} onBooked={() => { booking.value = null; void load(); }} />
      <Dialog title={t("retention.messageTitle", { name: writing.value?.name ?? "" })} open={writing.value !== null} onClose={() => (writing.value = null)}>
        {writing.value && <MessageForm id={writing.value.client_id} purpose="marketing" onDone={() => { say(t("client.messageDone")); writing.value = null; }} />}
      </Dialog>
      <Dialog title={t("retention.inviteTitle", { name: inviting.value?.name ?? "" })} open={inviting.value !== null} onClose={() => (inviting.value = null)}>
        {inviting.value && <Invite id={inviting.value.client_id} onDone={() => (inviting.value = null)} />}
      </Dialog>
      <Dialog title={t("retention.callTitle", { name: calling.value?.name ?? "" })} open={calling.value !== null} onClose={() => (calling.value = null)}>
        {calling.value && <Call id={calling.value.client_id} onDone={() => { calling.value = null; tasksChanged.value += 1; }} />}
      </Dialog>
    </article>
  );
}

/** Invite the client back: the salon's win-back message in the client's language, an offer in words and
 * a bonus with its lifetime if the salon gives one (credited with the message, once). */
function Invite({ id, onDone }: { id: string; onDone: () => void }) {
  const offer = useSignal("");
  const bonus = useSignal("");
  const days = useSignal("30");
  const errors = useSignal<Record<string, string>>({});
  const { send, problem, busy } = useSend();
  async function save(ev: Event) {
    ev.preventDefault();
    const e: Record<string, string> = {};
    let amount = 0;
    if (bonus.value.trim()) {
      const parsed = parseAmount(bonus.value, fractionDigits());
      if (!parsed.ok) e.bonus = t("retention.err.amount");
      else amount = parsed.minor;
    }
    const lifetime = Number(days.value);
    if (amount && !(Number.isInteger(lifetime) && lifetime >= 1 && lifetime <= 730)) e.days = t("retention.err.days");
    errors.value = e;
    if (Object.keys(e).length) return;
    const sent = await send(
      (key) =>
        ok(
          api.POST("/v1/admin/clients/{client_id}/invitations", {
            params: { path: { client_id: id }, header: { "idempotency-key": key } },
            body: { offer: offer.value.trim(), bonus_amount: amount, bonus_lifetime_days: amount ? lifetime : 30 },
          }),
        ),
      (err) => (errors.value = fieldErrors(err, { bonus_amount: "bonus", bonus_lifetime_days: "days" })),
    );
    if (!sent) return;
    say(sent.bonus_amount ? t("retention.invitedWithBonus", { amount: money(sent.bonus_amount) }) : t("retention.invited"));
    onDone();
  }
  return (
    <form onSubmit={save} noValidate id="invite-form">
      <p class="muted">{t("retention.inviteLead")}</p>
      <Field label={t("retention.offer")} hint={t("retention.offerHint")} optional error={errors.value.offer}
        input={{ name: "offer", maxLength: 200, value: offer.value, onInput: (e) => (offer.value = e.currentTarget.value) }} />
      <div class="span-row">
        <Field label={t("retention.bonus", { currency: currency.value })} optional error={errors.value.bonus}
          input={{ name: "bonus", inputMode: "decimal", value: bonus.value, onInput: (e) => (bonus.value = e.currentTarget.value) }} />
        <Field label={t("retention.bonusDays")} error={errors.value.days}
          input={{ name: "days", type: "number", min: 1, max: 730, value: days.value, onInput: (e) => (days.value = e.currentTarget.value) }} />
      </div>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" id="invite-send" disabled={busy.value}>{t("retention.inviteSend")}</button></div>
    </form>
  );
}

/** Open a follow-up: a call to make, and why. */
function Call({ id, onDone }: { id: string; onDone: () => void }) {
  const summary = useSignal("");
  const error = useSignal("");
  const { send, problem, busy } = useSend();
  async function save(ev: Event) {
    ev.preventDefault();
    if (summary.value.trim().length < 3) return void (error.value = t("retention.err.summary"));
    error.value = "";
    const opened = await send(
      (key) =>
        ok(
          api.POST("/v1/admin/tasks", {
            params: { header: { "idempotency-key": key } },
            body: { client_id: id, summary: summary.value.trim() },
          }),
        ),
      (err) => (error.value = fieldErrors(err).summary ?? ""),
    );
    if (!opened) return;
    say(t("retention.callOpened"));
    onDone();
  }
  return (
    <form onSubmit={save} noValidate id="call-form">
      <Field label={t("retention.callWhy")} error={error.value}>
        {({ id: fid, describedBy, invalid }) => (
          <textarea id={fid} name="summary" rows={3} maxLength={500} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            value={summary.value} onInput={(e) => (summary.value = e.currentTarget.value)} />
        )}
      </Field>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" id="call-open" disabled={busy.value}>{t("retention.callOpen")}</button></div>
    </form>
  );
}

// --- 3. defections and their statistics ---------------------------------------------------------------
function monthsBack(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number);
  const i = y * 12 + (m - 1) - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

function Defections() {
  const thisMonth = today(salonZone.value).slice(0, 7);
  const from = useSignal(monthsBack(thisMonth, 11));
  const to = useSignal(thisMonth);
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const list = useSignal<Defection[] | null>(null);
  const stats = useSignal<Stats | null>(null);
  const who = useSignal<Record<string, string>>({});
  const giving = useSignal<Defection | null>(null);

  async function load(ev?: Event) {
    ev?.preventDefault();
    const e: Record<string, string> = {};
    if (!MONTH.test(from.value)) e.from = t("retention.err.month");
    if (!MONTH.test(to.value)) e.to = t("retention.err.month");
    if (!e.from && !e.to && from.value > to.value) e.from = t("retention.err.order");
    errors.value = e;
    problem.value = "";
    if (Object.keys(e).length) return;
    const query = { from: from.value, to: to.value };
    try {
      const [d, s] = await Promise.all([
        ok(api.GET("/v1/admin/defections", { params: { query: { ...query, limit: DEFECTIONS_SHOWN } } })),
        ok(api.GET("/v1/admin/defections/stats", { params: { query } })),
      ]);
      list.value = d.defections;
      stats.value = s;
      who.value = { ...who.value, ...(await namesOf(d.defections.map((x) => x.client_id))) };
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) errors.value = { from: t("retention.err.order") };
      problem.value = explain(err);
    }
  }
  useEffect(() => void load(), []);

  const rows = list.value;
  const nameFor = (d: Defection) => who.value[d.client_id] ?? t("retention.aClient");
  return (
    <>
      <article class="card" aria-labelledby="h-defections" id="defections">
        <h2 id="h-defections">{t("retention.defections")}</h2>
        <p class="muted">{t("retention.defectionsLead")}</p>
        <form class="toolbar-row" onSubmit={load} noValidate>
          <Field label={t("retention.from")} hint={t("retention.monthHint")} error={errors.value.from}
            input={{ type: "month", name: "from", value: from.value, onInput: (e) => (from.value = e.currentTarget.value) }} />
          <Field label={t("retention.to")} hint={t("retention.monthHint")} error={errors.value.to}
            input={{ type: "month", name: "to", value: to.value, onInput: (e) => (to.value = e.currentTarget.value) }} />
          <div class="field end"><button type="submit" id="defections-show">{t("retention.show")}</button></div>
        </form>
        <FormError text={problem.value} />
        {!rows && !problem.value && <p>{t("common.loading")}</p>}
        {rows && rows.length === 0 && <p class="muted">{t("retention.noDefections")}</p>}
        {rows && rows.length > 0 && (
          <Scroll labelledBy="h-defections">
            <table id="defection-list">
              <thead>
                <tr>
                  <th scope="col">{t("retention.col.date")}</th><th scope="col">{t("retention.col.client")}</th><th scope="col">{t("retention.col.type")}</th>
                  <th scope="col">{t("retention.col.staff")}</th><th scope="col">{t("retention.col.service")}</th><th scope="col">{t("retention.col.reason")}</th>
                  {may("defections.reason") && <th scope="col"><span class="visually-hidden">{t("retention.col.actions")}</span></th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr data-id={d.id}>
                    <td>{date(d.at)}</td>
                    <td><ClientLink id={d.client_id} name={who.value[d.client_id]} /></td>
                    <td class="type">{word(`defection.${d.type}`)}</td>
                    <td>{d.staff_id ? (staffById.value.get(d.staff_id)?.name ?? t("retention.staffGone")) : "—"}</td>
                    <td>{d.service_id ? (serviceById.value.get(d.service_id)?.name ?? t("retention.serviceGone")) : "—"}</td>
                    <td class="reason">
                      {d.reason ? word(`retention.reason.${d.reason}`) : <span class="muted">{t("retention.reasonUnknown")}</span>}
                      {d.reason && d.reason_source && has(`retention.source.${d.reason_source}`) && <span class="muted"> ({t(`retention.source.${d.reason_source}` as Key)})</span>}
                    </td>
                    {may("defections.reason") && (
                      <td>
                        <button type="button" class="secondary set-reason" aria-label={t("retention.setReasonFor", { name: nameFor(d) })} onClick={() => (giving.value = d)}>
                          {t("retention.setReason")}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        <Dialog title={t("retention.reasonTitle", { name: giving.value ? nameFor(giving.value) : "" })} open={giving.value !== null} onClose={() => (giving.value = null)}>
          {giving.value && <GiveReason d={giving.value} onDone={async () => { giving.value = null; say(t("retention.reasonSaved")); await load(); }} />}
        </Dialog>
      </article>
      {stats.value && <Statistics s={stats.value} />}
    </>
  );
}

function GiveReason({ d, onDone }: { d: Defection; onDone: () => unknown }) {
  const reason = useSignal<Reason | "">(REASONS.includes(d.reason as Reason) ? (d.reason as Reason) : "");
  const note = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  async function save(ev: Event) {
    ev.preventDefault();
    problem.value = "";
    if (!reason.value) return void (errors.value = { reason: t("common.required") });
    errors.value = {};
    try {
      await ok(api.PUT("/v1/admin/defections/{defection_id}/reason", {
        params: { path: { defection_id: d.id } },
        body: { reason: reason.value, note: note.value.trim() || null },
      }));
      await onDone();
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate id="reason-form">
      <p class="muted">{date(d.at)} · {word(`defection.${d.type}`)}</p>
      <Field label={t("retention.reasonField")} error={errors.value.reason}>
        {({ id, describedBy, invalid }) => (
          <select id={id} name="reason" aria-describedby={describedBy} aria-invalid={invalid || undefined} value={reason.value}
            onChange={(e) => { reason.value = e.currentTarget.value as Reason; errors.value = {}; }}>
            <option value="">{t("retention.choose")}</option>
            {REASONS.map((r) => <option value={r}>{t(`retention.reason.${r}` as Key)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t("retention.reasonNote")} optional error={errors.value.note}>
        {({ id, describedBy, invalid }) => (
          <textarea id={id} name="note" rows={2} maxLength={500} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            value={note.value} onInput={(e) => (note.value = e.currentTarget.value)} />
        )}
      </Field>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" id="reason-save">{t("common.save")}</button></div>
    </form>
  );
}

function Statistics({ s }: { s: Stats }) {
  const sorted = (counts: Record<string, number>, label: (k: string) => string, order?: readonly string[]): Row[] =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => (order ? order.indexOf(a) - order.indexOf(b) : y - x || a.localeCompare(b)))
      .map(([key, count]) => ({ key, count, label: label(key) }));
  const months = Object.keys(s.by_month).sort().map((m) => ({ key: m, count: s.by_month[m].total, label: monthName(m) }));
  return (
    <article class="card" aria-labelledby="h-stats" id="defection-stats">
      <h2 id="h-stats">{t("retention.stats")}</h2>
      <p id="stats-total">{t("retention.statsLead", { total: s.total, from: monthName(s.first_month), to: monthName(s.last_month) })}</p>
      <div class="charts">
        <BarChart id="chart-type" title={t("retention.byType")} what={t("retention.col.what")} valueLabel={t("retention.col.count")}
          rows={sorted(s.by_type, (k) => word(`defection.${k}`), TYPES)} />
        <BarChart id="chart-reason" title={t("retention.byReason")} what={t("retention.col.reason")} valueLabel={t("retention.col.count")}
          rows={sorted(s.by_reason, (k) => word(`retention.reason.${k}`), [...REASONS, "unknown"])} />
        <BarChart id="chart-staff" title={t("retention.byStaff")} what={t("retention.col.staff")} valueLabel={t("retention.col.count")}
          rows={sorted(s.by_staff, (k) => staffById.value.get(k)?.name ?? t("retention.staffGone"))} />
        <BarChart id="chart-service" title={t("retention.byService")} what={t("retention.col.service")} valueLabel={t("retention.col.count")}
          rows={sorted(s.by_service, (k) => serviceById.value.get(k)?.name ?? t("retention.serviceGone"))} />
        <BarChart id="chart-month" title={t("retention.byMonth")} what={t("retention.col.month")} valueLabel={t("retention.col.count")} rows={months} vertical />
      </div>
    </article>
  );
}
