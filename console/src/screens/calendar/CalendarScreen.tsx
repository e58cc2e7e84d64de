// The book: a day with a column per staff member, or a week of one staff member, from the calendar
// library; the salon's hours, breaks and days off shaded; drag to move (the API answers: a refusal
// snaps the visit back with the reason in words); a click on a free time books; a click on a visit
// opens its drawer. The same visits are listed below the grid as buttons, for the keyboard and phones.
import { createCalendar, destroyCalendar, Interaction, ResourceTimeGrid, TimeGrid, type Calendar } from "@event-calendar/core";
import "@event-calendar/core/index.css";
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api, ApiError, explain, ok, type Appointment, type Staff } from "../../api/client";
import { Status } from "../../components/ui";
import { dayTitle, language, locale, salonZone, t, time, when } from "../../i18n";
import { addDays, instantOf, offsetAt, offsetText, today, wall, wallOfLocal, weekdayOf, weekStart } from "../../lib/zone";
import { may, me, say, serviceById, staff, staffById } from "../../state";
import { BlockDialog, BlockInfo, blockable, type Block, type BlockDraft } from "./BlockDialog";
import { BookingDialog, type BookingDraft } from "./BookingDialog";
import { VisitDrawer } from "./VisitDrawer";

type View = "day" | "week";
const ACTIVE = new Set(["booked", "confirmed"]);
const narrow = () => window.matchMedia("(max-width: 760px)").matches;

