// A visit in a drawer: who, what, when, price, the client's status and its reason in words, the
// bonus balance, the notes; and what the role may do with it: confirm, move, cancel (with a reason,
// by the salon or not), no-show, check out (amount in the language's decimals, bonus within the
// balance and the salon's cap, the cashback to be earned shown before saving), refund with a reason.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api, explain, fieldErrors, ok, type Appointment, type ClientDetail, type Loyalty } from "../../api/client";
import { Dialog, Field, FormError, Status } from "../../components/ui";
import { fractionDigits, has, money, numberLocale, percent, salonZone, t, time, when, type Key } from "../../i18n";
import { formatPlain, parseAmount } from "../../lib/amount";
import { instantOf, wall } from "../../lib/zone";
import { may, salon, say, serviceById, staff, staffById } from "../../state";
import { reasonInWords } from "../clients/words";
import type { BookingDraft } from "./BookingDialog";

type Pane = "view" | "checkout" | "cancel" | "refund" | "move" | "no-show";

export function VisitDrawer(props: { id: string | null; onClose: () => void; onChanged: () => unknown; onBookAgain: (d: BookingDraft) => void }) {
  const visit = useSignal<Appointment | null>(null);
  const client = useSignal<ClientDetail | null>(null);
  const bonus = useSignal<Loyalty | null>(null);
  const pane = useSignal<Pane>("view");
  const problem = useSignal("");
  const shownId = useRef<string | null>(null); // the visit asked for last: an answer for another comes too late

  // The visit is shown with its client's facts, all at once: rows that came in later would push the
  // buttons down under a finger about to tap one of them.
  async function load(id: string) {
    problem.value = "";
    try {
      const a = await ok(api.GET("/v1/admin/appointments/{appointment_id}", { params: { path: { appointment_id: id } } }));
      let c: ClientDetail | null = null;
      let l: Loyalty | null = null;
      try {
        [c, l] = await Promise.all([
          ok(api.GET("/v1/admin/clients/{client_id}", { params: { path: { client_id: a.client_id } } })),
          may("loyalty.read") ? ok(api.GET("/v1/admin/clients/{client_id}/loyalty", { params: { path: { client_id: a.client_id } } })) : null,
        ]);
      } catch (err) {
        problem.value = explain(err); // the visit is still shown, and what it can do
      }
      if (shownId.current !== id) return;
      visit.value = a;
      client.value = c;
      bonus.value = l;
    } catch (err) {
      problem.value = explain(err);
    }
  }

  useEffect(() => {
    shownId.current = props.id;
    visit.value = null;
    client.value = null;
    bonus.value = null;
    pane.value = "view";
    if (props.id) void load(props.id);
  }, [props.id]);

  async function done(message: string) {
    say(message);
    pane.value = "view";
    await props.onChanged();
    if (props.id) await load(props.id);
  }

  const a = visit.value;
  const title =
    pane.value === "checkout" ? t("checkout.title") : pane.value === "cancel" ? t("cancel.title") : pane.value === "refund" ? t("refund.title")
    : pane.value === "move" ? t("visit.moveTitle") : t("visit.title");
  return (
    <Dialog title={title} open={props.id !== null} onClose={props.onClose} drawer>
      {!a && !problem.value && <p>{t("common.loading")}</p>}
      <FormError text={problem.value} />
      {a && pane.value === "view" && (
        <Details a={a} client={client.value} bonus={bonus.value} onPane={(p) => (pane.value = p)} onChanged={done} onBookAgain={props.onBookAgain} />
      )}
      {a && pane.value === "checkout" && <Checkout a={a} bonus={bonus.value} onBack={() => (pane.value = "view")} onDone={done} />}
      {a && pane.value === "cancel" && <Cancel a={a} onBack={() => (pane.value = "view")} onDone={done} />}
      {a && pane.value === "refund" && <Refund a={a} onBack={() => (pane.value = "view")} onDone={done} />}
      {a && pane.value === "move" && <Move a={a} onBack={() => (pane.value = "view")} onDone={done} />}
      {a && pane.value === "no-show" && <NoShow a={a} onBack={() => (pane.value = "view")} onDone={done} />}
    </Dialog>
  );
}

