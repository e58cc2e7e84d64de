// embed.js: the one script a salon adds to its own site,
//   <script src="https://<where the pages are>/embed.js" data-salon="<salon id>" async></script>
// It puts a "Book" button where the script stands (in the page's language, in the salon's colour) that
// opens the booking page in an overlay: a modal <dialog> (focus stays inside, Esc closes) holding an
// iframe that sizes itself to the page's content. The page tells its height and asks to close by
// postMessage; this script takes messages from the pages' origin and that iframe only, and the page
// posts to this site's origin only. Optional: data-api (where the API is, when not beside the pages),
// data-service (a service chosen), data-label (the button's own words).
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || !script.dataset.salon) return;
  const salon = script.dataset.salon;
  const pages = new URL(script.src, location.href).origin;
  const api = (script.dataset.api || pages).replace(/\/$/, "");
  const WORDS: Record<string, { book: string; close: string; title: string }> = {
    en: { book: "Book", close: "Close", title: "Book a visit" },
    ru: { book: "Записаться", close: "Закрыть", title: "Запись" },
    es: { book: "Reservar", close: "Cerrar", title: "Reservar cita" },
  };
  const lang = (document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  const words = WORDS[lang] ?? WORDS.en;
  const id = `regulars-${salon.replace(/[^a-z0-9_-]/gi, "")}`;

  const style = document.createElement("style");
  style.textContent = `
.${id}-button{font:600 16px/1.2 system-ui,sans-serif;min-height:44px;min-width:44px;padding:10px 20px;border-radius:8px;border:0;cursor:pointer;background:var(--${id}-brand,#6d35d6);color:var(--${id}-on,#fff)}
.${id}-button:focus-visible{outline:3px solid #111;outline-offset:2px}
dialog.${id}{padding:0;border:0;border-radius:14px;width:min(640px,100vw);max-width:100vw;max-height:100dvh;overflow:auto;background:#fff;box-shadow:0 10px 40px rgba(0,0,0,.35)}
dialog.${id}::backdrop{background:rgba(0,0,0,.55)}
dialog.${id} .bar{display:flex;justify-content:flex-end;position:sticky;top:0;background:#fff;z-index:1}
dialog.${id} .bar button{font:600 22px/1 system-ui,sans-serif;min-width:44px;min-height:44px;border:0;background:#fff;color:#111;cursor:pointer;border-radius:8px}
dialog.${id} iframe{display:block;border:0;width:100%;height:480px}
@media (max-width:640px){dialog.${id}{border-radius:0;width:100vw;height:100dvh;max-height:100dvh;margin:0}}`;
  document.head.appendChild(style);

  const button = document.createElement("button");
  button.type = "button";
  button.className = `${id}-button`;
  button.textContent = script.dataset.label || words.book;
  button.setAttribute("aria-haspopup", "dialog");
  script.insertAdjacentElement("afterend", button);

  let dialog: HTMLDialogElement | null = null;
  let frame: HTMLIFrameElement | null = null;

  // the salon's colour (and name, for the dialog's title) from the public catalog
  fetch(`${api}/v1/salons/${encodeURIComponent(salon)}/catalog`, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : null))
    .then((catalog) => {
      const colour = catalog?.salon?.brand_color;
      if (typeof colour === "string" && /^#[0-9a-fA-F]{6}$/.test(colour)) {
        document.documentElement.style.setProperty(`--${id}-brand`, colour);
        document.documentElement.style.setProperty(`--${id}-on`, light(colour) ? "#111" : "#fff");
      }
      if (catalog?.salon?.name) button.setAttribute("aria-label", `${button.textContent} · ${catalog.salon.name}`);
    })
    .catch(() => undefined);

  function light(hex: string): boolean {
    const n = parseInt(hex.slice(1), 16);
    const c = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const l = 0.2126 * c((n >> 16) & 255) + 0.7152 * c((n >> 8) & 255) + 0.0722 * c(n & 255);
    return (1.05 / (l + 0.05)) < 4.5; // white text would read worse than 4.5:1
  }

  function open(): void {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = id;
      dialog.setAttribute("aria-label", words.title);
      const bar = document.createElement("div");
      bar.className = "bar";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", words.close);
      close.addEventListener("click", () => dialog!.close());
      bar.appendChild(close);
      frame = document.createElement("iframe");
      frame.title = words.title;
      const q = new URLSearchParams({ salon, embed: "1", origin: location.origin, lang });
      if (script!.dataset.service) q.set("service", script!.dataset.service);
      frame.src = `${pages}/book.html?${q}`;
      dialog.append(bar, frame);
      dialog.addEventListener("close", () => button.focus());
      document.body.appendChild(dialog);
    }
    dialog.showModal(); // modal: the rest of the page is inert, focus stays inside, Esc closes
  }

  window.addEventListener("message", (e: MessageEvent) => {
    if (e.origin !== pages || !frame || e.source !== frame.contentWindow) return;
    const data = e.data as { source?: string; type?: string; height?: number };
    if (data?.source !== "regulars") return;
    if (data.type === "height" && typeof data.height === "number" && data.height > 0) {
      frame.style.height = `${Math.min(Math.ceil(data.height), 10000)}px`;
    } else if (data.type === "close") {
      dialog?.close();
    } else if (data.type === "ready") {
      frame.contentWindow?.postMessage({ source: "regulars-host", type: "language", language: lang }, pages);
    }
  });

  button.addEventListener("click", open);
})();
