// The staff: each member's name, the services they do, their weekly hours (one or two spans a day, or
// a day off), breaks, and the single days off. Spans are checked here (the end after the start, none
// overlapping) with the problem in words beside the span.
import { useSignal } from "@preact/signals";
import { api, explain, fieldErrors, ok, type Staff } from "../../api/client";
import { useLoad } from "../../lib/load";
import { Dialog, Field, FormError } from "../../components/ui";
import { plainDate, t } from "../../i18n";
import { may, refreshCatalog, say, services } from "../../state";
import { FeedButton } from "./StaffFeed";
import { newId, spanProblems, WEEKDAYS, weekdayName, weekdayTitle, type Span, type Weekday } from "./words";

type Day = { off: boolean; spans: Span[]; breaks: Span[] };
type Week = Record<Weekday, Day>;

export function StaffSection() {
  const { value: list, problem, reload: load } = useLoad(() => ok(api.GET("/v1/admin/staff")));
  const editing = useSignal<Staff | "new" | null>(null);

  const current = editing.value;
  return (
    <section class="card" aria-labelledby="staff-title">
      <div class="toolbar">
        <h2 id="staff-title">{t("settings.staff.title")}</h2>
        {may("staff.create") && (
          <button type="button" id="staff-add" onClick={() => (editing.value = "new")}>{t("settings.staff.add")}</button>
        )}
      </div>
      <FormError text={problem.value} />
      {list.value === null && !problem.value && <p class="loading">{t("common.loading")}</p>}
      {list.value?.length === 0 && <p class="muted">{t("settings.staff.none")}</p>}
      {list.value && list.value.length > 0 && (
        <ul class="plain staff-list" id="staff-list" aria-labelledby="staff-title">
          {list.value.map((m) => (
            <li data-staff={m.id}>
              <div class="staff-head">
                <strong>{m.name}</strong>
                {m.active === false && <span class="badge status-cancelled">{t("settings.staff.inactive")}</span>}
                <span class="muted">{t("settings.staff.serviceCount", { count: m.service_ids?.length ?? 0 })}</span>
                {may("staff.update") && (
                  <button type="button" class="secondary edit" aria-label={t("settings.staff.edit", { name: m.name })} onClick={() => (editing.value = m)}>
                    {t("settings.change")}
                  </button>
                )}
                {may("staff.calendar_feed") && <FeedButton member={m} />}
              </div>
              <p class="muted hours">{hoursInWords(m)}</p>
            </li>
          ))}
        </ul>
      )}
      <Dialog
        title={current === "new" ? t("settings.staff.new") : current ? t("settings.staff.edit", { name: current.name }) : ""}
        open={current !== null}
        onClose={() => (editing.value = null)}
        wide
      >
        {current !== null && (
          <StaffForm
            member={current === "new" ? null : current}
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

/** "Mon 09:00–18:00 · Tue …": the working days with their spans, short. */
function hoursInWords(m: Staff): string {
  const hours = m.working_hours ?? {};
  const days = WEEKDAYS.filter((d) => hours[d]?.length);
  if (!days.length) return t("settings.staff.dayOff");
  return days.map((d) => `${weekdayName(d, "short")} ${hours[d]!.map(([a, b]) => `${a}–${b}`).join(", ")}`).join(" · ");
}

function weekOf(m: Staff | null): Week {
  const hours = m?.working_hours ?? {};
  const breaks = m?.breaks ?? {};
  const fresh = !m;
  return Object.fromEntries(
    WEEKDAYS.map((d) => {
      const spans = (hours[d] ?? []).map(([a, b]) => [a, b] as Span);
      const off = fresh ? d === "sun" : spans.length === 0;
      return [d, { off, spans: spans.length ? spans : [["09:00", "18:00"] as Span], breaks: (breaks[d] ?? []).map(([a, b]) => [a, b] as Span) }];
    }),
  ) as Week;
}

const HTTPS = /^https:\/\/[^\s<>"'`\\]+\.[^\s<>"'`\\]+$/;

function StaffForm({ member, onSaved }: { member: Staff | null; onSaved: () => Promise<void> }) {
  const v = useSignal({
    name: member?.name ?? "",
    phone: member?.phone ?? "",
    email: member?.email ?? "",
    title: member?.title ?? "",
    photo: member?.photo_url ?? "",
    active: member?.active ?? true,
    serviceIds: [...(member?.service_ids ?? [])],
    week: weekOf(member),
    daysOff: [...(member?.days_off ?? [])].sort(),
  });
  const newDay = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const set = (patch: Partial<typeof v.value>) => (v.value = { ...v.value, ...patch });
  const setDay = (d: Weekday, patch: Partial<Day>) => set({ week: { ...v.value.week, [d]: { ...v.value.week[d], ...patch } } });

  async function save(ev: Event) {
    ev.preventDefault();
    problem.value = "";
    const x = v.value;
    const e: Record<string, string> = {};
    if (!x.name.trim()) e.name = t("common.required");
    if (x.email.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(x.email.trim())) e.email = t("error.fieldEmail");
    if (x.photo.trim() && !HTTPS.test(x.photo.trim())) e.photo = t("settings.err.https");
    for (const d of WEEKDAYS) {
      const day = x.week[d];
      if (day.off) continue;
      for (const [i, m] of Object.entries(spanProblems(day.spans))) e[`${d}-span-${i}`] = m;
      for (const [i, m] of Object.entries(spanProblems(day.breaks))) e[`${d}-break-${i}`] = m;
    }
    errors.value = e;
    if (Object.keys(e).length) {
      problem.value = t("settings.err.fix");
      return;
    }
    const working_hours: Partial<Record<Weekday, Span[]>> = {};
    const breaks: Partial<Record<Weekday, Span[]>> = {};
    for (const d of WEEKDAYS) {
      const day = x.week[d];
      if (day.off) continue;
      working_hours[d] = [...day.spans].sort((a, b) => a[0].localeCompare(b[0]));
      if (day.breaks.length) breaks[d] = [...day.breaks].sort((a, b) => a[0].localeCompare(b[0]));
    }
    const fields = {
      name: x.name.trim(),
      phone: x.phone.trim() || null,
      email: x.email.trim() || null,
      title: x.title.trim() || null,
      photo_url: x.photo.trim() || null,
      active: x.active,
      service_ids: x.serviceIds,
      working_hours,
      breaks,
      days_off: x.daysOff,
    };
    busy.value = true;
    try {
      const saved = member
        ? await ok(api.PATCH("/v1/admin/staff/{staff_id}", { params: { path: { staff_id: member.id } }, body: fields }))
        : await ok(api.POST("/v1/admin/staff", { body: { id: newId(fields.name, "staff"), ...fields } }));
      await refreshCatalog();
      say(member ? t("settings.staff.saved", { name: saved.name }) : t("settings.staff.added", { name: saved.name }));
      await onSaved();
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  const spanInputs = (d: Weekday, kind: "span" | "break", list: Span[], i: number) => {
    const dayName = weekdayName(d);
    const key = `${d}-${kind}-${i}`;
    const change = (at: 0 | 1, value: string) => {
      const next = list.map((s, j) => (j === i ? ((at === 0 ? [value, s[1]] : [s[0], value]) as Span) : s));
      setDay(d, kind === "span" ? { spans: next } : { breaks: next });
    };
    const label = kind === "span" ? t("settings.staff.span", { day: dayName, n: i + 1 }) : t("settings.staff.break", { day: dayName, n: i + 1 });
    const canRemove = kind === "break" || i > 0;
    return (
      <div class="span-row" role="group" aria-label={label}>
        {kind === "break" && <span class="span-label muted">{t("settings.staff.breaks")}</span>}
        <Field label={t("settings.staff.from")}
          input={{ type: "time", name: `${d}-${kind}-from-${i}`, step: 300, value: list[i][0], "aria-invalid": Boolean(errors.value[key]) || undefined, onInput: (e) => change(0, e.currentTarget.value) }} />
        <Field label={t("settings.staff.to")} error={errors.value[key]}
          input={{ type: "time", name: `${d}-${kind}-to-${i}`, step: 300, value: list[i][1], onInput: (e) => change(1, e.currentTarget.value) }} />
        {canRemove && (
          <div class="field end">
            <button type="button" class="secondary"
              aria-label={kind === "span" ? t("settings.staff.removeSpan", { day: dayName }) : t("settings.staff.removeBreak", { day: dayName, n: i + 1 })}
              onClick={() => setDay(d, kind === "span" ? { spans: list.filter((_, j) => j !== i) } : { breaks: list.filter((_, j) => j !== i) })}>×</button>
          </div>
        )}
      </div>
    );
  };

  const all = services.value;
  return (
    <form id="staff-form" onSubmit={save} noValidate>
      <div class="row">
        <Field label={t("settings.staff.name")} error={errors.value.name}
          input={{ name: "name", value: v.value.name, maxLength: 120, onInput: (e) => set({ name: e.currentTarget.value }) }} />
        <Field label={t("settings.staff.phone")} optional error={errors.value.phone}
          input={{ name: "phone", type: "tel", value: v.value.phone, maxLength: 40, onInput: (e) => set({ phone: e.currentTarget.value }) }} />
        <Field label={t("settings.staff.email")} optional error={errors.value.email}
          input={{ name: "email", type: "email", value: v.value.email, maxLength: 254, onInput: (e) => set({ email: e.currentTarget.value }) }} />
      </div>
      <div class="row">
        <Field label={t("settings.staff.jobTitle")} hint={t("settings.staff.jobTitleHint")} optional error={errors.value.title}
          input={{ name: "title", value: v.value.title, maxLength: 80, onInput: (e) => set({ title: e.currentTarget.value }) }} />
        <Field label={t("settings.staff.photo")} hint={t("settings.h.https")} optional error={errors.value.photo}
          input={{ name: "photo", type: "url", value: v.value.photo, maxLength: 500, onInput: (e) => set({ photo: e.currentTarget.value }) }} />
      </div>
      <label class="check">
        <input type="checkbox" name="active" checked={v.value.active} onChange={(e) => set({ active: e.currentTarget.checked })} />
        {t("settings.staff.active")}
      </label>

      <fieldset class="choices">
        <legend>{t("settings.staff.services")}</legend>
        {all.map((s) => (
          <label class="check">
            <input type="checkbox" name="service" value={s.id} checked={v.value.serviceIds.includes(s.id)}
              onChange={(e) => set({ serviceIds: e.currentTarget.checked ? [...v.value.serviceIds, s.id] : v.value.serviceIds.filter((x) => x !== s.id) })} />
            {s.name}
          </label>
        ))}
      </fieldset>

      <h3>{t("settings.staff.hours")}</h3>
      {WEEKDAYS.map((d) => {
        const day = v.value.week[d];
        return (
          <fieldset class="day" data-day={d}>
            <legend>{weekdayTitle(d)}</legend>
            <label class="check">
              <input type="checkbox" name={`off-${d}`} checked={day.off} onChange={(e) => setDay(d, { off: e.currentTarget.checked })} />
              {t("settings.staff.dayOff")}
            </label>
            {!day.off && (
              <>
                {day.spans.map((_, i) => spanInputs(d, "span", day.spans, i))}
                {day.breaks.map((_, i) => spanInputs(d, "break", day.breaks, i))}
                <div class="row-actions">
                  {day.spans.length < 2 && (
                    <button type="button" class="secondary" name={`add-span-${d}`}
                      onClick={() => setDay(d, { spans: [...day.spans, ["19:00", "21:00"]] })}>{t("settings.staff.addSpan", { day: weekdayName(d) })}</button>
                  )}
                  {day.breaks.length < 2 && (
                    <button type="button" class="secondary" name={`add-break-${d}`}
                      onClick={() => setDay(d, { breaks: [...day.breaks, ["13:00", "14:00"]] })}>{t("settings.staff.addBreak", { day: weekdayName(d) })}</button>
                  )}
                </div>
              </>
            )}
          </fieldset>
        );
      })}

      <fieldset>
        <legend>{t("settings.staff.daysOff")}</legend>
        {v.value.daysOff.length === 0 && <p class="muted">{t("settings.staff.noDaysOff")}</p>}
        <ul class="plain days-off">
          {v.value.daysOff.map((day) => (
            <li data-day-off={day}>
              <span>{plainDate(day)}</span>{" "}
              <button type="button" class="secondary" aria-label={t("settings.staff.removeDayOff", { date: plainDate(day) })}
                onClick={() => set({ daysOff: v.value.daysOff.filter((x) => x !== day) })}>×</button>
            </li>
          ))}
        </ul>
        <div class="row">
          <Field label={t("settings.staff.dayOffDate")} input={{ type: "date", name: "day-off", value: newDay.value, onInput: (e) => (newDay.value = e.currentTarget.value) }} />
          <div class="field end">
            <button type="button" class="secondary" id="day-off-add" disabled={!newDay.value}
              onClick={() => {
                if (newDay.value && !v.value.daysOff.includes(newDay.value)) set({ daysOff: [...v.value.daysOff, newDay.value].sort() });
                newDay.value = "";
              }}>{t("settings.staff.addDayOff")}</button>
          </div>
        </div>
      </fieldset>

      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" id="staff-save" disabled={busy.value}>{t("common.save")}</button>
      </div>
    </form>
  );
}
