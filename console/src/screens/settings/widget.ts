// The salon's booking page as its owner shares it: the direct link, the one-tag embed for its own site,
// and a QR code of the link (lean-qr, bundled: nothing from a CDN).
import { generate } from "lean-qr";

/** The booking page's address for a salon, where the console itself is served. */
export function bookingLink(origin: string, salonId: string): string {
  return `${origin}/book.html?salon=${encodeURIComponent(salonId)}`;
}

/** The tag a salon pastes into its own site: a "Book" button opening the booking page in an overlay.
 * ``api`` when the API is not beside the pages (a deployment's config.js names it). */
export function embedSnippet(origin: string, salonId: string, api?: string): string {
  const safe = (v: string) => v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const apiAttr = api && /^https?:\/\//.test(api) ? ` data-api="${safe(api.replace(/\/$/, ""))}"` : "";
  return `<script src="${safe(origin)}/embed.js" data-salon="${safe(salonId)}"${apiAttr} async></script>`;
}

/** A QR code of ``text`` as SVG (a path of dark modules, four modules of quiet zone). */
export function qrSvg(text: string, title: string): string {
  const code = generate(text);
  const quiet = 4;
  const size = code.size + quiet * 2;
  let path = "";
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) if (code.get(x, y)) path += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  const esc = title.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img"><title>${esc}</title><rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
