// A client's place on the waitlist (the link in the answer to joining: waitlist.html?s=<salon>&t=<token>):
// what they wait for, until when, and a button to leave it.
import { ApiError, call, el, salonPath } from "../shared/api";
import { locale, t, type Key } from "../shared/i18n";
import { header, mount, useSalon } from "../shared/page";
import "../shared/styles.css";

// the waitlist's public API (regulars.waitlist), typed here until its routes are in the console's schema
interface EntryView {
  salon: { id: string; name: string; timezone: string; locale: string; brand_color?: string | null };
  entry: {
    status: "waiting" | "booked" | "left" | "removed" | "expired";
    service_name: string;
    days: string[];
    weekdays: number[];
    parts: ("morning" | "afternoon" | "evening")[];
    expires_at: string;
  };
}

const params = new URLSearchParams(location.search);
const path = (rest = "") =>
  salonPath(params.get("s") || "", `/waitlist/${encodeURIComponent(params.get("t") || "")}${rest}`);
let view: EntryView | null = null;
let problem: Key | null = null;
let busy = false;

function when(e: EntryView["entry"]): string {
  const day = (d: string) => new Intl.DateTimeFormat(locale(), { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${d}T12:00:00Z`));
  const weekday = (n: number) => new Intl.DateTimeFormat(locale(), { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, n, 12)));
  const days = [...e.days.map(day), ...e.weekdays.map((n) => t("waitlist.every", { day: weekday(n) }))].join(", ");
  return `${t("waitlist.days", { days })} · ${e.parts.map((p) => t(`waitlist.part.${p}` as Key)).join(", ")}`;
}

function draw(): void {
  const app = document.getElementById("app")!;
  document.title = t("waitlist.title");
  const e = view?.entry;
  const until = e && view
    ? new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", timeZone: view.salon.timezone }).format(new Date(new Date(e.expires_at).getTime() - 1000))
    : "";
  app.replaceChildren(
    header(view?.salon.name ?? t("waitlist.title")),
    el("main", {}, el("section", { class: "card", "aria-labelledby": "entry-title" },
      el("h2", { id: "entry-title" }, t("waitlist.title")),
      e ? el("p", { id: "entry-what" }, t("waitlist.what", { name: view!.salon.name, service: e.service_name })) : null,
      e ? el("p", { id: "entry-when", class: "muted" }, when(e)) : null,
      e ? el("p", { id: "entry-state", class: "muted" }, e.status === "waiting" ? t("waitlist.waiting", { date: until }) : t(`waitlist.${e.status}` as Key)) : null,
      e?.status === "waiting" ? el("p", {}, el("button", { type: "button", id: "entry-leave", class: "danger wide", disabled: busy, onclick: leave }, t("waitlist.leave"))) : null,
      el("div", { id: "entry-result", "aria-live": "polite" }, ...(problem ? [el("p", { class: "error", role: "alert", id: "entry-message" }, t(problem))] : [])))),
  );
}

function refusal(err: unknown): Key {
  if (!(err instanceof ApiError)) return "err.general";
  if (err.status === 403 || err.status === 404) return "waitlist.invalid";
  if (err.status === 429) return "waitlist.busy";
  return "err.general";
}

async function leave(): Promise<void> {
  busy = true;
  draw();
  try {
    view = await call<EntryView>("POST", path("/leave"));
    problem = null;
  } catch (err) {
    problem = refusal(err);
  } finally {
    busy = false;
  }
  draw();
}

mount(draw);
call<EntryView>("GET", path())
  .then((data) => { useSalon(data.salon); view = data; draw(); })
  .catch((err) => { problem = refusal(err); draw(); });
