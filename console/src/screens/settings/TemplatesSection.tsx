// The salon's own message texts, per kind and language: the kinds, their placeholders and the default
// texts come from the API (GET /v1/admin/salon/templates). The text is checked as the engine checks
// it, previewed with sample values (the salon's own name, service and staff member, links of their
// real length), and counted as an SMS: encoding, billed parts, and the characters that force UCS-2.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { api, ok, type Salon, type Schemas } from "../../api/client";
import { Field, FormError } from "../../components/ui";
import { language, number, salonZone, t, type Key } from "../../i18n";
import { useLoad } from "../../lib/load";
import { smsInfo } from "../../lib/sms";
import { salon, services, staff } from "../../state";
import { useRulesForm } from "./RulesForm";
import { checkTemplate, fillTemplate, insertPlaceholder, readWhatsApp, withOverride, type TemplateProblem } from "./templates";

type Kind = Schemas["MessageTemplateOut"];
const LANGS = ["en", "ru", "es"];
const CLIENT: Record<string, string> = { en: "Anna", ru: "Анна", es: "Ana" };
const COMMENT: Record<string, string> = { en: "I waited 20 minutes.", ru: "Ждала 20 минут.", es: "Esperé 20 minutos." };
const CONFIRM: Record<string, string> = {
  en: "Reply YES to confirm or NO to cancel.",
  ru: "Ответьте ДА, чтобы подтвердить, или НЕТ, чтобы отменить.",
  es: "Responde SI para confirmar o NO para cancelar.",
};

function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames([language.value], { type: "language" }).of(tag) ?? tag;
    return name.charAt(0).toLocaleUpperCase(language.value) + name.slice(1);
  } catch {
    return tag;
  }
}

/** A link as messages carry it: a short link (`/s/` and an 8-character code) on the salon's origin, which
 * the API redirects to the signed page (a deployment with a shorter short-link domain sends shorter). */
function sampleLink(code: string): string {
  return `${location.origin}/s/${code}`;
}