function Details(props: {
  a: Appointment; client: ClientDetail | null; bonus: Loyalty | null;
  onPane: (p: Pane) => void; onChanged: (m: string) => unknown; onBookAgain: (d: BookingDraft) => void;
}) {
  const { a, client, bonus } = props;
  const busy = useSignal(false);
  const active = a.status === "booked" || a.status === "confirmed";
  const status = (client?.lifecycle as { status?: string } | null)?.status;
  async function confirm() {
    busy.value = true;
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/confirm", { params: { path: { appointment_id: a.id } } }));
      await props.onChanged(t("visit.confirmed"));
    } catch (err) {
      say(explain(err), "error");
    } finally {
      busy.value = false;
    }
  }
  return (
    <div class="visit">
      <dl class="facts">
        <dt>{t("visit.client")}</dt>
        <dd>
          <a href={`/clients/${a.client_id}`} id="visit-client">{a.client_name ?? client?.name ?? t("common.unknown")}</a>
          {client?.phone && <span class="muted"> · {client.phone}</span>}
        </dd>
        {a.segments?.length > 1 ? (
          <>
            <dt>{t("visit.services")}</dt>
            <dd>
              <ol class="visit-services" id="visit-services">
                {a.segments.map((p) => (
                  <li>
                    {time(p.start)}–{time(p.end)} {serviceById.value.get(p.service_id)?.name} · {staffById.value.get(p.staff_id)?.name}
                  </li>
                ))}
              </ol>
            </dd>
          </>
        ) : (
          <>
            <dt>{t("visit.service")}</dt>
            <dd>{serviceById.value.get(a.service_id)?.name}</dd>
            <dt>{t("visit.staff")}</dt>
            <dd>{staffById.value.get(a.staff_id)?.name}</dd>
          </>
        )}
        <dt>{t("visit.when")}</dt>
        <dd>
          {when(a.start)}–{time(a.end)}
        </dd>
        <dt>{t("visit.price")}</dt>
        <dd>{money(a.price.amount, a.price.currency)}</dd>
        <dt>{t("visit.status")}</dt>
        <dd>
          <Status value={a.status} />
          {a.late_cancellation && <span class="muted"> · {t("visit.late")}</span>}
          {a.refunded_at && <span class="muted"> · {t("visit.refunded", { date: when(a.refunded_at) })}</span>}
        </dd>
        {a.source && (
          <>
            <dt>{t("visit.source")}</dt>
            <dd>{has(`source.${a.source}`) ? t(`source.${a.source}` as Key) : t("common.unknown")}</dd>
          </>
        )}
        {a.cancel_reason && (
          <>
            <dt>{t("visit.cancelReason")}</dt>
            <dd>{reasonWords(a)}</dd>
          </>
        )}
        {a.paid_amount != null && (
          <>
            <dt>{t("visit.paid")}</dt>
            <dd id="visit-paid">
              {money(a.paid_amount, a.price.currency)}
              {a.bonus_amount ? ` + ${money(a.bonus_amount, a.price.currency)} (${t("visit.paidWithBonus")})` : ""}
            </dd>
          </>
        )}
        {status && client && (
          <>
            <dt>{t("visit.clientStatus")}</dt>
            <dd>
              {t(`lifecycle.${status}` as Key)}
              <span class="muted"> · {reasonInWords(client)}</span>
            </dd>
          </>
        )}
        {bonus && (
          <>
            <dt>{t("visit.balance")}</dt>
            <dd id="visit-balance">{money(bonus.balance, bonus.currency)}</dd>
          </>
        )}
        <dt>{t("visit.notes")}</dt>
        <dd class="notes">{client?.notes || <span class="muted">{t("visit.noNotes")}</span>}</dd>
      </dl>
      <div class="actions">
        {active && a.status === "booked" && may("appointments.confirm") && (
          <button type="button" disabled={busy.value} onClick={confirm}>{t("visit.confirm")}</button>
        )}
        {active && may("appointments.complete") && <button type="button" onClick={() => props.onPane("checkout")}>{t("visit.checkout")}</button>}
        {active && may("appointments.move") && <button type="button" class="secondary" onClick={() => props.onPane("move")}>{t("visit.move")}</button>}
        {active && may("appointments.no_show") && <button type="button" class="secondary" onClick={() => props.onPane("no-show")}>{t("visit.noShow")}</button>}
        {active && may("appointments.cancel") && <button type="button" class="danger" onClick={() => props.onPane("cancel")}>{t("visit.cancel")}</button>}
        {a.status === "completed" && !a.refunded_at && may("appointments.refund") && (
          <button type="button" class="danger" onClick={() => props.onPane("refund")}>{t("visit.refund")}</button>
        )}
        {may("appointments.book") && (
          <button type="button" class="secondary" onClick={() => props.onBookAgain({ clientId: a.client_id, clientLabel: client ? `${client.name}, ${client.phone}` : a.client_name ?? "", serviceId: a.service_id, staffId: a.staff_id, more: a.segments?.slice(1).map((p) => ({ serviceId: p.service_id, staffId: p.staff_id })) })}>
            {t("book.again")}
          </button>
        )}
      </div>
    </div>
  );
}

