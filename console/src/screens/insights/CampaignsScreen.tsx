// Campaigns: who gets it (a segment built from every condition the API has, counted live as it
// changes, saved and reused), what they get (a text per language with its SMS parts, an offer, a bonus
// with its lifetime), when (the salon's wall clock), how many are held out and how long the results are
// counted, and what the messages will cost before anything is sent. Scheduled with one Idempotency-Key
// until it succeeds, so a double click or a retry schedules it once. The list with cancel, and each
// campaign's report as charts (CampaignReport).
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api, ApiError, explain, fieldErrors, ok, type Schemas } from "../../api/client";
import { Dialog, Field, FormError, Scroll } from "../../components/ui";
import { date, fractionDigits, LANGUAGES, locale, money, number, numberLocale, salonLocale, salonZone, t, when, type Key, type Language } from "../../i18n";
import { formatPlain, parseAmount } from "../../lib/amount";
import { addDays, instantOf, today } from "../../lib/zone";
import { may, salon, say } from "../../state";
import { CampaignReport } from "./CampaignReport";
import { estimate, type Seen } from "./estimate";
import { cash, channelName, wordFor } from "./format";
import { PLACEHOLDERS, smsOf, textProblem } from "./message";
import { languageWord, MessageTabs } from "./MessageTabs";
import { conditionsInWords, SegmentBuilder } from "./SegmentBuilder";
import { CHANNELS, conditionCount, draftOf, emptySegment, filterOf, type Channel, type Filter, type Problems } from "./segment";
import en from "./messages/en.json";
import es from "./messages/es.json";
import ru from "./messages/ru.json";

type Campaign = Schemas["CampaignOut"];
type Report = Schemas["CampaignReportOut"];
type Preview = Schemas["PreviewOut"];
type Segment = Schemas["SegmentOut"];
type Kind = Schemas["CampaignIn"]["kind"];

const KINDS: Kind[] = ["other", "new_services", "holiday_bonus", "personal_offer", "early_access"];
const TEMPLATES: Record<Language, string> = { en: en["campaigns.defaultText"], ru: ru["campaigns.defaultText"], es: es["campaigns.defaultText"] };
const PREVIEW_DELAY_MS = 400;

interface Draft {
  name: string;
  kind: Kind;
  offerText: string;
  bonus: string;
  lifetime: string;
  sendAt: string;
  holdout: string;
  window: string;
}

/** The salon's language, which a campaign's first text is written in. */
const salonLanguage = (): Language => {
  const l = salonLocale.value.slice(0, 2) as Language;
  return LANGUAGES.includes(l) ? l : "en";
};

function blank(): Draft {
  const rules = salon.value?.settings.campaigns;
  return {
    name: "", kind: "other", offerText: "", bonus: "", lifetime: "30", sendAt: "",
    holdout: number(rules?.holdout_percent ?? 10), window: String(rules?.window_days ?? 30),
  };
}
const blankTexts = (): Record<Language, string> => ({ en: "", ru: "", es: "", [salonLanguage()]: TEMPLATES[salonLanguage()] });

const newKey = () =>
  typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

/** A whole number typed in a field, or an error in words. */
function whole(text: string, e: Record<string, string>, field: string, min: number, max: number, words: Key): number | undefined {
  const s = text.trim();
  if (!s) return undefined;
  const n = /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    e[field] = t(words);
    return undefined;
  }
  return n;
}

const example = () => formatPlain(2850, numberLocale.value, fractionDigits());

// the API's field paths, by the form's own field names
const RENAME: Record<string, string> = {
  "offer.bonus_amount": "bonus", offer: "bonus", "offer.bonus_lifetime_days": "lifetime", "offer.text": "offerText", send_at: "sendAt",
  holdout_percent: "holdout", window_days: "window", "filter.tiers": "kind", name: "name",
};
// the API's reasons this screen has its own words for
const REASONS: Array<[string, Key]> = [
  ["in the past", "campaigns.err.past"], ["braces", "campaigns.err.braces"], ["unknown placeholder", "campaigns.err.placeholder"],
  ["need an offer with a bonus", "campaigns.err.needsBonus"], ["holiday bonus", "campaigns.err.holidayBonus"],
  ["personal offer", "campaigns.err.personalOffer"], ["early access", "campaigns.err.earlyAccess"], ["loyalty programme", "campaigns.err.loyaltyOff"],
];

