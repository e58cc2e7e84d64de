// Analytics: the salon's figures for a range of months, each with what it means in the user's words;
// the cohorts (who came back within 30, 60 and 90 days of their first visit); the snapshot of clients
// by lifecycle status and the bonus they hold, as of its time in the salon's zone.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiError, explain, ok, type Schemas } from "../../api/client";
import { BarChart } from "../../components/BarChart";
import { Field, FormError, Scroll } from "../../components/ui";
import { has, language, money, number, salonZone, t, when, type Key } from "../../i18n";
import { today } from "../../lib/zone";
import { ANALYTICS_FIGURES, monthName, share, shown } from "./format";

type Report = Schemas["Report"];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const LIFECYCLE = ["new", "active", "at_risk", "lapsed", "lost", "won_back"];

/** The month twelve months back from ``month`` inclusive ("2026-05" → "2025-06"). */
function yearBefore(month: string): string {
  const [y, m] = month.split("-").map(Number);
  const index = y * 12 + (m - 1) - 11;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The API's refusal of a range, in words beside the field it names. */
function rangeProblem(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const f of err.fields) {
    const name = f.field === "to" ? "to" : "from";
    const r = f.reason.toLowerCase();
    out[name] = r.includes("after") ? t("analytics.err.order") : r.includes("at most") ? t("analytics.err.span") : t("analytics.err.month");
  }
  return out;
}

