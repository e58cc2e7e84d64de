"""Dispatch: a planned message becomes a queued one on a channel, rendered, or is held or skipped.

Run for a message when it is planned (the stream processor sees it written, and routes the message
its record's new image holds, without reading it again), when a hold ends (a ``dispatch`` job), and
again when its channel failed for good (the sender, for the fallback).

The steps, each re-reading what it depends on:

1. A message about a visit that has since been cancelled or moved is skipped (a reminder never
   goes out for a cancelled visit).
2. Marketing waits for quiet hours to end, and is skipped over the frequency cap. A notice to a
   staff member waits for the end of quiet hours too (it is not urgent at night), as do a client's
   messages that can wait till morning: the feedback request two hours after an evening visit, the
   bonus earned, a burn warning, a new tier, a welcome or a thank-you. What the client must know now
   goes at once: a visit booked, moved or cancelled, a code, an opt-out's confirmation, a waitlist
   offer held for minutes (reminders were already placed before the quiet window).
3. The channel: the first of the salon's order that reaches the recipient, is enabled in this
   deployment, is allowed by the client's consents for the purpose, and has not failed for this
   message. None left: skipped, with the reason.
4. The text, rendered in the client's locale (else the salon's, else English) with the salon's
   own templates; buttons for a confirmation request on a channel that shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta

from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core import appointments as m
from regulars.core import links
from regulars.core.config import link_keys, settings
from regulars.core.errors import NotFound
from regulars.messaging.channels import capabilities
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord, PlannedMessage
from regulars.messaging.rules.caps import within_cap
from regulars.messaging.rules.formatting import message_values
from regulars.messaging.rules.quiet_hours import QuietHours, next_allowed
from regulars.messaging.rules.render import compose, locale_chain, resolve_template
from regulars.messaging.rules.routing import Channel, Purpose, allowed, choose
from regulars.messaging.rules.sms_parts import sms_text
from regulars.messaging.rules.templates import (
    MessageKind,
    MissingTemplateValues,
    TemplateError,
    language_of,
    placeholders,
)
from regulars.messaging.shortlinks import service as short_links
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon, StaffMember

JOB_KIND = "dispatch"
SENT_STATES = ("queued", "sending", "sent", "delivered")

BUTTONS: dict[str, tuple[str, str]] = {
    "en": ("Confirm", "Cancel visit"),
    "ru": ("Подтвердить", "Отменить запись"),
    "es": ("Confirmar", "Cancelar cita"),
}
# Kinds about a visit that lose their point when the visit changes (a cancellation notice does not).
# a client's transactional messages that are not urgent at night: they wait for quiet hours to end
_CAN_WAIT_TILL_MORNING = frozenset(
    {
        MessageKind.FEEDBACK_REQUEST.value,
        MessageKind.BONUS_EARNED.value,
        MessageKind.BONUS_BURN_WARNING.value,
        MessageKind.TIER_UP.value,
        MessageKind.WELCOME.value,
        MessageKind.THANK_YOU.value,
    }
)
_ABOUT_THE_VISIT_AS_IT_WAS = frozenset(
    {
        MessageKind.REMINDER,
        MessageKind.REMINDER_WITH_CONFIRMATION,
        MessageKind.APPOINTMENT_BOOKED,
        MessageKind.APPOINTMENT_MOVED,
        MessageKind.STAFF_APPOINTMENT_BOOKED,
        MessageKind.STAFF_APPOINTMENT_MOVED,
    }
)

# The visit a message is about, as the booking feature reads it (the composition root, regulars.app,
# gives it): a message about a visit that was cancelled or moved since is not sent.
VisitOf = Callable[[str, str], m.Appointment | None]


def no_visit(_salon_id: str, _appointment_id: str) -> None:
    """The visit of a message about none (a campaign's, a bonus's notice): nothing to read."""
    return None


@dataclass(frozen=True)
class Decision:
    """What dispatch decided for a message, before anything is written: ``queue`` it with
    ``assignment`` (the channel, address, text...), ``hold`` it until ``until``, ``skip`` it, or
    ``fail`` it (a rerouted one with no channel left: ``error`` is what it records)."""

    action: str
    reason: str
    until: datetime | None = None
    assignment: dict | None = None
    error: str | None = None


def _channels(person: Client | StaffMember) -> dict:
    """What the channels know of the person (of a staff member, only their phone)."""
    return person.channels if isinstance(person, Client) else {}


def reachable(recipient: str, person: Client | StaffMember, enabled: tuple[str, ...]) -> list[Channel]:
    """The channels that can reach this person now (and that this deployment can send on)."""
    return [
        channel
        for channel in Channel
        if channel.value in enabled and capabilities.of(channel).reaches(person.phone, _channels(person))
    ]


def address_of(channel: Channel, person: Client | StaffMember) -> str:
    return str(capabilities.of(channel).address_in(person.phone, _channels(person)))


def _hold(item: MessageRecord, until: datetime, reason: str, now: datetime) -> Outcome:
    if outbox.hold(item, until, reason, now):
        job_store.schedule(
            item.salon_id,
            f"dispatch-{item.message_id}-{until:%Y%m%dT%H%M}",
            kind=JOB_KIND,
            subject=Subject.MESSAGE.of(item.message_id),
            due_at=until,
            now=now,
            payload={"message_id": item.message_id},
        )
    return Outcome(False, f"held: {reason}")


def _skip(item: MessageRecord, reason: str, now: datetime) -> Outcome:
    outbox.skip(item.salon_id, item.message_id, reason, now, among=(item.status,))
    return Outcome(False, reason)


def _stale(item: MessageRecord, appointment: m.Appointment | None) -> str | None:
    kind = MessageKind(item.kind) if item.kind in MessageKind.__members__.values() else None
    if kind not in _ABOUT_THE_VISIT_AS_IT_WAS:
        return None
    if appointment is None:
        return "the visit no longer exists"
    if not appointment.status.active:
        return f"the visit is {appointment.status.value}"
    planned_start = (item.values or {}).get("start")
    if planned_start and appointment.start.isoformat() != planned_start:
        return "the visit was moved"
    return None


def _marketing_rules(item: MessageRecord, salon: Salon, now: datetime) -> Decision | None:
    rules = salon.settings
    opens = next_allowed(now, QuietHours.parse(rules.quiet_hours), salon.tz)
    if opens is None:
        return Decision("skip", "quiet hours last all day")
    if opens > now:
        return Decision("hold", "quiet hours", until=opens)
    window = timedelta(days=rules.marketing_cap_days)
    recent = [
        i.sent_at or i.changed_at
        for i in outbox.for_client(
            item.salon_id,
            item.client_id or "",
            since=now - window,
            limit=200,
            purpose=Purpose.MARKETING.value,
        )
        if i.status in SENT_STATES and i.message_id != item.message_id
    ]
    if not within_cap(recent, now, rules.marketing_cap, window):
        return Decision(
            "skip",
            f"frequency cap: {rules.marketing_cap} marketing messages in {rules.marketing_cap_days} days",
        )
    return None


def dispatch(salon_id: str, message_id: str, now: datetime, *, visit_of: VisitOf) -> Outcome:
    """Route one planned message (see the module's rules); safe to call again."""
    return dispatch_planned(outbox.get(salon_id, message_id), now, visit_of=visit_of)


def dispatch_planned(item: MessageRecord | None, now: datetime, *, visit_of: VisitOf) -> Outcome:
    """Route a planned message as it was read or as its stream record shows it (nothing read again:
    every write that follows is conditional on the state it was given, so a message that moved on
    since is left as it is); safe to call again."""
    if item is None or item.status != "planned":
        return Outcome(False, "nothing to dispatch")
    if item.not_before and item.not_before > now:
        return _hold(item, item.not_before, item.error or "not before", now)
    return route(item, now, visit_of=visit_of)


def route(item: MessageRecord, now: datetime, *, visit_of: VisitOf) -> Outcome:
    """Choose the channel and render: for a planned message, or for one whose channel has just
    failed for good (``item.status`` "sending", or "sent" when the failure came later in a status
    webhook; that channel is left out)."""
    return _apply(item, decide(item, now, visit_of=visit_of), now)


def _apply(item: MessageRecord, d: Decision, now: datetime) -> Outcome:
    """Write what was decided, each change conditional on the state the message was decided in."""
    if d.action == "skip":
        return _skip(item, d.reason, now)
    if d.action == "hold":
        assert d.until is not None
        return _hold(item, d.until, d.reason, now)
    if d.action == "fail":
        outbox.fail(item, d.error or d.reason, now, among=(item.status,))
        return Outcome(False, d.reason)
    assert d.assignment is not None
    if not outbox.assign(item, now=now, **d.assignment):
        return Outcome(False, "the message moved on meanwhile")
    return Outcome(True, f"queued on {d.assignment['channel']}")


def plan_routed(
    message: PlannedMessage, now: datetime, *, visit_of: VisitOf, client: Client | None = None
) -> bool:
    """Plan a message routed at once (``client``: its client, read already): written once, queued on
    its channel (or skipped, with the reason), instead of planned and then routed through the
    stream. One held (quiet hours) or not due yet is planned as any other, and dispatched when its
    time comes. True if written now (once per message id)."""
    item = MessageRecord(**{f.name: getattr(message, f.name) for f in fields(PlannedMessage)})
    if item.status != "planned" or (item.not_before and item.not_before > now):
        return outbox.plan(message)
    d = decide(item, now, visit_of=visit_of, client=client)
    if d.action == "queue":
        assert d.assignment is not None
        return outbox.plan_queued(message, now=now, **d.assignment)
    if d.action == "skip":
        return outbox.plan(replace(message, status="skipped", skip_reason=d.reason))
    return outbox.plan(message)


def still_allowed(item: MessageRecord, now: datetime) -> Outcome:
    """A marketing message written queued at once (:func:`plan_routed`): skipped if its client
    withdrew the consent for its channel between the routing and the write (an opt-out withdraws
    the open marketing messages it finds, and this one was not written yet); read afresh."""
    if item.purpose != Purpose.MARKETING.value or item.recipient != "client" or not item.channel:
        return Outcome(True, "nothing to check")
    try:
        client = client_store.get(item.salon_id, item.client_id or "")
    except NotFound:
        return _skip(item, "the recipient no longer exists", now)
    if client.erased_at is not None or not allowed(client.consents, Purpose.MARKETING, Channel(item.channel)):
        return _skip(item, "no marketing consent on its channel any more", now)
    return Outcome(True, "still allowed")


def decide(
    item: MessageRecord, now: datetime, *, visit_of: VisitOf, client: Client | None = None
) -> Decision:
    """What :func:`route` does for the message, decided without writing it (``client``: the client
    it goes to, when the caller read it already)."""
    catalog = catalog_store.load_catalog(item.salon_id, max_age=catalog_store.RULES_MAX_AGE)
    salon = catalog.salon
    appointment = visit_of(item.salon_id, item.appointment_id) if item.appointment_id else None
    stale = _stale(item, appointment)
    if stale:
        return Decision("skip", stale)
    purpose = Purpose(item.purpose)
    if item.recipient == "staff":
        person: Client | StaffMember | None = catalog.staff.get(item.staff_id or "")
        consents: dict = {}
        locale_hint = None
    elif item.recipient in ("manager", "phone"):  # a phone from the salon's settings, or one a code goes to
        person = StaffMember(
            id=item.recipient, name=item.recipient.title(), phone=(item.values or {}).get("phone")
        )
        consents, locale_hint = {}, item.locale
    else:
        person = client
        if person is None:
            try:
                person = client_store.get(item.salon_id, item.client_id or "")
            except NotFound:
                person = None
        consents = person.consents if person else {}
        locale_hint = person.locale if person else None
    if person is None:
        return Decision("skip", "the recipient no longer exists")
    rerouting = item.status in ("sending", "sent")  # its channel failed for good
    failed = [*(item.failed_channels or []), *([item.channel] if rerouting and item.channel else [])]
    channel = choose(
        purpose,
        reachable(item.recipient, person, settings().channels),
        consents,
        order=[Channel(c) for c in salon.settings.channel_order],
        failed=[Channel(c) for c in failed],
    )
    if channel is None:
        reason = (
            "no marketing consent on any channel that reaches the client"
            if purpose is Purpose.MARKETING
            else "no channel reaches the recipient"
        )
        if rerouting:
            return Decision("fail", reason, error=f"{item.error or 'undeliverable'}; {reason}")
        return Decision("skip", reason)
    # held only once it can go at all: one no channel reaches is skipped now, not at the night's end
    if item.status == "planned":
        if purpose is Purpose.MARKETING:
            held = _marketing_rules(item, salon, now)
            if held is not None:
                return held
        elif item.recipient == "staff" or item.kind in _CAN_WAIT_TILL_MORNING:
            opens = next_allowed(now, QuietHours.parse(salon.settings.quiet_hours), salon.tz)
            if opens is not None and opens > now:
                return Decision("hold", "quiet hours", until=opens)
    try:
        text, locale, placeholder_values = _render(item, catalog, person, appointment, locale_hint, now)
    except (
        TemplateError,
        MissingTemplateValues,
    ) as exc:  # a salon's text that cannot be filled: never retried
        reason = f"the template cannot be used: {exc}"
        return Decision("fail" if rerouting else "skip", reason)
    if capabilities.of(channel).sms_parts:
        text = sms_text(text)  # what is stored is what goes and is billed
    buttons = None
    if item.kind == MessageKind.REMINDER_WITH_CONFIRMATION and appointment:
        confirm, cancel = BUTTONS.get(language_of(locale), BUTTONS["en"])
        buttons = [
            {"text": confirm, "data": f"confirm:{appointment.id}"},
            {"text": cancel, "data": f"cancel:{appointment.id}"},
        ]
    can = capabilities.of(channel)
    whatsapp_template = None
    if can.reply_window is not None:  # for when the window is closed: the salon's template for the kind
        chosen = salon.settings.whatsapp_templates.get(item.kind)
        if chosen is not None:
            whatsapp_template = {
                "name": chosen.name,
                "language": chosen.language or locale,
                "body_parameters": [placeholder_values.get(p) or "-" for p in chosen.parameters],
                "quick_reply_payloads": [b["data"] for b in buttons or []],
            }
    if not can.buttons:
        buttons = None  # the reply words are in the text
    values = dict(item.values or {})
    window, last = can.reply_window, can.record_in(_channels(person)).get("last_inbound_at")
    if window is not None and last:
        values[capabilities.WINDOW_UNTIL] = (datetime.fromisoformat(last) + window).isoformat()
    return Decision(
        "queue",
        f"queued on {channel.value}",
        assignment={
            "channel": channel.value,
            "address": address_of(channel, person),
            "text": text,
            "locale": locale,
            "buttons": buttons,
            "values": values,
            "whatsapp_template": whatsapp_template,
        },
    )


def _render(
    item: MessageRecord,
    catalog: Catalog,
    person: Client | StaffMember,
    appointment: m.Appointment | None,
    locale_hint: str | None,
    now: datetime,
) -> tuple[str, str, dict[str, str]]:
    """The text, the locale it is in, and the placeholder values it was made from. Every link in it
    (a value named ``*_link``) is a short link (:mod:`regulars.messaging.shortlinks`) on every channel:
    one rule, a text of the same length whichever channel carries it (the cost shown before sending
    holds, a fallback to SMS needs nothing else), and no long signed token in a chat's history."""
    salon = catalog.salon
    if item.text and item.kind not in MessageKind.__members__.values():
        locale = item.locale or locale_hint or salon.locale  # written by the salon, sent as is
        return item.text, locale, {"text": item.text}
    facts: dict = {"timezone": salon.timezone, "salon_name": salon.name}
    values = item.values or {}
    for name, value in values.items():  # every link the feature gave (feedback, booking, an offer's...)
        if name.endswith(short_links.LINK_SUFFIX) and value is not None:
            facts[name] = str(value)
    for name in ("rating", "comment", "client_phone", "services", "offer", "code"):
        if values.get(name) is not None:
            facts[name] = str(values[name])
    if appointment is not None:
        names = [catalog.services.get(p.service_id) for p in appointment.parts()]
        staff = catalog.staff.get(appointment.staff_id)
        facts.update(
            client_name=appointment.client_name or (person.name if isinstance(person, Client) else None),
            # a visit of several services names them all
            service_name=" + ".join(s.name for s in names if s) or None,
            staff_name=staff.name if staff else None,
            start=appointment.start,
            price_amount=appointment.price.amount,
            currency=appointment.price.currency,
        )
        if values.get("previous_start"):
            facts["previous_start"] = datetime.fromisoformat(values["previous_start"])
        if appointment.status.active and item.recipient == "client":
            facts["manage_link"] = links.manage_url(salon, appointment, keys=link_keys())
    else:
        if isinstance(person, Client):
            facts["client_name"] = person.name
        # a time offered, not a visit yet (a waitlist offer): what and when come with the message
        for name in ("service_name", "staff_name", "offer_link"):
            if values.get(name):
                facts[name] = str(values[name])
        if values.get("start"):
            facts["start"] = datetime.fromisoformat(values["start"])
        if values.get("hold_minutes") is not None:
            facts["hold_minutes"] = int(values["hold_minutes"])
    if values.get("client_name"):
        facts["client_name"] = values["client_name"]
    for name in ("amount", "balance", "rate_bp"):
        if values.get(name) is not None:
            facts[name] = int(values[name])
    if values.get("expires_at"):
        facts["expires_at"] = datetime.fromisoformat(values["expires_at"])
    if values.get("tier"):
        facts["tier"] = values["tier"]
    if {"amount", "balance"} & set(values):
        facts["currency"] = salon.currency
    facts["booking_link"] = values.get("booking_link") or links.booking_page(salon.id)
    _locale, chosen = resolve_template(
        item.kind, locale_chain(locale_hint, salon.locale), salon.settings.templates
    )
    on_whatsapp = salon.settings.whatsapp_templates.get(item.kind)
    used = {*placeholders(chosen), *(on_whatsapp.parameters if on_whatsapp else [])}
    facts = short_links.shorten_values(facts, now=now, used=used, until=short_links.lifetimes(values))
    rendered = compose(
        item.kind,
        client_locale=locale_hint,
        salon_locale=salon.locale,
        overrides=salon.settings.templates,
        **facts,
    )
    return rendered.text, rendered.locale, message_values(locale=rendered.locale, **facts)


def dispatch_when_due(job: DueJob, now: datetime, *, visit_of: VisitOf) -> Outcome:
    return dispatch(job.salon_id, job.payload["message_id"], now, visit_of=visit_of)
