// A freed time offered from the waitlist: what, when and until when it holds; one tap books it. The
// first client to accept books the time; a later tap is told so in words.
import { ApiError, call, el } from "./api.js";

const WORDS = {
  en: {
    title: "A time for you",
    summary: "{name}, a time freed up: {service} with {staff}.",
    hold: "Held for you until {time}.",
    accept: "Book this time",
    booking: "Booking…",
    booked: "You're booked: {service}, {when}.",
    manage: "See or change your visit",
    taken: "Someone else took this time first. You stay on the waitlist for the next one.",
    expired: "This offer has ended. You stay on the waitlist for the next one.",
    closed: "You are no longer on the waitlist.",
    missing: "This link does not work. Please check it or call the salon.",
    busy: "Too many tries. Please wait a minute and try again.",
    failed: "Something went wrong. Please try again.",
    language: "Language",
  },
  ru: {
    title: "Время для вас",
    summary: "{name}, освободилось время: {service}, мастер {staff}.",
    hold: "Мы держим его для вас до {time}.",
    accept: "Записаться на это время",
    booking: "Записываем…",
    booked: "Вы записаны: {service}, {when}.",
    manage: "Посмотреть или изменить запись",
    taken: "Это время уже занял другой клиент. Вы остаётесь в листе ожидания.",
    expired: "Время на ответ истекло. Вы остаётесь в листе ожидания.",
    closed: "Вас уже нет в листе ожидания.",
    missing: "Ссылка не работает. Проверьте её или позвоните в салон.",
    busy: "Слишком много попыток. Подождите минуту и попробуйте снова.",
    failed: "Что-то пошло не так. Попробуйте ещё раз.",
    language: "Язык",
  },
  es: {
    title: "Una hora para ti",
    summary: "{name}, se ha liberado una hora: {service} con {staff}.",
    hold: "La guardamos para ti hasta las {time}.",
    accept: "Reservar esta hora",
    booking: "Reservando…",
    booked: "Tienes cita: {service}, {when}.",
    manage: "Ver o cambiar tu cita",
    taken: "Otra persona reservó esta hora antes. Sigues en la lista de espera para la próxima.",
    expired: "Ya no te guardamos esta hora. Sigues en la lista de espera para la próxima.",
    closed: "Ya no estás en la lista de espera.",
    missing: "Este enlace no funciona. Revísalo o llama al salón.",
    busy: "Demasiados intentos. Espera un minuto y vuelve a intentarlo.",
    failed: "Algo ha fallado. Inténtalo de nuevo.",
    language: "Idioma",
  },
};
const LANGS = ["en", "ru", "es"];
const params = new URLSearchParams(location.search);
const salonId = params.get("s") || "";
const code = params.get("o") || "";
const $ = (id) => document.getElementById(id);
let lang = pick(null);
let offer = null;
let salon = null;
let result = null; // { tone, key, values }
let chosen = false; // the client picked a language on the page

/** The language: one asked for in the link, else the one the client joined the waitlist in, else the browser's. */
function pick(joinedIn) {
  const asked = params.get("lang");
  if (LANGS.includes(asked)) return asked;
  const joined = (joinedIn || "").slice(0, 2).toLowerCase();
  if (LANGS.includes(joined)) return joined;
  for (const l of navigator.languages || [navigator.language]) {
    const base = (l || "").slice(0, 2).toLowerCase();
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

function t(key, values = {}) {
  return WORDS[lang][key].replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");
}

function when(iso) {
  return new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", hour: "numeric", minute: "2-digit", timeZone: salon.timezone }).format(new Date(iso));
}

function clock(iso) {
  return new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone: salon.timezone }).format(new Date(iso));
}

function draw() {
  document.documentElement.lang = lang;
  document.title = t("title");
  $("offer-title").textContent = t("title");
  $("lang").setAttribute("aria-label", t("language"));
  $("lang").replaceChildren(...LANGS.map((l) => el("button", {
    type: "button", lang: l, "aria-pressed": String(l === lang),
    onclick: () => { lang = l; chosen = true; draw(); },
  }, l.toUpperCase())));
  if (salon) $("salon-name").textContent = salon.name;
  const accept = $("offer-accept");
  accept.textContent = t("accept");
  if (offer) {
    $("offer-summary").textContent = t("summary", { name: offer.client_name, service: offer.service_name, staff: offer.staff_name });
    $("offer-when").textContent = when(offer.start);
    $("offer-hold").textContent = offer.status === "open" ? t("hold", { time: clock(offer.hold_until) }) : "";
    accept.classList.toggle("hidden", offer.status !== "open" || (result && result.tone === "ok"));
  }
  const box = $("offer-result");
  box.replaceChildren();
  if (result) {
    const p = el("p", { class: result.tone === "ok" ? "notice" : "error", role: result.tone === "ok" ? "status" : "alert", id: "offer-message" }, t(result.key, result.values));
    box.append(p);
    if (result.manage) box.append(el("p", {}, el("a", { href: result.manage, id: "offer-manage" }, t("manage"))));
  }
}

const REFUSALS = { offer_taken: "taken", offer_expired: "expired", entry_closed: "closed", offer_not_found: "missing", rate_limited: "busy" };

function refusal(err) {
  return { tone: "bad", key: (err instanceof ApiError && REFUSALS[err.code]) || "failed" };
}

async function load() {
  try {
    const page = await call("GET", `/v1/salons/${encodeURIComponent(salonId)}/waitlist-offers/${encodeURIComponent(code)}`);
    salon = page.salon;
    offer = page.offer;
    if (!chosen) lang = pick(offer.locale);
    if (offer.status === "taken") result = { tone: "bad", key: "taken" };
    if (offer.status === "expired") result = { tone: "bad", key: "expired" };
    if (offer.status === "booked") result = { tone: "ok", key: "booked", values: { service: offer.service_name, when: when(offer.start) } };
  } catch (err) {
    $("offer-summary").textContent = "";
    result = refusal(err);
  }
  draw();
}

$("offer-accept").addEventListener("click", async () => {
  const button = $("offer-accept");
  button.disabled = true;
  button.textContent = t("booking");
  try {
    const booked = await call("POST", `/v1/salons/${encodeURIComponent(salonId)}/waitlist-offers/${encodeURIComponent(code)}/accept`);
    offer = { ...offer, status: "booked" };
    result = { tone: "ok", key: "booked", values: { service: offer.service_name, when: when(booked.appointment.start) }, manage: booked.manage_url };
  } catch (err) {
    result = refusal(err);
    if (err instanceof ApiError && (err.code === "offer_taken" || err.code === "offer_expired")) offer = { ...offer, status: err.code === "offer_taken" ? "taken" : "expired" };
  }
  button.disabled = false;
  draw();
});

draw();
load();
