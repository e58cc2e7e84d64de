// The salon's rules in a form: each field described once (its path in the settings, its bounds, the
// API's own), typed as a person writes it, checked here with the problem in words beside it, and
// saved as the whole settings object the API last sent with this section's values put in (the API
// stores the settings as given). After a save the salon is read again, so every screen sees it.
import { useSignal } from "@preact/signals";
import type { ComponentChildren, JSX } from "preact";
import { api, ApiError, explain, fieldErrors, ok, type Salon } from "../../api/client";
import { Field, FormError } from "../../components/ui";
import { currency, fractionDigits, has, number, numberLocale, t, type Key } from "../../i18n";
import { formatPlain } from "../../lib/amount";
import { refreshCatalog, salon, say } from "../../state";
import {
  getPath,
  localField,
  readDecimal,
  readDuration,
  readMoney,
  readWhole,
  setPath,
  splitMinutes,
  UNITS,
  type Problem,
  type Read,
  type Unit,
} from "./rules";

export type Settings = Salon["settings"];
type Tree = Record<string, unknown>;

export type Spec =
  | { kind: "whole"; path: string; min: number; max: number; step?: number; optional?: boolean }
  | { kind: "decimal"; path: string; min: number; max: number; digits: number }
  | { kind: "money"; path: string; max: number }
  | { kind: "duration"; path: string; min: number; max: number }
  | { kind: "bool"; path: string }
  | { kind: "choice"; path: string; options: readonly string[]; words: (option: string) => string };

type Draft = Record<string, string | boolean>;

/** A length of time in words: "90 minutes", "2 hours", "1 day". */
export function durationWords(minutes: number): string {
  const { amount, unit } = splitMinutes(minutes);
  return t(`settings.unit.${unit}` as Key, { count: amount });
}

/** A problem of a value in the user's words. */
export function problemWords(p: Problem): string {
  switch (p.code) {
    case "required":
      return t("common.required");
    case "whole":
      return t("settings.err.whole", { min: number(p.min), max: number(p.max) });
    case "step":
      return t("settings.err.step", { min: number(p.min), max: number(p.max), step: number(p.step) });
    case "decimal":
      return t("settings.err.decimal", { min: number(p.min), max: number(p.max) });
    case "amount":
      return t("settings.err.amount", { example: formatPlain(2850, numberLocale.value, fractionDigits()) });
    case "amountMax":
      return t("settings.err.amountMax");
    case "duration":
      return t("settings.err.timeSpan", { min: durationWords(p.min), max: durationWords(p.max) });
    case "sameTimes":
      return t("settings.err.sameTimes");
    case "duplicate":
      return t("settings.err.duplicate");
    case "tierCriterion":
      return t("settings.err.tierCriterion");
  }
}

function draftOf(settings: Settings, specs: Spec[]): Draft {
  const d: Draft = {};
  for (const s of specs) {
    const v = getPath(settings as unknown as Tree, s.path);
    if (s.kind === "bool") d[s.path] = Boolean(v);
    else if (s.kind === "money") d[s.path] = typeof v === "number" ? formatPlain(v, numberLocale.value, fractionDigits()) : "";
    else if (s.kind === "duration") {
      const { amount, unit } = splitMinutes(Number(v ?? 0));
      d[s.path] = String(amount);
      d[`${s.path}#unit`] = unit;
    } else if (s.kind === "decimal") d[s.path] = v == null ? "" : number(Number(v));
    else d[s.path] = v == null ? "" : String(v);
  }
  return d;
}

function read(spec: Spec, d: Draft): Read<unknown> {
  const text = String(d[spec.path] ?? "");
  switch (spec.kind) {
    case "bool":
      return { ok: true, value: Boolean(d[spec.path]) };
    case "choice":
      return { ok: true, value: /^\d+$/.test(text) ? Number(text) : text };
    case "whole":
      return readWhole(text, spec.min, spec.max, { step: spec.step, optional: spec.optional });
    case "decimal":
      return readDecimal(text, spec.min, spec.max, spec.digits);
    case "money":
      return readMoney(text, fractionDigits(), spec.max);
    case "duration":
      return readDuration(text, (d[`${spec.path}#unit`] as Unit) ?? "minutes", spec.min, spec.max);
  }
}

/** A section's own parts read into the settings (``next``, as the API sent them with the fields'
 * values in), each problem added to ``errors``; the API checks the whole again. */
export type Collect = (next: Settings, errors: Record<string, string>) => object;

