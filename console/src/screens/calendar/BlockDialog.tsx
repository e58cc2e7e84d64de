// Blocked time for a staff member (a meeting, training, time off), made from the calendar, and freed
// again. The API holds a block's minutes as it holds a visit's: a booking and a block never overlap.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, explain, fieldErrors, ok, type Schemas } from "../../api/client";
import { Dialog, Field, FormError } from "../../components/ui";
import { salonZone, t, time, when, type Key } from "../../i18n";
import { instantOf } from "../../lib/zone";
import { me, may, say, staff, staffById } from "../../state";

export type Block = Schemas["BlockOut"];
export interface BlockDraft {
  staffId?: string;
  day: string;
  from?: string;
}
const KINDS = ["meeting", "training", "time_off", "other"] as const;

/** The staff members the signed-in user may block: everyone, or a stylist their own time. */
export const blockable = () => (me.value?.role === "staff" ? staff.value.filter((s) => s.id === me.value?.staff_id) : staff.value);

export function BlockDialog(props: { draft: BlockDraft | null; onClose: () => void; onDone: () => void }) {
  return (
    <Dialog title={t("block.title")} open={props.draft !== null} onClose={props.onClose}>
      {props.draft && <BlockForm draft={props.draft} onDone={props.onDone} />}
    </Dialog>
  );
}

function plusHour(hhmm: string): string {
  const m = Math.min(Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)) + 60, 23 * 60 + 55);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

function BlockForm({ draft, onDone }: { draft: BlockDraft; onDone: () => void }) {
  const who = useSignal(draft.staffId && blockable().some((s) => s.id === draft.staffId) ? draft.staffId : blockable()[0]?.id ?? "");
  const day = useSignal(draft.day);
  const from = useSignal(draft.from ?? "10:00");
  const to = useSignal(plusHour(draft.from ?? "10:00"));
  const kind = useSignal<(typeof KINDS)[number]>("meeting");
  const note = useSignal("");
  const errors = useSignal<Record<string, string>>({});
  const problem = useSignal("");
  const busy = useSignal(false);
  async function save(ev: Event) {
    ev.preventDefault();
    const e: Record<string, string> = {};
    if (!from.value) e.start = t("common.required");
    if (!to.value) e.end = t("common.required");
    else if (to.value <= from.value) e.end = t("error.end_not_after_start");
    errors.value = e;
    if (Object.keys(e).length) return;
    busy.value = true;
    try {
      await ok(api.POST("/v1/admin/staff/{staff_id}/blocks", {
        params: { path: { staff_id: who.value } },
        body: { start: instantOf(`${day.value}T${from.value}`, salonZone.value), end: instantOf(`${day.value}T${to.value}`, salonZone.value), kind: kind.value, note: note.value.trim() || null },
      }));
      say(t("block.done"));
      onDone();
    } catch (err) {
      errors.value = fieldErrors(err);
      problem.value = explain(err);
    } finally {
      busy.value = false;
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <Field label={t("block.staff")}>
        {({ id }) => (
          <select id={id} name="staff" value={who.value} onChange={(e) => (who.value = e.currentTarget.value)}>
            {blockable().map((s) => <option value={s.id}>{s.name}</option>)}
          </select>
        )}
      </Field>
      <div class="row">
        <Field label={t("block.date")} input={{ type: "date", name: "date", value: day.value, onInput: (e) => (day.value = e.currentTarget.value) }} />
        <Field label={t("block.from")} error={errors.value.start} input={{ type: "time", name: "from", step: 300, value: from.value, onInput: (e) => (from.value = e.currentTarget.value) }} />
        <Field label={t("block.to")} error={errors.value.end} input={{ type: "time", name: "to", step: 300, value: to.value, onInput: (e) => (to.value = e.currentTarget.value) }} />
      </div>
      <Field label={t("block.kind")}>
        {({ id }) => (
          <select id={id} name="kind" value={kind.value} onChange={(e) => (kind.value = e.currentTarget.value as (typeof KINDS)[number])}>
            {KINDS.map((k) => <option value={k}>{t(`blockKind.${k}` as Key)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t("block.note")} optional error={errors.value.note} input={{ name: "note", maxLength: 500, value: note.value, onInput: (e) => (note.value = e.currentTarget.value) }} />
      <FormError text={problem.value} />
      <div class="actions"><button type="submit" disabled={busy.value}>{t("block.save")}</button></div>
    </form>
  );
}

export function BlockInfo(props: { block: Block | null; onClose: () => void; onDone: () => void }) {
  const problem = useSignal("");
  const b = props.block;
  useEffect(() => void (problem.value = ""), [b?.id]);
  async function free() {
    if (!b) return;
    try {
      await ok(api.DELETE("/v1/admin/blocks/{block_id}", { params: { path: { block_id: b.id } } }));
      say(t("block.deleted"));
      props.onDone();
    } catch (err) {
      problem.value = explain(err);
    }
  }
  const mayFree = b && may("blocks.delete") && (me.value?.role !== "staff" || me.value.staff_id === b.staff_id);
  return (
    <Dialog title={b ? t(`blockKind.${b.kind}` as Key) : ""} open={b !== null} onClose={props.onClose}>
      {b && (
        <div>
          <p>
            {staffById.value.get(b.staff_id)?.name} · {when(b.start)}–{time(b.end)}
          </p>
          {b.note && <p class="notes">{b.note}</p>}
          <FormError text={problem.value} />
          {mayFree && (
            <div class="actions">
              <button type="button" class="danger" onClick={free}>{t("block.delete")}</button>
            </div>
          )}
        </div>
      )}
    </Dialog>
  );
}