/** Sample values of every placeholder, written in the message's language and the salon's zone. */
export function sampleValues(lang: string, s: Salon): Record<string, string> {
  const at = new Date(Date.now() + 2 * 86400_000);
  at.setUTCMinutes(0, 0, 0);
  const service = services.value.find((x) => x.active) ?? services.value[0];
  const member = staff.value[0];
  const zone = salonZone.value;
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(lang, { timeZone: zone, ...o });
  const when = (d: Date) => fmt({ weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(d);
  const cash = (minor: number) => new Intl.NumberFormat(lang, { style: "currency", currency: s.currency }).format(minor / 100);
  return {
    client_name: CLIENT[lang] ?? CLIENT.en,
    salon_name: s.name,
    service_name: service?.name ?? "—",
    staff_name: member?.name ?? "—",
    when: when(at),
    previous_when: when(new Date(at.getTime() - 86400_000)),
    date: fmt({ day: "numeric", month: "long" }).format(at),
    time: fmt({ hour: "2-digit", minute: "2-digit" }).format(at),
    price: service ? cash(service.price.amount) : cash(3000),
    manage_link: sampleLink("Mx7Qa2Lp"),
    feedback_link: sampleLink("Fb4Tz9Kc"),
    booking_link: sampleLink("Bk2Wn8Rd"),
    confirm_hint: CONFIRM[lang] ?? CONFIRM.en,
    amount: cash(1500),
    balance: cash(4200),
    expires: fmt({ day: "numeric", month: "long" }).format(new Date(at.getTime() + 60 * 86400_000)),
    tier: "Gold",
    rate: new Intl.NumberFormat(lang, { style: "percent" }).format(0.1),
    services: services.value.filter((x) => x.active).slice(0, 2).map((x) => x.name).join(", ") || "—",
    offer: "",
    client_phone: "+34 600 123 456",
    rating: "2",
    comment: COMMENT[lang] ?? COMMENT.en,
    code: "482913",
  };
}

function problemText(p: TemplateProblem): string {
  switch (p.code) {
    case "empty":
      return t("settings.templates.err.empty");
    case "tooLong":
      return t("settings.templates.err.tooLong", { max: number(p.max) });
    case "syntax":
      return t("settings.templates.err.syntax");
    case "notPlain":
      return t("settings.templates.err.notPlain", { shown: p.shown });
    case "unknown":
      return t("settings.templates.err.unknown", { names: p.names.map((n) => `{${n}}`).join(", "), count: p.names.length });
  }
}

function Editor({ kinds }: { kinds: Kind[] }) {
  const s = salon.value as Salon;
  const own = s.locale.slice(0, 2);
  const langs = LANGS.includes(own) ? LANGS : [...LANGS, own];
  const kind = useSignal(kinds.find((k) => k.kind === "reminder")?.kind ?? kinds[0].kind);
  const lang = useSignal<string>(LANGS.includes(language.value) ? language.value : "en");
  const overrides = (s.settings.templates ?? {}) as Record<string, Record<string, string>>;
  const current = kinds.find((k) => k.kind === kind.value) ?? kinds[0];
  const stored = overrides[kind.value]?.[lang.value];
  const fallback = current.defaults[lang.value] ?? current.defaults.en;
  const text = useSignal<string>(stored ?? fallback);
  const error = useSignal("");
  const area = useRef<HTMLTextAreaElement>(null);
  const f = useRulesForm([], "settings.templates.saved");

  function choose(k: string, l: string) {
    kind.value = k;
    lang.value = l;
    const c = kinds.find((x) => x.kind === k) ?? kinds[0];
    text.value = overrides[k]?.[l] ?? c.defaults[l] ?? c.defaults.en;
    error.value = "";
    f.problem.value = "";
  }

  function insert(name: string) {
    const el = area.current;
    const start = el?.selectionStart ?? text.value.length;
    const end = el?.selectionEnd ?? start;
    const out = insertPlaceholder(text.value, name, start, end);
    text.value = out.text;
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(out.caret, out.caret);
    });
  }

  async function save(value: string | null) {
    const p = value === null ? null : checkTemplate(value, current.placeholders, current.max_chars);
    error.value = p ? problemText(p) : "";
    if (p) {
      f.problem.value = t("settings.err.fix");
      return;
    }
    const keep = value !== null && value !== (current.defaults[lang.value] ?? null) ? value : null;
    const saved = await f.save((next) => ({ ...next, templates: withOverride((next.templates ?? {}) as Record<string, Record<string, string>>, kind.value, lang.value, keep) }));
    if (saved) {
      text.value = keep ?? current.defaults[lang.value] ?? current.defaults.en;
    } else {
      const apiError = f.errors.value[`templates.${kind.value}.${lang.value}`] ?? f.errors.value.templates;
      if (apiError) error.value = apiError;
    }
  }

  const problem = checkTemplate(text.value, current.placeholders, current.max_chars);
  const preview = problem ? "" : fillTemplate(text.value, sampleValues(lang.value, s));
  const sms = smsInfo(preview);
  const isOwn = stored !== undefined;
  return (
    <>
    <form id="templates-form" class="card" aria-labelledby="templates-title" onSubmit={(ev) => { ev.preventDefault(); void save(text.value); }} noValidate>
      <h2 id="templates-title">{t("settings.templates.title")}</h2>
      <p class="hint">{t("settings.templates.intro")}</p>
      <div class="row">
        <Field label={t("settings.templates.kind")}>
          {({ id }) => (
            <select id={id} name="template-kind" value={kind.value} onChange={(e) => choose(e.currentTarget.value, lang.value)}>
              {kinds.map((k) => (
                <option value={k.kind}>
                  {t(`settings.kind.${k.kind}` as Key)}
                  {overrides[k.kind] ? ` · ${t("settings.templates.hasOwn")}` : ""}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("settings.templates.language")}>
          {({ id }) => (
            <select id={id} name="template-language" value={lang.value} onChange={(e) => choose(kind.value, e.currentTarget.value)}>
              {langs.map((l) => <option value={l}>{languageName(l)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <p class="template-state" id="template-state">
        <span class={`badge ${isOwn ? "lifecycle-active" : "status-cancelled"}`}>{isOwn ? t("settings.templates.own") : t("settings.templates.default")}</span>
      </p>
      <div class="template-grid">
        <div>
          <Field label={t("settings.templates.text")} hint={t("settings.templates.textHint", { max: number(current.max_chars) })} error={error.value || (problem ? problemText(problem) : undefined)}>
            {({ id, describedBy, invalid }) => (
              <textarea ref={area} id={id} name="template-text" rows={6} maxLength={current.max_chars} aria-describedby={describedBy} aria-invalid={invalid || undefined}
                value={text.value} onInput={(e) => { text.value = e.currentTarget.value; error.value = ""; }} />
            )}
          </Field>
          <div class="placeholders" role="group" aria-labelledby="placeholders-title">
            <p id="placeholders-title" class="hint">{t("settings.templates.placeholders")}</p>
            {current.placeholders.map((p) => (
              <button type="button" class="secondary chip" name={`insert-${p}`} aria-label={t("settings.templates.insert", { name: `{${p}}` })} onClick={() => insert(p)}>
                {`{${p}}`}
              </button>
            ))}
          </div>
        </div>
        <section class="template-preview" aria-labelledby="preview-title">
          <h3 id="preview-title">{t("settings.templates.preview")}</h3>
          <p class="hint">{t("settings.templates.previewHint")}</p>
          <p id="template-preview" class="bubble" lang={lang.value}>{preview || "—"}</p>
          <dl id="template-sms" class="sms-facts">
            <dt>{t("settings.templates.encoding")}</dt>
            <dd data-encoding={sms.encoding}>{sms.encoding === "GSM-7" ? t("settings.templates.gsm") : t("settings.templates.ucs")}</dd>
            <dt>{t("settings.templates.parts")}</dt>
            <dd data-segments={sms.segments}>{t("settings.templates.partsValue", { count: sms.segments })}</dd>
            <dt>{t("settings.templates.length")}</dt>
            <dd>{t("settings.templates.lengthValue", { units: number(sms.units), per: number(sms.encoding === "GSM-7" ? (sms.segments > 1 ? 153 : 160) : sms.segments > 1 ? 67 : 70) })}</dd>
          </dl>
          {sms.nonGsm.length > 0 && (
            <p id="template-ucs" class="hint">
              {t("settings.templates.forcedBy", { count: sms.nonGsm.length })}{" "}
              {sms.nonGsm.slice(0, 24).map((c) => <kbd>{c === " " ? "⍽" : c === "\u00a0" ? "NBSP" : c}</kbd>)}
              {sms.nonGsm.length > 24 ? " …" : ""}
            </p>
          )}
          {sms.folded.length > 0 && (
            <p id="template-folded" class="hint">
              {t("settings.templates.foldedBy", { count: sms.folded.length })}{" "}
              {sms.folded.slice(0, 24).map((c) => <kbd>{c === "\u00a0" ? "NBSP" : c}</kbd>)}
              {sms.folded.length > 24 ? " …" : ""}
            </p>
          )}
        </section>
      </div>
      <FormError text={f.problem.value} />
      <div class="actions">
        <button type="submit" id="templates-save" disabled={f.busy.value}>{t("common.save")}</button>
        {isOwn && (
          <button type="button" class="secondary" id="templates-reset" disabled={f.busy.value} onClick={() => void save(null)}>
            {t("settings.templates.reset")}
          </button>
        )}
      </div>
    </form>
    <WhatsApp kind={current} key={current.kind} />
    </>
  );
}

/** The kind's approved WhatsApp template: outside the client's 24-hour window WhatsApp carries only
 * a template Meta approved, its {{1}}, {{2}}, ... filled with these placeholders in order. */
function WhatsApp({ kind }: { kind: Kind }) {
  const s = salon.value as Salon;
  const stored = (s.settings.whatsapp_templates ?? {})[kind.kind];
  const name = useSignal(stored?.name ?? "");
  const lang = useSignal(stored?.language ?? "");
  const params = useSignal((stored?.parameters ?? []).join(", "));
  const f = useRulesForm([], "settings.whatsapp.saved");
  const e = f.errors.value;

  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      const { template, problems } = readWhatsApp(name.value, lang.value, params.value, kind.placeholders);
      if (problems.name) errors.wa_name = t("settings.whatsapp.err.name");
      if (problems.language) errors.wa_language = t("settings.whatsapp.err.language");
      if (problems.parameters === "tooMany") errors.wa_parameters = t("settings.whatsapp.err.tooMany");
      else if (problems.parameters)
        errors.wa_parameters = t("settings.templates.err.unknown", { names: problems.parameters.unknown.map((n) => `{${n}}`).join(", "), count: problems.parameters.unknown.length });
      const all = { ...(next.whatsapp_templates ?? {}) };
      if (template) all[kind.kind] = template;
      else delete all[kind.kind];
      return { ...next, whatsapp_templates: all };
    }, { [`whatsapp_templates.${kind.kind}.name`]: "wa_name", [`whatsapp_templates.${kind.kind}.language`]: "wa_language", whatsapp_templates: "wa_parameters" });
  }

  return (
    <form id="whatsapp-form" class="card" aria-labelledby="whatsapp-title" onSubmit={submit} noValidate>
      <h2 id="whatsapp-title">{t("settings.whatsapp.title", { kind: t(`settings.kind.${kind.kind}` as Key) })}</h2>
      <p class="hint">{t("settings.whatsapp.intro")}</p>
      <div class="row">
        <Field label={t("settings.whatsapp.name")} hint={t("settings.whatsapp.nameHint")} error={e.wa_name} optional
          input={{ name: "wa-name", value: name.value, maxLength: 512, autoComplete: "off", onInput: (ev) => (name.value = ev.currentTarget.value) }} />
        <Field label={t("settings.whatsapp.language")} hint={t("settings.whatsapp.languageHint")} error={e.wa_language} optional
          input={{ name: "wa-language", value: lang.value, maxLength: 15, onInput: (ev) => (lang.value = ev.currentTarget.value) }} />
      </div>
      <Field label={t("settings.whatsapp.parameters")} hint={t("settings.whatsapp.parametersHint", { names: kind.placeholders.join(", ") })} error={e.wa_parameters} optional
        input={{ name: "wa-parameters", value: params.value, onInput: (ev) => (params.value = ev.currentTarget.value) }} />
      <FormError text={f.problem.value} />
      <div class="actions">
        <button type="submit" id="whatsapp-save" disabled={f.busy.value}>{t("settings.whatsapp.save")}</button>
      </div>
    </form>
  );
}

export function TemplatesSection() {
  const { value, problem } = useLoad(() => ok(api.GET("/v1/admin/salon/templates")));
  if (problem.value) return <FormError text={problem.value} />;
  if (!value.value) return <p class="loading">{t("common.loading")}</p>;
  return <Editor kinds={value.value} />;
}
