// The client's page for one visit (the link in their messages): confirm; move it, with a confirmation
// step, to a free time of its staff member (its own time counts as free); cancel it with a reason; add
// it to a calendar (.ics, updated with the visit); on the link the client got, their bonus and what
// burns when, and the offers switch.
import { API, ApiError, call, el, type Schemas } from "../shared/api";
import { dayWords, moneyWords, t, timeWords, whenWords, type Key } from "../shared/i18n";
import { header, mount, useSalon } from "../shared/page";
import "../shared/styles.css";
import "./manage.css";

type View = Schemas["ManageOut"];
type Bonus = Schemas["LinkBonusOut"];
type Slot = Schemas["SlotOut"];
type Reason = NonNullable<Schemas["ManageCancelIn"]["reason_code"]>;
type Action = "confirm" | "cancel" | "reschedule" | "unsubscribe" | "subscribe";

export const REASONS: Reason[] = ["plans_changed", "unwell", "another_time", "another_salon", "price", "other"];
const token = new URLSearchParams(location.search).get("token") || "";
const path = (rest = "") => `/v1/manage/${encodeURIComponent(token)}${rest}`;

let view: View | null = null;
let bonus: Bonus | null = null;
let slots: Slot[] | null = null;
let day = "";
let picked: Slot | null = null; // the time chosen, waiting for the client's yes
let cancelling = false;
let reason: Reason | "" = "";
let reasonText = "";
let reasonError = "";
let message = "";
let failure = "";
let busy = false;
let focus = ""; // the element to take focus after the next draw

function words(err: unknown): string {
  if (!(err instanceof ApiError)) return t("err.general");
  if (err.status === 403) return err.code === "link_revoked" ? t("manage.err.revoked") : t("manage.invalid");
  if (err.status === 429) return t("err.wait", { minutes: Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60)) });
  if (err.status === 0) return t("err.offline");
  if (err.code === "slot_taken" || err.code === "time_blocked") return t("err.taken");
  if (err.code === "too_late") return t("manage.err.tooLate");
  if (err.code === "too_soon") return t("err.tooSoon");
  if (err.code === "too_far") return t("err.tooFar");
  return t("err.general");
}

const shiftDay = (d: string, by: number) => {
  const [y, m, dd] = d.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, dd + by)).toISOString().slice(0, 10);
};

function summary(v: View): HTMLElement {
  const a = v.appointment;
  return el("section", { class: "card", "aria-labelledby": "visit-title" },
    el("h2", { id: "visit-title" }, t("manage.title")),
    el("p", { id: "summary" }, t("manage.summary", { service: a.service_name, who: a.staff_name, when: whenWords(a.start), price: moneyWords(a.price) })),
    el("p", {}, `${t("manage.status")} `, el("span", { id: "status", class: `status ${a.status}`, "data-status": a.status }, t(`manage.s.${a.status}` as Key))),
    el("div", { class: "row" },
      v.actions.confirm ? el("button", { id: "confirm", type: "button", disabled: busy, onclick: () => act("confirm") }, t("manage.confirm")) : null,
      el("a", { id: "ics", class: "button secondary", href: API + path("/calendar"), download: "visit.ics" },
        a.status === "cancelled" ? t("manage.icsCancelled") : t("manage.ics"))),
    el("p", { id: "message", role: "status", "aria-live": "polite", tabindex: -1 }, message));
}

