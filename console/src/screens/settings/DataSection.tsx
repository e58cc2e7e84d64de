// Data retention: how many years the salon keeps a client who stopped coming (each night the engine
// erases those past it who have nothing booked); empty keeps everyone.
import { t } from "../../i18n";
import { Group, SaveBar, useRulesForm, type Spec } from "./RulesForm";

const KEEP: Spec[] = [{ kind: "whole", path: "data_retention.forget_inactive_after_years", min: 1, max: 20, optional: true }];

export function DataSection() {
  const f = useRulesForm(KEEP, "settings.data.saved");
  return (
    <form id="data-form" class="card" aria-labelledby="data-title" onSubmit={(ev) => { ev.preventDefault(); void f.save(); }} noValidate>
      <h2 id="data-title">{t("settings.data.title")}</h2>
      <Group legend={t("settings.data.keep")} hint={t("settings.data.keepHint")}>{KEEP.map(f.field)}</Group>
      <SaveBar id="data" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
