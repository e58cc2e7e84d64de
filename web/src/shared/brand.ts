// The salon's colour on its pages: buttons and marks in it, their text white or near-black, whichever
// reads better on it (WCAG contrast), and a darker shade for text on white when the colour is light.
const DEFAULT = "#6d35d6";

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

function darken(hex: string, factor: number): string {
  const n = parseInt(hex.slice(1), 16);
  const part = (shift: number) => Math.round(((n >> shift) & 255) * factor).toString(16).padStart(2, "0");
  return `#${part(16)}${part(8)}${part(0)}`;
}

/** CSS custom properties for a brand colour (#rrggbb; anything else: the default). */
export function brandColours(colour: string | null | undefined): Record<string, string> {
  const brand = colour && /^#[0-9a-fA-F]{6}$/.test(colour) ? colour.toLowerCase() : DEFAULT;
  const on = contrast(brand, "#ffffff") >= 4.5 ? "#ffffff" : "#111111";
  let ink = brand; // the colour as text or border on white
  for (let f = 0.9; contrast(ink, "#ffffff") < 4.5 && f > 0.1; f -= 0.1) ink = darken(brand, f);
  return { "--brand": brand, "--on-brand": on, "--brand-ink": ink };
}
