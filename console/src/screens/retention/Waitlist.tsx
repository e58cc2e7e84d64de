// The waitlist on the retention desk: clients who found no time on the page and wait for one (a freed
// time is offered to them by message on its own); the desk sees who waits for what, books one into a
// time it chose, or takes one off the list.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, ApiError, explain, fieldErrors, ok, type Schemas } from "../../api/client";
import { Dialog, Field, FormError, Scroll } from "../../components/ui";
import { date, language, plainDate, salonZone, t, when } from "../../i18n";
import { useSend } from "../../lib/send";
import { instantOf, today } from "../../lib/zone";
import { may, say, serviceById, services, staff, staffById } from "../../state";

type Entry = Schemas["WaitlistEntryOut"];

/** ISO weekday (1 = Monday) in the user's language, short. */
function weekday(n: number): string {
  const monday = new Date(Date.UTC(2024, 0, 1 + (n - 1), 12)); // 2024-01-01 was a Monday
  return new Intl.DateTimeFormat(language.value, { weekday: "short", timeZone: "UTC" }).format(monday);
}

function daysInWords(e: Entry): string {
  const parts = [...e.days.map((d) => plainDate(d)), ...e.weekdays.map((w) => t("waitlist.every", { day: weekday(w) }))];
  return parts.join(", ");
}