export function CalendarScreen() {
  const params = new URLSearchParams(location.search);
  const day = useSignal(params.get("date") ?? today(salonZone.value));
  const view = useSignal<View>(params.get("view") === "week" ? "week" : "day");
  // a stylist's book is their own: the API answers their visits only, and their column only
  const own = me.value?.role === "staff" ? me.value.staff_id ?? "" : "";
  const choices = own ? staff.value.filter((s) => s.id === own) : staff.value;
  const only = useSignal(own || (params.get("staff") ?? (narrow() ? staff.value[0]?.id ?? "" : "")));
  const visits = useSignal<Appointment[]>([]);
  const blocks = useSignal<Block[]>([]);
  const blocking = useSignal<BlockDraft | null>(null);
  const shownBlock = useSignal<Block | null>(null);
  const loading = useSignal(true);
  const open = useSignal<string | null>(null);
  const draft = useSignal<BookingDraft | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const calendar = useRef<Calendar | null>(null);

  const first = useComputed(() => (view.value === "week" ? weekStart(day.value) : day.value));
  const days = useComputed(() => (view.value === "week" ? 7 : 1));
  const shown = useComputed(() => {
    const who = only.value || (view.value === "week" ? staff.value[0]?.id : "");
    return who ? staff.value.filter((s) => s.id === who) : staff.value;
  });

  async function load() {
    loading.value = true;
    try {
      const query: { from: string; days: number; staff_id?: string } = { from: first.value, days: days.value };
      if (shown.value.length === 1) query.staff_id = shown.value[0].id;
      const book = await ok(api.GET("/v1/admin/appointments", { params: { query } }));
      visits.value = book.appointments;
      if (!performance.getEntriesByName("first-screen").length) requestAnimationFrame(() => performance.mark("first-screen"));
      blocks.value = book.blocks ?? [];
    } catch (err) {
      say(explain(err), "error");
    } finally {
      loading.value = false;
    }
  }

  useEffect(() => {
    const url = new URL(location.href);
    url.searchParams.set("date", day.value);
    url.searchParams.set("view", view.value);
    if (only.value) url.searchParams.set("staff", only.value);
    else url.searchParams.delete("staff");
    history.replaceState(history.state, "", url);
    void load();
  }, [first.value, days.value, only.value]);

  // the calendar library, made once and told of every change
  useEffect(() => {
    if (!host.current) return;
    calendar.current = createCalendar(host.current, [ResourceTimeGrid, TimeGrid, Interaction], {
      view: "resourceTimeGridDay",
      height: "auto",
      headerToolbar: { start: "", center: "", end: "" },
      allDaySlot: false,
      nowIndicator: true,
      slotDuration: "00:15:00",
      slotLabelInterval: "01:00",
      snapDuration: "00:05:00",
      scrollTime: "09:00:00",
      eventDurationEditable: true,
      selectable: false,
      pointer: true,
      eventClick: (info: { event: { id: string | number; display?: string } }) => {
        const id = String(info.event.id);
        if (info.event.display === "background") return;
        if (id.startsWith("block:")) shownBlock.value = blocks.value.find((b) => `block:${b.id}` === id) ?? null;
        else open.value = visitOf(id).id;
      },
      dateClick: (info: { date: Date; resource?: { id: string | number } }) => {
        if (!may("appointments.book")) return;
        const at = wallOfLocal(info.date);
        draft.value = { staffId: info.resource ? String(info.resource.id) : shown.value[0]?.id, day: at.slice(0, 10), time: at.slice(11, 16) };
      },
      eventDrop: (info: { event: { id: string | number; start: Date }; newResource?: { id: string | number }; revert: () => void }) =>
        void move(String(info.event.id), info.event.start, info.newResource ? String(info.newResource.id) : undefined, info.revert),
      eventResize: (info: { event: { id: string | number; start: Date; end: Date }; revert: () => void }) =>
        void resize(String(info.event.id), info.event.start, info.event.end, info.revert),
    });
    // The library marks its grid up as an ARIA table whose rows hold toolbars and event layers, which
    // assistive technology cannot read as a table; its visits stay buttons, and the same visits are
    // listed below as buttons with their words. So the grid's table roles are taken off as it renders.
    const tidy = new MutationObserver(() => untangle(host.current));
    tidy.observe(host.current, { subtree: true, childList: true, attributes: true, attributeFilter: ["role"] });
    untangle(host.current);
    return () => {
      tidy.disconnect();
      if (calendar.current) void destroyCalendar(calendar.current);
    };
  }, []);

  const events = useComputed(() => [...visitEvents(visits.value, new Set(shown.value.map((s) => s.id))), ...blockEvents(blocks.value), ...shading(shown.value, first.value, days.value)]);
  useEffect(() => {
    const c = calendar.current;
    if (!c) return;
    const hours = openHours(shown.value, first.value, days.value);
    const noon = new Date(instantOf(`${first.value}T12:00`, salonZone.value));
    c.setOption("timeZone", offsetText(offsetAt(salonZone.value, noon)));
    c.setOption("locale", locale.value);
    c.setOption("slotMinTime", hours.min);
    c.setOption("slotMaxTime", hours.max);
    c.setOption("view", view.value === "week" ? "timeGridWeek" : "resourceTimeGridDay");
    c.setOption("firstDay", 1);
    c.setOption("date", first.value);
    c.setOption("resources", shown.value.map((s) => ({ id: s.id, title: s.name })));
    c.setOption("events", events.value as Calendar.EventInput[]);
    c.setOption("editable", may("appointments.move"));
    c.setOption("eventContent", (info: Calendar.EventContentInfo) =>
      info.event.display === "background" ? { html: "" } : String(info.event.extendedProps.label ?? ""),
    );
  }, [events.value, view.value, first.value, language.value, shown.value]);

  // a drag has no "outside working hours" box: say where it is (the visit's Move)
  const draggedWhy = (err: unknown) =>
    err instanceof ApiError && err.code === "not_a_slot" ? t("calendar.dragNotASlot") : explain(err);

  async function move(eventId: string, start: Date, staffId: string | undefined, revert: () => void) {
    const { id, part } = visitOf(eventId);
    const visit = visits.value.find((v) => v.id === id);
    let at = instantOf(wallOfLocal(start), salonZone.value);
    if (part !== null && visit) {
      // a part of a visit of several services moves the whole visit by as much, each with its staff member
      const segment = visit.segments[part];
      if (staffId && staffId !== segment.staff_id) {
        revert();
        say(t("calendar.moveRefused", { reason: t("visit.movesAsOne") }), "error");
        return;
      }
      staffId = undefined;
      at = new Date(new Date(visit.start).getTime() + (new Date(at).getTime() - new Date(segment.start).getTime())).toISOString();
    }
    try {
      await ok(api.POST("/v1/admin/appointments/{appointment_id}/move", {
        params: { path: { appointment_id: id } },
        body: { start: at, outside_hours: false, ...(staffId ? { staff_id: staffId } : {}) },
      }));
      say(t("calendar.moved", { client: visit?.client_name ?? "", when: when(at) }));
      await load();
    } catch (err) {
      revert();
      say(t("calendar.moveRefused", { reason: draggedWhy(err) }), "error");
    }
  }

  async function resize(id: string, start: Date, end: Date, revert: () => void) {
    const visit = visits.value.find((v) => v.id === id);
    const minutes = Math.round((end.getTime() - start.getTime()) / 60000);
    try {
      const moved = await ok(api.POST("/v1/admin/appointments/{appointment_id}/move", {
        params: { path: { appointment_id: id } },
        body: { start: instantOf(wallOfLocal(start), salonZone.value), duration_minutes: minutes, outside_hours: false },
      }));
      say(t("calendar.resized", { client: visit?.client_name ?? "", time: time(moved.end) }));
      await load();
    } catch (err) {
      revert();
      say(t("calendar.moveRefused", { reason: draggedWhy(err) }), "error");
    }
  }

  const go = (n: number) => (day.value = addDays(day.value, n * days.value));
  const list = useComputed(() => [...visits.value].sort((a, b) => a.start.localeCompare(b.start)));
  const active = list.value.filter((v) => v.status !== "cancelled").length;

  return (
    <section aria-labelledby="calendar-title" class="calendar-screen">
      <div class="toolbar">
        <h1 id="calendar-title">{dayTitle(instantOf(`${first.value}T12:00`, salonZone.value))}</h1>
        <div class="toolbar-row">
          <div class="group" role="group" aria-label={t("calendar.date")}>
            <button type="button" class="secondary" onClick={() => go(-1)} aria-label={t("calendar.previous")}>
              ‹
            </button>
            <button type="button" class="secondary" onClick={() => (day.value = today(salonZone.value))}>
              {t("calendar.today")}
            </button>
            <button type="button" class="secondary" onClick={() => go(1)} aria-label={t("calendar.next")}>
              ›
            </button>
            <label class="visually-hidden" for="calendar-day">
              {t("calendar.date")}
            </label>
            <input id="calendar-day" type="date" value={day.value} onChange={(e) => e.currentTarget.value && (day.value = e.currentTarget.value)} />
          </div>
          <div class="group" role="group" aria-label={t("calendar.view")}>
            {(["day", "week"] as View[]).map((v) => (
              <button type="button" class={view.value === v ? "" : "secondary"} aria-pressed={view.value === v} onClick={() => (view.value = v)}>
                {t(v === "day" ? "calendar.day" : "calendar.week")}
              </button>
            ))}
          </div>
          <label class="inline">
            <span>{t("calendar.staff")}</span>
            <select id="calendar-staff" value={only.value} onChange={(e) => (only.value = e.currentTarget.value)}>
              {view.value === "day" && !own && <option value="">{t("calendar.everyone")}</option>}
              {choices.map((s) => (
                <option value={s.id}>{s.name}</option>
              ))}
            </select>
          </label>
          {may("blocks.create") && blockable().length > 0 && (
            <button type="button" class="secondary" id="block-time" onClick={() => (blocking.value = { day: day.value, staffId: shown.value[0]?.id })}>
              {t("block.button")}
            </button>
          )}
          {may("appointments.book") && (
            <button type="button" id="new-visit" onClick={() => (draft.value = { day: day.value, staffId: shown.value[0]?.id })}>
              {t("calendar.newVisit")}
            </button>
          )}
        </div>
        <p class="muted hint">{t("calendar.dragHint")}</p>
      </div>
      <div ref={host} class="calendar" aria-busy={loading.value} />
      <h2 class="visually-hidden">{t("calendar.visits", { count: active })}</h2>
      <ul class="agenda" aria-label={t("calendar.visits", { count: active })}>
        {/* keyed: a list read anew keeps each row with its visit, so a tap during the refresh opens the visit tapped */}
        {list.value.map((v) => (
          <li key={v.id}>
            <button type="button" class={`agenda-item status-${v.status}`} data-id={v.id} onClick={() => (open.value = v.id)}>
              <span class="agenda-time">
                {view.value === "week" && `${dayTitle(v.start).split(",")[0]} `}
                {time(v.start)}–{time(v.end)}
              </span>
              <span class="agenda-client">{v.client_name ?? t("common.unknown")}</span>
              <span class="agenda-what">
                {partsOf(v).map((p) => serviceById.value.get(p.service_id)?.name).join(" + ")} ·{" "}
                {[...new Set(partsOf(v).map((p) => p.staff_id))].map((s) => staffById.value.get(s)?.name).join(", ")}
              </span>
              <Status value={v.status} />
            </button>
          </li>
        ))}
        {blocks.value.map((b) => (
          <li key={b.id}>
            <button type="button" class="agenda-item block" data-block={b.id} onClick={() => (shownBlock.value = b)}>
              <span class="agenda-time">{time(b.start)}–{time(b.end)}</span>
              <span class="agenda-client">{t(`blockKind.${b.kind}` as "blockKind.other")}</span>
              <span class="agenda-what">{staffById.value.get(b.staff_id)?.name}{b.note ? ` · ${b.note}` : ""}</span>
            </button>
          </li>
        ))}
      </ul>
      {!loading.value && active === 0 && <p class="muted">{t("calendar.visits", { count: 0 })}</p>}
      <VisitDrawer id={open.value} onClose={() => (open.value = null)} onChanged={load} onBookAgain={(d) => { open.value = null; draft.value = d; }} />
      <BookingDialog draft={draft.value} onClose={() => (draft.value = null)} onBooked={(d, staffId) => { draft.value = null; if (only.value && only.value !== staffId) only.value = staffId; day.value = d; void load(); }}
        onBlockInstead={may("blocks.create") ? (d) => { draft.value = null; blocking.value = d; } : undefined} />
      <BlockDialog draft={blocking.value} onClose={() => (blocking.value = null)} onDone={() => { blocking.value = null; void load(); }} />
      <BlockInfo block={shownBlock.value} onClose={() => (shownBlock.value = null)} onDone={() => { shownBlock.value = null; void load(); }} />
    </section>
  );
}

