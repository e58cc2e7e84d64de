// "Download as CSV" for a table: the same rows the table shows, as a file a spreadsheet opens
// (lib/csv.ts). ``name`` is the table's title, which also names the file.
import { t } from "../i18n";
import { downloadCsv, type Cell } from "../lib/csv";

export function CsvButton({ name, header, rows, id }: { name: string; header: Cell[]; rows: Cell[][]; id?: string }) {
  return (
    <button type="button" class="secondary csv" id={id} onClick={() => downloadCsv(name, header, rows)}>
      {t("csv.download")}<span class="visually-hidden">: {name}</span>
    </button>
  );
}