function mover(v: View): HTMLElement | null {
  if (!v.actions.reschedule) return null;
  const a = v.appointment;
  const date = el("input", { id: "date", type: "date", value: day, onchange: (e: Event) => pickDay((e.target as HTMLInputElement).value) });
  const list = slots === null
    ? el("p", { class: "muted" }, t("common.loading"))
    : slots.length === 0
      ? el("p", { id: "no-slots", class: "muted" }, t("manage.noTimes", { day: dayWords(day, "long") }))
      : el("div", { id: "slots", class: "times", role: "group", "aria-label": t("manage.timesOn", { day: dayWords(day, "long") }) },
        ...slots.map((s) => el("button", {
          type: "button", "data-start": s.start, "aria-pressed": String(picked?.start === s.start),
          onclick: () => { picked = s; message = ""; focus = "move-yes"; draw(); },
        }, timeWords(s.start))));
  const ask = picked
    ? el("div", { id: "move-ask", class: "ask", role: "group", "aria-labelledby": "move-ask-text" },
      el("p", { id: "move-ask-text" }, t("manage.moveAsk", { from: whenWords(a.start), to: whenWords(picked.start) })),
      el("div", { class: "row" },
        el("button", { id: "move-yes", type: "button", disabled: busy, onclick: () => act("reschedule", { start: picked!.start }) }, t("manage.moveYes")),
        el("button", { id: "move-no", type: "button", class: "secondary", onclick: () => { picked = null; focus = "date"; draw(); } }, t("manage.moveNo"))))
    : null;
  return el("section", { id: "reschedule", class: "card", "aria-labelledby": "move-title" },
    el("h2", { id: "move-title" }, t("manage.move")),
    el("p", { class: "muted small" }, t("manage.moveHint")),
    el("label", { for: "date" }, t("manage.day")),
    el("div", { class: "day-nav" },
      el("button", { type: "button", class: "secondary", id: "day-prev", "aria-label": t("manage.dayBefore"), onclick: () => pickDay(shiftDay(day, -1)) }, "‹"),
      date,
      el("button", { type: "button", class: "secondary", id: "day-next", "aria-label": t("manage.dayAfter"), onclick: () => pickDay(shiftDay(day, 1)) }, "›")),
    list, ask);
}

function canceller(v: View): HTMLElement | null {
  if (!v.actions.cancel) return null;
  if (!cancelling) {
    return el("section", { class: "card", "aria-labelledby": "cancel-title" },
      el("h2", { id: "cancel-title" }, t("manage.cancelTitle")),
      el("button", { id: "cancel", type: "button", class: "danger", onclick: () => { cancelling = true; focus = "reason-0"; draw(); } }, t("manage.cancel")));
  }
  const choices = el("fieldset", { id: "reasons", "aria-describedby": reasonError ? "reason-error" : undefined },
    el("legend", {}, t("manage.reasonAsk")),
    ...REASONS.map((r, i) => el("div", { class: "choice" },
      el("input", { type: "radio", name: "reason", id: `reason-${i}`, value: r, checked: reason === r, "aria-invalid": reasonError ? "true" : undefined,
        onchange: () => { reason = r; reasonError = ""; } }),
      el("label", { for: `reason-${i}` }, t(`manage.reason.${r}` as Key)))),
    reasonError ? el("p", { id: "reason-error", class: "error" }, reasonError) : null);
  const form = el("form", { id: "cancel-form", novalidate: true },
    choices,
    el("label", { for: "reason-text" }, t("manage.reasonText")),
    el("textarea", { id: "reason-text", rows: 2, maxlength: 500, oninput: (e: Event) => { reasonText = (e.target as HTMLTextAreaElement).value; } }, reasonText),
    el("div", { class: "row" },
      el("button", { id: "cancel-yes", type: "submit", class: "danger", disabled: busy }, t("manage.cancelYes")),
      el("button", { id: "cancel-no", type: "button", class: "secondary", onclick: () => { cancelling = false; focus = "cancel"; draw(); } }, t("manage.cancelNo"))));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!reason) {
      reasonError = t("manage.reasonMissing");
      focus = "reason-0";
      draw();
      return;
    }
    void act("cancel", { reason_code: reason, reason: reasonText.trim() || null });
  });
  return el("section", { class: "card", "aria-labelledby": "cancel-title" }, el("h2", { id: "cancel-title" }, t("manage.cancelTitle")), form);
}

