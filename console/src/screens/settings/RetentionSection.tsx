// Retention and win-back: repeat-visit invitations, when a client counts as at risk, lapsed or lost,
// the win-back waves (each a message some days after a client lapsed, with an optional bonus and
// offer), the invitation to rebook after a no-show or a late cancellation, and the campaigns' holdout.
import { useSignal } from "@preact/signals";
import { Field } from "../../components/ui";
import { fractionDigits, numberLocale, t } from "../../i18n";
import { formatPlain } from "../../lib/amount";
import { salon } from "../../state";
import { readWaves, type WaveRow } from "./rules";
import { Group, problemWords, SaveBar, useRulesForm, type Spec } from "./RulesForm";

const INVITES: Spec[] = [
  { kind: "bool", path: "retention.invitations" },
  { kind: "whole", path: "retention.join_days", min: 0, max: 14 },
  { kind: "whole", path: "retention.own_cadence_visits", min: 2, max: 20 },
  { kind: "whole", path: "retention.default_interval_days", min: 1, max: 365 },
];
const STATUS: Spec[] = [
  { kind: "decimal", path: "retention.at_risk_factor", min: 1, max: 5, digits: 2 },
  { kind: "whole", path: "retention.lapsed_days", min: 14, max: 730 },
  { kind: "whole", path: "retention.lost_days", min: 15, max: 1095 },
];
const WINBACK: Spec[] = [{ kind: "bool", path: "retention.winback" }];
const REBOOK: Spec[] = [
  { kind: "bool", path: "retention.rebook_invitations" },
  { kind: "whole", path: "retention.rebook_delay_hours", min: 0, max: 24 * 14 },
  { kind: "whole", path: "retention.rebooked_within_days", min: 1, max: 90 },
];
const CAMPAIGNS: Spec[] = [
  { kind: "decimal", path: "campaigns.holdout_percent", min: 0, max: 50, digits: 1 },
  { kind: "whole", path: "campaigns.window_days", min: 1, max: 90 },
];

export function RetentionSection() {
  const f = useRulesForm([...INVITES, ...STATUS, ...WINBACK, ...REBOOK, ...CAMPAIGNS], "settings.retention.saved");
  const digits = fractionDigits();
  const rows = useSignal<WaveRow[]>((salon.value!.settings.retention?.winback_waves ?? []).map((w) => ({
    delay: String(w.delay_days),
    bonus: w.bonus_amount ? formatPlain(w.bonus_amount ?? 0, numberLocale.value, digits) : "",
    lifetime: String(w.bonus_lifetime_days ?? 30),
    offer: w.offer ?? "",
  })));
  const setRow = (i: number, patch: Partial<WaveRow>) => (rows.value = rows.value.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const err = (key: string) => f.errors.value[`retention.winback_waves.${key}`];

  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      const { waves, problems } = readWaves(rows.value, digits);
      for (const [k, p] of Object.entries(problems)) errors[`retention.winback_waves.${k}`] = p === "order" ? t("settings.err.waveOrder") : problemWords(p);
      const lapsed = next.retention?.lapsed_days ?? 90;
      const lost = next.retention?.lost_days ?? 180;
      if (!errors["retention.lost_days"] && !errors["retention.lapsed_days"] && lost <= lapsed) errors["retention.lost_days"] = t("settings.err.lostAfterLapsed");
      return { ...next, retention: { ...next.retention, winback_waves: waves } };
    });
  }

  return (
    <form id="retention-form" class="card" aria-labelledby="retention-title" onSubmit={submit} noValidate>
      <h2 id="retention-title">{t("settings.retention.title")}</h2>
      <Group legend={t("settings.retention.invitations")} hint={t("settings.retention.invitationsHint")}>{INVITES.map(f.field)}</Group>
      <Group legend={t("settings.retention.statuses")} hint={t("settings.retention.statusesHint")}>{STATUS.map(f.field)}</Group>
      <fieldset>
        <legend>{t("settings.retention.winback")}</legend>
        <p class="hint">{t("settings.retention.winbackHint")}</p>
        {WINBACK.map(f.field)}
        {rows.value.map((r, i) => (
          <div class="span-row wave" data-wave={i}>
            <p class="span-label">{t("settings.retention.wave", { n: i + 1 })}</p>
            <Field label={t("settings.f.retention.winback_waves.delay_days")} error={err(`${i}.delay_days`)}
              input={{ name: `wave-delay-${i}`, inputMode: "numeric", value: r.delay, onInput: (e) => setRow(i, { delay: e.currentTarget.value }) }} />
            <Field label={t("settings.f.retention.winback_waves.bonus_amount")} optional error={err(`${i}.bonus_amount`)}
              input={{ name: `wave-bonus-${i}`, inputMode: "decimal", value: r.bonus, onInput: (e) => setRow(i, { bonus: e.currentTarget.value }) }} />
            <Field label={t("settings.f.retention.winback_waves.bonus_lifetime_days")} error={err(`${i}.bonus_lifetime_days`)}
              input={{ name: `wave-lifetime-${i}`, inputMode: "numeric", value: r.lifetime, onInput: (e) => setRow(i, { lifetime: e.currentTarget.value }) }} />
            <Field label={t("settings.f.retention.winback_waves.offer")} optional error={err(`${i}.offer`)}
              input={{ name: `wave-offer-${i}`, value: r.offer, maxLength: 200, onInput: (e) => setRow(i, { offer: e.currentTarget.value }) }} />
            <div class="field end">
              <button type="button" class="secondary" aria-label={t("settings.retention.removeWave", { n: i + 1 })}
                onClick={() => (rows.value = rows.value.filter((_, j) => j !== i))}>×</button>
            </div>
          </div>
        ))}
        {f.errors.value.retention && <p class="error">{f.errors.value.retention}</p>}
        {rows.value.length < 6 && (
          <button type="button" class="secondary" id="wave-add" onClick={() => (rows.value = [...rows.value, { delay: "", bonus: "", lifetime: "30", offer: "" }])}>
            {t("settings.retention.addWave")}
          </button>
        )}
      </fieldset>
      <Group legend={t("settings.retention.rebook")} hint={t("settings.retention.rebookHint")}>{REBOOK.map(f.field)}</Group>
      <Group legend={t("settings.retention.campaigns")} hint={t("settings.retention.campaignsHint")}>{CAMPAIGNS.map(f.field)}</Group>
      <SaveBar id="retention" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
