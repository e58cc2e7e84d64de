// A bar chart of figures by a label, drawn with Chart.js (only the bar controller, its element, the
// two scales and the tooltip are registered, so the rest of the library is left out of the build),
// and the same figures in a table under it: screen readers and axe read the table, the canvas is
// described as a picture of it. Labels are the caller's words, numbers are Intl's in the language.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { useEffect, useId, useRef } from "preact/hooks";
import { number, numberLocale, t } from "../i18n";
import { Scroll } from "./ui";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const BAR = "#1d5fbf"; // the console's accent: 6.3:1 against the white card
const INK = "#1d232b";
const GRID = "#c9ced6";

export interface Row {
  key: string;
  label: string;
  count: number;
}

/** ``what`` names the labels' column and ``valueLabel`` the figures'; ``format`` writes a figure (a
 * count by Intl unless told: an amount, say). */
export function BarChart({ id, title, rows, what, valueLabel, format = number, vertical = false }: {
  id: string; title: string; rows: Row[]; what: string; valueLabel: string; format?: (n: number) => string; vertical?: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const titleId = useId();
  const loc = numberLocale.value;
  useEffect(() => {
    if (!canvas.current || rows.length === 0) return;
    const horizontal = rows.length > 6 && !vertical;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: { labels: rows.map((r) => r.label), datasets: [{ label: valueLabel, data: rows.map((r) => r.count), backgroundColor: BAR }] },
      options: {
        locale: loc,
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { enabled: true, callbacks: { label: (item) => format(Number(item.raw)) } } },
        scales: {
          x: { ticks: { color: INK, precision: 0, ...(horizontal ? { callback: (v) => format(Number(v)) } : {}) }, grid: { color: GRID } },
          y: { ticks: { color: INK, precision: 0, ...(horizontal ? {} : { callback: (v) => format(Number(v)) }) }, grid: { color: GRID }, beginAtZero: true },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(rows), loc, valueLabel]);
  return (
    <figure class="chart" id={id} aria-labelledby={titleId}>
      <figcaption id={titleId}><h3>{title}</h3></figcaption>
      {rows.length === 0 ? (
        <p class="muted">{t("chart.none")}</p>
      ) : (
        <>
          <div class="chart-box">
            <canvas ref={canvas} role="img" aria-label={t("chart.of", { title })} />
          </div>
          <Scroll label={title}>
            <table class="figures">
              <thead><tr><th scope="col">{what}</th><th scope="col" class="num">{valueLabel}</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr data-key={r.key}><th scope="row">{r.label}</th><td class="num">{format(r.count)}</td></tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </>
      )}
    </figure>
  );
}
