// The feedback page (the link after a visit): a rating, a comment and a tip; review links for a happy client.
import { ApiError, call, el, type Schemas } from "../shared/api";
import { dayWords, t } from "../shared/i18n";
import { header, mount, useSalon } from "../shared/page";
import "../shared/styles.css";

type View = Schemas["FeedbackPageOut"];
const token = new URLSearchParams(location.search).get("token") || "";
let view: View | null = null;
let rating = 0;
let message = "";
let failure = "";
let comment = "";
let tip = "0";

function draw(): void {
  const app = document.getElementById("app")!;
  if (!view) {
    app.replaceChildren(header(t("feedback.title")), el("main", {}, el("section", { class: "card" },
      el("p", { id: "summary", class: failure ? "error" : "muted" }, failure || t("common.loading")))));
    return;
  }
  const v = view;
  const stars = el("div", { class: "row stars", id: "stars", role: "radiogroup", "aria-label": t("feedback.rating") },
    ...[1, 2, 3, 4, 5].map((n) => el("button", {
      type: "button", role: "radio", "aria-checked": String(n === rating), "aria-label": t("feedback.star", { n }), "data-rating": n,
      class: n <= rating ? "on" : "", onclick: () => { rating = n; draw(); },
    }, "★")));
  const form = el("form", { id: "form", class: v.given ? "hidden" : "" },
    stars,
    el("label", { for: "comment" }, t("feedback.comment")),
    el("textarea", { id: "comment", rows: 3, maxlength: 2000, oninput: (e: Event) => { comment = (e.target as HTMLTextAreaElement).value; } }, comment),
    el("label", { for: "tip" }, t("feedback.tip")),
    el("input", { id: "tip", type: "number", min: 0, step: 0.5, value: tip, oninput: (e: Event) => { tip = (e.target as HTMLInputElement).value; } }),
    el("p", {}, el("button", { type: "submit", id: "send", disabled: rating === 0 }, t("feedback.send"))));
  form.addEventListener("submit", send);
  app.replaceChildren(
    header(v.salon.name),
    el("main", {}, el("section", { class: "card" },
      el("p", { id: "summary", class: "muted" }, t("feedback.summary", { service: v.service_name, who: v.staff_name, day: dayWords(v.start.slice(0, 10)) })),
      form,
      el("p", { id: "message", role: "status" }, message),
      v.review_links?.length ? el("ul", { id: "links" }, ...v.review_links.map((l) => el("li", {}, el("a", { href: l.url, target: "_blank", rel: "noopener" }, l.name)))) : null)),
  );
}

function shown(data: View): void {
  view = data;
  if (data.given) message = t("feedback.given", { rating: data.given.rating });
  if (data.review_links?.length) message = t("feedback.share");
}

async function send(e: Event): Promise<void> {
  e.preventDefault();
  try {
    const body = { rating, comment: comment.trim() || null, tip_amount: Math.round(Number(tip || 0) * 100) };
    const data = await call<View>("POST", `/v1/feedback/${encodeURIComponent(token)}`, { body });
    shown(data);
    if (!data.review_links?.length) message = t("feedback.thanks");
  } catch (err) {
    message = err instanceof ApiError && err.status === 403 ? t("manage.invalid") : t("err.general");
  }
  draw();
}

mount(draw);
call<View>("GET", `/v1/feedback/${encodeURIComponent(token)}`)
  .then((data) => { useSalon(data.salon); shown(data); draw(); })
  .catch((err) => { failure = err instanceof ApiError && err.status === 403 ? t("manage.invalid") : t("err.general"); draw(); });