function Checkout(props: { a: Appointment; bonus: Loyalty | null; onBack: () => void; onDone: (m: string) => unknown }) {
  const { a, bonus } = props;
  const digits = fractionDigits(a.price.currency);
  const paidText = useSignal(formatPlain(a.price.amount, numberLocale.value, digits));
  const paidTouched = useSignal(false);
  const bonusText = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const capPercent = (salon.value?.settings as { loyalty?: { redeem_cap_percent?: number } } | undefined)?.loyalty?.redeem_cap_percent ?? 0;
  const balance = bonus?.balance ?? 0;
  const paid = parseAmount(paidText.value, digits);
  const spent = bonusText.value.trim() ? parseAmount(bonusText.value, digits) : ({ ok: true, minor: 0 } as const);
  const bill = (paid.ok ? paid.minor : 0) + (spent.ok ? spent.minor : 0);
  const cap = Math.floor((bill * capPercent) / 100);
  function onBonus(text: string) {
    bonusText.value = text;
    errors.value = { ...errors.value, bonus_amount: "" };
    // the price stays the bill: what bonus pays, money does not, until the amount is typed by hand
    const b = text.trim() ? parseAmount(text, digits) : ({ ok: true, minor: 0 } as const);
    if (!paidTouched.value && b.ok) paidText.value = formatPlain(Math.max(0, a.price.amount - b.minor), numberLocale.value, digits);
  }
  const example = formatPlain(2850, numberLocale.value, digits);
  const earn = paid.ok && bonus ? Math.floor((paid.minor * bonus.tier.rate_bp) / 10000) : 0;

  function check(): { paid: number; bonus: number } | null {
    const e: Record<string, string> = {};
    if (!paid.ok) e.paid_amount = paid.reason === "negative" ? t("checkout.negative") : paid.reason === "empty" ? t("common.required") : t("checkout.badAmount", { example });
    if (!spent.ok) e.bonus_amount = spent.reason === "negative" ? t("checkout.negative") : t("checkout.badAmount", { example });
    else if (spent.minor > balance) e.bonus_amount = t("checkout.overBalance", { balance: money(balance, a.price.currency) });
    else if (spent.minor > cap) e.bonus_amount = t("checkout.overCap", { cap: money(cap, a.price.currency) });
    errors.value = e;
    return Object.keys(e).length || !paid.ok || !spent.ok ? null : { paid: paid.minor, bonus: spent.minor };
  }

  async function save(ev: Event) {
    ev.preventDefault();
    const amounts = check();
    if (!amounts) return;
    busy.value = true;
    problem.value = "";
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/complete", {
        params: { path: { appointment_id: a.id } },
        body: { paid_amount: amounts.paid, bonus_amount: amounts.bonus },
      }));
      await props.onDone(t("checkout.done", { amount: money(amounts.paid + amounts.bonus, a.price.currency) }));
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form class="checkout" onSubmit={save} noValidate>
      <p>
        {(a.segments?.length ? a.segments : [a]).map((p) => serviceById.value.get(p.service_id)?.name).join(" + ")} · {a.client_name} ·{" "}
        {money(a.price.amount, a.price.currency)}
      </p>
      <Field label={t("checkout.amount")} hint={t("checkout.amountHint")} error={errors.value.paid_amount}
        input={{ name: "paid", inputMode: "decimal", autoComplete: "off", value: paidText.value, onInput: (e) => { paidTouched.value = true; paidText.value = e.currentTarget.value; errors.value = { ...errors.value, paid_amount: "" }; } }} />
      {bonus && balance > 0 ? (
        <Field label={t("checkout.bonus")} optional error={errors.value.bonus_amount}
          hint={t("checkout.bonusHint", { balance: money(balance, a.price.currency), cap: money(Math.min(cap, balance), a.price.currency), percent: capPercent })}
          input={{ name: "bonus", inputMode: "decimal", autoComplete: "off", value: bonusText.value, placeholder: formatPlain(0, numberLocale.value, digits), onInput: (e) => onBonus(e.currentTarget.value) }} />
      ) : (
        <p class="muted">{t("checkout.noBonus")}</p>
      )}
      <p class="summary" aria-live="polite">
        <strong>{t("checkout.total")}: {money(bill, a.price.currency)}</strong>
        {bonus && <span id="checkout-earn"> · {t("checkout.earn", { amount: money(earn, a.price.currency), rate: percent(bonus.tier.rate_bp) })}</span>}
      </p>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" disabled={busy.value}>{t("checkout.save")}</button>
        <button type="button" class="secondary" onClick={props.onBack}>{t("common.back")}</button>
      </div>
    </form>
  );
}

