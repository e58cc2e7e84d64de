// A campaign's report as charts, each with what it means: the sent group against the holdout per
// client over the counting window, what the campaign added with its 95 % interval, and what it cost
// against what it brought (the return). Every chart's figures are in a table under it, and the whole
// report is a CSV.
import type { RefObject } from "preact";
import type { Schemas } from "../../api/client";
import { CsvButton } from "../../components/CsvButton";
import { IntervalChart, SeriesChart } from "../../components/SeriesChart";
import { date, number, t, when } from "../../i18n";
import { cash, figure, share } from "./format";

type Report = Schemas["CampaignReportOut"];
export const REPORT_FIGURES = ["bookings", "visits", "revenue", "bonus_spent"] as const;
type FigureName = (typeof REPORT_FIGURES)[number];
const MONEY = new Set<string>(["revenue", "bonus_spent"]);
type Group = { members: number; per_member?: Record<FigureName, number> } & Record<FigureName, number>;
type Added = { value: number; low: number; high: number; per_member?: number; significant?: boolean; too_few?: boolean } | null;

export function CampaignReport({ r, heading }: { r: Report; heading: RefObject<HTMLHeadingElement | null> }) {
  const groups = r.groups as Record<"sent" | "holdout", Group>;
  const added = r.incremental as Record<string, Added>;
  const messages = r.messages as { sent: number; cost: number };
  const window = r.window as { start: string; end: string; closed: boolean };
  const money = (n: number) => cash(n, r.currency);
  const fig = (k: string, v: number) => (MONEY.has(k) ? money(v) : figure(v));
  const perMember = (g: Group, k: FigureName) => (g.per_member?.[k] ?? (g.members ? g[k] / g.members : 0));
  const word = (k: FigureName) => t(`campaigns.fig.${k}`);
  const counted = REPORT_FIGURES.filter((k) => added[k]);
  const revenueAdded = added.revenue?.value ?? null;
  const csvHeader = [t("campaigns.col.figure"), t("campaigns.col.sent"), t("campaigns.col.holdout"), t("campaigns.chart.estimate"), t("campaigns.chart.low"), t("campaigns.chart.high")];
  const csvRows = REPORT_FIGURES.map((k) => [word(k), groups.sent[k], groups.holdout[k], added[k]?.value ?? null, added[k]?.low ?? null, added[k]?.high ?? null]);
  return (
    <article class="card" id="campaign-report" aria-labelledby="h-report">
      <h2 id="h-report" tabIndex={-1} ref={heading}>{t("campaigns.reportTitle", { name: r.campaign.name })}</h2>
      <p id="report-groups">
        {t("campaigns.groups", { sent: groups.sent.members, holdout: groups.holdout.members })}{" "}
        {r.campaign.status === "cancelled" && !groups.sent.members && !groups.holdout.members
          ? t("campaigns.cancelledUnsent") // it never went out: no window to count in
          : t(window.closed ? "campaigns.window" : "campaigns.windowOpen", { from: date(window.start), when: when(window.end) })}
      </p>
      <p class="muted">{t("campaigns.def.audience")}</p>
      <div class="charts">
        <div>
          <SeriesChart id="chart-groups" title={t("campaigns.chart.groups")} what={t("campaigns.col.figure")}
            categories={[{ key: "bookings", label: word("bookings") }, { key: "visits", label: word("visits") }]}
            series={[
              { label: t("campaigns.col.sent"), values: [perMember(groups.sent, "bookings"), perMember(groups.sent, "visits")] },
              { label: t("campaigns.col.holdout"), values: [perMember(groups.holdout, "bookings"), perMember(groups.holdout, "visits")] },
            ]}
            format={(n) => number(Math.round(n * 100) / 100)} />
          <p class="muted meaning">{t("campaigns.chart.groupsMeaning")}</p>
        </div>
        <div>
          <SeriesChart id="chart-groups-revenue" title={t("campaigns.chart.groupsRevenue")} what={t("campaigns.col.figure")}
            categories={[{ key: "revenue", label: word("revenue") }, { key: "bonus_spent", label: word("bonus_spent") }]}
            series={[
              { label: t("campaigns.col.sent"), values: [perMember(groups.sent, "revenue"), perMember(groups.sent, "bonus_spent")] },
              { label: t("campaigns.col.holdout"), values: [perMember(groups.holdout, "revenue"), perMember(groups.holdout, "bonus_spent")] },
            ]}
            format={money} precision={0} />
          <p class="muted meaning">{t("campaigns.chart.groupsRevenueMeaning")}</p>
        </div>
        {counted.length === 0 ? (
          <p class="muted" id="report-not-yet">{t("campaigns.notYetLong")}</p>
        ) : (
          <>
            <div>
              <IntervalChart id="chart-added" title={t("campaigns.chart.added")} what={t("campaigns.col.figure")}
                valueLabel={t("campaigns.chart.estimate")} rangeLabel={t("campaigns.chart.interval")}
                rows={(["bookings", "visits"] as const).filter((k) => added[k]).map((k) => ({ key: k, label: word(k), ...added[k]! }))} />
              <p class="muted meaning">{t("campaigns.chart.addedMeaning")}</p>
            </div>
            <div>
              <IntervalChart id="chart-added-revenue" title={t("campaigns.chart.addedRevenue")} what={t("campaigns.col.figure")}
                valueLabel={t("campaigns.chart.estimate")} rangeLabel={t("campaigns.chart.interval")} format={money} precision={0}
                rows={(["revenue", "bonus_spent"] as const).filter((k) => added[k]).map((k) => ({ key: k, label: word(k), ...added[k]! }))} />
              <p class="muted meaning">{t("campaigns.chart.addedRevenueMeaning")}</p>
            </div>
          </>
        )}
        <div>
          <SeriesChart id="chart-return" title={t("campaigns.chart.return")} what={t("campaigns.col.figure")}
            categories={[
              ...(revenueAdded === null ? [] : [{ key: "revenue", label: t("campaigns.chart.revenueAdded") }]),
              { key: "cost", label: t("campaigns.cost") },
            ]}
            series={[{ label: t("campaigns.chart.amount"), values: [...(revenueAdded === null ? [] : [revenueAdded]), r.cost] }]}
            format={money} precision={0} />
          <p class="muted meaning">{t("campaigns.chart.returnMeaning")}</p>
        </div>
      </div>
      <dl class="facts" id="campaign-cost">
        <dt>{t("campaigns.messagesSent")}</dt><dd class="messages-sent">{number(messages.sent)}</dd>
        <dt>{t("campaigns.messageCost")}</dt><dd class="message-cost">{money(messages.cost)}</dd>
        <dt>{t("campaigns.cost")}</dt><dd class="cost">{money(r.cost)}</dd>
        <dt>{t("campaigns.roi")}</dt><dd class="roi">{added.revenue?.too_few ? t("campaigns.roiTooFew") : r.roi === null ? t("campaigns.roiNone") : share(r.roi)}</dd>
      </dl>
      <h3 id="h-report-table">{t("campaigns.reportTable")}</h3>
      <div class="scroll" tabIndex={0} role="region" aria-labelledby="h-report-table">
        <table id="report-figures">
          <thead>
            <tr>
              <th scope="col">{t("campaigns.col.figure")}</th><th scope="col" class="num">{t("campaigns.col.sent")}</th>
              <th scope="col" class="num">{t("campaigns.col.holdout")}</th><th scope="col">{t("campaigns.col.added")}</th>
              <th scope="col">{t("campaigns.col.meaning")}</th>
            </tr>
          </thead>
          <tbody>
            {REPORT_FIGURES.map((k) => {
              const x = added[k];
              return (
                <tr data-figure={k}>
                  <th scope="row">{word(k)}</th>
                  <td class="num sent">{fig(k, groups.sent[k])}</td>
                  <td class="num holdout">{fig(k, groups.holdout[k])}</td>
                  <td class="added">
                    {x ? t("campaigns.added", { value: fig(k, x.value), low: fig(k, x.low), high: fig(k, x.high) }) : t("campaigns.notYet")}
                    {x?.too_few && <span class="muted too-few"> {t("campaigns.tooFew")}</span>}
                    {x && !x.too_few && x.significant === false && <span class="muted"> {t("campaigns.maybeNothing")}</span>}
                  </td>
                  <td class="muted meaning">{t(`campaigns.def.${k}`)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <CsvButton name={t("campaigns.reportTitle", { name: r.campaign.name })} header={csvHeader} rows={csvRows} id="report-csv" />
      <ul class="plain muted definitions">
        <li>{t("campaigns.def.incremental")}</li>
        <li>{t("campaigns.def.message_cost")}</li>
        <li>{t("campaigns.def.cost")}</li>
        <li>{t("campaigns.def.roi")}</li>
      </ul>
    </article>
  );
}
