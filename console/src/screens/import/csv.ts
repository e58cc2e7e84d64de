// Reading an export in the browser: its bytes as text (UTF-8, or Windows-1251 as older Russian exports
// are), its rows by Papa Parse (the delimiter found, quoted cells kept whole), the mapping guessed from
// a platform's preset or the known names of a column, and the rows cut into the chunks the API takes.
import Papa from "papaparse";

export type Kind = "clients" | "visits";

export interface Preset {
  id: string;
  platform: string;
  kind: Kind;
  columns: Record<string, string>;
  day_first: boolean;
}

export interface Sheet {
  header: string[];
  rows: string[][]; // the data rows: rows[0] is the file's row 2 (the header is row 1)
}

/** The file's text: UTF-8 when it is valid UTF-8 (a BOM dropped), else Windows-1251. */
export function decode(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1251").decode(bytes);
  }
}

/** The header and the data rows; trailing empty lines dropped, empty lines inside kept (the API says
 * they are empty, so the row numbers stay the file's). */
export function parse(text: string): Sheet {
  const result = Papa.parse<string[]>(text, { skipEmptyLines: false });
  const all = result.data.map((row) => row.map((cell) => (cell ?? "").toString()));
  while (all.length > 0 && all[all.length - 1].every((c) => c.trim() === "")) all.pop();
  const [header = [], ...rows] = all;
  return { header: header.map((h) => h.trim()), rows };
}

// other headers a field is known by (a newer export, another language), besides a preset's own
const ALIASES: Record<string, string[]> = {
  name: ["Имя", "Name", "Full name", "Клиент", "ФИО", "Nombre", "Client"],
  first_name: ["First Name", "Nombre"],
  last_name: ["Last Name", "Фамилия", "Apellidos"],
  phone: ["Телефон", "Phone", "Mobile", "Mobile Number", "Teléfono", "Móvil"],
  email: ["Email", "E-mail", "Почта"],
  birthday: ["Дата рождения", "Date of Birth", "Birthday", "Fecha de nacimiento"],
  notes: ["Комментарий", "Notes", "Note", "Notas"],
  tags: ["Категории", "Tags", "Categories"],
  marketing_consent: ["Accepts Marketing", "Marketing consent", "Согласие на рассылку"],
  visits: ["Визитов", "Visits"],
  total_spent: ["Сумма продаж", "Total sales"],
  last_visit: ["Последний визит", "Last appointment", "Last visit"],
  date: ["Дата", "Date", "Fecha"],
  service: ["Услуга", "Service", "Servicio"],
  staff: ["Сотрудник", "Staff", "Team member", "Empleado"],
  price: ["Стоимость", "Price", "Precio"],
};

const norm = (s: string) => s.trim().replace(/\s+/g, " ").toLocaleLowerCase();

/** field -> the header of its column: the preset's name first, then the known ones; a column once. */
export function guess(fields: string[], header: string[], preset?: Preset): Record<string, string> {
  const byName = new Map<string, string>();
  for (const h of header) if (!byName.has(norm(h))) byName.set(norm(h), h);
  const out: Record<string, string> = {};
  const taken = new Set<string>();
  for (const field of fields) {
    const names = [...(preset?.columns[field] ? [preset.columns[field]] : []), ...(ALIASES[field] ?? [])];
    for (const name of names) {
      const found = byName.get(norm(name));
      if (found && !taken.has(found)) {
        out[field] = found;
        taken.add(found);
        break;
      }
    }
  }
  // "Имя" is a whole name in one export and the first name in none we know: a first and a last name
  // found together win over a whole name
  if (out.first_name && out.last_name && out.name) delete out.name;
  return out;
}

/** The preset whose columns this header has most of (none below half of them). */
export function recognise(presets: Preset[], header: string[]): Preset | undefined {
  const have = new Set(header.map(norm));
  let best: Preset | undefined;
  let score = 0.5;
  for (const p of presets) {
    const names = Object.values(p.columns);
    const s = names.filter((n) => have.has(norm(n))).length / names.length;
    if (s > score) [best, score] = [p, s];
  }
  return best;
}

export interface Chunk {
  n: number;
  firstRow: number;
  rows: string[][];
}

/** The rows in chunks of ``size``, each with the file's number of its first row. */
export function chunks(rows: string[][], size: number): Chunk[] {
  const out: Chunk[] = [];
  for (let n = 0; n * size < rows.length; n++) out.push({ n, firstRow: 2 + n * size, rows: rows.slice(n * size, (n + 1) * size) });
  return out;
}

export const MAX_CELL = 600; // more than the API keeps of any field (notes: 500 characters)

/** Only the mapped columns, their cells cut to MAX_CELL: the rest of the file never leaves the
 * browser, and a chunk stays far below the API's 256 KiB cap on a request. */
export function project(sheet: Sheet, mapping: Record<string, string>): Sheet {
  const header = [...new Set(Object.values(mapping))].filter((h) => sheet.header.includes(h));
  const at = header.map((h) => sheet.header.indexOf(h));
  return { header, rows: sheet.rows.map((row) => at.map((i) => (row[i] ?? "").slice(0, MAX_CELL))) };
}

/** What a mapping lacks before the file can be read: the API's own rules, said before asking it. */
export function missing(kind: Kind, mapping: Record<string, string>): string[] {
  const out: string[] = [];
  if (!mapping.phone) out.push("phone");
  if (kind === "clients" && !mapping.name && !mapping.first_name && !mapping.last_name) out.push("name");
  if (kind === "visits" && !mapping.date) out.push("date");
  return out;
}
