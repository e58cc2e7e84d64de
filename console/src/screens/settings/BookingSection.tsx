// The booking rules: the slots the booking page offers, how late a client may cancel or move, and
// what the public page may do and let anonymous callers make the salon pay for.
import { useSignal } from "@preact/signals";
import { Field } from "../../components/ui";
import { t, type Key } from "../../i18n";
import { salon } from "../../state";
import { readCallingCodes } from "./rules";
import { Group, SaveBar, useRulesForm, type Spec } from "./RulesForm";

const BOOKING: Spec[] = [
  { kind: "whole", path: "slot_step_minutes", min: 5, max: 120, step: 5 },
  { kind: "duration", path: "min_notice_minutes", min: 0, max: 60 * 24 * 14 },
  { kind: "whole", path: "booking_horizon_days", min: 1, max: 365 },
];
const CHANGES: Spec[] = [
  { kind: "whole", path: "client_cancel_notice_hours", min: 0, max: 24 * 14 },
  { kind: "whole", path: "client_reschedule_notice_hours", min: 0, max: 24 * 14 },
  { kind: "whole", path: "late_cancel_hours", min: 0, max: 24 * 14 },
  { kind: "whole", path: "manage_link_days_after", min: 0, max: 60 },
];
const PROTECTION: Spec[] = [
  { kind: "choice", path: "protection.phone_check", options: ["never", "new_phones", "always"], words: (o) => t(`settings.o.phone_check.${o}` as Key) },
  { kind: "whole", path: "protection.bookings_per_address_hour", min: 1, max: 100_000 },
  { kind: "whole", path: "protection.bookings_per_phone_day", min: 1, max: 1_000 },
  { kind: "whole", path: "protection.new_phones_per_hour", min: 1, max: 100_000 },
  { kind: "whole", path: "protection.codes_per_phone_hour", min: 1, max: 100 },
  { kind: "whole", path: "protection.codes_per_address_hour", min: 1, max: 100_000 },
  { kind: "whole", path: "protection.codes_per_hour", min: 1, max: 100_000 },
  { kind: "whole", path: "protection.actions_per_address_hour", min: 1, max: 100_000 },
];

const WAITLIST: Spec[] = [
  { kind: "bool", path: "waitlist.enabled" },
  { kind: "whole", path: "waitlist.hold_minutes", min: 5, max: 240 },
  { kind: "whole", path: "waitlist.offers_per_slot", min: 1, max: 10 },
  { kind: "whole", path: "waitlist.offers_per_client_day", min: 1, max: 20 },
  { kind: "whole", path: "waitlist.joins_per_address_hour", min: 1, max: 100_000 },
  { kind: "whole", path: "waitlist.joins_per_phone_day", min: 1, max: 1_000 },
  { kind: "whole", path: "waitlist.joins_per_salon_hour", min: 1, max: 100_000 },
];

export function BookingSection() {
  const f = useRulesForm([...BOOKING, ...CHANGES, ...PROTECTION, ...WAITLIST], "settings.booking.saved");
  const codes = useSignal((salon.value?.settings.protection?.calling_codes ?? []).map((c) => `+${c}`).join(", "));

  async function submit(ev: Event) {
    ev.preventDefault();
    await f.save((next, errors) => {
      const list = readCallingCodes(codes.value);
      if (list === null) {
        errors["protection.calling_codes"] = t("settings.err.callingCodes");
        return next;
      }
      return { ...next, protection: { ...next.protection, calling_codes: list } };
    });
  }

  return (
    <form id="booking-form" class="card" aria-labelledby="booking-title" onSubmit={submit} noValidate>
      <h2 id="booking-title">{t("settings.booking.title")}</h2>
      <Group legend={t("settings.booking.online")}>{BOOKING.map(f.field)}</Group>
      <Group legend={t("settings.booking.changes")} hint={t("settings.booking.changesHint")}>{CHANGES.map(f.field)}</Group>
      <Group legend={t("settings.booking.protection")} hint={t("settings.booking.protectionHint")}>
        {PROTECTION.slice(0, 1).map(f.field)}
        <Field label={t("settings.f.protection.calling_codes")} hint={t("settings.h.protection.calling_codes")} error={f.errors.value["protection.calling_codes"]}
          input={{ name: "protection.calling_codes", value: codes.value, onInput: (e) => (codes.value = e.currentTarget.value) }} />
      </Group>
      <Group legend={t("settings.booking.limits")}>{PROTECTION.slice(1).map(f.field)}</Group>
      <Group legend={t("settings.booking.waitlist")} hint={t("settings.booking.waitlistHint")}>{WAITLIST.map(f.field)}</Group>
      <SaveBar id="booking" problem={f.problem.value} busy={f.busy.value} />
    </form>
  );
}
