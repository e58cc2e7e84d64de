// The segment builder: every condition the API's SegmentFilter has, grouped as an owner thinks of
// them (when they last came, how often and how much, their scores among the salon's clients, their
// status and tier, what they had and with whom, their tags and birthday, what they agreed to). Each
// field's problem is written beside it; the screen previews the segment as it changes.
import type { Signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { Field } from "../../components/ui";
import { fractionDigits, locale, numberLocale, plainDate, t, type Key } from "../../i18n";
import { formatPlain } from "../../lib/amount";
import { salon, services, staff } from "../../state";
import { cash, channelName, wordFor } from "./format";
import { CHANNELS, LIFECYCLES, LTV_GROUPS, SCORES, type Filter, type Problem, type Problems, type SegmentDraft } from "./segment";

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

export function problemWords(p: Problem | undefined): string | undefined {
  if (!p) return undefined;
  if (p === "amount") return t("segments.err.amount", { example: formatPlain(2850, numberLocale.value, fractionDigits()) });
  return t(`segments.err.${p}` as Key);
}

function Group({ legend, hint, children }: { legend: string; hint?: string; children: ComponentChildren }) {
  return (
    <fieldset class="segment-group">
      <legend>{legend}</legend>
      {hint && <p class="hint">{hint}</p>}
      {children}
    </fieldset>
  );
}

function Choices<T extends string | number>(props: {
  legend: string; name: string; options: T[]; chosen: T[]; word: (o: T) => string; onChange: (next: T[]) => void;
}) {
  return (
    <fieldset class="choices">
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label class="check">
          <input type="checkbox" name={props.name} value={String(o)} checked={props.chosen.includes(o)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.chosen, o] : props.chosen.filter((x) => x !== o))} />
          {props.word(o)}
        </label>
      ))}
    </fieldset>
  );
}

