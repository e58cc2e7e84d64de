// A client's place on the waitlist, by the link in the answer to joining: what they wait for, until
// when, and a button to leave it.
import { ApiError, call, el } from "./api.js";

const WORDS = {
  en: {
    title: "Your place on the waitlist",
    what: "{name}: {service}",
    days: "Days: {days}",
    parts: { morning: "mornings", afternoon: "afternoons", evening: "evenings" },
    every: "every {day}",
    waiting: "You are on the waitlist until {date}. A freed time that fits comes to you by message.",
    booked: "You were booked from the waitlist.",
    left: "You left the waitlist. No more offers will come.",
    removed: "The salon took you off the waitlist.",
    expired: "Your days on the waitlist are over.",
    leave: "Leave the waitlist",
    invalid: "This link does not work. Please check it or call the salon.",
    busy: "Too many tries. Please wait a minute and try again.",
    failed: "Something went wrong. Please try again.",
    language: "Language",
  },
  ru: {
    title: "Ваше место в листе ожидания",
    what: "{name}: {service}",
    days: "Дни: {days}",
    parts: { morning: "утром", afternoon: "днём", evening: "вечером" },
    every: "каждый {day}",
    waiting: "Вы в листе ожидания до {date}. Если освободится подходящее время, мы пришлём сообщение.",
    booked: "Вы записаны из листа ожидания.",
    left: "Вы вышли из листа ожидания. Предложений больше не будет.",
    removed: "Салон убрал вас из листа ожидания.",
    expired: "Срок вашего ожидания закончился.",
    leave: "Выйти из листа ожидания",
    invalid: "Ссылка не работает. Проверьте её или позвоните в салон.",
    busy: "Слишком много попыток. Подождите минуту и попробуйте снова.",
    failed: "Что-то пошло не так. Попробуйте ещё раз.",
    language: "Язык",
  },
  es: {
    title: "Tu lugar en la lista de espera",
    what: "{name}: {service}",
    days: "Días: {days}",
    parts: { morning: "mañanas", afternoon: "tardes", evening: "noches" },
    every: "cada {day}",
    waiting: "Estás en la lista de espera hasta el {date}. Si se libera una hora que te encaje, te avisamos por mensaje.",
    booked: "Ya tienes cita desde la lista de espera.",
    left: "Has salido de la lista de espera. No recibirás más ofertas.",
    removed: "El salón te ha quitado de la lista de espera.",
    expired: "Tu tiempo en la lista de espera ha terminado.",
    leave: "Salir de la lista de espera",
    invalid: "Este enlace no funciona. Revísalo o llama al salón.",
    busy: "Demasiados intentos. Espera un minuto y vuelve a intentarlo.",
    failed: "Algo ha fallado. Inténtalo de nuevo.",
    language: "Idioma",
  },
};
const LANGS = ["en", "ru", "es"];
const params = new URLSearchParams(location.search);
const salonId = params.get("s") || "";
const token = params.get("t") || "";
const $ = (id) => document.getElementById(id);
let lang = pick();
let page = null;
let problem = "";

function pick() {
  const asked = params.get("lang");
  if (LANGS.includes(asked)) return asked;
  for (const l of navigator.languages || [navigator.language]) {
    const base = (l || "").slice(0, 2).toLowerCase();
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

const words = () => WORDS[lang];
const fill = (text, values = {}) => text.replace(/\{(\w+)\}/g, (_, k) => values[k] ?? "");

function dayWords(entry) {
  const day = (d) => new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${d}T12:00:00Z`));
  const weekday = (n) => new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, n, 12)));
  return [...entry.days.map(day), ...entry.weekdays.map((n) => fill(words().every, { day: weekday(n) }))].join(", ");
}

function draw() {
  document.documentElement.lang = lang;
  document.title = words().title;
  $("entry-title").textContent = words().title;
  $("lang").setAttribute("aria-label", words().language);
  $("lang").replaceChildren(...LANGS.map((l) => el("button", {
    type: "button", lang: l, "aria-pressed": String(l === lang), onclick: () => { lang = l; draw(); },
  }, l.toUpperCase())));
  const leave = $("entry-leave");
  leave.textContent = words().leave;
  if (page) {
    const e = page.entry;
    $("salon-name").textContent = page.salon.name;
    $("entry-what").textContent = fill(words().what, { name: page.salon.name, service: e.service_name });
    $("entry-when").textContent = `${fill(words().days, { days: dayWords(e) })} · ${e.parts.map((p) => words().parts[p]).join(", ")}`;
    const until = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", timeZone: page.salon.timezone })
      .format(new Date(new Date(e.expires_at).getTime() - 1000));
    $("entry-state").textContent = e.status === "waiting" ? fill(words().waiting, { date: until }) : words()[e.status] || "";
    leave.classList.toggle("hidden", e.status !== "waiting");
  }
  $("entry-result").replaceChildren(...(problem ? [el("p", { class: "error", role: "alert", id: "entry-message" }, words()[problem])] : []));
}

function refusal(err) {
  if (!(err instanceof ApiError)) return "failed";
  if (err.status === 403 || err.status === 404) return "invalid";
  if (err.status === 429) return "busy";
  return "failed";
}

const path = () => `/v1/salons/${encodeURIComponent(salonId)}/waitlist/${encodeURIComponent(token)}`;

$("entry-leave").addEventListener("click", async () => {
  $("entry-leave").disabled = true;
  try {
    page = await call("POST", `${path()}/leave`);
    problem = "";
  } catch (err) {
    problem = refusal(err);
  }
  $("entry-leave").disabled = false;
  draw();
});

async function load() {
  try {
    page = await call("GET", path());
  } catch (err) {
    problem = refusal(err);
  }
  draw();
}

draw();
load();
