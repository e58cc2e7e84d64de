// Analytics: the salon's figures for a range of months, each with what it means in the user's words;
// month by month as charts (visits, revenue, new and returning clients, no-shows); the rates as
// percentages; messages and their cost by channel and purpose; bonus given, spent, burned and held;
// the cohorts (who came back within 30, 60 and 90 days of their first visit) as a heat map; and the
// snapshot of clients by status and value group with the top clients, as of its time in the salon's
// zone. Every table can be downloaded as CSV.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiError, explain, ok, type Schemas } from "../../api/client";
import { BarChart } from "../../components/BarChart";
import { CsvButton } from "../../components/CsvButton";
import { SeriesChart } from "../../components/SeriesChart";
import { Field, FormError, Scroll } from "../../components/ui";
import { date, has, language, money, number, salonZone, t, when, type Key } from "../../i18n";
import { today } from "../../lib/zone";
import { ANALYTICS_FIGURES, channelName, monthName, share, shown, wordFor, yearBefore } from "./format";

type Report = Schemas["Report"];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const LIFECYCLE = ["new", "active", "at_risk", "lapsed", "lost", "won_back"];
const LTV = ["top", "high", "middle", "low", "none"];
const RATES = [
  "no_show_rate", "no_show_rate_confirmed", "no_show_rate_unconfirmed", "reminder_confirmation_rate", "cancellation_rate",
  "late_cancellation_rate", "rebooking_rate", "repeat_visit_rate",
] as const;
const BONUS = ["bonus_issued", "bonus_spent", "bonus_burned"] as const;
const CHANNEL_ORDER = ["push", "telegram", "whatsapp", "sms"];

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

const figureWord = (key: string) => (has(`analytics.fig.${key}`) ? t(`analytics.fig.${key}` as Key) : key.replaceAll("_", " "));
const channelWord = channelName;
const purposeWord = (p: string) => wordFor("analytics.purpose", p);

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
      {r && <Body r={r} />}
    </section>
  );
}

