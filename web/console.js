import { call, dateOf, describe, el, money, timeOf, todayIn } from "./api.js";

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem("regulars.token");
let salon = null;
let staff = [];
let services = {};

const SIGN_IN = window.REGULARS_SIGN_IN || { local: true };
// In AWS: Cognito's managed login, by the authorization code flow with PKCE (no password touches this
// page; the second factor is asked there). Locally: the local runtime's sign-in with e-mail and password.
const managed = SIGN_IN.cognito && { ...SIGN_IN.cognito, redirectUri: SIGN_IN.cognito.redirectUri || location.origin + location.pathname };
const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function toManagedLogin() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("regulars.pkce", JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const q = new URLSearchParams({ response_type: "code", client_id: managed.clientId, redirect_uri: managed.redirectUri,
    scope: "openid email", state, code_challenge: challenge, code_challenge_method: "S256" });
  location.assign(`${managed.domain}/oauth2/authorize?${q}`);
}

async function fromManagedLogin(params) {
  const pending = JSON.parse(sessionStorage.getItem("regulars.pkce") || "null");
  sessionStorage.removeItem("regulars.pkce");
  history.replaceState(null, "", managed.redirectUri);
  if (params.get("error")) throw new Error(params.get("error_description") || params.get("error"));
  if (!pending || params.get("state") !== pending.state) throw new Error("this sign-in was not started here: sign in again");
  const r = await fetch(`${managed.domain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", client_id: managed.clientId, code: params.get("code"),
      redirect_uri: managed.redirectUri, code_verifier: pending.verifier }),
  });
  const data = await r.json();
  if (!r.ok) throw new Error(data.error_description || data.error || "sign-in failed");
  return data.id_token;
}

async function signIn(email, password) {
  return (await call("POST", "/local/auth/token", { body: { email, password } })).id_token;
}

const api = (method, path, body) => call(method, path, { body, token });

async function start() {
  try {
    salon = await api("GET", "/v1/admin/salon");
  } catch (err) {
    if (err.status === 401) return showSignIn();
    throw err;
  }
  [staff, services] = await Promise.all([api("GET", "/v1/admin/staff"), api("GET", "/v1/admin/services")]);
  services = Object.fromEntries(services.map((s) => [s.id, s]));
  $("salon").textContent = salon.name;
  $("staff-filter").replaceChildren(el("option", { value: "" }, "Everyone"), ...staff.map((m) => el("option", { value: m.id }, m.name)));
  $("day").value = await today();
  $("sign-in").classList.add("hidden");
  $("app").classList.remove("hidden");
  $("sign-out").classList.remove("hidden");
  const month = $("day").value.slice(0, 7);
  const [y, mo] = month.split("-").map(Number);
  $("to-month").value = month;
  $("from-month").value = new Date(Date.UTC(y, mo - 12, 1)).toISOString().slice(0, 7);
  await loadBook();
  await loadCampaigns();
  await loadAnalytics();
}

async function appNow() {
  try {  // the local runtime's clock, which can be moved forward; use it when there is one
    return (await call("GET", "/local/clock")).now;
  } catch {
    return new Date().toISOString();
  }
}

const today = async () => todayIn(salon.timezone, new Date(await appNow()));

function showSignIn() {
  if (managed) for (const id of ["email", "password"]) for (const e of [$(id), document.querySelector(`label[for=${id}]`)]) e.classList.add("hidden");
  $("app").classList.add("hidden");
  $("sign-in").classList.remove("hidden");
  $("sign-out").classList.add("hidden");
}

async function loadBook() {
  const q = new URLSearchParams({ from: $("day").value });
  if ($("staff-filter").value) q.set("staff_id", $("staff-filter").value);
  const { appointments } = await api("GET", `/v1/admin/appointments?${q}`);
  const names = Object.fromEntries(staff.map((m) => [m.id, m.name]));
  $("book").tBodies[0].replaceChildren(...appointments.map((a) => el("tr", { "data-id": a.id },
    el("td", {}, `${timeOf(a.start, salon.timezone)}–${timeOf(a.end, salon.timezone)}`),
    el("td", {}, names[a.staff_id] || a.staff_id),
    el("td", {}, services[a.service_id]?.name || a.service_id),
    el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); showClient(a.client_id); } }, a.client_name || a.client_id)),
    el("td", {}, el("span", { class: `status ${a.status}` }, a.status)),
    el("td", {}, ...actions(a)))));
  $("book-empty").classList.toggle("hidden", appointments.length > 0);
}

function actions(a) {
  if (!["booked", "confirmed"].includes(a.status)) return [a.paid_amount != null ? money({ amount: a.paid_amount, currency: a.price.currency }, salon.locale) : ""];
  const run = (label, path, body, cls = "secondary") => el("button", { class: cls, type: "button", onclick: async () => {
    try { await api("POST", `/v1/admin/appointments/${a.id}/${path}`, typeof body === "function" ? body() : body); $("book-message").textContent = ""; }
    catch (err) { $("book-message").textContent = describe(err); }
    await loadBook();
  } }, label);
  return [
    run("Complete", "complete", () => {
      const paid = Math.round(Number(prompt("Amount paid", (a.price.amount / 100).toFixed(2)) || 0) * 100);
      const bonus = Math.round(Number(prompt("Of the bill, paid with bonus (0 if none)", "0") || 0) * 100);
      return { paid_amount: paid, bonus_amount: bonus };
    }),
    " ", run("No-show", "no-show"), " ", run("Cancel", "cancel", {}, "danger"),
  ];
}

async function searchClients() {
  const { clients } = await api("GET", `/v1/admin/clients?${new URLSearchParams({ q: $("client-q").value })}`);
  $("clients").tBodies[0].replaceChildren(...clients.map((c) => el("tr", {},
    el("td", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); showClient(c.id); } }, c.name)),
    el("td", {}, c.phone), el("td", { class: "muted" }, `${c.stats.visits} visits · ${money({ amount: c.stats.total_spent, currency: salon.currency }, salon.locale)}`))));
}

async function showClient(id) {
  const [c, bonus] = await Promise.all([api("GET", `/v1/admin/clients/${id}`), api("GET", `/v1/admin/clients/${id}/loyalty`)]);
  const s = c.stats;
  const cash = (amount) => money({ amount, currency: salon.currency }, salon.locale);
  const burns = bonus.lots.length ? `, ${cash(bonus.lots[0].remaining)} burns ${bonus.lots[0].expires_at.slice(0, 10)}` : "";
  $("client-detail").replaceChildren(
    el("h3", { style: "font-size:1rem" }, `${c.name} · ${c.phone}`),
    el("p", { class: "muted" }, `${s.visits} visits, ${s.no_shows} no-shows, ${s.late_cancellations} late cancellations, spent ${money({ amount: s.total_spent, currency: salon.currency }, salon.locale)}; marketing consent: ${c.consents.marketing?.granted ? "yes" : "no"}`),
    el("p", { id: "client-bonus" }, `Bonus ${cash(bonus.balance)} · ${bonus.tier.name} (${bonus.tier.rate_bp / 100}% back)${burns} · invite link: `,
      el("a", { href: bonus.referral_url }, bonus.referral_code)),
    el("table", {}, el("tbody", {}, ...c.appointments.map((a) => el("tr", {},
      el("td", {}, a.start.slice(0, 10)), el("td", {}, services[a.service_id]?.name || a.service_id),
      el("td", {}, el("span", { class: `status ${a.status}` }, a.status)))))));
  $("client-detail").classList.remove("hidden");
}

const MONEY = new Set(["revenue", "message_cost", "bonus_issued", "bonus_spent", "bonus_burned", "retention_spend",
  "retention_spend_per_returning_client"]);
const label = (key) => key.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase());

function shown(key, value) {
  if (value === null || value === undefined) return "—";
  if (MONEY.has(key)) return money({ amount: Math.round(value), currency: salon.currency }, salon.locale);
  if (key.endsWith("_rate")) return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

async function loadAnalytics() {
  const q = new URLSearchParams({ from: $("from-month").value, to: $("to-month").value });
  $("analytics-message").textContent = "";
  try {
    const r = await api("GET", `/v1/admin/analytics?${q}`);
    $("figures").tBodies[0].replaceChildren(...Object.entries(r.figures).map(([key, f]) => el("tr", { "data-figure": key },
      el("td", {}, label(key)), el("td", { class: "value" }, shown(key, f.value)), el("td", { class: "muted" }, f.definition))));
    $("cohorts").tBodies[0].replaceChildren(...r.cohorts.map((c) => el("tr", { "data-month": c.month },
      el("td", {}, c.month), el("td", {}, String(c.clients)),
      ...c.windows.map((w) => el("td", { class: w.complete ? "" : "muted" }, `${(w.rate * 100).toFixed(0)}%${w.complete ? "" : " (so far)"}`)))));
    const s = r.snapshot;
    $("snapshot").textContent = s
      ? `As of ${s.taken_at.slice(0, 16).replace("T", " ")}: ${s.clients} clients (${Object.entries(s.lifecycle).map(([k, v]) => `${v} ${k.replace("_", " ")}`).join(", ")}); bonus held ${money({ amount: s.bonus_liability, currency: salon.currency }, salon.locale)}.`
      : "The lifecycle and value snapshot is being taken; it shows here within a minute.";
  } catch (err) {
    $("analytics-message").textContent = describe(err);
  }
}

// --- campaigns: a segment previewed, a campaign scheduled to it, its report against the holdout -----
let campaignKey = null;  // one Idempotency-Key per campaign: a retried click never schedules it twice
const newKey = () => (window.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);
const FIGURES = ["bookings", "visits", "revenue", "bonus_spent"];
const cents = (id) => ($(id).value === "" ? null : Math.round(Number($(id).value) * 100));
const whole = (id) => ($(id).value === "" ? null : Number($(id).value));

function segmentFilter() {
  const f = {};
  const statuses = [...$("seg-status").selectedOptions].map((o) => o.value);
  if (statuses.length) f.lifecycle = statuses;
  if (whole("seg-days") !== null) f.days_since_visit_min = whole("seg-days");
  if (whole("seg-visits") !== null) f.visits_min = whole("seg-visits");
  if (cents("seg-spend") !== null) f.spend_min = cents("seg-spend");
  return f;
}

async function previewSegment() {
  try {
    const r = await api("POST", "/v1/admin/segments/preview", segmentFilter());
    $("seg-result").replaceChildren(el("strong", { id: "seg-count" }, String(r.count)), " clients match; ",
      el("strong", { id: "seg-reachable" }, String(r.reachable)), " of them agreed to offers and can be reached. ",
      el("span", { class: "muted" }, r.sample.map((c) => c.name).join(", ")));
  } catch (err) {
    $("seg-result").textContent = describe(err);
  }
}

async function scheduleCampaign() {
  campaignKey = campaignKey || newKey();
  const body = {
    name: $("cmp-name").value || "Campaign", kind: $("cmp-kind").value, filter: segmentFilter(),
    messages: { [salon.locale]: $("cmp-text").value }, send_at: $("cmp-send").value || await appNow(),
    holdout_percent: whole("cmp-holdout") ?? 10,
  };
  if (cents("cmp-bonus")) body.offer = { bonus_amount: cents("cmp-bonus"), bonus_lifetime_days: whole("cmp-lifetime") ?? 30 };
  try {
    const c = await call("POST", "/v1/admin/campaigns", { body, token, headers: { "Idempotency-Key": campaignKey } });
    campaignKey = null;
    $("cmp-message").textContent = `Scheduled "${c.name}" for ${when(c.send_at)}.`;
  } catch (err) {
    $("cmp-message").textContent = describe(err);
  }
  await loadCampaigns();
}

const when = (iso) => `${dateOf(iso, salon.timezone)} ${timeOf(iso, salon.timezone)}`;

async function loadCampaigns() {
  const { campaigns } = await api("GET", "/v1/admin/campaigns");
  $("campaigns").tBodies[0].replaceChildren(...campaigns.map((c) => el("tr", { "data-id": c.id },
    el("td", {}, c.name), el("td", {}, when(c.send_at)),
    el("td", {}, el("span", { class: `status ${c.status}` }, c.status)),
    el("td", { class: "audience" }, String(c.audience)), el("td", {}, `${c.sent_group} / ${c.holdout_group}`),
    el("td", {}, el("button", { class: "secondary", type: "button", onclick: () => showReport(c.id) }, "Report"),
      c.status === "scheduled" ? [" ", el("button", { class: "danger", type: "button", onclick: async () => {
        try { await api("POST", `/v1/admin/campaigns/${c.id}/cancel`); } catch (err) { $("cmp-message").textContent = describe(err); }
        await loadCampaigns();
      } }, "Cancel")] : []))));
}

async function showReport(id) {
  const r = await api("GET", `/v1/admin/campaigns/${id}/report`);
  const cash = (v) => money({ amount: Math.round(v), currency: r.currency }, salon.locale);
  const isMoney = (k) => k === "revenue" || k === "bonus_spent";
  const fig = (k, v) => (isMoney(k) ? cash(v) : Number.isInteger(v) ? String(v) : v.toFixed(1));
  const added = (k) => {
    const x = r.incremental[k];
    return x ? `${fig(k, x.value)} (95 %: ${fig(k, x.low)} to ${fig(k, x.high)})` : "not yet: a group is empty";
  };
  const roi = r.roi === null ? "—" : `${(r.roi * 100).toFixed(0)} %`;
  $("campaign-report").replaceChildren(
    el("h3", { style: "font-size:.95rem" }, `${r.campaign.name}: ${r.groups.sent.members} sent, ${r.groups.holdout.members} held out; `
      + `counted until ${when(r.window.end)}${r.window.closed ? "" : " (still counting)"}`),
    el("table", { id: "report-figures" },
      el("thead", {}, el("tr", {}, ...["Figure", "Sent group", "Holdout", "Added by the campaign", "What it means"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...FIGURES.map((k) => el("tr", { "data-figure": k }, el("td", {}, label(k)),
        el("td", { class: "sent" }, fig(k, r.groups.sent[k])), el("td", { class: "holdout" }, fig(k, r.groups.holdout[k])),
        el("td", { class: "added" }, added(k)), el("td", { class: "muted" }, r.definitions[k]))))),
    el("p", { id: "campaign-cost" }, `${r.messages.sent} messages cost ${cash(r.messages.cost)}; the campaign cost ${cash(r.cost)}; return ${roi}.`),
    el("p", { class: "muted" }, `Added: ${r.definitions.incremental}. Cost: ${r.definitions.cost}. Return: ${r.definitions.roi}.`));
  $("campaign-report").classList.remove("hidden");
}

function signInFailed(err) {
  showSignIn();
  $("sign-in-error").textContent = describe(err);
  $("sign-in-error").classList.remove("hidden");
}

$("sign-in").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("sign-in-error").classList.add("hidden");
  try {
    if (managed) return await toManagedLogin();
    token = await signIn($("email").value, $("password").value);
    sessionStorage.setItem("regulars.token", token);
    await start();
  } catch (err) {
    signInFailed(err);
  }
});
$("sign-out").addEventListener("click", () => {
  sessionStorage.removeItem("regulars.token");
  token = null;
  if (managed) return location.assign(`${managed.domain}/logout?${new URLSearchParams({ client_id: managed.clientId, logout_uri: managed.redirectUri })}`);
  showSignIn();
});
$("day").addEventListener("change", loadBook);
$("staff-filter").addEventListener("change", loadBook);
$("reload").addEventListener("click", loadBook);
$("client-search").addEventListener("click", searchClients);
$("analytics-load").addEventListener("click", loadAnalytics);
$("seg-preview").addEventListener("click", previewSegment);
$("cmp-schedule").addEventListener("click", scheduleCampaign);
$("client-q").addEventListener("keydown", (e) => { if (e.key === "Enter") searchClients(); });
const returned = new URLSearchParams(location.search);
if (managed && (returned.has("code") || returned.has("error"))) {
  fromManagedLogin(returned).then((t) => { token = t; sessionStorage.setItem("regulars.token", t); return start(); }).catch(signInFailed);
} else if (token) start().catch(showSignIn); else showSignIn();