const TABLE_ROLES = ["table", "rowgroup", "row", "cell", "columnheader", "rowheader", "gridcell"];
function untangle(root: HTMLElement | null) {
  if (!root) return;
  for (const el of root.querySelectorAll<HTMLElement>(TABLE_ROLES.map((r) => `[role="${r}"]`).join(","))) el.removeAttribute("role");
  for (const el of root.querySelectorAll<HTMLElement>("[aria-colindex],[aria-rowindex]")) {
    el.removeAttribute("aria-colindex");
    el.removeAttribute("aria-rowindex");
  }
}

/** A visit's services in order (one for a visit of one service). */
export function partsOf(v: Appointment) {
  return v.segments?.length ? v.segments : [{ service_id: v.service_id, staff_id: v.staff_id, start: v.start, end: v.end }];
}

/** The visit (and the part of it) a calendar event stands for: a visit of several services is an
 * event per service, each in its staff member's column, named `{visit}~{part}`. */
function visitOf(eventId: string): { id: string; part: number | null } {
  const [id, part] = eventId.split("~");
  return { id, part: part === undefined ? null : Number(part) };
}

function visitEvents(visits: Appointment[], shownStaff: Set<string>) {
  const zone = salonZone.value;
  return visits.flatMap((v) => {
    const parts = partsOf(v);
    const several = parts.length > 1;
    return parts
      .map((p, i) => {
        const service = serviceById.value.get(p.service_id)?.name ?? "";
        const part = several ? ` · ${t("calendar.part", { n: i + 1, count: parts.length })}` : "";
        return {
          id: several ? `${v.id}~${i}` : v.id,
          resourceIds: [p.staff_id],
          start: wall(p.start, zone),
          end: wall(p.end, zone),
          title: `${v.client_name ?? ""} · ${service}${part}`,
          classNames: [`ev`, `status-${v.status}`, ...(several ? ["ev-part"] : [])],
          editable: ACTIVE.has(v.status) && may("appointments.move"),
          durationEditable: !several, // its services keep their lengths
          extendedProps: { label: `${time(p.start)} ${v.client_name ?? ""} · ${service}${part} · ${t(`status.${v.status}` as "status.booked")}` },
        };
      })
      .filter((_e, i) => !several || shownStaff.has(parts[i].staff_id));
  });
}

