// The booking page, shared: the direct link (for Instagram, messages, a QR code on the counter), the
// one tag that puts a "Book" button on the salon's own site, and the QR code of the link.
import { useSignal } from "@preact/signals";
import { t } from "../../i18n";
import { salon } from "../../state";
import { bookingLink, embedSnippet, qrSvg } from "./widget";

export function WidgetSection() {
  const s = salon.value;
  const copied = useSignal("");
  if (!s) return null;
  const link = bookingLink(location.origin, s.id);
  const snippet = embedSnippet(location.origin, s.id, window.REGULARS_CONFIG?.api);
  const svg = qrSvg(link, t("settings.widget.qrTitle", { salon: s.name }));
  const download = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      copied.value = t("settings.widget.copied", { what });
    } catch {
      copied.value = t("settings.widget.copyFailed");
    }
  }

  return (
    <section id="widget" class="card" aria-labelledby="widget-title">
      <h2 id="widget-title">{t("settings.widget.title")}</h2>
      <p class="hint">{t("settings.widget.hint")}</p>
      <h3>{t("settings.widget.link")}</h3>
      <p><a id="widget-link" href={link} target="_blank" rel="noopener">{link}</a></p>
      <button type="button" class="secondary" id="copy-link" onClick={() => copy(link, t("settings.widget.link"))}>{t("settings.widget.copyLink")}</button>
      <h3><label for="widget-snippet">{t("settings.widget.embed")}</label></h3>
      <p class="hint" id="widget-snippet-hint">{t("settings.widget.embedHint")}</p>
      <textarea id="widget-snippet" readOnly rows={3} aria-describedby="widget-snippet-hint" value={snippet} onFocus={(e) => e.currentTarget.select()} />
      <button type="button" class="secondary" id="copy-snippet" onClick={() => copy(snippet, t("settings.widget.embed"))}>{t("settings.widget.copySnippet")}</button>
      <h3>{t("settings.widget.qr")}</h3>
      <div id="widget-qr" class="qr" dangerouslySetInnerHTML={{ __html: svg }} />
      <p><a id="widget-qr-download" href={download} download={`booking-${s.id}.svg`}>{t("settings.widget.qrDownload")}</a></p>
      <p role="status" class="muted">{copied.value}</p>
    </section>
  );
}
