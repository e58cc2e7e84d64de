// A bar chart of counts by a label, drawn with Chart.js (only the bar controller, its element, the
// two scales and the tooltip are registered, so the rest of the library is left out of the build),
// and the same figures in a table under it: screen readers and axe read the table, the canvas is
// described as a picture of it. Labels are the caller's words, numbers are Intl's in the language.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { useEffect, useId, useRef } from "preact/hooks";
import { Scroll } from "../../components/ui";
import { number, numberLocale, t } from "../../i18n";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const BAR = "#1d5fbf"; // the console's accent: 6.3:1 against the white card
const INK = "#1d232b";
const GRID = "#c9ced6";

export interface Row {
  key: string;
  label: string;
  count: number;
}

export function BarChart({ id, title, rows, what }: { id: string; title: string; rows: Row[]; what: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const titleId = useId();
  const loc = numberLocale.value;
  useEffect(() => {
    if (!canvas.current || rows.length === 0) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: { labels: rows.map((r) => r.label), datasets: [{ label: t("retention.col.count"), data: rows.map((r) => r.count), backgroundColor: BAR }] },
      options: {
        locale: loc,
        indexAxis: rows.length > 6 && id !== "chart-month" ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { enabled: true } },
        scales: {
          x: { ticks: { color: INK, precision: 0 }, grid: { color: GRID } },
          y: { ticks: { color: INK, precision: 0 }, grid: { color: GRID }, beginAtZero: true },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(rows), loc]);
  return (
    <figure class="chart" id={id} aria-labelledby={titleId}>
      <figcaption id={titleId}><h3>{title}</h3></figcaption>
      {rows.length === 0 ? (
        <p class="muted">{t("retention.noFigures")}</p>
      ) : (
        <>
          <div class="chart-box">
            <canvas ref={canvas} role="img" aria-label={t("retention.chartOf", { title })} />
          </div>
          <Scroll label={title}>
            <table class="figures">
              <thead><tr><th scope="col">{what}</th><th scope="col" class="num">{t("retention.col.count")}</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr data-key={r.key}><th scope="row">{r.label}</th><td class="num">{number(r.count)}</td></tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </>
      )}
    </figure>
  );
}
