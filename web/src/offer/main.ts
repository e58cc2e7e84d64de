// The waitlist's offer (the link in the message: offer.html?s=<salon>&o=<code>): a time freed for the
// client, held until a moment; one tap books it, unless someone else was first or the hold ended.
import { ApiError, call, el, salonPath } from "../shared/api";
import { t, timeWords, whenWords } from "../shared/i18n";
import { header, mount, useSalon } from "../shared/page";
import "../shared/styles.css";

// the waitlist's public API (regulars.waitlist), typed here until its routes are in the console's schema
interface OfferView {
  salon: { id: string; name: string; timezone: string; locale: string; brand_color?: string | null };
  offer: {
    status: "open" | "taken" | "expired" | "booked";
    client_name?: string | null;
    service_name: string;
    staff_name: string;
    start: string;
    hold_until: string;
  };
  manage_url?: string | null;
}

const params = new URLSearchParams(location.search);
const salonId = params.get("s") || "";
const code = params.get("o") || "";
const path = (rest = "") => salonPath(salonId, `/waitlist-offers/${encodeURIComponent(code)}${rest}`);
let view: OfferView | null = null;
let message = "";
let failure = "";
let busy = false;
const key = crypto.randomUUID();

function draw(): void {
  const app = document.getElementById("app")!;
  if (!view) {
    app.replaceChildren(header(t("offer.title")), el("main", {}, el("section", { class: "card" },
      el("p", { id: "offer-summary", class: failure ? "error" : "muted", role: failure ? "alert" : "status" }, failure || t("common.loading")))));
    return;
  }
  const o = view.offer;
  const done = o.status === "booked";
  const refused = o.status === "taken" || o.status === "expired";
  const result = done ? t("offer.booked", { service: o.service_name, when: whenWords(o.start) })
    : o.status === "taken" ? t("offer.taken") : o.status === "expired" ? t("offer.expired") : message;
  app.replaceChildren(
    header(view.salon.name),
    el("main", {}, el("section", { class: "card" },
      el("h2", {}, t("offer.title")),
      el("p", { id: "offer-summary" }, t("offer.summary", { name: o.client_name ?? "", service: o.service_name, staff: o.staff_name })),
      el("p", { id: "offer-when" }, el("strong", {}, whenWords(o.start))),
      o.status === "open" ? el("p", { id: "offer-hold", class: "muted" }, t("offer.hold", { time: timeWords(o.hold_until) })) : null,
      o.status === "open" ? el("button", { id: "offer-accept", type: "button", class: "wide", disabled: busy, onclick: accept }, t("offer.accept")) : null,
      el("p", { id: "offer-message", class: done ? "notice" : refused || message ? "error" : "", role: refused || (message && !done) ? "alert" : "status" }, result),
      view.manage_url ? el("p", {}, el("a", { id: "manage-link", href: view.manage_url }, t("book.manageOpen"))) : null)),
  );
}

async function accept(): Promise<void> {
  busy = true;
  message = "";
  draw();
  try {
    const booked = await call<{ manage_url?: string | null }>("POST", path("/accept"), { headers: { "Idempotency-Key": key } });
    view = { ...view!, offer: { ...view!.offer, status: "booked" }, manage_url: booked.manage_url ?? view!.manage_url };
  } catch (err) {
    if (err instanceof ApiError && err.code === "offer_taken") view = { ...view!, offer: { ...view!.offer, status: "taken" } };
    else if (err instanceof ApiError && err.code === "offer_expired") view = { ...view!, offer: { ...view!.offer, status: "expired" } };
    else message = err instanceof ApiError && err.status === 429 ? t("err.wait", { minutes: Math.max(1, Math.ceil((err.retryAfter || 60) / 60)) }) : t("err.general");
  } finally {
    busy = false;
  }
  draw();
}

mount(draw);
call<OfferView>("GET", path())
  .then((data) => { useSalon(data.salon); view = data; draw(); })
  .catch((err) => { failure = err instanceof ApiError && err.status === 404 ? t("offer.unknown") : t("err.general"); draw(); });
