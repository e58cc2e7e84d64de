// The local runtime's phone view: one card per recipient, their messages newest last, and the
// client's side: press a Telegram button, reply by SMS, Telegram or WhatsApp.
// (a development tool of the local runtime, in English only: no client sees it)
import { ApiError, call, el } from "../shared/api";
import "../shared/styles.css";
import "./phone.css";

interface PhoneMessage {
  channel: string;
  to: string;
  text: string;
  buttons: string[];
}

const describe = (err: unknown) =>
  err instanceof ApiError ? (err.fields.length ? `${err.message} (${err.fields.map((f) => `${f.field}: ${f.reason}`).join("; ")})` : err.message) : String(err);

const $ = (id: string) => document.getElementById(id)!;
let shown = "";

function replyAction(channel: string, to: string, text: string): Record<string, unknown> | null {
  if (channel === "sms") return { action: "sms_reply", from: to, text };
  if (channel === "whatsapp") return { action: "whatsapp_text", from: to, text };
  if (channel === "telegram") return { action: "telegram_text", chat_id: Number(to), text };
  return null;
}

async function act(body: Record<string, unknown>, card: HTMLElement) {
  const status = card.querySelector("[role=status]")!;
  try {
    const answer = await call<{ body?: { text?: string } }>("POST", "/local/phone/act", { body });
    status.textContent = answer?.body?.text || "Sent.";
    setTimeout(refresh, 800);
  } catch (err) {
    status.textContent = describe(err);
  }
}

function card(key: string, messages: PhoneMessage[]) {
  const { channel, to } = messages[0];
  const box = el("section", { class: "card", "data-to": to, "data-channel": channel });
  box.append(el("div", { class: "channel" }, `${channel} · ${to}`));
  for (const m of messages) {
    const bubble = el("div", { class: "bubble" }, m.text);
    if (channel === "telegram" && m.buttons.length) {
      bubble.append(el("div", { class: "buttons" }, ...m.buttons.map((label) => el("button", {
        type: "button", class: "secondary",
        onclick: () => act({ action: "telegram_press", chat_id: Number(to), button: label }, box),
      }, label))));
    }
    box.append(bubble);
  }
  if (replyAction(channel, to, "")) {
    const input = el("input", { type: "text", placeholder: "Reply (YES, NO, STOP, ...)", "aria-label": `Reply to ${key}` });
    const form = el("form", { class: "row" }, input, el("button", { type: "submit" }, "Reply"));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (input.value.trim()) act(replyAction(channel, to, input.value.trim())!, box);
    });
    box.append(form);
  }
  box.append(el("p", { class: "muted", role: "status" }));
  return box;
}

async function load() {
  const { messages } = await call<{ messages: PhoneMessage[] }>("GET", "/local/phone");
  const text = JSON.stringify(messages);
  if (text === shown) return;
  shown = text;
  const groups = new Map<string, PhoneMessage[]>();
  for (const m of messages) {
    const key = `${m.channel}:${m.to}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(m);
  }
  $("empty").classList.toggle("hidden", groups.size > 0);
  $("phones").replaceChildren(...[...groups].reverse().map(([key, list]) => card(key, list)));
}

function refresh() {
  load().catch((err: unknown) => {
    $("empty").textContent = err instanceof ApiError && err.status === 404 ? "The phone view is part of the local runtime only." : describe(err);
  });
}

refresh();
setInterval(refresh, 3000);
