// A small client for the Regulars API, shared by the console, the booking page and the manage page.
export const API = window.REGULARS_API_BASE || "";

export class ApiError extends Error {
  constructor(status, error, retryAfter) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || "error";
    this.fields = error?.fields || [];
    this.retryAfter = retryAfter; // seconds, for a 429
  }
}

export async function call(method, path, { body, token, headers } = {}) {
  const init = { method, headers: { Accept: "application/json", ...(headers || {}) } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  const response = await fetch(API + path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiError(response.status, data?.error, Number(response.headers.get("Retry-After")) || undefined);
  }
  return data;
}

export function money({ amount, currency }, locale) {
  return new Intl.NumberFormat(locale || undefined, { style: "currency", currency }).format(amount / 100);
}

export function timeOf(iso, timeZone) {
  return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone }).format(new Date(iso));
}

export function dateOf(iso, timeZone) {
  return new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short", timeZone })
    .format(new Date(iso));
}

export function describe(err) {
  if (!(err instanceof ApiError)) return String(err);
  const fields = err.fields.map((f) => `${f.field}: ${f.reason}`).join("; ");
  return fields ? `${err.message} (${fields})` : err.message;
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

export function todayIn(timeZone, at = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone }).format(at);
}
