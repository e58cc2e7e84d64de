import { call, describe, el, money, timeOf, dateOf } from "./api.js";

const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
let view = null;

function show(data) {
  view = data;
  const a = data.appointment;
  const tz = data.salon.timezone;
  $("salon-name").textContent = data.salon.name;
  $("summary").textContent = `${a.service_name} with ${a.staff_name}, ${dateOf(a.start, tz)} at ${timeOf(a.start, tz)} · ${money(a.price, data.salon.locale)}`;
  $("status").textContent = a.status;
  $("status").className = `status ${a.status}`;
  $("confirm").classList.toggle("hidden", !data.actions.confirm);
  $("cancel").classList.toggle("hidden", !data.actions.cancel);
  $("reschedule").classList.toggle("hidden", !data.actions.reschedule);
  if (!$("date").value) $("date").value = a.start.slice(0, 10);
  $("telegram").classList.toggle("hidden", !data.telegram_url);
  if (data.telegram_url) $("telegram").href = data.telegram_url;
  // the client's own settings are shown only on the link the client received (marketing is null otherwise)
  const own = data.marketing !== null && data.marketing !== undefined;
  $("offers-state").textContent = !own ? ""
    : data.marketing ? "You get our offers and news. Visit messages come either way."
      : "You get no offers from us, only messages about your visits.";
  $("offers").textContent = data.marketing ? "Stop offers" : "Send me offers";
  $("offers").classList.toggle("hidden", !own);
}

async function act(action, body) {
  $("message").textContent = "";
  try {
    show(await call("POST", `/v1/manage/${encodeURIComponent(token)}/${action}`, { body }));
    $("message").textContent = { confirm: "Thank you, your visit is confirmed.", cancel: "Your visit is cancelled.",
      reschedule: "Your visit has been moved.", unsubscribe: "Done: no more offers.",
      subscribe: "Thank you: offers and news will come." }[action];
    if (action === "reschedule") await loadSlots();
  } catch (err) {
    $("message").textContent = describe(err);
  }
}

async function loadSlots() {
  const a = view.appointment;
  const q = new URLSearchParams({ service_id: a.service_id, date: $("date").value, staff_id: a.staff_id });
  const { slots } = await call("GET", `/v1/salons/${encodeURIComponent(view.salon.id)}/slots?${q}`);
  $("slots").replaceChildren(...slots.map((s) => el("button", { type: "button",
    onclick: () => act("reschedule", { start: s.start }) }, timeOf(s.start, view.salon.timezone))));
}

$("confirm").addEventListener("click", () => act("confirm"));
$("cancel").addEventListener("click", () => { if (confirm("Cancel this visit?")) act("cancel", {}); });
$("date").addEventListener("change", loadSlots);
$("offers").addEventListener("click", () => act(view.marketing ? "unsubscribe" : "subscribe"));
call("GET", `/v1/manage/${encodeURIComponent(token)}`)
  .then(async (data) => { show(data); if (data.actions.reschedule) await loadSlots(); })
  .catch((err) => { $("summary").textContent = describe(err); });
