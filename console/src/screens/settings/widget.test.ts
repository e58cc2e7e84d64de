import { describe, expect, it } from "vitest";
import { bookingLink, embedSnippet, qrSvg } from "./widget";

describe("sharing the booking page", () => {
  it("links to the salon's page where the console is served", () => {
    expect(bookingLink("https://book.example", "demo salon")).toBe("https://book.example/book.html?salon=demo%20salon");
  });
  it("embeds with one tag, naming the API only when it is elsewhere", () => {
    expect(embedSnippet("https://book.example", "demo")).toBe('<script src="https://book.example/embed.js" data-salon="demo" async></script>');
    expect(embedSnippet("https://book.example", "demo", "https://api.example/prod/")).toContain('data-api="https://api.example/prod"');
    expect(embedSnippet("https://b.example", 'x"><script>')).not.toContain('"><script>');
  });
  it("draws a QR code of the link as SVG", () => {
    const svg = qrSvg("https://book.example/book.html?salon=demo", "QR <code>");
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 (\d+) \1"/);
    expect(svg).toContain("<title>QR &lt;code></title>");
    expect((svg.match(/h1v1h-1z/g) ?? []).length).toBeGreaterThan(100);
  });
});
