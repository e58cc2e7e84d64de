import { call, describe, el, money, timeOf, dateOf } from "./api.js";

const params = new URLSearchParams(location.search);
const salonId = params.get("salon") || "demo";
const $ = (id) => document.getElementById(id);
let catalog = null;
let chosen = null;
let idempotencyKey = null;

function tomorrow() {
  const d = new Date(Date.now() + 86400000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: catalog.salon.timezone }).format(d);
}

async function loadCatalog() {
  catalog = await call("GET", `/v1/salons/${encodeURIComponent(salonId)}/catalog`);
  $("salon-name").textContent = `Book at ${catalog.salon.name}`;
  document.title = `Book at ${catalog.salon.name}`;
  for (const s of catalog.services) {
    $("service").append(el("option", { value: s.id },
      `${s.name} · ${s.duration_minutes} min · ${money(s.price, catalog.salon.locale)}`));
  }
  if (params.get("service")) $("service").value = params.get("service");
  $("date").value = params.get("date") || tomorrow();
  fillStaff();
  await loadSlots();
}

function fillStaff() {
  const service = $("service").value;
  $("staff").replaceChildren(el("option", { value: "" }, "Anyone"),
    ...catalog.staff.filter((m) => m.service_ids.includes(service)).map((m) => el("option", { value: m.id }, m.name)));
}

async function loadSlots() {
  chosen = null;
  $("details").classList.add("hidden");
  const q = new URLSearchParams({ service_id: $("service").value, date: $("date").value });
  if ($("staff").value) q.set("staff_id", $("staff").value);
  const { slots } = await call("GET", `/v1/salons/${encodeURIComponent(salonId)}/slots?${q}`);
  const seen = new Set();
  const buttons = [];
  for (const slot of slots) {
    if (!$("staff").value && seen.has(slot.start)) continue; // "anyone": one button per time
    seen.add(slot.start);
    const b = el("button", { type: "button", "data-start": slot.start, "data-staff": slot.staff_id,
      onclick: () => choose(b, slot) }, timeOf(slot.start, catalog.salon.timezone));
    buttons.push(b);
  }
  $("slots").replaceChildren(...buttons);
  $("no-slots").classList.toggle("hidden", buttons.length > 0);
}

function choose(button, slot) {
  for (const b of $("slots").children) b.classList.remove("chosen");
  button.classList.add("chosen");
  chosen = slot;
  idempotencyKey = crypto.randomUUID();
  const service = catalog.services.find((s) => s.id === $("service").value);
  $("chosen").textContent = `${service.name}, ${dateOf(slot.start, catalog.salon.timezone)} ${timeOf(slot.start, catalog.salon.timezone)}`;
  $("details").classList.remove("hidden");
}

async function book(event) {
  event.preventDefault();
  $("book-error").classList.add("hidden");
  $("book").disabled = true;
  const body = {
    service_id: $("service").value,
    staff_id: $("staff").value || chosen.staff_id,
    start: chosen.start,
    client: { name: $("name").value, phone: $("phone").value, ...($("email").value ? { email: $("email").value } : {}) },
    consents: { marketing: $("marketing").checked },
    ...(params.get("ref") ? { referral_code: params.get("ref") } : {}),
  };
  try {
    const result = await call("POST", `/v1/salons/${encodeURIComponent(salonId)}/appointments`,
      { body, headers: { "Idempotency-Key": idempotencyKey } });
    $("details").classList.add("hidden");
    $("done").classList.remove("hidden");
    $("done-text").textContent = `Booked: ${$("chosen").textContent}. See you then!`;
    $("manage-link").href = result.manage_url;
  } catch (err) {
    $("book-error").textContent = err.code === "slot_taken" ? "Sorry, that time was just taken. Please pick another." : describe(err);
    $("book-error").classList.remove("hidden");
    if (err.code === "slot_taken") await loadSlots();
  } finally {
    $("book").disabled = false;
  }
}

$("service").addEventListener("change", () => { fillStaff(); loadSlots(); });
$("staff").addEventListener("change", loadSlots);
$("date").addEventListener("change", loadSlots);
$("details").addEventListener("submit", book);
loadCatalog().catch((err) => { document.querySelector("main").prepend(el("p", { class: "error" }, describe(err))); });