function Body({ r }: { r: Report }) {
  const cur = r.currency;
  const cash = (n: number) => money(Math.round(n), cur);
  const period = t("analytics.period", { from: monthName(r.period_from), to: monthName(r.period_to) });
  const keys = figureOrder(r.figures);
  const value = (k: string) => r.figures[k]?.value ?? null;
  const months = r.monthly.map((m) => ({ key: m.month, label: monthName(m.month) }));
  const rates = RATES.filter((k) => value(k) !== null);
  const channels = [...new Set(r.messages.map((m) => m.channel))].sort((a, b) => CHANNEL_ORDER.indexOf(a) - CHANNEL_ORDER.indexOf(b));
  const purposes = [...new Set(r.messages.map((m) => m.purpose))].sort();
  const sum = (channel: string, purpose: string, what: "count" | "cost") =>
    r.messages.filter((m) => m.channel === channel && m.purpose === purpose).reduce((a, m) => a + m[what], 0);
  const s = r.snapshot;
  const bonusRows = [
    ...BONUS.filter((k) => value(k) !== null).map((k) => ({ key: k, label: figureWord(k), count: Number(value(k)) })),
    ...(s ? [{ key: "bonus_held", label: t("analytics.bonusHeld"), count: s.bonus_liability }] : []),
  ];
  const groups = s ? LTV.filter((g) => s.ltv_groups[g]) : [];
  const top = (s?.top_clients ?? []) as Array<{ client_id: string; name: string; visits: number; total_spent: number; last_visit_at: string | null; ltv_group: string }>;
  const cohortHeader = [t("analytics.col.month"), t("analytics.col.clients"), ...(r.cohorts[0]?.windows ?? []).map((w) => t("analytics.col.within", { days: w.days }))];
  return (
    <>
      <article class="card" aria-labelledby="h-figures">
        <h2 id="h-figures">{t("analytics.figures")}</h2>
        <p class="muted">{period}</p>
        <Scroll labelledBy="h-figures">
          <table id="figures">
            <thead>
              <tr><th scope="col">{t("analytics.col.figure")}</th><th scope="col" class="num">{t("analytics.col.value")}</th><th scope="col">{t("analytics.col.meaning")}</th></tr>
            </thead>
            <tbody>
              {keys.map((key) => {
                const kind = ANALYTICS_FIGURES[key as keyof typeof ANALYTICS_FIGURES];
                const ours = has(`analytics.fig.${key}`);
                return (
                  <tr data-figure={key}>
                    <th scope="row">{figureWord(key)}</th>
                    <td class="num value">{shown(kind, r.figures[key].value, cur)}</td>
                    <td class="muted meaning">
                      {ours ? t(`analytics.def.${key}` as Key) : language.value === "en" ? r.figures[key].definition : t("analytics.def.unknown")}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Scroll>
        <CsvButton id="csv-figures" name={`${t("analytics.figures")} ${r.period_from} ${r.period_to}`}
          header={[t("analytics.col.figure"), t("analytics.col.value"), t("analytics.col.meaning")]}
          rows={keys.map((k) => [figureWord(k), csvValue(ANALYTICS_FIGURES[k as keyof typeof ANALYTICS_FIGURES], r.figures[k].value, cur),
            has(`analytics.def.${k}`) ? t(`analytics.def.${k}` as Key) : r.figures[k].definition])} />
        <p class="muted">{t("analytics.csvHint", { currency: cur })}</p>
      </article>
      {r.monthly.length > 0 && (
        <article class="card" aria-labelledby="h-monthly">
          <h2 id="h-monthly">{t("analytics.monthly")}</h2>
          <div class="charts">
            <BarChart id="chart-visits" vertical title={t("analytics.chart.visits")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.visits")}
              rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.visits }))} />
            <BarChart id="chart-revenue" vertical title={t("analytics.chart.revenue")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.revenue")}
              format={cash} rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.revenue }))} />
            <SeriesChart id="chart-clients" title={t("analytics.chart.clients")} what={t("analytics.col.calendarMonth")} categories={months}
              series={[
                { label: t("analytics.chart.new"), values: r.monthly.map((m) => m.new_clients) },
                { label: t("analytics.chart.returning"), values: r.monthly.map((m) => m.returning_clients) },
              ]} precision={0} />
            <BarChart id="chart-no-shows" vertical title={t("analytics.chart.noShows")} what={t("analytics.col.calendarMonth")} valueLabel={t("analytics.chart.noShows")}
              rows={r.monthly.map((m) => ({ key: m.month, label: monthName(m.month), count: m.no_shows }))} />
          </div>
          <p class="muted">{t("analytics.monthlyMeaning")}</p>
          <CsvButton id="csv-monthly" name={`${t("analytics.monthly")} ${r.period_from} ${r.period_to}`}
            header={[t("analytics.col.calendarMonth"), t("analytics.chart.visits"), `${t("analytics.chart.revenue")} (${cur})`, t("analytics.chart.new"), t("analytics.chart.returning"), t("analytics.chart.noShows")]}
            rows={r.monthly.map((m) => [m.month, m.visits, major(m.revenue, cur), m.new_clients, m.returning_clients, m.no_shows])} />
        </article>
      )}
      {rates.length > 0 && (
        <article class="card" aria-labelledby="h-rates">
          <h2 id="h-rates">{t("analytics.rates")}</h2>
          <BarChart id="chart-rates" title={period} what={t("analytics.col.figure")} valueLabel={t("analytics.col.share")}
            format={(n) => share(n / 100)} rows={rates.map((k) => ({ key: k, label: figureWord(k), count: Math.round(Number(value(k)) * 1000) / 10 }))} />
          <ul class="plain muted definitions">{rates.map((k) => <li><strong>{figureWord(k)}:</strong> {t(`analytics.def.${k}` as Key)}</li>)}</ul>
          <CsvButton id="csv-rates" name={`${t("analytics.rates")} ${r.period_from} ${r.period_to}`}
            header={[t("analytics.col.figure"), t("analytics.col.share")]} rows={rates.map((k) => [figureWord(k), Number(value(k))])} />
        </article>
      )}
      <article class="card" aria-labelledby="h-messages">
        <h2 id="h-messages">{t("analytics.messages")}</h2>
        <p class="muted">{t("analytics.messagesMeaning")}</p>
        {r.messages.length === 0 ? <p class="muted">{t("analytics.noMessages")}</p> : (
          <>
            <div class="charts">
              <SeriesChart id="chart-messages" stacked title={t("analytics.chart.messages")} what={t("estimate.col.channel")}
                categories={channels.map((c) => ({ key: c, label: channelWord(c) }))}
                series={purposes.map((p) => ({ label: purposeWord(p), values: channels.map((c) => sum(c, p, "count")) }))} precision={0} />
              <SeriesChart id="chart-message-cost" stacked title={t("analytics.chart.messageCost")} what={t("estimate.col.channel")} format={cash} precision={0}
                categories={channels.map((c) => ({ key: c, label: channelWord(c) }))}
                series={purposes.map((p) => ({ label: purposeWord(p), values: channels.map((c) => sum(c, p, "cost")) }))} />
            </div>
            <CsvButton id="csv-messages" name={`${t("analytics.messages")} ${r.period_from} ${r.period_to}`}
              header={[t("estimate.col.channel"), t("analytics.col.purpose"), t("analytics.col.count"), `${t("analytics.col.cost")} (${cur})`]}
              rows={r.messages.map((m) => [channelWord(m.channel), purposeWord(m.purpose), m.count, major(m.cost, cur)])} />
          </>
        )}
      </article>
      {bonusRows.length > 0 && (
        <article class="card" aria-labelledby="h-bonus">
          <h2 id="h-bonus">{t("analytics.bonus")}</h2>
          <BarChart id="chart-bonus" vertical title={t("analytics.bonusChart")} what={t("analytics.col.figure")} valueLabel={t("analytics.col.amount")} format={cash} rows={bonusRows} />
          <p class="muted">{t("analytics.bonusMeaning")}</p>
          <CsvButton id="csv-bonus" name={`${t("analytics.bonus")} ${r.period_from} ${r.period_to}`}
            header={[t("analytics.col.figure"), `${t("analytics.col.amount")} (${cur})`]} rows={bonusRows.map((b) => [b.label, major(b.count, cur)])} />
        </article>
      )}
      <article class="card" aria-labelledby="h-cohorts">
        <h2 id="h-cohorts">{t("analytics.cohorts")}</h2>
        <p class="muted">{t("analytics.cohortsLead")} {t("analytics.heatHint")}</p>
        {r.cohorts.length === 0 ? <p class="muted">{t("analytics.noCohorts")}</p> : (
          <>
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
            <CsvButton id="csv-cohorts" name={`${t("analytics.cohortsShort")} ${r.period_from} ${r.period_to}`} header={cohortHeader}
              rows={r.cohorts.map((c) => [c.month, c.clients, ...c.windows.map((w) => w.rate)])} />
          </>
        )}
      </article>
      <article class="card" aria-labelledby="h-snapshot">
        <h2 id="h-snapshot">{t("analytics.snapshot")}</h2>
        <p id="snapshot">
          {s
            ? t("analytics.snapshotLine", {
                when: when(s.taken_at),
                clients: s.clients,
                statuses: LIFECYCLE.filter((x) => s.lifecycle[x]).map((x) => `${t(`lifecycle.${x}` as Key)}: ${number(s.lifecycle[x])}`).join(", "),
                bonus: money(s.bonus_liability, cur),
              })
            : t("analytics.snapshotPending")}
        </p>
        {s && (
          <>
            <p class="muted">{t("analytics.snapshotZone", { zone: salonZone.value })}</p>
            <div class="charts">
              <div>
                <BarChart id="chart-lifecycle" vertical title={t("analytics.lifecycle")} what={t("segments.col.status")} valueLabel={t("analytics.col.clients")}
                  rows={LIFECYCLE.filter((x) => s.lifecycle[x]).map((x) => ({ key: x, label: t(`lifecycle.${x}` as Key), count: s.lifecycle[x] }))} />
                <CsvButton id="csv-lifecycle" name={`${t("analytics.lifecycle")} ${s.taken_at.slice(0, 10)}`} header={[t("segments.col.status"), t("analytics.col.clients")]}
                  rows={LIFECYCLE.filter((x) => s.lifecycle[x]).map((x) => [t(`lifecycle.${x}` as Key), s.lifecycle[x]])} />
              </div>
              <div>
                <BarChart id="chart-value-groups" vertical title={t("analytics.valueGroups")} what={t("analytics.col.group")} valueLabel={t("analytics.col.clients")}
                  rows={groups.map((g) => ({ key: g, label: t(`segments.ltv.${g}` as Key), count: s.ltv_groups[g].clients ?? 0 }))} />
                <BarChart id="chart-value-spent" vertical title={t("analytics.valueGroupsSpent")} what={t("analytics.col.group")} valueLabel={t("analytics.col.spent")}
                  format={cash} rows={groups.map((g) => ({ key: g, label: t(`segments.ltv.${g}` as Key), count: s.ltv_groups[g].spent ?? 0 }))} />
                <p class="muted">{t("analytics.valueGroupsMeaning")}</p>
                <CsvButton id="csv-value-groups" name={`${t("analytics.valueGroups")} ${s.taken_at.slice(0, 10)}`}
                  header={[t("analytics.col.group"), t("analytics.col.clients"), `${t("analytics.col.spent")} (${cur})`]}
                  rows={groups.map((g) => [t(`segments.ltv.${g}` as Key), s.ltv_groups[g].clients ?? 0, major(s.ltv_groups[g].spent ?? 0, cur)])} />
              </div>
            </div>
            {top.length > 0 && (
              <>
                <h3 id="h-top">{t("analytics.topClients")}</h3>
                <Scroll labelledBy="h-top">
                  <table id="top-clients">
                    <thead>
                      <tr><th scope="col">{t("segments.col.client")}</th><th scope="col" class="num">{t("segments.col.visits")}</th>
                        <th scope="col" class="num">{t("analytics.col.spent")}</th><th scope="col">{t("segments.col.last")}</th><th scope="col">{t("analytics.col.group")}</th></tr>
                    </thead>
                    <tbody>
                      {top.map((c) => (
                        <tr data-id={c.client_id}>
                          <th scope="row"><a href={`/clients/${encodeURIComponent(c.client_id)}`}>{c.name}</a></th><td class="num">{number(c.visits)}</td>
                          <td class="num">{cash(c.total_spent)}</td><td class="nowrap">{c.last_visit_at ? date(c.last_visit_at) : "—"}</td>
                          <td>{wordFor("segments.ltv", c.ltv_group)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Scroll>
                <CsvButton id="csv-top" name={`${t("analytics.topClients")} ${s.taken_at.slice(0, 10)}`}
                  header={[t("segments.col.client"), t("segments.col.visits"), `${t("analytics.col.spent")} (${cur})`, t("segments.col.last"), t("analytics.col.group")]}
                  rows={top.map((c) => [c.name, c.visits, major(c.total_spent, cur), c.last_visit_at ? c.last_visit_at.slice(0, 10) : "", wordFor("segments.ltv", c.ltv_group)])} />
              </>
            )}
          </>
        )}
      </article>
    </>
  );
}

/** An amount in minor units as a plain number of the currency's major unit (12.5), for a spreadsheet. */
function major(minor: number, cur: string): number {
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: cur }).resolvedOptions().maximumFractionDigits ?? 2;
  return Math.round(minor) / 10 ** digits;
}

function csvValue(kind: string | undefined, v: number | null, cur: string): number | null {
  if (v === null) return null;
  return kind === "money" ? major(v, cur) : v;
}

/** The figures in the order this screen explains them, then any it has no words for yet. */
function figureOrder(figures: Report["figures"]): string[] {
  const ours = Object.keys(ANALYTICS_FIGURES).filter((k) => k in figures);
  return [...ours, ...Object.keys(figures).filter((k) => !(k in ANALYTICS_FIGURES))];
}