export function Waitlist() {
  const list = useSignal<Entry[] | null>(null);
  const service = useSignal("");
  const day = useSignal("");
  const problem = useSignal("");
  const booking = useSignal<Entry | null>(null);
  const removing = useSignal<Entry | null>(null);

  async function load() {
    problem.value = "";
    try {
      const query = { ...(service.value ? { service_id: service.value } : {}), ...(day.value ? { day: day.value } : {}) };
      list.value = (await ok(api.GET("/v1/admin/waitlist", { params: { query } }))).entries;
    } catch (err) {
      problem.value = explain(err);
    }
  }
  useEffect(() => void load(), [service.value, day.value]);

  const rows = list.value;
  return (
    <article class="card" aria-labelledby="h-waitlist" id="waitlist">
      <h2 id="h-waitlist">{t("waitlist.title")}</h2>
      <p class="muted">{t("waitlist.lead")}</p>
      <div class="toolbar-row">
        <Field label={t("waitlist.service")}>
          {({ id }) => (
            <select id={id} name="waitlist-service" value={service.value} onChange={(e) => (service.value = e.currentTarget.value)}>
              <option value="">{t("waitlist.anyService")}</option>
              {services.value.map((s) => <option value={s.id}>{s.name}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("waitlist.day")} optional input={{ type: "date", name: "waitlist-day", value: day.value, onInput: (e) => (day.value = e.currentTarget.value) }} />
      </div>
      <FormError text={problem.value} />
      {!rows && !problem.value && <p>{t("common.loading")}</p>}
      {rows && <p id="waitlist-count" aria-live="polite">{t("waitlist.count", { count: rows.length })}</p>}
      {rows && rows.length > 0 && (
        <Scroll labelledBy="h-waitlist">
          <table id="waitlist-entries">
            <thead>
              <tr>
                <th scope="col">{t("waitlist.col.client")}</th>
                <th scope="col">{t("waitlist.col.service")}</th>
                <th scope="col">{t("waitlist.col.when")}</th>
                <th scope="col">{t("waitlist.col.joined")}</th>
                <th scope="col"><span class="visually-hidden">{t("waitlist.col.actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr data-id={e.id}>
                  <td>
                    {e.client_id && may("clients.read") ? <a href={`/clients/${e.client_id}`} class="client-name">{e.client_name}</a> : <span class="client-name">{e.client_name}</span>}
                    <br />
                    <span class="muted phone">{e.phone}</span>
                  </td>
                  <td class="service">
                    {serviceById.value.get(e.service_id)?.name ?? e.service_id}
                    {e.staff_ids.length > 0 && (
                      <>
                        <br />
                        <span class="muted">{e.staff_ids.map((s) => staffById.value.get(s)?.name ?? s).join(", ")}</span>
                      </>
                    )}
                  </td>
                  <td class="wish">
                    {daysInWords(e)}
                    <br />
                    <span class="muted">{e.parts.map((p) => t(`waitlist.part.${p}`)).join(", ")}</span>
                  </td>
                  <td class="joined">
                    {date(e.joined_at)}
                    {e.offers > 0 && (
                      <>
                        <br />
                        <span class="muted">{t("waitlist.offers", { count: e.offers })}</span>
                      </>
                    )}
                  </td>
                  <td class="row-actions">
                    {may("waitlist.book") && (
                      <button type="button" class="secondary book" aria-label={t("waitlist.bookFor", { name: e.client_name })} onClick={() => (booking.value = e)}>
                        {t("waitlist.book")}
                      </button>
                    )}
                    {may("waitlist.remove") && (
                      <button type="button" class="secondary remove" aria-label={t("waitlist.removeFor", { name: e.client_name })} onClick={() => (removing.value = e)}>
                        {t("waitlist.remove")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <Dialog title={t("waitlist.bookTitle", { name: booking.value?.client_name ?? "" })} open={booking.value !== null} onClose={() => (booking.value = null)}>
        {booking.value && <BookEntry entry={booking.value} onDone={() => { booking.value = null; void load(); }} />}
      </Dialog>
      <Dialog title={t("waitlist.removeTitle", { name: removing.value?.client_name ?? "" })} open={removing.value !== null} onClose={() => (removing.value = null)}>
        {removing.value && <RemoveEntry entry={removing.value} onDone={() => { removing.value = null; void load(); }} />}
      </Dialog>
    </article>
  );
}

function BookEntry({ entry, onDone }: { entry: Entry; onDone: () => void }) {
  const able = staff.value.filter((s) => s.service_ids.includes(entry.service_id) && (!entry.staff_ids.length || entry.staff_ids.includes(s.id)));
  const who = useSignal(able[0]?.id ?? "");
  const day = useSignal(entry.days.find((d) => d >= today(salonZone.value)) ?? today(salonZone.value));
  const at = useSignal("10:00");
  const errors = useSignal<Record<string, string>>({});
  const { send, problem, busy } = useSend();
  async function save(ev: Event) {
    ev.preventDefault();
    const e: Record<string, string> = {};
    if (!who.value) e.staff = t("common.required");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.value)) e.date = t("common.required");
    if (!/^\d{2}:\d{2}$/.test(at.value)) e.time = t("common.required");
    errors.value = e;
    if (Object.keys(e).length) return;
    const booked = await send(
      (key) =>
        ok(
          api.POST("/v1/admin/waitlist/{entry_id}/book", {
            params: { path: { entry_id: entry.id }, header: { "idempotency-key": key } },
            body: { start: instantOf(`${day.value}T${at.value}`, salonZone.value), staff_id: who.value },
          }),
        ),
      (err) => {
        const fields = fieldErrors(err, { start: "time", staff_id: "staff" });
        if (err instanceof ApiError && ["slot_taken", "time_blocked", "not_a_slot", "too_soon"].includes(err.code)) {
          fields.time = err.code === "not_a_slot" ? t("waitlist.err.notASlot") : explain(err);
        }
        errors.value = fields;
      },
    );
    if (!booked) return;
    say(t("waitlist.booked", { name: entry.client_name, when: when(booked.start) }));
    onDone();
  }
  return (
    <form onSubmit={save} noValidate id="waitlist-book-form">
      <p class="muted">{serviceById.value.get(entry.service_id)?.name} · {daysInWords(entry)}</p>
      <Field label={t("waitlist.staff")} error={errors.value.staff}>
        {({ id, describedBy, invalid }) => (
          <select id={id} name="staff" value={who.value} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(e) => (who.value = e.currentTarget.value)}>
            {able.map((s) => <option value={s.id}>{s.name}</option>)}
          </select>
        )}
      </Field>
      <div class="span-row">
        <Field label={t("waitlist.date")} error={errors.value.date} input={{ type: "date", name: "date", value: day.value, onInput: (e) => (day.value = e.currentTarget.value) }} />
        <Field label={t("waitlist.time")} error={errors.value.time} input={{ type: "time", name: "time", step: 300, value: at.value, onInput: (e) => (at.value = e.currentTarget.value) }} />
      </div>
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" id="waitlist-book-do" disabled={busy.value}>{t("waitlist.bookDo")}</button></div>
    </form>
  );
}

function RemoveEntry({ entry, onDone }: { entry: Entry; onDone: () => void }) {
  const { send, problem, busy } = useSend();
  async function remove() {
    const gone = await send(() => ok(api.DELETE("/v1/admin/waitlist/{entry_id}", { params: { path: { entry_id: entry.id } } })));
    if (!gone) return;
    say(t("waitlist.removed", { name: entry.client_name }));
    onDone();
  }
  return (
    <div>
      <p>{t("waitlist.removeLead")}</p>
      <FormError text={problem.value} />
      <div class="actions"><button type="button" id="waitlist-remove-do" disabled={busy.value} onClick={() => void remove()}>{t("waitlist.removeDo")}</button></div>
    </div>
  );
}
