// Campaigns: who gets it (a segment previewed with a few filters), what they get (a message in the
// salon's language, a bonus), when (the salon's wall clock) and how many are held out; scheduled with one
// Idempotency-Key until it succeeds, so a double click or a retry schedules it once. The list with
// cancel, and each campaign's report: the sent group against the holdout, what the campaign added with
// its 95 % interval, its cost and return.
import { useSignal } from "@preact/signals";
import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { api, ApiError, explain, fieldErrors, ok, type Schemas } from "../../api/client";
import { Dialog, Field, FormError, Scroll } from "../../components/ui";
import { fractionDigits, LANGUAGE_NAMES, locale, number, numberLocale, salonLocale, salonZone, t, when, type Key, type Language } from "../../i18n";
import { formatPlain, parseAmount } from "../../lib/amount";
import { instantOf } from "../../lib/zone";
import { may, salon, say } from "../../state";
import { cash, figure, share, wordFor } from "./format";
import en from "./messages/en.json";
import es from "./messages/es.json";
import ru from "./messages/ru.json";

type Campaign = Schemas["CampaignOut"];
type Report = Schemas["CampaignReportOut"];
type Preview = Schemas["PreviewOut"];
type Filter = Schemas["SegmentFilter"];
type Kind = Schemas["CampaignIn"]["kind"];
type Lifecycle = NonNullable<Filter["lifecycle"]>[number];

const STATUSES: Lifecycle[] = ["new", "active", "at_risk", "lapsed", "lost", "won_back"];
const KINDS: Kind[] = ["other", "new_services", "holiday_bonus", "personal_offer"];
const PLACEHOLDERS = ["name", "salon", "link", "bonus", "expires", "offer"];
const REPORT_FIGURES = ["bookings", "visits", "revenue", "bonus_spent"] as const;
const MONEY_FIGURES = new Set(["revenue", "bonus_spent"]);
const TEMPLATES: Record<Language, string> = { en: en["campaigns.defaultText"], ru: ru["campaigns.defaultText"], es: es["campaigns.defaultText"] };

interface Draft {
  statuses: Lifecycle[];
  days: string;
  visits: string;
  spend: string;
  name: string;
  kind: Kind;
  bonus: string;
  lifetime: string;
  sendAt: string;
  holdout: string;
  text: string;
}

/** The salon's language, which its campaign messages are written in. */
const salonLanguage = (): Language => {
  const l = salonLocale.value.slice(0, 2) as Language;
  return l in TEMPLATES ? l : "en";
};

function blank(): Draft {
  const holdout = salon.value?.settings.campaigns?.holdout_percent ?? 10;
  return {
    statuses: [], days: "", visits: "", spend: "", name: "", kind: "other", bonus: "", lifetime: "30", sendAt: "",
    holdout: number(holdout), text: TEMPLATES[salonLanguage()],
  };
}

/** A language's name in the user's language ("inglés", "английский"), else its own name. */
function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([locale.value], { type: "language" }).of(tag.slice(0, 2)) ?? tag;
  } catch {
    return LANGUAGE_NAMES[tag.slice(0, 2) as Language] ?? tag;
  }
}

const newKey = () =>
  typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** A whole number typed in a field ("" when empty), or an error in words. */
function whole(text: string, e: Record<string, string>, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const s = text.trim();
  if (!s) return undefined;
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    e[field] = t("campaigns.err.wholeNumber");
    return undefined;
  }
  return n;
}

const example = () => formatPlain(2850, numberLocale.value, fractionDigits());

/** The segment's conditions from the draft; the fields it cannot read get their error in ``e``. */
function filterOf(d: Draft, e: Record<string, string>): Filter {
  const f: Filter = {};
  if (d.statuses.length) f.lifecycle = d.statuses;
  const days = whole(d.days, e, "days");
  if (days !== undefined) f.days_since_visit_min = days;
  const visits = whole(d.visits, e, "visits");
  if (visits !== undefined) f.visits_min = visits;
  if (d.spend.trim()) {
    const spend = parseAmount(d.spend, fractionDigits());
    if (spend.ok) f.spend_min = spend.minor;
    else e.spend = t("campaigns.err.amount", { example: example() });
  }
  return f;
}

