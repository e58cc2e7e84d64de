import { call, describe, el, money, timeOf, dateOf } from "./api.js";

const params = new URLSearchParams(location.search);
const salonId = params.get("salon") || "demo";
const $ = (id) => document.getElementById(id);
let catalog = null;
let chosen = null;
let idempotencyKey = null;
let check = null; // the one-time code asked for: { id, phone }
const language = (navigator.language || "en").slice(0, 2);
const proofKey = (phone) => `regulars.proof.${salonId}.${phone.replace(/[^+\d]/g, "")}`;

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

function request() {
  const phone = $("phone").value;
  const proof = localStorage.getItem(proofKey(phone));
  return {
    service_id: $("service").value,
    staff_id: $("staff").value || chosen.staff_id,
    start: chosen.start,
    client: { name: $("name").value, phone, locale: language,
      ...($("email").value ? { email: $("email").value } : {}) },
    // ticked is a consent given now; unticked says nothing: it never withdraws what a returning
    // client agreed to before (that is done on their manage page, or by replying STOP)
    ...($("marketing").checked ? { consents: { marketing: true } } : {}),
    ...(params.get("ref") ? { referral_code: params.get("ref") } : {}),
    ...(proof ? { phone_proof: proof } : {}),
  };
}

function wait(err) {
  const minutes = Math.max(1, Math.ceil((err.retryAfter || 60) / 60));
  return `Too many attempts from here. Please try again in ${minutes} minute${minutes > 1 ? "s" : ""}.`;
}

function booked(result) {
  $("details").classList.add("hidden");
  $("code-form").classList.add("hidden");
  $("done").classList.remove("hidden");
  $("done-text").textContent = `Booked: ${$("chosen").textContent}. See you then!`;
  $("manage").classList.toggle("hidden", !result.manage_url);
  $("manage-sent").classList.toggle("hidden", !!result.manage_url);
  if (result.manage_url) $("manage-link").href = result.manage_url;
  $("telegram").classList.toggle("hidden", !result.telegram_url);
  if (result.telegram_url) $("telegram-link").href = result.telegram_url;
}

async function askForCode() {
  const phone = $("phone").value;
  const started = await call("POST", `/v1/salons/${encodeURIComponent(salonId)}/phone-checks`,
    { body: { phone, locale: language } });
  check = { id: started.check_id, phone };
  $("code-sent").textContent = `We sent a code to ${phone} by SMS (or in the salon's chat or app, if you use it). ` +
    "Enter it to book.";
  $("code").value = "";
  $("code-error").classList.add("hidden");
  $("details").classList.add("hidden");
  $("code-form").classList.remove("hidden");
  $("code").focus();
}

async function submitBooking() {
  const result = await call("POST", `/v1/salons/${encodeURIComponent(salonId)}/appointments`,
    { body: request(), headers: { "Idempotency-Key": idempotencyKey } });
  booked(result);
}

function showError(target, err) {
  const text = err.status === 429 ? wait(err)
    : err.code === "slot_taken" ? "Sorry, that time was just taken. Please pick another."
      : describe(err);
  $(target).textContent = text;
  $(target).classList.remove("hidden");
}

async function book(event) {
  event.preventDefault();
  $("book-error").classList.add("hidden");
  $("book").disabled = true;
  try {
    await submitBooking();
  } catch (err) {
    if (err.code === "phone_check_required") {
      localStorage.removeItem(proofKey($("phone").value));
      try { await askForCode(); } catch (codeErr) { showError("book-error", codeErr); }
      return;
    }
    showError("book-error", err);
    if (err.code === "slot_taken") await loadSlots();
  } finally {
    $("book").disabled = false;
  }
}

async function confirmCode(event) {
  event.preventDefault();
  $("code-error").classList.add("hidden");
  $("code-confirm").disabled = true;
  try {
    const proven = await call("POST", `/v1/salons/${encodeURIComponent(salonId)}/phone-checks/${encodeURIComponent(check.id)}`,
      { body: { phone: check.phone, code: $("code").value.trim() } });
    localStorage.setItem(proofKey(check.phone), proven.phone_proof);
    localStorage.setItem(proofKey(proven.phone), proven.phone_proof);
    await submitBooking();
  } catch (err) {
    const field = err.fields?.find((f) => f.field === "code");
    if (field) {
      $("code-error").textContent = field.reason.charAt(0).toUpperCase() + field.reason.slice(1) + ".";
      $("code-error").classList.remove("hidden");
    } else {
      showError("code-error", err);
      if (err.code === "slot_taken") { $("code-form").classList.add("hidden"); await loadSlots(); }
    }
  } finally {
    $("code-confirm").disabled = false;
  }
}

$("service").addEventListener("change", () => { fillStaff(); loadSlots(); });
$("staff").addEventListener("change", loadSlots);
$("date").addEventListener("change", loadSlots);
$("details").addEventListener("submit", book);
$("code-form").addEventListener("submit", confirmCode);
$("code-again").addEventListener("click", () => askForCode().catch((err) => showError("code-error", err)));
loadCatalog().catch((err) => { document.querySelector("main").prepend(el("p", { class: "error" }, describe(err))); });