function Cancel(props: { a: Appointment; onBack: () => void; onDone: (m: string) => unknown }) {
  const reason = useSignal("");
  const bySalon = useSignal(false);
  const problem = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  async function save(ev: Event) {
    ev.preventDefault();
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/cancel", {
        params: { path: { appointment_id: props.a.id } },
        body: { reason: reason.value.trim() || null, salon_initiated: bySalon.value },
      }));
      await props.onDone(t("cancel.done"));
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <p>{props.a.client_name} · {when(props.a.start)}</p>
      <Field label={t("cancel.reason")} hint={t("cancel.reasonHint")} optional error={errors.value.reason}>
        {({ id, describedBy, invalid }) => (
          <textarea id={id} name="reason" rows={3} maxLength={500} aria-describedby={describedBy} aria-invalid={invalid || undefined}
            value={reason.value} onInput={(e) => (reason.value = e.currentTarget.value)} />
        )}
      </Field>
      <label class="check">
        <input type="checkbox" name="salon_initiated" checked={bySalon.value} onChange={(e) => (bySalon.value = e.currentTarget.checked)} />
        {t("cancel.bySalon")}
      </label>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" class="danger">{t("cancel.do")}</button>
        <button type="button" class="secondary" onClick={props.onBack}>{t("cancel.keep")}</button>
      </div>
    </form>
  );
}

