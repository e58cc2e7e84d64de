// The services: all of them, offered or not, and a form to add or change one. The price is typed as
// the desk writes it ("28,50") and sent in minor units; the duration in 5-minute steps.
import { useSignal } from "@preact/signals";
import { api, explain, fieldErrors, ok, type Service } from "../../api/client";
import { useLoad } from "../../lib/load";
import { Dialog, Field, FormError, Scroll } from "../../components/ui";
import { currency, fractionDigits, money, numberLocale, t } from "../../i18n";
import { formatPlain, parseAmount } from "../../lib/amount";
import { may, refreshCatalog, say } from "../../state";
import { newId } from "./words";

export function ServicesSection() {
  const { value: list, problem, reload: load } = useLoad(() => ok(api.GET("/v1/admin/services")));
  const editing = useSignal<Service | "new" | null>(null);

  const current = editing.value;
  return (
    <section class="card" aria-labelledby="services-title">
      <div class="toolbar">
        <h2 id="services-title">{t("settings.services.title")}</h2>
        {may("services.create") && (
          <button type="button" id="service-add" onClick={() => (editing.value = "new")}>{t("settings.services.add")}</button>
        )}
      </div>
      <FormError text={problem.value} />
      {list.value === null && !problem.value && <p class="loading">{t("common.loading")}</p>}
      {list.value?.length === 0 && <p class="muted">{t("settings.services.none")}</p>}
      {list.value && list.value.length > 0 && (
        <Scroll labelledBy="services-title">
          <table id="services-table">
            <thead>
              <tr>
                <th scope="col">{t("settings.services.name")}</th>
                <th scope="col" class="num">{t("settings.services.price")}</th>
                <th scope="col">{t("settings.services.duration")}</th>
                <th scope="col">{t("settings.services.repeat")}</th>
                <th scope="col"><span class="visually-hidden">{t("settings.services.active")}</span></th>
                {may("services.update") && <th scope="col"><span class="visually-hidden">{t("settings.actions")}</span></th>}
              </tr>
            </thead>
            <tbody>
              {list.value.map((s) => (
                <tr data-service={s.id}>
                  <th scope="row">{s.name}</th>
                  <td class="num nowrap price">{money(s.price.amount, s.price.currency)}</td>
                  <td class="nowrap">{t("settings.services.minutes", { count: s.duration_minutes })}</td>
                  <td class="nowrap">{s.repeat_interval_days ? t("settings.services.days", { count: s.repeat_interval_days }) : t("settings.services.noRepeat")}</td>
                  <td>
                    <span class={`badge ${s.active ? "lifecycle-active" : "status-cancelled"}`}>
                      {s.active ? t("settings.services.offered") : t("settings.services.notOffered")}
                    </span>
                  </td>
                  {may("services.update") && (
                    <td>
                      <button type="button" class="secondary edit" aria-label={t("settings.services.edit", { name: s.name })} onClick={() => (editing.value = s)}>
                        {t("settings.change")}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <Dialog
        title={current === "new" ? t("settings.services.new") : current ? t("settings.services.edit", { name: current.name }) : ""}
        open={current !== null}
        onClose={() => (editing.value = null)}
      >
        {current !== null && (
          <ServiceForm
            service={current === "new" ? null : current}
            onSaved={async () => {
              editing.value = null;
              await load();
            }}
          />
        )}
      </Dialog>
    </section>
  );
}

function ServiceForm({ service, onSaved }: { service: Service | null; onSaved: () => Promise<void> }) {
  const digits = fractionDigits();
  const v = useSignal({
    name: service?.name ?? "",
    price: service ? formatPlain(service.price.amount, numberLocale.value, digits) : "",
    duration: String(service?.duration_minutes ?? 60),
    repeat: service?.repeat_interval_days ? String(service.repeat_interval_days) : "",
    active: service?.active ?? true,
    description: service?.description ?? "",
    category: service?.category ?? "",
  });
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const set = (patch: Partial<typeof v.value>) => (v.value = { ...v.value, ...patch });

  async function save(ev: Event) {
    ev.preventDefault();
    problem.value = "";
    const x = v.value;
    const e: Record<string, string> = {};
    if (!x.name.trim()) e.name = t("common.required");
    const price = parseAmount(x.price, digits);
    if (!price.ok) e.price = price.reason === "empty" ? t("common.required") : t("settings.err.price", { example: formatPlain(2850, numberLocale.value, digits) });
    const duration = Number(x.duration);
    if (!Number.isInteger(duration) || duration < 5 || duration > 240 || duration % 5) e.duration = t("settings.err.duration");
    const repeat = x.repeat.trim() ? Number(x.repeat) : null;
    if (repeat !== null && (!Number.isInteger(repeat) || repeat < 1 || repeat > 730)) e.repeat = t("settings.err.repeat");
    errors.value = e;
    if (Object.keys(e).length || !price.ok) return;
    const fields = {
      name: x.name.trim(), price_amount: price.minor, duration_minutes: duration, repeat_interval_days: repeat, active: x.active,
      description: x.description.trim() || null, category: x.category.trim() || null,
    };
    const rename = { price_amount: "price", duration_minutes: "duration", repeat_interval_days: "repeat" };
    busy.value = true;
    try {
      const saved = service
        ? await ok(api.PATCH("/v1/admin/services/{service_id}", { params: { path: { service_id: service.id } }, body: fields }))
        : await ok(api.POST("/v1/admin/services", { body: { id: newId(fields.name, "service"), ...fields } }));
      await refreshCatalog();
      say(service ? t("settings.services.saved", { name: saved.name }) : t("settings.services.added", { name: saved.name }));
      await onSaved();
    } catch (err) {
      errors.value = fieldErrors(err, rename);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form id="service-form" onSubmit={save} noValidate>
      <Field label={t("settings.services.name")} error={errors.value.name}
        input={{ name: "name", value: v.value.name, maxLength: 120, onInput: (e) => set({ name: e.currentTarget.value }) }} />
      <div class="row">
        <Field label={t("settings.services.price")} hint={t("settings.services.priceHint", { currency: currency.value, example: formatPlain(2850, numberLocale.value, digits) })} error={errors.value.price}
          input={{ name: "price", inputMode: "decimal", autoComplete: "off", value: v.value.price, onInput: (e) => set({ price: e.currentTarget.value }) }} />
        <Field label={t("settings.services.duration")} error={errors.value.duration}
          input={{ name: "duration", type: "number", min: 5, max: 240, step: 5, value: v.value.duration, onInput: (e) => set({ duration: e.currentTarget.value }) }} />
      </div>
      <Field label={t("settings.services.repeat")} hint={t("settings.services.repeatHint")} optional error={errors.value.repeat}
        input={{ name: "repeat", type: "number", min: 1, max: 730, step: 1, value: v.value.repeat, onInput: (e) => set({ repeat: e.currentTarget.value }) }} />
      <div class="row">
        <Field label={t("settings.services.category")} hint={t("settings.services.categoryHint")} optional error={errors.value.category}
          input={{ name: "category", value: v.value.category, maxLength: 80, onInput: (e) => set({ category: e.currentTarget.value }) }} />
      </div>
      <Field label={t("settings.services.description")} hint={t("settings.services.descriptionHint")} optional error={errors.value.description}>
        {({ id, describedBy }) => (
          <textarea id={id} name="description" rows={2} maxLength={1000} aria-describedby={describedBy} value={v.value.description}
            onInput={(e) => set({ description: e.currentTarget.value })} />
        )}
      </Field>
      <label class="check">
        <input type="checkbox" name="active" checked={v.value.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
        {t("settings.services.active")}
      </label>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" id="service-save" disabled={busy.value}>{t("common.save")}</button>
      </div>
    </form>
  );
}
