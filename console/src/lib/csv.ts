// A table as a CSV file people open in a spreadsheet: RFC 4180 (fields with a comma, a quote or a
// line break are quoted, quotes doubled, lines end in CRLF) with a byte order mark first, so Excel
// reads the file as UTF-8 ("Анна", "José") instead of the machine's code page. A cell that starts with
// =, +, - or @ and is not a number is prefixed with an apostrophe: a client's name must not run as a
// spreadsheet formula on the owner's computer.
export type Cell = string | number | boolean | null | undefined;

const FORMULA = /^[=+\-@\t\r]/;
const NUMERIC = /^[-+]?\d+([.,]\d+)?$/;

/** One field, quoted when it must be. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : String(value);
  if (typeof value === "string" && FORMULA.test(s) && !NUMERIC.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The file's text: a BOM, the header, then each row, every line ended by CRLF. */
export function toCsv(header: Cell[], rows: Cell[][]): string {
  return `\ufeff${[header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`;
}

/** A file name without characters a file system refuses ("Visits / month" → "visits-month.csv"). */
export function csvName(title: string): string {
  const base = title
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\\/:*?"<>|\s]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  return `${base || "table"}.csv`;
}

/** Hands the browser the table as a file to save. */
export function downloadCsv(name: string, header: Cell[], rows: Cell[][]): void {
  const blob = new Blob([toCsv(header, rows)], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = csvName(name);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
