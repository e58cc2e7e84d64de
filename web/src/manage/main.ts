// The client's page for one visit (the link in their messages): confirm, cancel, move, offers.
import { ApiError, call, el, type Schemas } from "../shared/api";
import { moneyWords, t, timeWords, whenWords, type Key } from "../shared/i18n";
import { header, mount, useSalon } from "../shared/page";
import "../shared/styles.css";

type View = Schemas["ManageOut"];
type Action = "confirm" | "cancel" | "reschedule" | "unsubscribe" | "subscribe";
const token = new URLSearchParams(location.search).get("token") || "";
const path = (rest = "") => `/v1/manage/${encodeURIComponent(token)}${rest}`;
let view: View | null = null;
let slots: Schemas["SlotOut"][] = [];
let day = "";
let message = "";
let failure = "";

const words = (err: unknown) => (err instanceof ApiError && err.status === 403 ? t("manage.invalid") : t("err.general"));

function draw(): void {
  const app = document.getElementById("app")!;
  if (!view) {
    app.replaceChildren(header(t("manage.title")), el("main", {}, el("section", { class: "card" },
      el("p", { id: "summary", class: failure ? "error" : "muted" }, failure || t("common.loading")))));
    return;
  }
  const a = view.appointment;
  const own = view.marketing !== null && view.marketing !== undefined;
  const date = el("input", { id: "date", type: "date", value: day, onchange: (e: Event) => { day = (e.target as HTMLInputElement).value; loadSlots(); } });
  app.replaceChildren(
    header(view.salon.name),
    el("main", {},
      el("section", { class: "card" },
        el("p", { id: "summary" }, t("manage.summary", { service: a.service_name, who: a.staff_name, when: whenWords(a.start), price: moneyWords(a.price) })),
        el("p", {}, `${t("manage.status")} `, el("span", { id: "status", class: `status ${a.status}`, "data-status": a.status }, t(`manage.s.${a.status}` as Key))),
        el("div", { class: "row" },
          view.actions.confirm ? el("button", { id: "confirm", type: "button", onclick: () => act("confirm") }, t("manage.confirm")) : null,
          view.actions.cancel ? el("button", { id: "cancel", type: "button", class: "danger", onclick: () => { if (confirm(t("manage.cancelAsk"))) act("cancel", {}); } }, t("manage.cancel")) : null,
        ),
        el("p", { id: "message", role: "status" }, message)),
      el("section", { class: "card" },
        el("h2", {}, t("manage.messages")),
        view.telegram_url ? el("p", {}, el("a", { id: "telegram", href: view.telegram_url, target: "_blank", rel: "noopener" }, t("book.telegram"))) : null,
        own ? el("p", { id: "offers-state", class: "muted" }, view.marketing ? t("manage.offersOn") : t("manage.offersOff")) : null,
        own ? el("button", { id: "offers", type: "button", onclick: () => act(view!.marketing ? "unsubscribe" : "subscribe") }, view.marketing ? t("manage.offersStop") : t("manage.offersStart")) : null),
      view.actions.reschedule ? el("section", { id: "reschedule", class: "card" },
        el("h2", {}, t("manage.move")),
        el("label", { for: "date" }, t("manage.day")), date,
        el("div", { id: "slots", class: "slots" }, ...slots.map((s) => el("button", { type: "button", onclick: () => act("reschedule", { start: s.start }) }, timeWords(s.start))))) : null,
    ),
  );
}

const DONE: Record<Action, Key> = {
  confirm: "manage.done.confirm", cancel: "manage.done.cancel", reschedule: "manage.done.reschedule",
  unsubscribe: "manage.done.unsubscribe", subscribe: "manage.done.subscribe",
};

async function act(action: Action, body?: unknown): Promise<void> {
  message = "";
  try {
    view = await call<View>("POST", path(`/${action}`), { body });
    message = t(DONE[action]);
    if (action === "reschedule") await loadSlots();
  } catch (err) {
    message = words(err);
  }
  draw();
}

async function loadSlots(): Promise<void> {
  if (!view || !day) return;
  const a = view.appointment;
  const q = new URLSearchParams({ service_id: a.service_id, date: day, staff_id: a.staff_id });
  try {
    slots = (await call<Schemas["SlotsOut"]>("GET", `/v1/salons/${encodeURIComponent(view.salon.id)}/slots?${q}`)).slots;
  } catch {
    slots = [];
  }
  draw();
}

mount(draw);
call<View>("GET", path())
  .then(async (data) => {
    useSalon(data.salon);
    view = data;
    day = data.appointment.start.slice(0, 10);
    draw();
    if (data.actions.reschedule) await loadSlots();
  })
  .catch((err) => {
    failure = words(err);
    draw();
  });