/** A section's form: its fields' draft, their problems, the field renderer and the save. */
export function useRulesForm(specs: Spec[], saved: Key) {
  const s = salon.value as Salon;
  const draft = useSignal<Draft>(draftOf(s.settings, specs));
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const set = (patch: Draft) => (draft.value = { ...draft.value, ...patch });

  function label(path: string): string {
    return t(`settings.f.${path.replace(/\.\d+(?=\.|$)/g, "")}` as Key);
  }
  function hint(path: string): string | undefined {
    const key = `settings.h.${path}`;
    return has(key) ? t(key) : undefined;
  }

  function field(spec: Spec): JSX.Element {
    const d = draft.value;
    const error = errors.value[spec.path];
    if (spec.kind === "bool") {
      return (
        <div class={`field${error ? " invalid" : ""}`}>
          <label class="check">
            <input type="checkbox" name={spec.path} checked={Boolean(d[spec.path])} onChange={(e) => set({ [spec.path]: e.currentTarget.checked })} />
            {label(spec.path)}
          </label>
          {hint(spec.path) && <p class="hint check-hint">{hint(spec.path)}</p>}
          {error && <p class="error">{error}</p>}
        </div>
      );
    }
    if (spec.kind === "choice") {
      return (
        <Field label={label(spec.path)} hint={hint(spec.path)} error={error}>
          {({ id, describedBy }) => (
            <select id={id} name={spec.path} aria-describedby={describedBy} value={String(d[spec.path])} onChange={(e) => set({ [spec.path]: e.currentTarget.value })}>
              {spec.options.map((o) => <option value={o}>{spec.words(o)}</option>)}
            </select>
          )}
        </Field>
      );
    }
    if (spec.kind === "duration") {
      const unitName = `${spec.path}#unit`;
      return (
        <Field label={label(spec.path)} hint={hint(spec.path)} error={error}>
          {({ id, describedBy, invalid }) => (
            <div class="amount-unit">
              <input id={id} name={spec.path} inputMode="decimal" aria-describedby={describedBy} aria-invalid={invalid || undefined}
                value={String(d[spec.path])} onInput={(e) => set({ [spec.path]: e.currentTarget.value })} />
              <select name={unitName} aria-label={t("settings.unit.of", { field: label(spec.path) })} value={String(d[unitName])}
                onChange={(e) => set({ [unitName]: e.currentTarget.value })}>
                {UNITS.map((u) => <option value={u}>{t(`settings.unit.${u}Name` as Key)}</option>)}
              </select>
            </div>
          )}
        </Field>
      );
    }
    const moneyHint = spec.kind === "money" ? t("settings.h.money", { currency: currency.value, example: formatPlain(2850, numberLocale.value, fractionDigits()) }) : undefined;
    return (
      <Field label={label(spec.path)} hint={hint(spec.path) ?? moneyHint} error={error} optional={spec.kind === "whole" && spec.optional}
        input={{
          name: spec.path,
          inputMode: spec.kind === "whole" ? "numeric" : "decimal",
          value: String(d[spec.path]),
          onInput: (e) => set({ [spec.path]: e.currentTarget.value }),
        }} />
    );
  }

  /** Reads the fields (and ``collect``'s own parts) into the settings and saves them; false when refused. */
  async function save(collect?: Collect, names: Record<string, string> = {}): Promise<boolean> {
    problem.value = "";
    const e: Record<string, string> = {};
    let next = (salon.value as Salon).settings;
    for (const spec of specs) {
      const r = read(spec, draft.value);
      if (r.ok) next = setPath(next as unknown as Tree, spec.path, r.value) as unknown as Settings;
      else e[spec.path] = problemWords(r.problem);
    }
    if (collect) next = collect(next, e) as Settings;
    errors.value = e;
    if (Object.keys(e).length) {
      problem.value = t("settings.err.fix");
      return false;
    }
    busy.value = true;
    try {
      await ok(api.PATCH("/v1/admin/salon", { body: { settings: next } }));
      await refreshCatalog();
      draft.value = draftOf((salon.value as Salon).settings, specs);
      say(t(saved));
      return true;
    } catch (err) {
      const rename: Record<string, string> = {};
      if (err instanceof ApiError) for (const f of err.fields) rename[f.field] = names[localField(f.field)] ?? localField(f.field);
      const mine = fieldErrors(err, rename);
      errors.value = mine;
      problem.value = explain(err);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { draft, set, errors, problem, busy, field, save, label };
}

/** A fieldset of fields. */
export function Group(props: { legend: string; hint?: string; children: ComponentChildren }) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      <div class="row">{props.children}</div>
    </fieldset>
  );
}

/** The form's end: the refusal in words, and the save button. */
export function SaveBar(props: { id: string; problem: string; busy: boolean }) {
  return (
    <>
      <FormError text={props.problem} />
      <div class="actions">
        <button type="submit" id={`${props.id}-save`} disabled={props.busy}>{t("common.save")}</button>
      </div>
    </>
  );
}