export function SegmentBuilder({ draft, problems }: { draft: Signal<SegmentDraft>; problems: Problems }) {
  const d = draft.value;
  const set = <K extends keyof SegmentDraft>(k: K, v: SegmentDraft[K]) => (draft.value = { ...draft.value, [k]: v });
  const text = (k: keyof SegmentDraft, name: string, mode: "numeric" | "decimal" = "numeric") => ({
    name, inputMode: mode, autoComplete: "off", value: d[k] as string, onInput: (e: { currentTarget: HTMLInputElement }) => set(k, e.currentTarget.value as never),
  });
  const err = (k: keyof SegmentDraft) => problemWords(problems[k]);
  const amountHint = t("segments.amountHint", { example: formatPlain(2850, numberLocale.value, fractionDigits()) });
  const tiers = (salon.value?.settings.loyalty?.tiers ?? []).map((x) => x.name);
  const monthWord = (m: number) => new Intl.DateTimeFormat(locale.value, { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, m - 1, 15)));
  const score = (n: number) => t("segments.score", { score: n });
  return (
    <div class="segment-groups">
      <Group legend={t("segments.g.lastVisit")} hint={t("segments.g.lastVisitHint")}>
        <div class="row">
          <Field label={t("segments.lastAfter")} optional error={err("lastAfter")}
            input={{ name: "last_after", type: "date", value: d.lastAfter, onInput: (e) => set("lastAfter", e.currentTarget.value) }} />
          <Field label={t("segments.lastBefore")} optional error={err("lastBefore")}
            input={{ name: "last_before", type: "date", value: d.lastBefore, onInput: (e) => set("lastBefore", e.currentTarget.value) }} />
        </div>
        <div class="row">
          <Field label={t("segments.daysMin")} optional error={err("daysMin")} input={text("daysMin", "days_min")} />
          <Field label={t("segments.daysMax")} optional error={err("daysMax")} input={text("daysMax", "days_max")} />
        </div>
      </Group>
      <Group legend={t("segments.g.visitsSpend")} hint={amountHint}>
        <div class="row">
          <Field label={t("segments.visitsMin")} optional error={err("visitsMin")} input={text("visitsMin", "visits_min")} />
          <Field label={t("segments.visitsMax")} optional error={err("visitsMax")} input={text("visitsMax", "visits_max")} />
        </div>
        <div class="row">
          <Field label={t("segments.spendMin")} optional error={err("spendMin")} input={text("spendMin", "spend_min", "decimal")} />
          <Field label={t("segments.spendMax")} optional error={err("spendMax")} input={text("spendMax", "spend_max", "decimal")} />
        </div>
        <div class="row">
          <Field label={t("segments.averageMin")} optional error={err("averageMin")} input={text("averageMin", "average_min", "decimal")} />
          <Field label={t("segments.averageMax")} optional error={err("averageMax")} input={text("averageMax", "average_max", "decimal")} />
        </div>
        <div class="row">
          <Field label={t("segments.bonusMin")} optional error={err("bonusMin")} input={text("bonusMin", "bonus_min", "decimal")} />
          <Field label={t("segments.bonusMax")} optional error={err("bonusMax")} input={text("bonusMax", "bonus_max", "decimal")} />
        </div>
      </Group>
      <Group legend={t("segments.g.status")}>
        <Choices legend={t("segments.lifecycle")} name="lifecycle" options={LIFECYCLES} chosen={d.lifecycle}
          word={(s) => t(`lifecycle.${s}` as Key)} onChange={(v) => set("lifecycle", v)} />
        {tiers.length > 0 && (
          <Choices legend={t("segments.tiers")} name="tier" options={tiers} chosen={d.tiers} word={(x) => x} onChange={(v) => set("tiers", v)} />
        )}
        <Choices legend={t("segments.ltv")} name="ltv" options={LTV_GROUPS} chosen={d.ltv}
          word={(g) => t(`segments.ltv.${g}` as Key)} onChange={(v) => set("ltv", v)} />
      </Group>
      <Group legend={t("segments.g.scores")} hint={t("segments.g.scoresHint")}>
        <Choices legend={t("segments.recency")} name="recency" options={[...SCORES]} chosen={d.recency} word={score} onChange={(v) => set("recency", v)} />
        <Choices legend={t("segments.frequency")} name="frequency" options={[...SCORES]} chosen={d.frequency} word={score} onChange={(v) => set("frequency", v)} />
        <Choices legend={t("segments.monetary")} name="monetary" options={[...SCORES]} chosen={d.monetary} word={score} onChange={(v) => set("monetary", v)} />
      </Group>
      <Group legend={t("segments.g.had")} hint={t("segments.g.hadHint")}>
        {services.value.length > 0 && (
          <Choices legend={t("segments.services")} name="service" options={services.value.map((s) => s.id)} chosen={d.services}
            word={(id) => services.value.find((s) => s.id === id)?.name ?? id} onChange={(v) => set("services", v)} />
        )}
        {staff.value.length > 0 && (
          <Choices legend={t("segments.staff")} name="staff" options={staff.value.map((s) => s.id)} chosen={d.staff}
            word={(id) => staff.value.find((s) => s.id === id)?.name ?? id} onChange={(v) => set("staff", v)} />
        )}
      </Group>
      <Group legend={t("segments.g.person")}>
        <Field label={t("segments.tags")} optional hint={t("segments.tagsHint")} error={err("tags")}
          input={{ name: "tags", autoComplete: "off", maxLength: 900, value: d.tags, onInput: (e) => set("tags", e.currentTarget.value) }} />
        <Choices legend={t("segments.birthdays")} name="birthday" options={MONTHS} chosen={d.birthdays} word={monthWord} onChange={(v) => set("birthdays", v)} />
        <div class="row">
          <Field label={t("segments.consent")} optional>
            {({ id, describedBy }) => (
              <select id={id} name="consent_purpose" aria-describedby={describedBy} value={d.consentPurpose}
                onChange={(e) => set("consentPurpose", e.currentTarget.value as SegmentDraft["consentPurpose"])}>
                <option value="">{t("segments.consent.any")}</option>
                <option value="marketing">{t("segments.consent.marketing")}</option>
                <option value="transactional">{t("segments.consent.transactional")}</option>
              </select>
            )}
          </Field>
          <Field label={t("segments.consentChannel")} hint={t("segments.consentChannelHint")}>
            {({ id, describedBy }) => (
              <select id={id} name="consent_channel" aria-describedby={describedBy} value={d.consentChannel} disabled={!d.consentPurpose}
                onChange={(e) => set("consentChannel", e.currentTarget.value as SegmentDraft["consentChannel"])}>
                <option value="">{t("segments.channel.any")}</option>
                {CHANNELS.map((c) => <option value={c}>{channelName(c)}</option>)}
              </select>
            )}
          </Field>
        </div>
      </Group>
    </div>
  );
}

