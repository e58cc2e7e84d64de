// Booking from the desk: find the client (any word of the name, or the phone in any format) or add a
// new one, the service (only those the staff member does), the staff member, the day and time, how
// the client came; outside working hours when asked; up to three more services after the first, back
// to back in one visit, each by its own staff member. One Idempotency-Key per booking: a second click
// or a retried request books once.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api, definitelyRefused, explain, fieldErrors, ok, type Client } from "../../api/client";
import { Dialog, Field, FormError } from "../../components/ui";
import { salonZone, t, when, type Key } from "../../i18n";
import { instantOf, today } from "../../lib/zone";
import { say, services, staff } from "../../state";

export interface BookingDraft {
  staffId?: string;
  serviceId?: string;
  clientId?: string;
  clientLabel?: string;
  day?: string;
  time?: string;
  more?: Part[]; // the services after the first, in a visit of several
}

interface Part {
  staffId: string;
  serviceId: string;
}

const MAX_SERVICES = 4;
const doneBy = (staffId: string) => {
  const member = staff.value.find((s) => s.id === staffId);
  return services.value.filter((s) => s.active !== false && (!member?.service_ids?.length || member.service_ids.includes(s.id)));
};

const newKey = () => crypto.randomUUID();
const SOURCES = ["phone", "walk_in", "desk"] as const;

export function BookingDialog(props: {
  draft: BookingDraft | null; onClose: () => void; onBooked: (day: string, staffId: string) => void;
  onBlockInstead?: (d: { staffId?: string; day: string; from?: string }) => void;
}) {
  const d = props.draft;
  return (
    <Dialog title={t("book.title")} open={d !== null} onClose={props.onClose} wide>
      {d && props.onBlockInstead && d.time && !d.clientId && (
        <p>
          <button type="button" class="link" onClick={() => props.onBlockInstead?.({ staffId: d.staffId, day: d.day ?? "", from: d.time })}>{t("block.instead")}</button>
        </p>
      )}
      {d && <BookingForm draft={d} onBooked={props.onBooked} />}
    </Dialog>
  );
}

