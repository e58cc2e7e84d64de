import { call, describe, el, dateOf } from "./api.js";

const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
let rating = 0;

function show(data) {
  $("salon-name").textContent = data.salon.name;
  $("summary").textContent = `${data.service_name} with ${data.staff_name}, ${dateOf(data.start, data.salon.timezone)}`;
  $("form").classList.toggle("hidden", Boolean(data.given));
  if (data.given) $("message").textContent = `Thank you: you rated this visit ${data.given.rating}/5.`;
  if (data.review_links.length) {
    $("message").textContent = "Thank you! Would you say so where others can read it?";
    $("links").replaceChildren(...data.review_links.map((l) => el("li", {}, el("a", { href: l.url, target: "_blank", rel: "noopener" }, l.name))));
    $("links").classList.remove("hidden");
  }
}

$("stars").replaceChildren(...[1, 2, 3, 4, 5].map((n) => el("button", {
  type: "button", role: "radio", "aria-label": `${n} of 5`, "data-rating": n,
  onclick: () => {
    rating = n;
    document.querySelectorAll("#stars button").forEach((b) => b.classList.toggle("on", Number(b.dataset.rating) <= n));
    $("send").disabled = false;
  },
}, "★")));

$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  try {
    const body = { rating, comment: $("comment").value.trim() || null, tip_amount: Math.round(Number($("tip").value || 0) * 100) };
    const data = await call("POST", `/v1/feedback/${encodeURIComponent(token)}`, { body });
    show(data);
    if (!data.review_links.length) $("message").textContent = "Thank you for telling us.";
  } catch (err) {
    $("message").textContent = describe(err);
  }
});

call("GET", `/v1/feedback/${encodeURIComponent(token)}`).then(show).catch((err) => { $("summary").textContent = describe(err); });