function Refund(props: { a: Appointment; onBack: () => void; onDone: (m: string) => unknown }) {
  const reason = useSignal("");
  const problem = useSignal("");
  async function save(ev: Event) {
    ev.preventDefault();
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/refund", {
        params: { path: { appointment_id: props.a.id } },
        body: { reason: reason.value.trim() || null },
      }));
      await props.onDone(t("refund.done"));
    } catch (err) {
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <p>{t("refund.lead")}</p>
      <Field label={t("refund.reason")} optional>
        {({ id, describedBy }) => (
          <textarea id={id} name="reason" rows={3} maxLength={500} aria-describedby={describedBy} value={reason.value} onInput={(e) => (reason.value = e.currentTarget.value)} />
        )}
      </Field>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" class="danger">{t("refund.do")}</button>
        <button type="button" class="secondary" onClick={props.onBack}>{t("common.back")}</button>
      </div>
    </form>
  );
}

function NoShow(props: { a: Appointment; onBack: () => void; onDone: (m: string) => unknown }) {
  const problem = useSignal("");
  async function save() {
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/no-show", { params: { path: { appointment_id: props.a.id } } }));
      await props.onDone(t("visit.noShowDone"));
    } catch (err) {
      problem.value = explain(err);
    }
  }
  return (
    <div>
      <p>{t("visit.noShowAsk", { client: props.a.client_name ?? "" })}</p>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="button" class="danger" onClick={save}>{t("visit.noShow")}</button>
        <button type="button" class="secondary" onClick={props.onBack}>{t("common.back")}</button>
      </div>
    </div>
  );
}

function Move(props: { a: Appointment; onBack: () => void; onDone: (m: string) => unknown }) {
  const start = wall(props.a.start, salonZone.value);
  const day = useSignal(start.slice(0, 10));
  const at = useSignal(start.slice(11, 16));
  const who = useSignal(props.a.staff_id);
  const several = props.a.segments?.length > 1; // moves as a whole, each service with its staff member
  const outside = useSignal(false);
  const problem = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  async function save(ev: Event) {
    ev.preventDefault();
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/move", {
        params: { path: { appointment_id: props.a.id } },
        body: { start: instantOf(`${day.value}T${at.value}`, salonZone.value), ...(several ? {} : { staff_id: who.value }), outside_hours: outside.value },
      }));
      await props.onDone(t("visit.moveDone"));
    } catch (err) {
      errors.value = fieldErrors(err, { start: "time" });
      problem.value = explain(err);
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <div class="row">
        <Field label={t("book.date")} input={{ type: "date", name: "date", value: day.value, onInput: (e) => (day.value = e.currentTarget.value) }} />
        <Field label={t("book.time")} error={errors.value.time} input={{ type: "time", name: "time", step: 300, value: at.value, onInput: (e) => (at.value = e.currentTarget.value) }} />
      </div>
      {several ? (
        <p class="muted">{t("visit.movesAsOne")}</p>
      ) : (
        <Field label={t("book.staff")}>
          {({ id }) => (
            <select id={id} name="staff" value={who.value} onChange={(e) => (who.value = e.currentTarget.value)}>
              {staff.value.map((s) => <option value={s.id}>{s.name}</option>)}
            </select>
          )}
        </Field>
      )}
      <label class="check">
        <input type="checkbox" checked={outside.value} onChange={(e) => (outside.value = e.currentTarget.checked)} />
        {t("book.outsideHours")}
      </label>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit">{t("visit.moveSave")}</button>
        <button type="button" class="secondary" onClick={props.onBack}>{t("common.back")}</button>
      </div>
    </form>
  );
}

/** The client's reason for a cancellation: the pick from the manage page's list in words, then their own. */
function reasonWords(a: Appointment): string {
  const cancelled = [...(a.history ?? [])].reverse().find((h) => h.action === "cancelled") as { reason_code?: string } | undefined;
  const code = cancelled?.reason_code;
  const picked = code && has(`visit.reason.${code}`) ? t(`visit.reason.${code}` as Key) : null;
  const own = a.cancel_reason && a.cancel_reason !== code ? a.cancel_reason : null;
  return [picked, own].filter(Boolean).join(": ") || (a.cancel_reason ?? "");
}