/** A saved segment's conditions in the builder's own words ("Visits, at least: 2; Status, any of: Lost"). */
export function conditionsInWords(f: Filter): string {
  const money = (n: unknown) => cash(Number(n));
  const list = (xs: unknown, word: (x: string) => string) => (xs as unknown[]).map((x) => word(String(x))).join(", ");
  const monthWord = (m: string) => new Intl.DateTimeFormat(locale.value, { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, Number(m) - 1, 15)));
  const parts: Array<[Key, string | undefined]> = [
    ["segments.lastAfter", f.last_visit_after ? plainDate(f.last_visit_after) : undefined],
    ["segments.lastBefore", f.last_visit_before ? plainDate(f.last_visit_before) : undefined],
    ["segments.daysMin", f.days_since_visit_min?.toString()], ["segments.daysMax", f.days_since_visit_max?.toString()],
    ["segments.visitsMin", f.visits_min?.toString()], ["segments.visitsMax", f.visits_max?.toString()],
    ["segments.spendMin", f.spend_min == null ? undefined : money(f.spend_min)], ["segments.spendMax", f.spend_max == null ? undefined : money(f.spend_max)],
    ["segments.averageMin", f.average_spend_min == null ? undefined : money(f.average_spend_min)],
    ["segments.averageMax", f.average_spend_max == null ? undefined : money(f.average_spend_max)],
    ["segments.bonusMin", f.bonus_min == null ? undefined : money(f.bonus_min)], ["segments.bonusMax", f.bonus_max == null ? undefined : money(f.bonus_max)],
    ["segments.lifecycle", f.lifecycle ? list(f.lifecycle, (s) => wordFor("lifecycle", s)) : undefined],
    ["segments.tiers", f.tiers ? list(f.tiers, (x) => x) : undefined],
    ["segments.ltv", f.ltv_groups ? list(f.ltv_groups, (g) => wordFor("segments.ltv", g)) : undefined],
    ["segments.recency", f.recency_scores ? list(f.recency_scores, (x) => x) : undefined],
    ["segments.frequency", f.frequency_scores ? list(f.frequency_scores, (x) => x) : undefined],
    ["segments.monetary", f.monetary_scores ? list(f.monetary_scores, (x) => x) : undefined],
    ["segments.services", f.services ? list(f.services, (id) => services.value.find((s) => s.id === id)?.name ?? t("common.unknown")) : undefined],
    ["segments.staff", f.staff ? list(f.staff, (id) => staff.value.find((s) => s.id === id)?.name ?? t("common.unknown")) : undefined],
    ["segments.tags", f.tags ? f.tags.join(", ") : undefined],
    ["segments.birthdays", f.birthday_months ? list(f.birthday_months, monthWord) : undefined],
    ["segments.consent", f.consent ? `${t(`segments.consent.${f.consent.purpose}` as Key)}${f.consent.channel ? ` (${channelName(f.consent.channel)})` : ""}` : undefined],
  ];
  return parts.filter(([, v]) => v !== undefined).map(([k, v]) => `${t(k)}: ${v}`).join("; ");
}