/** The API's refusal of a campaign, in words beside the field it names (a text's: "text-ru"). */
function campaignErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const texts = Object.fromEntries(err.fields.filter((f) => f.field.startsWith("messages.")).map((f) => [f.field, `text-${f.field.slice(9, 11)}`]));
  const rename = { ...RENAME, ...texts };
  const out = fieldErrors(err, rename);
  for (const f of err.fields) {
    const found = REASONS.find(([part]) => f.reason.toLowerCase().includes(part));
    const name = rename[f.field];
    if (found && name) out[name] = t(found[1]);
  }
  return out;
}

const TEXT_PROBLEMS: Record<string, Key> = { braces: "campaigns.err.braces", placeholder: "campaigns.err.placeholder", needsBonus: "campaigns.err.needsBonus" };

export function CampaignsScreen() {
  // the segment
  const seg = useSignal(emptySegment());
  const segProblems = useSignal<Problems>({});
  const preview = useSignal<Preview | null>(null);
  const counting = useSignal(false);
  const previewProblem = useSignal("");
  const previewSeq = useRef(0);
  const saved = useSignal<Segment[] | null>(null);
  const savedProblem = useSignal("");
  const chosen = useSignal<Segment | null>(null);
  const segName = useSignal("");
  const segErrors = useSignal<Record<string, string>>({});
  const segDone = useSignal("");
  const segBusy = useSignal(false);
  const deleting = useSignal<Segment | null>(null);
  // the campaign
  const draft = useSignal<Draft>(blank());
  const texts = useSignal<Record<Language, string>>(blankTexts());
  const tab = useSignal<Language>(salonLanguage());
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const done = useSignal("");
  const busy = useSignal(false);
  const seen = useSignal<Seen[] | null>(null);
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
  async function loadSaved() {
    if (!may("segments.read")) return;
    try {
      saved.value = (await ok(api.GET("/v1/admin/segments"))).segments;
      savedProblem.value = "";
    } catch (err) {
      savedProblem.value = explain(err);
    }
  }
  useEffect(() => {
    void loadList();
    void loadSaved();
    if (may("analytics.read") && may("campaigns.create")) {
      // what each channel's messages cost the salon over the last twelve months: the estimate's basis
      ok(api.GET("/v1/admin/analytics")).then((r) => (seen.value = r.messages), () => (seen.value = []));
    }
  }, []);

  // the live count: the segment previewed a moment after it last changed; a slower, older answer is dropped
  useEffect(() => {
    const { filter, problems } = filterOf(seg.value, fractionDigits());
    segProblems.value = problems;
    if (!may("segments.preview") || Object.keys(problems).length) return;
    const seq = ++previewSeq.current;
    counting.value = true;
    const timer = setTimeout(async () => {
      try {
        const answer = await ok(api.POST("/v1/admin/segments/preview", { body: filter }));
        if (seq !== previewSeq.current) return;
        preview.value = answer;
        previewProblem.value = "";
      } catch (err) {
        if (seq !== previewSeq.current) return;
        preview.value = null;
        previewProblem.value = explain(err);
      } finally {
        if (seq === previewSeq.current) counting.value = false;
      }
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [JSON.stringify(seg.value), numberLocale.value]);

  /** The builder's filter, or null with its problems shown beside their fields. */
  function currentFilter(): Filter | null {
    const { filter, problems } = filterOf(seg.value, fractionDigits());
    segProblems.value = problems;
    return Object.keys(problems).length ? null : filter;
  }

  async function saveSegment(asNew: boolean) {
    if (segBusy.value) return;
    const e: Record<string, string> = {};
    const name = segName.value.trim();
    if (!name) e.segment_name = t("common.required");
    const filter = currentFilter();
    segErrors.value = e;
    segDone.value = "";
    if (!filter || Object.keys(e).length) return;
    segBusy.value = true;
    try {
      const body = { name, filter };
      const target = asNew ? null : chosen.value;
      const out = target
        ? await ok(api.PUT("/v1/admin/segments/{segment_id}", { params: { path: { segment_id: target.id } }, body }))
        : await ok(api.POST("/v1/admin/segments", { body }));
      chosen.value = out;
      segDone.value = t(target ? "segments.updated" : "segments.saved", { name: out.name });
      say(segDone.value);
      await loadSaved();
    } catch (err) {
      segErrors.value = fieldErrors(err, { name: "segment_name" });
      segDone.value = "";
      say(explain(err), "error");
    } finally {
      segBusy.value = false;
    }
  }

  function pickSegment(s: Segment) {
    seg.value = draftOf(s.filter, fractionDigits(), numberLocale.value);
    chosen.value = s;
    segName.value = s.name;
    segErrors.value = {};
    segDone.value = t("segments.loaded", { name: s.name });
    requestAnimationFrame(() => document.getElementById("h-segment")?.focus());
  }

  async function deleteSegment(s: Segment) {
    try {
      await ok(api.DELETE("/v1/admin/segments/{segment_id}", { params: { path: { segment_id: s.id } } }));
      say(t("segments.deleted", { name: s.name }));
      if (chosen.value?.id === s.id) {
        chosen.value = null;
        segDone.value = "";
      }
    } catch (err) {
      say(explain(err), "error");
    }
    deleting.value = null;
    await loadSaved();
  }

  async function schedule(ev: Event) {
    ev.preventDefault();
    if (busy.value) return;
    const d = draft.value;
    const e: Record<string, string> = {};
    const filter = currentFilter();
    if (!d.name.trim()) e.name = t("common.required");
    let bonus: number | undefined;
    if (d.bonus.trim()) {
      const parsed = parseAmount(d.bonus, fractionDigits());
      if (parsed.ok && parsed.minor > 0) bonus = parsed.minor;
      else e.bonus = t("campaigns.err.amount", { example: example() });
    }
    const written = LANGUAGES.filter((l) => texts.value[l].trim());
    if (!written.length) e[`text-${tab.value}`] = t("campaigns.err.noText");
    for (const l of written) {
      const p = textProblem(texts.value[l], Boolean(bonus) || Boolean(e.bonus));
      if (p) e[`text-${l}`] = t(TEXT_PROBLEMS[p]);
    }
    const lifetime = whole(d.lifetime, e, "lifetime", 1, 730, "campaigns.err.lifetime");
    const windowDays = whole(d.window, e, "window", 1, 90, "campaigns.err.window");
    const holdoutText = d.holdout.trim().replace(",", ".");
    const holdout = holdoutText ? Number(holdoutText) : undefined;
    if (holdout !== undefined && !(/^\d+(\.\d+)?$/.test(holdoutText) && holdout >= 0 && holdout <= 50)) e.holdout = t("campaigns.err.holdout");
    if (d.kind === "early_access" && !filter?.tiers?.length) e.kind = t("campaigns.err.earlyAccess");
    errors.value = e;
    problem.value = "";
    done.value = "";
    const firstText = LANGUAGES.find((l) => e[`text-${l}`]);
    if (firstText) tab.value = firstText;
    if (!filter) problem.value = t("segments.err.fix");
    if (!filter || Object.keys(e).length) return;
    // the salon's language first: a client whose language has no text gets the first one
    const order = [salonLanguage(), ...LANGUAGES.filter((l) => l !== salonLanguage())].filter((l) => texts.value[l].trim());
    key.current ??= newKey();
    busy.value = true;
    try {
      const offerText = d.offerText.trim();
      const c = await ok(
        api.POST("/v1/admin/campaigns", {
          params: { header: { "idempotency-key": key.current } },
          body: {
            name: d.name.trim(), kind: d.kind, filter,
            messages: Object.fromEntries(order.map((l) => [l, texts.value[l].trim()])),
            send_at: d.sendAt ? instantOf(d.sendAt, salonZone.value) : new Date().toISOString(),
            holdout_percent: holdout ?? null, window_days: windowDays ?? null,
            offer: bonus || offerText ? { bonus_amount: bonus ?? null, bonus_lifetime_days: lifetime ?? 30, text: offerText || null } : null,
          },
        }),
      );
      key.current = null;
      draft.value = blank();
      texts.value = blankTexts();
      done.value = t("campaigns.scheduled", { name: c.name, when: when(c.send_at) });
      say(done.value);
    } catch (err) {
      if (err instanceof ApiError && err.code === "idempotency_key_reused") key.current = null; // that key made another campaign: see the list
      errors.value = campaignErrors(err);
      const bad = LANGUAGES.find((l) => errors.value[`text-${l}`]);
      if (bad) tab.value = bad;
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
  const p = preview.value;
  const filterNow = filterOf(seg.value, fractionDigits()).filter;
  const bonusNow = parseAmount(d.bonus, fractionDigits());
  const lifetimeNow = /^\d+$/.test(d.lifetime.trim()) ? Number(d.lifetime) : 30;
  const names = (p?.sample ?? []).map((c) => c.name);
  const exampleValues = {
    salon: salon.value?.name ?? "", link: `${location.origin}/s/Bk2Wn8Rd`, // the booking page's short link, as messages carry it
    offer: d.offerText.trim(), bonus: bonusNow.ok && bonusNow.minor > 0 ? money(bonusNow.minor) : "",
    expires: date(`${addDays(today(salonZone.value), lifetimeNow)}T12:00:00Z`),
  };
  const holdoutNow = Number(d.holdout.trim().replace(",", "."));
  const order = (salon.value?.settings.channel_order ?? CHANNELS) as Channel[];
  // the estimate takes the dearest: the longest text, with the name that makes it longest
  const parts = Math.max(1, ...LANGUAGES.filter((l) => texts.value[l].trim()).map((l) => {
    const sms = smsOf(texts.value[l], exampleValues, names);
    return Math.max(sms.info.segments, sms.worst?.info.segments ?? 0);
  }));
  const est = p && seen.value ? estimate(p.reachable, Number.isFinite(holdoutNow) ? holdoutNow : 10, order, seen.value, parts) : null;
  const textErrors = Object.fromEntries(LANGUAGES.map((l) => [l, errors.value[`text-${l}`]]).filter(([, v]) => v));

  return (
    <section aria-labelledby="campaigns-title" class="insights">
      <div class="toolbar">
        <h1 id="campaigns-title">{t("campaigns.title")}</h1>
        <p class="muted lead">{t("campaigns.lead")}</p>
      </div>
      {may("segments.preview") && (
        <div class="segment-layout">
          <form class="card" id="segment-form" aria-labelledby="h-segment" noValidate onSubmit={(e) => { e.preventDefault(); void saveSegment(!chosen.value); }}>
            <h2 id="h-segment" tabIndex={-1}>{t("campaigns.who")}</h2>
            <p class="hint">{t("campaigns.whoHint")}</p>
            <SegmentBuilder draft={seg} problems={segProblems.value} />
            <div class="actions">
              <button type="button" class="secondary" id="segment-clear" onClick={() => { seg.value = emptySegment(); chosen.value = null; segName.value = ""; segDone.value = ""; }}>
                {t("segments.clear")}
              </button>
            </div>
            {may("segments.save") && (
              <fieldset class="segment-save">
                <legend>{t("segments.saveTitle")}</legend>
                <Field label={t("segments.name")} error={segErrors.value.segment_name}
                  input={{ name: "segment_name", maxLength: 120, autoComplete: "off", value: segName.value, onInput: (e) => (segName.value = e.currentTarget.value) }} />
                <div class="actions">
                  <button type="button" id="segment-save" class={chosen.value ? "secondary" : ""} disabled={segBusy.value} onClick={() => void saveSegment(true)}>
                    {t("segments.saveNew")}
                  </button>
                  {chosen.value && (
                    <button type="button" id="segment-update" disabled={segBusy.value} onClick={() => void saveSegment(false)}>
                      {t("segments.update", { name: chosen.value.name })}
                    </button>
                  )}
                </div>
                <p role="status" id="segment-done" class="ok-text">{segDone.value}</p>
              </fieldset>
            )}
          </form>
          <aside class="card segment-preview" aria-labelledby="h-preview">
            <h2 id="h-preview">{t("segments.now")}</h2>
            <p class="muted">{t("segments.conditions", { count: conditionCount(filterNow) })}</p>
            <div id="segment-result" aria-busy={counting.value}>
              <FormError text={previewProblem.value} />
              {Object.keys(segProblems.value).length > 0 && <p class="error">{t("segments.err.fix")}</p>}
              {p && (
                <dl class="facts big">
                  <dt>{t("campaigns.matching")}</dt><dd id="segment-count">{number(p.count)}</dd>
                  <dt>{t("campaigns.reachable")}</dt><dd id="segment-reachable">{number(p.reachable)}</dd>
                  <dt>{t("segments.inSalon")}</dt><dd id="segment-total">{number(p.clients_in_salon)}</dd>
                </dl>
              )}
              <p class="muted counting" aria-live="polite">
                {counting.value ? t("segments.counting") : p ? t("segments.countedAt", { when: when(p.computed_at) }) : ""}
              </p>
              {p && p.sample.length > 0 && (
                <Scroll label={t("campaigns.sample")}>
                  <table id="segment-sample" class="compact">
                    <caption>{t("segments.sampleCaption", { shown: p.sample.length, count: p.count })}</caption>
                    <thead>
                      <tr><th scope="col">{t("segments.col.client")}</th><th scope="col" class="num">{t("segments.col.visits")}</th>
                        <th scope="col" class="num">{t("segments.col.spent")}</th><th scope="col">{t("segments.col.last")}</th><th scope="col">{t("segments.col.status")}</th></tr>
                    </thead>
                    <tbody>
                      {p.sample.map((c) => (
                        <tr data-id={c.client_id}>
                          <th scope="row">{c.name}</th><td class="num">{number(c.visits)}</td><td class="num">{cash(c.total_spent)}</td>
                          <td class="nowrap">{c.last_visit_at ? date(c.last_visit_at) : "—"}</td>
                          <td>{c.lifecycle ? wordFor("lifecycle", c.lifecycle) : "—"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Scroll>
              )}
            </div>
          </aside>
        </div>
      )}
      {may("segments.read") && (
        <article class="card" aria-labelledby="h-saved">
          <h2 id="h-saved">{t("segments.saved.title")}</h2>
          <FormError text={savedProblem.value} />
          {saved.value?.length === 0 && <p class="muted">{t("segments.none")}</p>}
          {saved.value && saved.value.length > 0 && (
            <Scroll labelledBy="h-saved">
              <table id="segments">
                <thead>
                  <tr><th scope="col">{t("segments.col.name")}</th><th scope="col" class="num">{t("segments.col.conditions")}</th><th scope="col">{t("segments.col.which")}</th>
                    <th scope="col">{t("segments.col.updated")}</th><th scope="col"><span class="visually-hidden">{t("campaigns.col.actions")}</span></th></tr>
                </thead>
                <tbody>
                  {saved.value.map((s) => (
                    <tr data-id={s.id} class={chosen.value?.id === s.id ? "chosen" : undefined}>
                      <th scope="row">{s.name}</th>
                      <td class="num">{number(Object.keys(s.filter).length)}</td>
                      <td class="conditions">{conditionsInWords(s.filter as Filter) || t("segments.everyone")}</td>
                      <td class="nowrap">{when(s.updated_at)}</td>
                      <td>
                        <div class="row-actions">
                          <button type="button" class="secondary use" onClick={() => pickSegment(s)} aria-label={t("segments.useNamed", { name: s.name })}>
                            {t("segments.use")}
                          </button>
                          {may("segments.delete") && (
                            <button type="button" class="danger delete" onClick={() => (deleting.value = s)} aria-label={t("segments.deleteNamed", { name: s.name })}>
                              {t("segments.delete")}
                            </button>
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
      )}
      {may("campaigns.create") && (
        <form class="card" id="campaign-form" aria-labelledby="h-new" onSubmit={schedule} noValidate>
          <h2 id="h-new">{t("campaigns.new")}</h2>
          <p class="hint">{t("campaigns.newHint")}</p>
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
            <Field label={t("campaigns.offerText")} optional hint={t("campaigns.offerTextHint", { offer: "{offer}" })} error={errors.value.offerText}
              input={{ name: "offer_text", maxLength: 300, autoComplete: "off", value: d.offerText, onInput: set("offerText") }} />
            <div class="row">
              <Field label={t("campaigns.bonus")} optional hint={t("campaigns.bonusHint", { example: example() })} error={errors.value.bonus}
                input={{ name: "bonus", inputMode: "decimal", autoComplete: "off", value: d.bonus, onInput: set("bonus") }} />
              <Field label={t("campaigns.lifetime")} hint={t("campaigns.lifetimeHint")} error={errors.value.lifetime}
                input={{ name: "lifetime", inputMode: "numeric", autoComplete: "off", value: d.lifetime, onInput: set("lifetime") }} />
            </div>
          </fieldset>
          <fieldset>
            <legend>{t("campaigns.messages")}</legend>
            <p class="hint">{t("campaigns.messagesHint", { first: languageWord(salonLanguage(), locale.value) })}</p>
            <p class="hint">{t("campaigns.textHint", Object.fromEntries(PLACEHOLDERS.map((x) => [x, `{${x}}`])))}</p>
            <MessageTabs texts={texts} tab={tab} errors={textErrors} example={exampleValues} names={names} inLocale={locale.value} />
          </fieldset>
          <fieldset>
            <legend>{t("campaigns.whenHow")}</legend>
            <div class="row">
              <Field label={t("campaigns.sendAt")} optional hint={t("campaigns.sendAtHint", { zone: salonZone.value })} error={errors.value.sendAt}
                input={{ name: "send_at", type: "datetime-local", value: d.sendAt, onInput: set("sendAt") }} />
              <Field label={t("campaigns.holdout")} hint={t("campaigns.holdoutHint")} error={errors.value.holdout}
                input={{ name: "holdout", inputMode: "decimal", autoComplete: "off", value: d.holdout, onInput: set("holdout") }} />
              <Field label={t("campaigns.windowDays")} hint={t("campaigns.windowHint")} error={errors.value.window}
                input={{ name: "window", inputMode: "numeric", autoComplete: "off", value: d.window, onInput: set("window") }} />
            </div>
          </fieldset>
          <section class="estimate" aria-labelledby="h-estimate" id="campaign-estimate">
            <h3 id="h-estimate">{t("estimate.title")}</h3>
            {!p || !est ? (
              <p class="muted">{may("analytics.read") ? t("estimate.waiting") : t("estimate.noAnalytics")}</p>
            ) : (
              <>
                <p id="estimate-recipients">{t("estimate.recipients", { recipients: est.recipients, held: est.held })}</p>
                <Scroll label={t("estimate.title")}>
                  <table id="estimate-channels" class="compact">
                    <thead>
                      <tr><th scope="col">{t("estimate.col.channel")}</th><th scope="col" class="num">{t("estimate.col.perMessage")}</th>
                        <th scope="col" class="num">{t("estimate.col.all")}</th></tr>
                    </thead>
                    <tbody>
                      {est.channels.map((c) => (
                        <tr data-channel={c.channel}>
                          <th scope="row">{channelName(c.channel)}</th>
                          <td class="num">{c.perMessage === null ? t("estimate.notSeen") : cash(c.perMessage)}
                            {c.basis === "all" && <span class="muted"> {t("estimate.allPurposes")}</span>}</td>
                          <td class="num">{c.total === null ? "—" : cash(c.total)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </Scroll>
                <p id="estimate-range" class="big-line">
                  {est.low === null || est.high === null
                    ? t("estimate.unknown")
                    : Math.round(est.low) === Math.round(est.high)
                      ? t("estimate.about", { cost: cash(est.low) })
                      : t("estimate.range", { low: cash(est.low), high: cash(est.high) })}
                </p>
                {bonusNow.ok && bonusNow.minor > 0 && (
                  <p id="estimate-bonus">{t("estimate.bonus", { total: cash(bonusNow.minor * est.recipients), each: cash(bonusNow.minor), days: lifetimeNow })}</p>
                )}
                <ul class="plain muted definitions" id="estimate-assumes">
                  <li>{t("estimate.assumeChannel")}</li>
                  <li>{t("estimate.assumeCost")}</li>
                  <li>{t("estimate.assumeSms", { parts: est.smsParts })}</li>
                  <li>{t("estimate.assumeHoldout")}</li>
                </ul>
              </>
            )}
          </section>
          <FormError text={problem.value} />
          <div class="actions">
            <button type="submit" id="campaign-schedule" disabled={busy.value}>{busy.value ? t("campaigns.scheduling") : t("campaigns.schedule")}</button>
          </div>
          <p role="status" id="campaign-done" class="ok-text">{done.value}</p>
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
                  <th scope="col">{t("campaigns.col.status")}</th><th scope="col">{t("campaigns.col.languages")}</th><th scope="col" class="num">{t("campaigns.col.audience")}</th>
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
                    <td class="languages">{Object.keys(c.messages).map((l) => languageWord(l.slice(0, 2) as Language, locale.value)).join(", ")}</td>
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
      {report.value && <CampaignReport r={report.value} heading={reportHeading} />}
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
      <Dialog title={deleting.value ? t("segments.deleteTitle", { name: deleting.value.name }) : ""} open={deleting.value !== null} onClose={() => (deleting.value = null)}>
        {deleting.value && (
          <>
            <p>{t("segments.deleteLead")}</p>
            <div class="actions">
              <button type="button" class="danger" id="segment-delete-do" onClick={() => void deleteSegment(deleting.value!)}>{t("segments.deleteDo")}</button>
              <button type="button" class="secondary" onClick={() => (deleting.value = null)}>{t("campaigns.keep")}</button>
            </div>
          </>
        )}
      </Dialog>
    </section>
  );
}
