// The salon's profile: its name, time zone and locale, and the review links and manager phones the
// feedback step uses. Checked here first, with each problem in words beside its field.
import { useSignal } from "@preact/signals";
import { api, explain, fieldErrors, ok, type Salon } from "../../api/client";
import { Field, FormError } from "../../components/ui";
import { language, t } from "../../i18n";
import { refreshCatalog, salon, say } from "../../state";

type Link = { name: string; url: string };
type Feedback = { review_links?: Link[]; manager_phones?: string[] };

const LOCALES = ["en", "en-GB", "en-US", "en-IE", "de-DE", "es-ES", "es-MX", "fr-FR", "it-IT", "pt-PT", "ru-RU", "uk-UA", "pl-PL", "nl-NL"];
const PHONE = /^\+[1-9]\d{6,14}$/;
const HTTPS = /^https:\/\/[^\s<>"'`\\]+\.[^\s<>"'`\\]+$/;
const COLOUR = /^#[0-9a-fA-F]{6}$/;
// what the booking page shows of the salon (each optional; empty clears it)
const PAGE = ["address", "phone", "logo_url", "brand_color", "privacy_url"] as const;
type PageField = (typeof PAGE)[number];

function zones(current: string): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return all.includes(current) ? all : [current, ...all];
}

function localeName(tag: string): string {
  try {
    const names = new Intl.DisplayNames([language.value], { type: "language" });
    const name = names.of(tag) ?? tag;
    return name.charAt(0).toLocaleUpperCase(language.value) + name.slice(1);
  } catch {
    return tag;
  }
}