function BookingForm({ draft, onBooked }: { draft: BookingDraft; onBooked: (day: string, staffId: string) => void }) {
  const clientId = useSignal(draft.clientId ?? "");
  const clientLabel = useSignal(draft.clientLabel ?? "");
  const adding = useSignal(false);
  const query = useSignal("");
  const found = useSignal<Client[] | null>(null);
  const name = useSignal("");
  const phone = useSignal("");
  const staffId = useSignal(draft.staffId ?? staff.value[0]?.id ?? "");
  const serviceId = useSignal(draft.serviceId ?? "");
  const more = useSignal<Part[]>(draft.more ?? []);
  const day = useSignal(draft.day ?? today(salonZone.value));
  const at = useSignal(draft.time ?? "10:00");
  const outside = useSignal(false);
  const source = useSignal<(typeof SOURCES)[number]>("phone");
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  const key = useRef(newKey());

  const member = staff.value.find((s) => s.id === staffId.value);
  const offered = services.value.filter((s) => s.active !== false && (!member?.service_ids?.length || member.service_ids.includes(s.id)));
  useEffect(() => {
    if (!offered.some((s) => s.id === serviceId.value)) serviceId.value = offered[0]?.id ?? "";
  }, [staffId.value]);

  useEffect(() => {
    const q = query.value.trim();
    if (q.length < 2) return void (found.value = null);
    const timer = setTimeout(async () => {
      try {
        const answer = (await ok(api.GET("/v1/admin/clients", { params: { query: { q, limit: 8 } } }))).clients;
        if (query.value.trim() === q) found.value = answer; // a slower answer to an older query is dropped
      } catch (err) {
        problem.value = explain(err);
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [query.value]);

  async function save(ev: Event) {
    ev.preventDefault();
    const e: Record<string, string> = {};
    if (adding.value) {
      if (!name.value.trim()) e.name = t("common.required");
      if (!phone.value.trim()) e.phone = t("common.required");
    } else if (!clientId.value) e.client = t("book.pickClient");
    if (!serviceId.value) e.service = t("book.pickService");
    more.value.forEach((p, i) => {
      if (!p.serviceId) e[`service${i + 2}`] = t("book.pickService");
    });
    if (!day.value) e.date = t("error.fieldDate");
    if (!at.value) e.time = t("common.required");
    errors.value = e;
    if (Object.keys(e).length) return;
    busy.value = true;
    problem.value = "";
    const start = instantOf(`${day.value}T${at.value}`, salonZone.value);
    try {
      const booked = await ok(api.POST("/v1/admin/appointments", {
        headers: { "Idempotency-Key": key.current },
        body: {
          ...(more.value.length
            ? {
                services: [{ service_id: serviceId.value, staff_id: staffId.value }, ...more.value.map((p) => ({ service_id: p.serviceId, staff_id: p.staffId }))],
              }
            : { service_id: serviceId.value, staff_id: staffId.value }),
          start,
          outside_hours: outside.value,
          source: source.value,
          ...(adding.value ? { client: { name: name.value.trim(), phone: phone.value.trim() } } : { client_id: clientId.value }),
        },
      }));
      say(t("book.done", { client: booked.client_name ?? name.value, when: when(booked.start) }));
      onBooked(day.value, staffId.value);
    } catch (err) {
      if (definitelyRefused(err)) key.current = newKey();
      const names: Record<string, string> = { "client.name": "name", "client.phone": "phone", start: "time", service_id: "service", staff_id: "staff" };
      for (let i = 0; i < MAX_SERVICES; i++) {
        names[`services.${i}.service_id`] = i ? `service${i + 1}` : "service";
        names[`services.${i}.staff_id`] = i ? `staff${i + 1}` : "staff";
      }
      errors.value = fieldErrors(err, names);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }

  return (
    <form class="booking" onSubmit={save} noValidate>
      <fieldset>
        <legend>{t("book.client")}</legend>
        {clientId.value && !adding.value ? (
          <p class="chosen">
            <strong id="booking-client">{clientLabel.value}</strong>{" "}
            <button type="button" class="link" onClick={() => { clientId.value = ""; clientLabel.value = ""; }}>{t("book.change")}</button>
          </p>
        ) : adding.value ? (
          <>
            <div class="row">
              <Field label={t("book.name")} error={errors.value.name} input={{ name: "name", autoComplete: "off", value: name.value, onInput: (e) => (name.value = e.currentTarget.value) }} />
              <Field label={t("book.phone")} hint={t("book.phoneHint")} error={errors.value.phone}
                input={{ name: "phone", type: "tel", autoComplete: "off", value: phone.value, onInput: (e) => (phone.value = e.currentTarget.value) }} />
            </div>
            <button type="button" class="link" onClick={() => (adding.value = false)}>{t("book.existing")}</button>
          </>
        ) : (
          <>
            <Field label={t("book.findClient")} error={errors.value.client}
              input={{ name: "client-search", type: "search", autoComplete: "off", value: query.value, onInput: (e) => (query.value = e.currentTarget.value) }} />
            {found.value && (
              <ul class="picks" aria-live="polite">
                {found.value.map((c) => (
                  <li>
                    <button type="button" class="pick" onClick={() => { clientId.value = c.id; clientLabel.value = t("book.chosen", { name: c.name, phone: c.phone ?? "" }); }}>
                      {c.name} <span class="muted">{c.phone}</span>
                    </button>
                  </li>
                ))}
                {found.value.length === 0 && <li class="muted">{t("book.noMatch")}</li>}
              </ul>
            )}
            <button type="button" class="link" id="booking-new-client" onClick={() => { adding.value = true; if (/^[+\d\s()-]+$/.test(query.value)) phone.value = query.value; else name.value = query.value; }}>
              {t("book.newClient")}
            </button>
          </>
        )}
      </fieldset>
      <div class="row">
        <Field label={t("book.staff")} error={errors.value.staff}>
          {({ id }) => (
            <select id={id} name="staff" value={staffId.value} onChange={(e) => (staffId.value = e.currentTarget.value)}>
              {staff.value.map((s) => <option value={s.id}>{s.name}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("book.service")} error={errors.value.service}>
          {({ id, describedBy, invalid }) => (
            <select id={id} name="service" aria-describedby={describedBy} aria-invalid={invalid || undefined} value={serviceId.value} onChange={(e) => (serviceId.value = e.currentTarget.value)}>
              {offered.map((s) => <option value={s.id}>{s.name}</option>)}
            </select>
          )}
        </Field>
      </div>
      {more.value.map((p, i) => {
        const n = i + 2;
        const set = (change: Partial<Part>) => (more.value = more.value.map((x, j) => (j === i ? { ...x, ...change } : x)));
        return (
          <fieldset class="row" data-part={n}>
            <legend>{t("book.serviceN", { n })}</legend>
            <Field label={t("book.staff")} error={errors.value[`staff${n}`]}>
              {({ id }) => (
                <select id={id} name={`staff-${n}`} value={p.staffId}
                  onChange={(e) => { const to = e.currentTarget.value; set({ staffId: to, serviceId: doneBy(to).some((s) => s.id === p.serviceId) ? p.serviceId : doneBy(to)[0]?.id ?? "" }); }}>
                  {staff.value.map((s) => <option value={s.id}>{s.name}</option>)}
                </select>
              )}
            </Field>
            <Field label={t("book.service")} error={errors.value[`service${n}`]}>
              {({ id, describedBy, invalid }) => (
                <select id={id} name={`service-${n}`} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={p.serviceId}
                  onChange={(e) => set({ serviceId: e.currentTarget.value })}>
                  {doneBy(p.staffId).map((s) => <option value={s.id}>{s.name}</option>)}
                </select>
              )}
            </Field>
            <button type="button" class="secondary" onClick={() => (more.value = more.value.filter((_, j) => j !== i))}>
              {t("book.removeService", { n })}
            </button>
          </fieldset>
        );
      })}
      {more.value.length + 1 < MAX_SERVICES && (
        <p>
          <button type="button" class="secondary" id="booking-add-service"
            onClick={() => {
              const taken = new Set([serviceId.value, ...more.value.map((p) => p.serviceId)]);
              const next = doneBy(staffId.value).find((s) => !taken.has(s.id)) ?? doneBy(staffId.value)[0];
              more.value = [...more.value, { staffId: staffId.value, serviceId: next?.id ?? "" }];
            }}>
            {t("book.addService")}
          </button>
        </p>
      )}
      {more.value.length > 0 && <p class="muted hint">{t("book.chainHint")}</p>}
      <div class="row">
        <Field label={t("book.date")} error={errors.value.date} input={{ type: "date", name: "date", value: day.value, onInput: (e) => (day.value = e.currentTarget.value) }} />
        <Field label={t("book.time")} error={errors.value.time} input={{ type: "time", name: "time", step: 300, value: at.value, onInput: (e) => (at.value = e.currentTarget.value) }} />
        <Field label={t("book.source")}>
          {({ id }) => (
            <select id={id} name="source" value={source.value} onChange={(e) => (source.value = e.currentTarget.value as (typeof SOURCES)[number])}>
              {SOURCES.map((s) => <option value={s}>{t(`source.${s}` as Key)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <label class="check">
        <input type="checkbox" name="outside_hours" checked={outside.value} onChange={(e) => (outside.value = e.currentTarget.checked)} />
        {t("book.outsideHours")}
      </label>
      <FormError text={problem.value} />
      <div class="actions">
        <button type="submit" disabled={busy.value}>{t("book.save")}</button>
      </div>
    </form>
  );
}
