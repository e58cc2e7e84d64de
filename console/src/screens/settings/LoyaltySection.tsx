// Loyalty: cashback that burns. The tiers (a rate, and the visits or spend in twelve months that
// qualify; the first is everyone's), how long a bonus lives and how much of a bill it may pay, the
// warning before it burns, the birthday gift and the referral bonuses.
import { useSignal } from "@preact/signals";
import { Field } from "../../components/ui";
import { currency, fractionDigits, number, numberLocale, t } from "../../i18n";
import { formatPlain } from "../../lib/amount";
import { salon } from "../../state";
import { readTiers, type TierRow } from "./rules";
import { Group, problemWords, SaveBar, useRulesForm, type Spec } from "./RulesForm";

const BONUS: Spec[] = [
  { kind: "bool", path: "loyalty.enabled" },
  { kind: "whole", path: "loyalty.lifetime_days", min: 1, max: 365 },
  { kind: "whole", path: "loyalty.redeem_cap_percent", min: 0, max: 100 },
  { kind: "whole", path: "loyalty.warn_days_before", min: 0, max: 60 },
];
const BIRTHDAY: Spec[] = [
  { kind: "money", path: "loyalty.birthday_amount", max: 10_000_000 },
  { kind: "whole", path: "loyalty.birthday_days_before", min: 0, max: 30 },
  { kind: "whole", path: "loyalty.birthday_lifetime_days", min: 1, max: 365 },
];
const REFERRAL: Spec[] = [
  { kind: "money", path: "loyalty.referral_referrer_amount", max: 10_000_000 },
  { kind: "money", path: "loyalty.referral_referee_amount", max: 10_000_000 },
  { kind: "whole", path: "loyalty.referral_lifetime_days", min: 1, max: 365 },
];

export function LoyaltySection() {
  const f = useRulesForm([...BONUS, ...BIRTHDAY, ...REFERRAL], "settings.loyalty.saved");
  const digits = fractionDigits();
  const rows = useSignal<TierRow[]>((salon.value!.settings.loyalty?.tiers ?? []).map((x) => ({
    name: x.name,
    rate: number(x.rate_bp / 100),
    visits: String(x.min_visits ?? 0),
    spend: x.min_spend == null ? "" : formatPlain(x.min_spend, numberLocale.value, digits),
  })));
  const setRow = (i: number, patch: Partial<TierRow>) => (rows.value = rows.value.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const err = (key: string) => f.errors.value[`loyalty.tiers.${key}`];

  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      const { tiers, problems } = readTiers(rows.value, digits);
      for (const [k, p] of Object.entries(problems))
        errors[`loyalty.tiers.${k}`] = problemWords(p);
      return { ...next, loyalty: { ...next.loyalty, tiers } };
    });
  }

  return (
    <form id="loyalty-form" class="card" aria-labelledby="loyalty-title" onSubmit={submit} noValidate>
      <h2 id="loyalty-title">{t("settings.loyalty.title")}</h2>
      <Group legend={t("settings.loyalty.bonus")}>{BONUS.map(f.field)}</Group>
      <fieldset>
        <legend>{t("settings.loyalty.tiers")}</legend>
        <p class="hint">{t("settings.loyalty.tiersHint", { currency: currency.value })}</p>
        {rows.value.map((r, i) => (
          <div class="span-row tier" data-tier={i}>
            <p class="span-label">{i === 0 ? t("settings.loyalty.baseTier") : t("settings.loyalty.tier", { n: i + 1 })}</p>
            <Field label={t("settings.f.loyalty.tiers.name")} error={err(`${i}.name`)}
              input={{ name: `tier-name-${i}`, value: r.name, maxLength: 40, onInput: (e) => setRow(i, { name: e.currentTarget.value }) }} />
            <Field label={t("settings.f.loyalty.tiers.rate_bp")} error={err(`${i}.rate_bp`)}
              input={{ name: `tier-rate-${i}`, inputMode: "decimal", value: r.rate, onInput: (e) => setRow(i, { rate: e.currentTarget.value }) }} />
            {i > 0 && (
              <>
                <Field label={t("settings.f.loyalty.tiers.min_visits")} error={err(`${i}.min_visits`)}
                  input={{ name: `tier-visits-${i}`, inputMode: "numeric", value: r.visits, onInput: (e) => setRow(i, { visits: e.currentTarget.value }) }} />
                <Field label={t("settings.f.loyalty.tiers.min_spend")} optional error={err(`${i}.min_spend`)}
                  input={{ name: `tier-spend-${i}`, inputMode: "decimal", value: r.spend, onInput: (e) => setRow(i, { spend: e.currentTarget.value }) }} />
                <div class="field end">
                  <button type="button" class="secondary" aria-label={t("settings.loyalty.removeTier", { name: r.name || String(i + 1) })}
                    onClick={() => (rows.value = rows.value.filter((_, j) => j !== i))}>×</button>
                </div>
              </>
            )}
          </div>
        ))}
        {f.errors.value["loyalty.tiers"] && <p class="error">{f.errors.value["loyalty.tiers"]}</p>}
        {rows.value.length < 10 && (
          <button type="button" class="secondary" id="tier-add" onClick={() => (rows.value = [...rows.value, { name: "", rate: "", visits: "", spend: "" }])}>
            {t("settings.loyalty.addTier")}
          </button>
        )}
      </fieldset>
      <Group legend={t("settings.loyalty.birthday")}>{BIRTHDAY.map(f.field)}</Group>
      <Group legend={t("settings.loyalty.referral")} hint={t("settings.loyalty.referralHint")}>{REFERRAL.map(f.field)}</Group>
      <SaveBar id="loyalty" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