export function SalonSection() {
  const s = salon.value as Salon;
  const feedback = ((s.settings as { feedback?: Feedback }).feedback ?? {}) as Feedback;
  const v = useSignal({
    name: s.name,
    timezone: s.timezone,
    locale: s.locale,
    links: (feedback.review_links ?? []).map((l) => ({ ...l })),
    phones: [...(feedback.manager_phones ?? [])],
    page: Object.fromEntries(PAGE.map((k) => [k, (s as Record<string, unknown>)[k] ?? ""])) as Record<PageField, string>,
  });
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const set = (patch: Partial<typeof v.value>) => (v.value = { ...v.value, ...patch });
  const setPage = (k: PageField, value: string) => set({ page: { ...v.value.page, [k]: value } });
  const locales = LOCALES.includes(s.locale) ? LOCALES : [s.locale, ...LOCALES];

  async function save(ev: Event) {
    ev.preventDefault();
    problem.value = "";
    const e: Record<string, string> = {};
    const x = v.value;
    if (!x.name.trim()) e.name = t("common.required");
    x.links.forEach((l, i) => {
      if (!l.name.trim()) e[`link${i}name`] = t("common.required");
      if (!/^https?:\/\/\S{4,}$/.test(l.url.trim())) e[`link${i}url`] = t("settings.err.url");
    });
    x.phones.forEach((p, i) => {
      if (!PHONE.test(p.replace(/[\s()-]/g, ""))) e[`phone${i}`] = t("settings.err.phone");
    });
    for (const k of ["logo_url", "privacy_url"] as const) if (x.page[k].trim() && !HTTPS.test(x.page[k].trim())) e[k] = t("settings.err.https");
    if (x.page.brand_color.trim() && !COLOUR.test(x.page.brand_color.trim())) e.brand_color = t("settings.err.colour");
    errors.value = e;
    if (Object.keys(e).length) {
      problem.value = t("settings.err.fix");
      return;
    }
    const page = Object.fromEntries(PAGE.map((k) => [k, x.page[k].trim() || null]));
    const links = x.links.map((l) => ({ name: l.name.trim(), url: l.url.trim() }));
    const phones = x.phones.map((p) => p.replace(/[\s()-]/g, ""));
    const feedbackChanged =
      JSON.stringify(links) !== JSON.stringify(feedback.review_links ?? []) || JSON.stringify(phones) !== JSON.stringify(feedback.manager_phones ?? []);
    const rename: Record<string, string> = {};
    for (let i = 0; i < 5; i++) {
      rename[`settings.feedback.review_links.${i}.name`] = `link${i}name`;
      rename[`settings.feedback.review_links.${i}.url`] = `link${i}url`;
      rename[`settings.feedback.manager_phones.${i}`] = `phone${i}`;
    }
    busy.value = true;
    try {
      await ok(
        api.PATCH("/v1/admin/salon", {
          body: {
            name: x.name.trim(),
            timezone: x.timezone,
            locale: x.locale,
            ...page,
            ...(feedbackChanged ? { settings: { ...s.settings, feedback: { ...feedback, review_links: links, manager_phones: phones } } as Salon["settings"] } : {}),
          },
        }),
      );
      await refreshCatalog();
      say(t("settings.salon.saved"));
    } catch (err) {
      errors.value = fieldErrors(err, rename);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form id="salon-form" class="card" aria-labelledby="salon-title" onSubmit={save} noValidate>
      <h2 id="salon-title">{t("settings.salon.title")}</h2>
      <div class="row">
        <Field label={t("settings.salon.name")} error={errors.value.name}
          input={{ name: "name", value: v.value.name, maxLength: 120, autoComplete: "organization", onInput: (e) => set({ name: e.currentTarget.value }) }} />
        <Field label={t("settings.salon.timezone")} hint={t("settings.salon.timezoneHint")} error={errors.value.timezone}>
          {({ id, describedBy }) => (
            <select id={id} name="timezone" aria-describedby={describedBy} value={v.value.timezone} onChange={(e) => set({ timezone: e.currentTarget.value })}>
              {zones(s.timezone).map((z) => <option value={z}>{z.replace(/_/g, " ")}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("settings.salon.locale")} hint={t("settings.salon.localeHint")} error={errors.value.locale}>
          {({ id, describedBy }) => (
            <select id={id} name="locale" aria-describedby={describedBy} value={v.value.locale} onChange={(e) => set({ locale: e.currentTarget.value })}>
              {locales.map((l) => <option value={l}>{localeName(l)}</option>)}
            </select>
          )}
        </Field>
      </div>

      <fieldset>
        <legend>{t("settings.salon.page")}</legend>
        <p class="hint">{t("settings.salon.pageHint")}</p>
        <div class="row">
          <Field label={t("settings.salon.address")} optional error={errors.value.address}
            input={{ name: "address", value: v.value.page.address, maxLength: 300, autoComplete: "street-address", onInput: (e) => setPage("address", e.currentTarget.value) }} />
          <Field label={t("settings.salon.publicPhone")} optional error={errors.value.phone}
            input={{ name: "salon-phone", type: "tel", value: v.value.page.phone, maxLength: 40, onInput: (e) => setPage("phone", e.currentTarget.value) }} />
        </div>
        <div class="row">
          <Field label={t("settings.salon.logo")} hint={t("settings.h.https")} optional error={errors.value.logo_url}
            input={{ name: "logo", type: "url", value: v.value.page.logo_url, maxLength: 500, onInput: (e) => setPage("logo_url", e.currentTarget.value) }} />
          <Field label={t("settings.salon.privacy")} hint={t("settings.h.https")} optional error={errors.value.privacy_url}
            input={{ name: "privacy", type: "url", value: v.value.page.privacy_url, maxLength: 500, onInput: (e) => setPage("privacy_url", e.currentTarget.value) }} />
          <Field label={t("settings.salon.colour")} hint={t("settings.salon.colourHint")} optional error={errors.value.brand_color}
            input={{ name: "colour", value: v.value.page.brand_color, maxLength: 7, placeholder: "#7b3fe4", onInput: (e) => setPage("brand_color", e.currentTarget.value) }} />
        </div>
      </fieldset>

      <fieldset>
        <legend>{t("settings.salon.reviewLinks")}</legend>
        <p class="hint">{t("settings.salon.reviewLinksHint")}</p>
        {v.value.links.length === 0 && <p class="muted">{t("settings.salon.noLinks")}</p>}
        {v.value.links.map((l, i) => (
          <div class="row span-row">
            <Field label={t("settings.salon.linkName")} error={errors.value[`link${i}name`]}
              input={{ name: `link-name-${i}`, value: l.name, maxLength: 40, onInput: (e) => set({ links: v.value.links.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) }) }} />
            <Field label={t("settings.salon.linkUrl")} error={errors.value[`link${i}url`]}
              input={{ name: `link-url-${i}`, type: "url", value: l.url, maxLength: 500, onInput: (e) => set({ links: v.value.links.map((x, j) => (j === i ? { ...x, url: e.currentTarget.value } : x)) }) }} />
            <div class="field end">
              <button type="button" class="secondary" aria-label={t("settings.salon.removeLink", { name: l.name || String(i + 1) })}
                onClick={() => set({ links: v.value.links.filter((_, j) => j !== i) })}>×</button>
            </div>
          </div>
        ))}
        {v.value.links.length < 5 && (
          <button type="button" class="secondary" id="add-link" onClick={() => set({ links: [...v.value.links, { name: "", url: "https://" }] })}>
            {t("settings.salon.addLink")}
          </button>
        )}
      </fieldset>

      <fieldset>
        <legend>{t("settings.salon.managerPhones")}</legend>
        <p class="hint">{t("settings.salon.managerPhonesHint")}</p>
        {v.value.phones.length === 0 && <p class="muted">{t("settings.salon.noPhones")}</p>}
        {v.value.phones.map((p, i) => (
          <div class="row span-row">
            <Field label={t("settings.salon.phone", { n: i + 1 })} error={errors.value[`phone${i}`]}
              input={{ name: `phone-${i}`, type: "tel", value: p, autoComplete: "tel", onInput: (e) => set({ phones: v.value.phones.map((x, j) => (j === i ? e.currentTarget.value : x)) }) }} />
            <div class="field end">
              <button type="button" class="secondary" aria-label={t("settings.salon.removePhone", { n: i + 1 })}
                onClick={() => set({ phones: v.value.phones.filter((_, j) => j !== i) })}>×</button>
            </div>
          </div>
        ))}
        {v.value.phones.length < 5 && (
          <button type="button" class="secondary" id="add-phone" onClick={() => set({ phones: [...v.value.phones, "+"] })}>
            {t("settings.salon.addPhone")}
          </button>
        )}
      </fieldset>

      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" id="salon-save" disabled={busy.value}>{t("common.save")}</button>
      </div>
    </form>
  );
}