export function AnalyticsScreen() {
  const thisMonth = today(salonZone.value).slice(0, 7);
  const from = useSignal(yearBefore(thisMonth));
  const to = useSignal(thisMonth);
  const report = useSignal<Report | null>(null);
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);

  async function load(ev?: Event) {
    ev?.preventDefault();
    const e: Record<string, string> = {};
    if (!MONTH.test(from.value)) e.from = t("analytics.err.month");
    if (!MONTH.test(to.value)) e.to = t("analytics.err.month");
    errors.value = e;
    problem.value = "";
    if (Object.keys(e).length) return;
    busy.value = true;
    try {
      report.value = await ok(api.GET("/v1/admin/analytics", { params: { query: { from: from.value, to: to.value } } }));
    } catch (err) {
      errors.value = rangeProblem(err);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }
  useEffect(() => void load(), []);

  const r = report.value;
  return (
    <section aria-labelledby="analytics-title" class="insights">
      <div class="toolbar">
        <h1 id="analytics-title">{t("analytics.title")}</h1>
        <form class="toolbar-row" onSubmit={load} noValidate>
          <Field label={t("analytics.from")} hint={t("analytics.monthHint")} error={errors.value.from}
            input={{ type: "month", name: "from", value: from.value, onInput: (e) => (from.value = e.currentTarget.value) }} />
          <Field label={t("analytics.to")} hint={t("analytics.monthHint")} error={errors.value.to}
            input={{ type: "month", name: "to", value: to.value, onInput: (e) => (to.value = e.currentTarget.value) }} />
          <div class="field end">
            <button type="submit" id="analytics-show" disabled={busy.value}>{t("analytics.show")}</button>
          </div>
        </form>
      </div>
      <div id="analytics-problem"><FormError text={problem.value} /></div>
      {!r && !problem.value && <p>{t("common.loading")}</p>}
      {r && (
        <>
          <article class="card" aria-labelledby="h-figures">
            <h2 id="h-figures">{t("analytics.figures")}</h2>
            <p class="muted">{t("analytics.period", { from: monthName(r.period_from), to: monthName(r.period_to) })}</p>
            <Scroll labelledBy="h-figures">
              <table id="figures">
                <thead>
                  <tr><th scope="col">{t("analytics.col.figure")}</th><th scope="col" class="num">{t("analytics.col.value")}</th><th scope="col">{t("analytics.col.meaning")}</th></tr>
                </thead>
                <tbody>
                  {figureOrder(r.figures).map((key) => {
                    const kind = ANALYTICS_FIGURES[key as keyof typeof ANALYTICS_FIGURES];
                    const ours = has(`analytics.fig.${key}`);
                    return (
                      <tr data-figure={key}>
                        <th scope="row">{ours ? t(`analytics.fig.${key}` as Key) : key.replaceAll("_", " ")}</th>
                        <td class="num value">{shown(kind, r.figures[key].value, r.currency)}</td>
                        <td class="muted meaning">
                          {ours ? t(`analytics.def.${key}` as Key) : language.value === "en" ? r.figures[key].definition : t("analytics.def.unknown")}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </Scroll>
          </article>
          {r.monthly.length > 0 && (
            <article class="card" aria-labelledby="h-monthly">
              <h2 id="h-monthly">{t("analytics.monthly")}</h2>
              <div class="charts">
                <BarChart id="chart-visits" vertical title={t("analytics.chart.visits")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.visits")}
                  rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.visits }))} />
                <BarChart id="chart-revenue" vertical title={t("analytics.chart.revenue")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.revenue")}
                  format={(n) => money(n, r.currency)} rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.revenue }))} />
                <BarChart id="chart-new" vertical title={t("analytics.chart.new")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.new")}
                  rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.new_clients }))} />
                <BarChart id="chart-returning" vertical title={t("analytics.chart.returning")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.returning")}
                  rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.returning_clients }))} />
              </div>
            </article>
          )}
          <article class="card" aria-labelledby="h-cohorts">
            <h2 id="h-cohorts">{t("analytics.cohorts")}</h2>
            <p class="muted">{t("analytics.cohortsLead")} {t("analytics.heatHint")}</p>
            {r.cohorts.length === 0 ? <p class="muted">{t("analytics.noCohorts")}</p> : (
              <Scroll labelledBy="h-cohorts">
                <table id="cohorts">
                  <thead>
                    <tr>
                      <th scope="col">{t("analytics.col.month")}</th><th scope="col" class="num">{t("analytics.col.clients")}</th>
                      {r.cohorts[0].windows.map((w) => <th scope="col" class="num">{t("analytics.col.within", { days: w.days })}</th>)}
                    </tr>
                  </thead>
                  <tbody>
                    {r.cohorts.map((c) => (
                      <tr data-month={c.month}>
                        <th scope="row">{monthName(c.month)}</th>
                        <td class="num">{number(c.clients)}</td>
                        {c.windows.map((w) => (
                          <td class={`num heat${w.complete ? "" : " muted"}`} style={w.rate === null ? undefined : { background: `rgba(29, 95, 191, ${Math.min(0.55, w.rate * 0.55).toFixed(3)})` }}>
                            {w.rate === null ? "—" : w.complete ? share(w.rate) : t("analytics.soFar", { rate: share(w.rate) })}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Scroll>
            )}
          </article>
          <article class="card" aria-labelledby="h-snapshot">
            <h2 id="h-snapshot">{t("analytics.snapshot")}</h2>
            <p id="snapshot">
              {r.snapshot
                ? t("analytics.snapshotLine", {
                    when: when(r.snapshot.taken_at),
                    clients: r.snapshot.clients,
                    statuses: LIFECYCLE.filter((s) => r.snapshot!.lifecycle[s])
                      .map((s) => `${t(`lifecycle.${s}` as Key)}: ${number(r.snapshot!.lifecycle[s])}`)
                      .join(", "),
                    bonus: money(r.snapshot.bonus_liability, r.currency),
                  })
                : t("analytics.snapshotPending")}
            </p>
          </article>
        </>
      )}
    </section>
  );
}

/** The figures in the order this screen explains them, then any it has no words for yet. */
function figureOrder(figures: Report["figures"]): string[] {
  const ours = Object.keys(ANALYTICS_FIGURES).filter((k) => k in figures);
  return [...ours, ...Object.keys(figures).filter((k) => !(k in ANALYTICS_FIGURES))];
}

