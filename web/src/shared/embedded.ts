// The page inside embed.js's overlay on a salon's own site (?embed=1&origin=<the site's origin>): it
// tells that origin, and no other, its height (so the overlay fits it) and when Esc is pressed (so
// the overlay closes), and takes the site's language from that origin only.
import { LANGUAGES, setLanguage, type Language } from "./i18n";

const params = new URLSearchParams(location.search);

function origin(value: string | null): string | null {
  try {
    const o = new URL(value ?? "").origin;
    return o === "null" ? null : o;
  } catch {
    return null;
  }
}

export const hostOrigin = origin(params.get("origin"));
export const embedding = params.get("embed") === "1" && window.parent !== window && hostOrigin !== null;

export function post(message: { type: string; [k: string]: unknown }): void {
  if (embedding && hostOrigin) window.parent.postMessage({ source: "regulars", ...message }, hostOrigin);
}

export function tellHost(): void {
  if (!embedding) return;
  document.documentElement.classList.add("embedded");
  let last = 0;
  const measure = () => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      post({ type: "height", height });
    }
  };
  new ResizeObserver(measure).observe(document.body);
  measure();
  window.addEventListener("keydown", (e) => {
    if (e.key === "Escape") post({ type: "close" });
  });
  window.addEventListener("message", (e) => {
    if (e.origin !== hostOrigin || e.source !== window.parent || e.data?.source !== "regulars-host") return;
    if (e.data.type === "language" && LANGUAGES.includes(e.data.language)) setLanguage(e.data.language as Language, false);
  });
  post({ type: "ready" });
}