/** The placeholder problem of a message, in words, or "". */
function placeholderProblem(text: string): string {
  let depth = 0;
  for (const c of text) {
    depth += c === "{" ? 1 : c === "}" ? -1 : 0;
    if (depth < 0 || depth > 1) return t("campaigns.err.braces");
  }
  if (depth !== 0) return t("campaigns.err.braces");
  const names = [...text.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
  return names.every((n) => PLACEHOLDERS.includes(n)) ? "" : t("campaigns.err.placeholder");
}

// the API's field paths, by the form's own field names
const RENAME: Record<string, string> = {
  "offer.bonus_amount": "bonus", offer: "bonus", "offer.bonus_lifetime_days": "lifetime", send_at: "sendAt", holdout_percent: "holdout",
  "filter.days_since_visit_min": "days", "filter.visits_min": "visits", "filter.spend_min": "spend", "filter.tiers": "kind", name: "name",
};
// the API's reasons this screen has its own words for
const REASONS: Array<[string, Key]> = [
  ["in the past", "campaigns.err.past"], ["braces", "campaigns.err.braces"], ["unknown placeholder", "campaigns.err.placeholder"],
  ["need an offer with a bonus", "campaigns.err.needsBonus"], ["holiday bonus", "campaigns.err.holidayBonus"],
  ["personal offer", "campaigns.err.personalOffer"], ["early access", "campaigns.err.earlyAccess"], ["loyalty programme", "campaigns.err.loyaltyOff"],
];

/** The API's refusal of a campaign, in words beside the field it names. */
function campaignErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const rename = { ...RENAME, ...Object.fromEntries(err.fields.filter((f) => f.field.startsWith("messages")).map((f) => [f.field, "text"])) };
  const out = fieldErrors(err, rename);
  for (const f of err.fields) {
    const found = REASONS.find(([part]) => f.reason.toLowerCase().includes(part));
    const name = rename[f.field];
    if (found && name) out[name] = t(found[1]);
  }
  return out;
}