function bonusCard(): HTMLElement | null {
  if (!bonus?.shown || bonus.balance === null || bonus.balance === undefined || !bonus.currency) return null;
  const money = (amount: number) => moneyWords({ amount, currency: bonus!.currency! });
  return el("section", { id: "bonus", class: "card", "aria-labelledby": "bonus-title" },
    el("h2", { id: "bonus-title" }, t("manage.bonus")),
    el("p", { id: "bonus-balance" }, bonus.balance > 0 ? t("manage.bonusBalance", { amount: money(bonus.balance) }) : t("manage.bonusNone")),
    bonus.burns?.length
      ? el("ul", { id: "bonus-burns", class: "plain" }, ...bonus.burns.map((b) => el("li", {}, t("manage.bonusBurns", { amount: money(b.amount), day: dayWords(b.day, "long") }))))
      : null);
}

function messagesCard(v: View): HTMLElement | null {
  const own = v.marketing !== null && v.marketing !== undefined;
  if (!own && !v.telegram_url) return null;
  return el("section", { class: "card", "aria-labelledby": "messages-title" },
    el("h2", { id: "messages-title" }, t("manage.messages")),
    own ? el("div", { class: "switch-row" },
      el("button", { id: "offers", type: "button", role: "switch", "aria-checked": String(Boolean(v.marketing)), "aria-describedby": "offers-state", disabled: busy,
        onclick: () => act(v.marketing ? "unsubscribe" : "subscribe") },
      el("span", { class: "knob", "aria-hidden": "true" }), t("manage.offers")),
      el("p", { id: "offers-state", class: "muted" }, v.marketing ? t("manage.offersOn") : t("manage.offersOff"))) : null,
    v.telegram_url ? el("p", {}, el("a", { id: "telegram", href: v.telegram_url, target: "_blank", rel: "noopener" }, t("book.telegram"))) : null);
}

function draw(): void {
  const app = document.getElementById("app")!;
  if (!view) {
    app.replaceChildren(header(t("manage.title")), el("main", {}, el("section", { class: "card" },
      el("p", { id: "summary", class: failure ? "error" : "muted", role: failure ? "alert" : undefined }, failure || t("common.loading")))));
    return;
  }
  app.replaceChildren(header(view.salon.name), el("main", {}, summary(view), mover(view), canceller(view), bonusCard(), messagesCard(view)));
  if (focus) {
    document.getElementById(focus)?.focus();
    focus = "";
  }
}

const DONE: Record<Action, Key> = {
  confirm: "manage.done.confirm", cancel: "manage.done.cancel", reschedule: "manage.done.reschedule",
  unsubscribe: "manage.done.unsubscribe", subscribe: "manage.done.subscribe",
};

async function act(action: Action, body?: unknown): Promise<void> {
  message = "";
  busy = true;
  draw();
  try {
    view = await call<View>("POST", path(`/${action}`), { body });
    message = action === "reschedule" ? t("manage.done.moved", { when: whenWords(view.appointment.start) }) : t(DONE[action]);
    if (action === "cancel") cancelling = false;
    if (action === "reschedule") {
      picked = null;
      await loadSlots();
    }
    focus = "message";
  } catch (err) {
    message = words(err);
    if (action === "reschedule") {
      picked = null;
      await loadSlots();
    }
  }
  busy = false;
  draw();
}

function pickDay(d: string): void {
  if (!d) return;
  day = d;
  picked = null;
  void loadSlots();
}

async function loadSlots(): Promise<void> {
  if (!view?.actions.reschedule || !day) return;
  slots = null;
  draw();
  try {
    slots = (await call<Schemas["ManageSlotsOut"]>("GET", path(`/slots?date=${day}`))).slots;
  } catch (err) {
    slots = [];
    message = words(err);
  }
  draw();
}

if (typeof document !== "undefined" && document.getElementById("app")) {
  mount(draw);
  call<View>("GET", path())
    .then(async (data) => {
      useSalon(data.salon);
      view = data;
      day = data.appointment.start.slice(0, 10);
      draw();
      const [found] = await Promise.all([
        call<Bonus>("GET", path("/bonus")).catch(() => null),
        data.actions.reschedule ? loadSlots() : Promise.resolve(),
      ]);
      bonus = found;
      draw();
    })
    .catch((err) => {
      failure = words(err);
      draw();
    });
}
