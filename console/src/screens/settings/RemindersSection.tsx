// Reminders and confirmation: how long before a visit each reminder goes (up to five, in minutes,
// hours or days), which of them asks the client to confirm, and which notices of a booking, a move or
// a cancellation go to the client and to the staff member.
import { useSignal } from "@preact/signals";
import { Field } from "../../components/ui";
import { t, type Key } from "../../i18n";
import { salon } from "../../state";
import { readOffsets, splitMinutes, UNITS, type Offset, type Unit } from "./rules";
import { durationWords, Group, problemWords, SaveBar, useRulesForm, type Spec } from "./RulesForm";

const ENABLED: Spec[] = [{ kind: "bool", path: "reminders_enabled" }];
const NOTICES: Spec[] = ["client_booked", "client_moved", "client_cancelled", "staff_booked", "staff_moved", "staff_cancelled"].map((n) => ({
  kind: "bool",
  path: `notifications.${n}`,
}));
export function RemindersSection() {
  const f = useRulesForm([...ENABLED, ...NOTICES], "settings.reminders.saved");
  const s = salon.value!.settings;
  const rows = useSignal<Offset[]>((s.reminder_offsets_minutes ?? []).map((m) => {
    const { amount, unit } = splitMinutes(m);
    return { amount: String(amount), unit };
  }));
  const confirm = useSignal<string>(s.confirmation_offset_minutes == null ? "" : String(s.confirmation_offset_minutes));
  const setRow = (i: number, patch: Partial<Offset>) => (rows.value = rows.value.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const read = readOffsets(rows.value);

  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      const { minutes, problems } = readOffsets(rows.value);
      for (const [i, p] of Object.entries(problems)) errors[`reminder_offsets_minutes.${i}`] = problemWords(p);
      const chosen = confirm.value === "" ? null : Number(confirm.value);
      if (chosen !== null && !minutes.includes(chosen)) errors.confirmation_offset_minutes = t("settings.err.confirmation");
      return { ...next, reminder_offsets_minutes: minutes, confirmation_offset_minutes: chosen };
    });
  }

  return (
    <form id="reminders-form" class="card" aria-labelledby="reminders-title" onSubmit={submit} noValidate>
      <h2 id="reminders-title">{t("settings.reminders.title")}</h2>
      {ENABLED.map(f.field)}
      <fieldset>
        <legend>{t("settings.reminders.offsets")}</legend>
        <p class="hint">{t("settings.reminders.offsetsHint")}</p>
        {rows.value.length === 0 && <p class="muted">{t("settings.reminders.none")}</p>}
        {rows.value.map((r, i) => (
          <div class="span-row" data-offset={i}>
            <Field label={t("settings.reminders.before", { n: i + 1 })} error={f.errors.value[`reminder_offsets_minutes.${i}`]}>
              {({ id, describedBy, invalid }) => (
                <div class="amount-unit">
                  <input id={id} name={`reminder_offsets_minutes.${i}`} inputMode="decimal" aria-describedby={describedBy} aria-invalid={invalid || undefined}
                    value={r.amount} onInput={(e) => setRow(i, { amount: e.currentTarget.value })} />
                  <select name={`reminder_offsets_minutes.${i}#unit`} aria-label={t("settings.unit.of", { field: t("settings.reminders.before", { n: i + 1 }) })}
                    value={r.unit} onChange={(e) => setRow(i, { unit: e.currentTarget.value as Unit })}>
                    {UNITS.map((u) => <option value={u}>{t(`settings.unit.${u}Name` as Key)}</option>)}
                  </select>
                </div>
              )}
            </Field>
            <div class="field end">
              <button type="button" class="secondary" aria-label={t("settings.reminders.remove", { n: i + 1 })}
                onClick={() => (rows.value = rows.value.filter((_, j) => j !== i))}>×</button>
            </div>
          </div>
        ))}
        {rows.value.length < 5 && (
          <button type="button" class="secondary" id="offset-add" onClick={() => (rows.value = [...rows.value, { amount: "", unit: "hours" }])}>
            {t("settings.reminders.add")}
          </button>
        )}
      </fieldset>
      <Group legend={t("settings.reminders.confirmation")} hint={t("settings.reminders.confirmationHint")}>
        <Field label={t("settings.f.confirmation_offset_minutes")} error={f.errors.value.confirmation_offset_minutes}>
          {({ id, describedBy }) => (
            <select id={id} name="confirmation_offset_minutes" aria-describedby={describedBy} value={confirm.value} onChange={(e) => (confirm.value = e.currentTarget.value)}>
              <option value="">{t("settings.reminders.noConfirmation")}</option>
              {read.minutes.map((m) => <option value={String(m)}>{t("settings.reminders.theOne", { before: durationWords(m) })}</option>)}
              {confirm.value !== "" && !read.minutes.includes(Number(confirm.value)) && (
                <option value={confirm.value}>{t("settings.reminders.theOne", { before: durationWords(Number(confirm.value)) })}</option>
              )}
            </select>
          )}
        </Field>
      </Group>
      <Group legend={t("settings.reminders.notices")} hint={t("settings.reminders.noticesHint")}>{NOTICES.map(f.field)}</Group>
      <SaveBar id="reminders" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
