// Bar charts of several figures side by side (the sent group against the holdout, new against
// returning clients, messages by channel and purpose), and of estimates with their interval (a bar
// from the low to the high end, the estimate as a mark on it), drawn with Chart.js as BarChart is:
// only the pieces used are registered, and the same figures are in a table under the chart for
// screen readers and for copying. Labels are the caller's words, numbers Intl's in the language.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { number, numberLocale, t } from "../i18n";
import { Scroll } from "./ui";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);
// the legend is registered for these charts only: the single-series charts elsewhere (BarChart) stay without one
Chart.defaults.plugins.legend.display = false;

// the console's accent, a dark amber, a green and a purple: each at least 4.5:1 against the white card
export const SERIES_COLOURS = ["#1d5fbf", "#9a4a00", "#2f7d32", "#6b3fa0"];
const INK = "#1d232b";
const GRID = "#c9ced6";

export interface Series {
  label: string;
  values: number[];
}

export interface Category {
  key: string;
  label: string;
}

function Frame(props: { id: string; title: string; children: ComponentChildren; empty: boolean; canvas: RefObject<HTMLCanvasElement | null> }) {
  const titleId = useId();
  return (
    <figure class="chart" id={props.id} aria-labelledby={titleId}>
      <figcaption id={titleId}><h3>{props.title}</h3></figcaption>
      {props.empty ? (
        <p class="muted">{t("chart.none")}</p>
      ) : (
        <>
          <div class="chart-box">
            <canvas ref={props.canvas} role="img" aria-label={t("chart.of", { title: props.title })} />
          </div>
          <Scroll label={props.title}>{props.children}</Scroll>
        </>
      )}
    </figure>
  );
}

/** Several figures for each category, grouped (``stacked``: one on top of the other). */
/** ``precision``: the decimals of the axis' ticks (0 for amounts in minor units: no tick between two cents). */
export function SeriesChart({ id, title, what, categories, series, format = number, stacked = false, precision }: {
  id: string; title: string; what: string; categories: Category[]; series: Series[]; format?: (n: number) => string; stacked?: boolean; precision?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const loc = numberLocale.value;
  const empty = categories.length === 0 || series.length === 0;
  useEffect(() => {
    if (!canvas.current || empty) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels: categories.map((c) => c.label),
        datasets: series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length] })),
      },
      options: {
        locale: loc, responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: series.length > 1, labels: { color: INK } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } },
        },
        scales: {
          x: { stacked, ticks: { color: INK }, grid: { color: GRID } },
          y: { stacked, beginAtZero: true, ticks: { color: INK, precision, callback: (v) => format(Number(v)) }, grid: { color: GRID } },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify([categories, series]), loc, stacked, precision]);
  return (
    <Frame id={id} title={title} empty={empty} canvas={canvas}>
      <table class="figures">
        <thead>
          <tr><th scope="col">{what}</th>{series.map((s) => <th scope="col" class="num">{s.label}</th>)}</tr>
        </thead>
        <tbody>
          {categories.map((c, i) => (
            <tr data-key={c.key}><th scope="row">{c.label}</th>{series.map((s) => <td class="num">{format(s.values[i])}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </Frame>
  );
}

export interface Interval {
  key: string;
  label: string;
  value: number;
  low: number;
  high: number;
}

/** Estimates with their interval: a bar from the low to the high end, the estimate marked on it, and
 * the zero line drawn, so an interval that crosses it reads as "maybe nothing". */
export function IntervalChart({ id, title, what, rows, valueLabel, rangeLabel, format = number, precision }: {
  id: string; title: string; what: string; rows: Interval[]; valueLabel: string; rangeLabel: string; format?: (n: number) => string; precision?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const loc = numberLocale.value;
  useEffect(() => {
    if (!canvas.current || rows.length === 0) return;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels: rows.map((r) => r.label),
        datasets: [
          { type: "bar", label: rangeLabel, data: rows.map((r) => [r.low, r.high]) as unknown as number[], backgroundColor: "rgba(29, 95, 191, 0.35)", borderColor: SERIES_COLOURS[0], borderWidth: 1, order: 2 },
          { type: "line", label: valueLabel, data: rows.map((r) => r.value), showLine: false, pointRadius: 7, pointStyle: "rectRot", backgroundColor: SERIES_COLOURS[1], borderColor: SERIES_COLOURS[1], order: 1 },
        ],
      },
      options: {
        locale: loc, responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: true, labels: { color: INK } },
          tooltip: {
            callbacks: {
              label: (item) => {
                const raw = item.raw as number | [number, number];
                return Array.isArray(raw) ? `${item.dataset.label}: ${format(raw[0])} – ${format(raw[1])}` : `${item.dataset.label}: ${format(raw)}`;
              },
            },
          },
        },
        scales: {
          x: { ticks: { color: INK }, grid: { color: GRID } },
          y: {
            ticks: { color: INK, precision, callback: (v) => format(Number(v)) },
            grid: { color: (c) => (c.tick?.value === 0 ? INK : GRID), lineWidth: (c) => (c.tick?.value === 0 ? 2 : 1) },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify(rows), loc, valueLabel, rangeLabel, precision]);
  return (
    <Frame id={id} title={title} empty={rows.length === 0} canvas={canvas}>
      <table class="figures">
        <thead>
          <tr><th scope="col">{what}</th><th scope="col" class="num">{valueLabel}</th><th scope="col" class="num">{rangeLabel}</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-key={r.key}>
              <th scope="row">{r.label}</th><td class="num value">{format(r.value)}</td>
              <td class="num range">{format(r.low)} – {format(r.high)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Frame>
  );
}