function blockEvents(blocks: Block[]) {
  const zone = salonZone.value;
  return blocks.map((b) => ({
    id: `block:${b.id}`,
    resourceIds: [b.staff_id],
    start: wall(b.start, zone),
    end: wall(b.end, zone),
    title: t(`blockKind.${b.kind}` as "blockKind.other"),
    classNames: ["ev", "block"],
    editable: false,
    extendedProps: { label: `${t(`blockKind.${b.kind}` as "blockKind.other")}${b.note ? ` · ${b.note}` : ""}` },
  }));
}

/** The earliest start and latest end of the shown staff's hours, padded by an hour, for the grid. */
function openHours(people: Staff[], first: string, days: number) {
  let min = 24 * 60;
  let max = 0;
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  for (const s of people)
    for (let i = 0; i < 7; i++)
      for (const [a, b] of s.working_hours?.[weekdayOf(addDays(first, i % Math.max(days, 7)))] ?? []) {
        min = Math.min(min, minutes(a));
        max = Math.max(max, minutes(b));
      }
  if (min >= max) return { min: "08:00:00", max: "20:00:00" };
  const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:00:00`;
  return { min: hh(Math.max(0, min - 60)), max: hh(Math.min(24 * 60, max + 60 + 59)) };
}

/** Shaded time: outside a staff member's hours, their breaks, their days off. */
function shading(people: Staff[], first: string, days: number) {
  const out: object[] = [];
  for (const s of people)
    for (let i = 0; i < days; i++) {
      const d = addDays(first, i);
      const wd = weekdayOf(d);
      const base = { resourceIds: [s.id], display: "background" };
      if ((s.days_off ?? []).includes(d) || !(s.working_hours?.[wd]?.length)) {
        out.push({ ...base, start: `${d}T00:00:00`, end: `${addDays(d, 1)}T00:00:00`, classNames: ["day-off"], title: t("calendar.dayOff") });
        continue;
      }
      const spans = [...(s.working_hours?.[wd] ?? [])].sort((a, b) => a[0].localeCompare(b[0]));
      let cursor = "00:00";
      for (const [a, b] of spans) {
        if (a > cursor) out.push({ ...base, start: `${d}T${cursor}:00`, end: `${d}T${a}:00`, classNames: ["closed"] });
        cursor = b;
      }
      if (cursor < "24:00") out.push({ ...base, start: `${d}T${cursor}:00`, end: `${addDays(d, 1)}T00:00:00`, classNames: ["closed"] });
      for (const [a, b] of s.breaks?.[wd] ?? []) out.push({ ...base, start: `${d}T${a}:00`, end: `${d}T${b}:00`, classNames: ["break"] });
    }
  return out;
}