export function CampaignsScreen() {
  const draft = useSignal<Draft>(blank());
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const done = useSignal("");
  const busy = useSignal(false);
  const preview = useSignal<Preview | null>(null);
  const previewProblem = useSignal("");
  const campaigns = useSignal<Campaign[] | null>(null);
  const listProblem = useSignal("");
  const report = useSignal<Report | null>(null);
  const reportProblem = useSignal("");
  const cancelling = useSignal<Campaign | null>(null);
  const key = useRef<string | null>(null); // one Idempotency-Key until the campaign is scheduled
  const reportHeading = useRef<HTMLHeadingElement>(null);

  const set = (k: keyof Draft) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement }) =>
    (draft.value = { ...draft.value, [k]: e.currentTarget.value });

  async function loadList() {
    try {
      campaigns.value = (await ok(api.GET("/v1/admin/campaigns"))).campaigns;
      listProblem.value = "";
    } catch (err) {
      listProblem.value = explain(err);
    }
  }
  useEffect(() => void loadList(), []);

  async function showPreview() {
    const e: Record<string, string> = {};
    const f = filterOf(draft.value, e);
    errors.value = e;
    previewProblem.value = "";
    if (Object.keys(e).length) return;
    try {
      preview.value = await ok(api.POST("/v1/admin/segments/preview", { body: f }));
    } catch (err) {
      preview.value = null;
      errors.value = campaignErrors(err);
      previewProblem.value = explain(err);
    }
  }

  async function schedule(ev: Event) {
    ev.preventDefault();
    if (busy.value) return;
    const d = draft.value;
    const e: Record<string, string> = {};
    const filter = filterOf(d, e);
    if (!d.name.trim()) e.name = t("common.required");
    if (!d.text.trim()) e.text = t("common.required");
    else if (placeholderProblem(d.text)) e.text = placeholderProblem(d.text);
    let bonus: number | undefined;
    if (d.bonus.trim()) {
      const parsed = parseAmount(d.bonus, fractionDigits());
      if (parsed.ok && parsed.minor > 0) bonus = parsed.minor;
      else e.bonus = t("campaigns.err.amount", { example: example() });
    }
    const lifetime = whole(d.lifetime, e, "lifetime", 1, 730);
    if (e.lifetime) e.lifetime = t("campaigns.err.lifetime");
    const holdoutText = d.holdout.trim().replace(",", ".");
    const holdout = holdoutText ? Number(holdoutText) : undefined;
    if (holdout !== undefined && !(/^\d+(\.\d+)?$/.test(holdoutText) && holdout >= 0 && holdout <= 50)) e.holdout = t("campaigns.err.holdout");
    errors.value = e;
    problem.value = "";
    done.value = "";
    if (Object.keys(e).length) return;
    key.current ??= newKey();
    busy.value = true;
    try {
      const c = await ok(
        api.POST("/v1/admin/campaigns", {
          params: { header: { "idempotency-key": key.current } },
          body: {
            name: d.name.trim(), kind: d.kind, filter, messages: { [salonLocale.value]: d.text.trim() },
            send_at: d.sendAt ? instantOf(d.sendAt, salonZone.value) : new Date().toISOString(),
            holdout_percent: holdout ?? null,
            offer: bonus ? { bonus_amount: bonus, bonus_lifetime_days: lifetime ?? 30 } : null,
          },
        }),
      );
      key.current = null;
      draft.value = blank();
      preview.value = null;
      done.value = t("campaigns.scheduled", { name: c.name, when: when(c.send_at) });
      say(done.value);
    } catch (err) {
      if (err instanceof ApiError && err.code === "idempotency_key_reused") key.current = null; // that key made another campaign: see the list
      errors.value = campaignErrors(err);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
    await loadList();
  }

  async function openReport(c: Campaign) {
    reportProblem.value = "";
    try {
      report.value = await ok(api.GET("/v1/admin/campaigns/{campaign_id}/report", { params: { path: { campaign_id: c.id } } }));
      requestAnimationFrame(() => reportHeading.current?.focus());
    } catch (err) {
      report.value = null;
      reportProblem.value = explain(err);
    }
  }

  async function cancel(c: Campaign) {
    try {
      await ok(api.POST("/v1/admin/campaigns/{campaign_id}/cancel", { params: { path: { campaign_id: c.id } } }));
      say(t("campaigns.cancelled", { name: c.name }));
    } catch (err) {
      say(explain(err), "error");
    }
    cancelling.value = null;
    await loadList();
  }

  const d = draft.value;
  const literal = Object.fromEntries(PLACEHOLDERS.map((p) => [p, `{${p}}`]));
  return (
    <section aria-labelledby="campaigns-title" class="insights">
      <div class="toolbar">
        <h1 id="campaigns-title">{t("campaigns.title")}</h1>
        <p class="muted lead">{t("campaigns.lead")}</p>
      </div>
      {(may("campaigns.create") || may("segments.preview")) && (
        <form class="card" id="campaign-form" aria-labelledby="h-new" onSubmit={schedule} noValidate>
          <h2 id="h-new">{t("campaigns.new")}</h2>
          <fieldset>
            <legend>{t("campaigns.who")}</legend>
            <p class="hint">{t("campaigns.whoHint")}</p>
            <fieldset class="choices">
              <legend>{t("campaigns.statuses")}</legend>
              {STATUSES.map((s) => (
                <label class="check">
                  <input type="checkbox" name="status" value={s} checked={d.statuses.includes(s)}
                    onChange={(e) => (draft.value = { ...d, statuses: e.currentTarget.checked ? [...d.statuses, s] : d.statuses.filter((x) => x !== s) })} />
                  {t(`lifecycle.${s}` as Key)}
                </label>
              ))}
            </fieldset>
            <div class="row">
              <Field label={t("campaigns.daysMin")} optional error={errors.value.days}
                input={{ name: "days", inputMode: "numeric", autoComplete: "off", value: d.days, onInput: set("days") }} />
              <Field label={t("campaigns.visitsMin")} optional error={errors.value.visits}
                input={{ name: "visits", inputMode: "numeric", autoComplete: "off", value: d.visits, onInput: set("visits") }} />
              <Field label={t("campaigns.spendMin")} optional hint={t("campaigns.amountHint", { example: example() })} error={errors.value.spend}
                input={{ name: "spend", inputMode: "decimal", autoComplete: "off", value: d.spend, onInput: set("spend") }} />
            </div>
            {may("segments.preview") && (
              <div class="actions">
                <button type="button" class="secondary" id="segment-preview" onClick={() => void showPreview()}>{t("campaigns.preview")}</button>
              </div>
            )}
            <div role="status" id="segment-result">
              <FormError text={previewProblem.value} />
              {preview.value && (
                <dl class="facts">
                  <dt>{t("campaigns.matching")}</dt><dd id="segment-count">{number(preview.value.count)}</dd>
                  <dt>{t("campaigns.reachable")}</dt><dd id="segment-reachable">{number(preview.value.reachable)}</dd>
                  {preview.value.sample.length > 0 && (<><dt>{t("campaigns.sample")}</dt><dd>{preview.value.sample.map((c) => c.name).join(", ")}</dd></>)}
                </dl>
              )}
            </div>
          </fieldset>
          {may("campaigns.create") && (
            <fieldset>
              <legend>{t("campaigns.what")}</legend>
              <div class="row">
                <Field label={t("campaigns.name")} error={errors.value.name} input={{ name: "name", maxLength: 120, autoComplete: "off", value: d.name, onInput: set("name") }} />
                <Field label={t("campaigns.kind")} error={errors.value.kind}>
                  {({ id, describedBy, invalid }) => (
                    <select id={id} name="kind" aria-describedby={describedBy} aria-invalid={invalid || undefined} value={d.kind} onChange={set("kind")}>
                      {KINDS.map((k) => <option value={k}>{t(`campaigns.kind.${k}` as Key)}</option>)}
                    </select>
                  )}
                </Field>
              </div>
              <div class="row">
                <Field label={t("campaigns.bonus")} optional hint={t("campaigns.bonusHint", { example: example() })} error={errors.value.bonus}
                  input={{ name: "bonus", inputMode: "decimal", autoComplete: "off", value: d.bonus, onInput: set("bonus") }} />
                <Field label={t("campaigns.lifetime")} error={errors.value.lifetime}
                  input={{ name: "lifetime", inputMode: "numeric", autoComplete: "off", value: d.lifetime, onInput: set("lifetime") }} />
              </div>
              <div class="row">
                <Field label={t("campaigns.sendAt")} optional hint={t("campaigns.sendAtHint", { zone: salonZone.value })} error={errors.value.sendAt}
                  input={{ name: "send_at", type: "datetime-local", value: d.sendAt, onInput: set("sendAt") }} />
                <Field label={t("campaigns.holdout")} hint={t("campaigns.holdoutHint")} error={errors.value.holdout}
                  input={{ name: "holdout", inputMode: "decimal", autoComplete: "off", value: d.holdout, onInput: set("holdout") }} />
              </div>
              <Field label={t("campaigns.text", { language: languageName(salonLocale.value) })} hint={t("campaigns.textHint", literal)} error={errors.value.text}>
                {({ id, describedBy, invalid }) => (
                  <textarea id={id} name="text" rows={3} maxLength={1000} lang={salonLocale.value} aria-describedby={describedBy}
                    aria-invalid={invalid || undefined} value={d.text} onInput={set("text")} />
                )}
              </Field>
              <FormError text={problem.value} />
              <div class="actions">
                <button type="submit" id="campaign-schedule" disabled={busy.value}>{busy.value ? t("campaigns.scheduling") : t("campaigns.schedule")}</button>
              </div>
              <p role="status" id="campaign-done" class="ok-text">{done.value}</p>
            </fieldset>
          )}
        </form>
      )}
      <article class="card" aria-labelledby="h-list">
        <h2 id="h-list">{t("campaigns.list")}</h2>
        <FormError text={listProblem.value} />
        {campaigns.value?.length === 0 && <p class="muted">{t("campaigns.none")}</p>}
        {campaigns.value && campaigns.value.length > 0 && (
          <Scroll labelledBy="h-list">
            <table id="campaigns">
              <thead>
                <tr>
                  <th scope="col">{t("campaigns.col.name")}</th><th scope="col">{t("campaigns.col.kind")}</th><th scope="col">{t("campaigns.col.sendAt")}</th>
                  <th scope="col">{t("campaigns.col.status")}</th><th scope="col" class="num">{t("campaigns.col.audience")}</th>
                  <th scope="col" class="num">{t("campaigns.col.groups")}</th><th scope="col"><span class="visually-hidden">{t("campaigns.col.actions")}</span></th>
                </tr>
              </thead>
              <tbody>
                {campaigns.value.map((c) => (
                  <tr data-id={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>{wordFor("campaigns.kind", c.kind)}</td>
                    <td class="nowrap">{when(c.send_at)}</td>
                    <td><span class={`badge campaign-${c.status}`}>{wordFor("campaigns.status", c.status)}</span></td>
                    <td class="num audience">{number(c.audience)}</td>
                    <td class="num groups">{number(c.sent_group)} / {number(c.holdout_group)}</td>
                    <td>
                      <div class="row-actions">
                        <button type="button" class="secondary report" onClick={() => void openReport(c)}>{t("campaigns.report")}</button>
                      {c.status === "scheduled" && may("campaigns.cancel") && (
                        <button type="button" class="danger cancel" onClick={() => (cancelling.value = c)}>{t("campaigns.cancel")}</button>
                      )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </article>
      <FormError text={reportProblem.value} />
      {report.value && <ReportCard r={report.value} heading={reportHeading} />}
      <Dialog title={cancelling.value ? t("campaigns.cancelTitle", { name: cancelling.value.name }) : ""} open={cancelling.value !== null} onClose={() => (cancelling.value = null)}>
        {cancelling.value && (
          <>
            <p>{t("campaigns.cancelLead")}</p>
            <div class="actions">
              <button type="button" class="danger" id="campaign-cancel-do" onClick={() => void cancel(cancelling.value!)}>{t("campaigns.cancelDo")}</button>
              <button type="button" class="secondary" onClick={() => (cancelling.value = null)}>{t("campaigns.keep")}</button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}

type Group = { members: number } & Record<(typeof REPORT_FIGURES)[number], number>;
type Added = { value: number; low: number; high: number } | null;

function ReportCard({ r, heading }: { r: Report; heading: RefObject<HTMLHeadingElement | null> }) {
  const groups = r.groups as Record<"sent" | "holdout", Group>;
  const added = r.incremental as Record<string, Added>;
  const messages = r.messages as { sent: number; cost: number };
  const window = r.window as { end: string; closed: boolean };
  const fig = (k: string, v: number) => (MONEY_FIGURES.has(k) ? cash(v, r.currency) : figure(v));
  return (
    <article class="card" id="campaign-report" aria-labelledby="h-report">
      <h2 id="h-report" tabIndex={-1} ref={heading}>{t("campaigns.reportTitle", { name: r.campaign.name })}</h2>
      <p id="report-groups">
        {t("campaigns.groups", { sent: groups.sent.members, holdout: groups.holdout.members })}{" "}
        {t(window.closed ? "campaigns.window" : "campaigns.windowOpen", { when: when(window.end) })}
      </p>
      <p class="muted">{t("campaigns.def.audience")}</p>
      <Scroll labelledBy="h-report">
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
                  <th scope="row">{t(`campaigns.fig.${k}`)}</th>
                  <td class="num sent">{fig(k, groups.sent[k])}</td>
                  <td class="num holdout">{fig(k, groups.holdout[k])}</td>
                  <td class="added">{x ? t("campaigns.added", { value: fig(k, x.value), low: fig(k, x.low), high: fig(k, x.high) }) : t("campaigns.notYet")}</td>
                  <td class="muted meaning">{t(`campaigns.def.${k}`)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
      <dl class="facts" id="campaign-cost">
        <dt>{t("campaigns.messagesSent")}</dt><dd class="messages-sent">{number(messages.sent)}</dd>
        <dt>{t("campaigns.messageCost")}</dt><dd class="message-cost">{cash(messages.cost, r.currency)}</dd>
        <dt>{t("campaigns.cost")}</dt><dd class="cost">{cash(r.cost, r.currency)}</dd>
        <dt>{t("campaigns.roi")}</dt><dd class="roi">{r.roi === null ? "—" : share(r.roi)}</dd>
      </dl>
      <ul class="plain muted definitions">
        <li>{t("campaigns.def.incremental")}</li>
        <li>{t("campaigns.def.message_cost")}</li>
        <li>{t("campaigns.def.cost")}</li>
        <li>{t("campaigns.def.roi")}</li>
      </ul>
    </article>
  );
}
