// A salon's own message texts: read the way the engine reads them (`regulars.messaging.rules.templates`:
// Python's format syntax, `{name}` a placeholder, `{{` and `}}` a brace, nothing else inside braces),
// checked against the placeholders the message kind allows, and filled with sample values for the
// preview as the engine fills them (runs of spaces made one, the ends trimmed).

export type Piece = { text: string } | { name: string };

export type TemplateProblem =
  | { code: "empty" }
  | { code: "tooLong"; max: number }
  | { code: "syntax" }
  | { code: "notPlain"; shown: string }
  | { code: "unknown"; names: string[] };

const NAME = /^[a-z_]+$/;

/** The text's literal pieces and placeholders, or the problem with its syntax. */
export function parseTemplate(text: string): { pieces: Piece[] } | { problem: TemplateProblem } {
  const pieces: Piece[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "{" && text[i + 1] === "{") {
      literal += "{";
      i += 2;
    } else if (c === "}" && text[i + 1] === "}") {
      literal += "}";
      i += 2;
    } else if (c === "}") {
      return { problem: { code: "syntax" } };
    } else if (c === "{") {
      const end = text.indexOf("}", i + 1);
      const open = text.indexOf("{", i + 1);
      if (end < 0 || (open >= 0 && open < end)) return { problem: { code: "syntax" } };
      const inside = text.slice(i + 1, end);
      if (!NAME.test(inside)) return { problem: { code: "notPlain", shown: `{${inside}}` } };
      if (literal) pieces.push({ text: literal });
      literal = "";
      pieces.push({ name: inside });
      i = end + 1;
    } else {
      literal += c;
      i += 1;
    }
  }
  if (literal) pieces.push({ text: literal });
  return { pieces };
}

/** Why the engine would refuse ``text`` for a kind allowing ``allowed``, or null. */
export function checkTemplate(text: string, allowed: readonly string[], max: number): TemplateProblem | null {
  if (!text.trim()) return { code: "empty" };
  if (text.length > max) return { code: "tooLong", max };
  const parsed = parseTemplate(text);
  if ("problem" in parsed) return parsed.problem;
  const unknown = [...new Set(parsed.pieces.flatMap((p) => ("name" in p && !allowed.includes(p.name) ? [p.name] : [])))].sort();
  return unknown.length ? { code: "unknown", names: unknown } : null;
}

/** The text with each placeholder's value (a missing one left as it is written), spaced as the engine sends it. */
export function fillTemplate(text: string, values: Record<string, string>): string {
  const parsed = parseTemplate(text);
  if ("problem" in parsed) return text;
  const out = parsed.pieces.map((p) => ("name" in p ? (values[p.name] ?? `{${p.name}}`) : p.text)).join("");
  return out.replace(/ {2,}/g, " ").trim();
}

/** The text with ``name`` put in at the caret (between ``start`` and ``end``), and where the caret goes. */
export function insertPlaceholder(text: string, name: string, start: number, end: number): { text: string; caret: number } {
  const token = `{${name}}`;
  return { text: text.slice(0, start) + token + text.slice(end), caret: start + token.length };
}

/** The salon's texts with ``text`` for a kind and language, or without one when it is the default (or empty). */
export function withOverride(
  templates: Record<string, Record<string, string>>,
  kind: string,
  lang: string,
  text: string | null,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [k, texts] of Object.entries(templates)) out[k] = { ...texts };
  const texts = { ...(out[kind] ?? {}) };
  if (text === null) delete texts[lang];
  else texts[lang] = text;
  if (Object.keys(texts).length) out[kind] = texts;
  else delete out[kind];
  return out;
}

export type WhatsAppTemplate = { name: string; language?: string | null; parameters: string[] };
export type WhatsAppProblems = { name?: "format"; language?: "format"; parameters?: { unknown: string[] } | "tooMany" };

/** An approved WhatsApp template as typed (its name, language, and the placeholders that fill {{1}},
 * {{2}}, ... in order), read as the API accepts it; null for none (an empty name). */
export function readWhatsApp(
  name: string,
  lang: string,
  parameters: string,
  allowed: readonly string[],
): { template: WhatsAppTemplate | null; problems: WhatsAppProblems } {
  const problems: WhatsAppProblems = {};
  const n = name.trim();
  if (!n) return { template: null, problems };
  if (!/^[a-z0-9_]+$/.test(n) || n.length > 512) problems.name = "format";
  const l = lang.trim();
  if (l && !/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(l)) problems.language = "format";
  const params = parameters
    .split(/[\s,;]+/)
    .map((p) => p.replace(/^\{|\}$/g, ""))
    .filter(Boolean);
  const unknown = params.filter((p) => !allowed.includes(p));
  if (unknown.length) problems.parameters = { unknown };
  else if (params.length > 10) problems.parameters = "tooMany";
  return { template: { name: n, language: l || null, parameters: params }, problems };
}
