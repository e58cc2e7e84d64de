// The feedback page (the link after a visit): a rating, a comment and a tip; review links for a happy client.
import { ApiError, call, el, type Schemas } from "../shared/api";
import { dayWords, t } from "../shared/i18n";
import { header, mount, useSalon } from "../shared/page";
import "../shared/styles.css";
import "./feedback.css";

type View = Schemas["FeedbackPageOut"];
const token = new URLSearchParams(location.search).get("token") || "";
let view: View | null = null;
let rating = 0;
let message = "";
let failure = "";
let comment = "";
let tip = "0";
let pickError = "";

/** A star chosen: the stars and the words change in place (the radio keeps its focus). */
function choose(n: number): void {
  rating = n;
  pickError = "";
  document.querySelectorAll<HTMLLabelElement>("#stars label.star").forEach((l) => l.classList.toggle("on", Number(l.dataset.rating) <= n));
  document.getElementById("rated")!.textContent = t("feedback.rated", { n });
  document.getElementById("pick-error")!.textContent = "";
}

function draw(): void {
  const app = document.getElementById("app")!;
  if (!view) {
    app.replaceChildren(header(t("feedback.title")), el("main", {}, el("section", { class: "card" },
      el("p", { id: "summary", class: failure ? "error" : "muted" }, failure || t("common.loading")))));
    return;
  }
  const v = view;
  // five real radio buttons (arrow keys move between them, the chosen one is announced), drawn as stars
  const stars = el("fieldset", { class: "stars", id: "stars" },
    el("legend", {}, t("feedback.rating")),
    el("div", { class: "star-row" },
      ...[1, 2, 3, 4, 5].flatMap((n) => [
        el("input", { type: "radio", name: "rating", id: `star-${n}`, value: n, class: "star-input", checked: n === rating,
          onchange: () => choose(n) }),
        el("label", { for: `star-${n}`, class: n <= rating ? "star on" : "star", "data-rating": n },
          el("span", { "aria-hidden": "true" }, "★"), el("span", { class: "visually-hidden" }, t("feedback.starWords", { n }))),
      ])),
    el("p", { id: "rated", class: "muted small", "aria-live": "polite" }, rating ? t("feedback.rated", { n: rating }) : ""));
  const form = el("form", { id: "form", class: v.given ? "hidden" : "" },
    stars,
    el("label", { for: "comment" }, t("feedback.comment")),
    el("textarea", { id: "comment", rows: 3, maxlength: 2000, oninput: (e: Event) => { comment = (e.target as HTMLTextAreaElement).value; } }, comment),
    el("label", { for: "tip" }, t("feedback.tip")),
    el("input", { id: "tip", type: "number", min: 0, step: 0.5, value: tip, oninput: (e: Event) => { tip = (e.target as HTMLInputElement).value; } }),
    el("p", { id: "pick-error", class: "error" }, pickError),
    el("p", {}, el("button", { type: "submit", id: "send" }, t("feedback.send"))));
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
  if (!rating) {
    pickError = t("feedback.pick");
    draw();
    document.getElementById("star-1")?.focus();
    return;
  }
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
