"""The client's manage link: what it shows, and what it may change (confirm, cancel, reschedule one
visit without an account; for a link that reached the client, see :mod:`regulars.core.links` on
scopes, their consent to offers, their push device and their Telegram chat).

A link dies with its visit's cancellation (or the client's erasure): it still shows the visit as
cancelled, and changes nothing. Every change is counted against the caller's network address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from regulars.booking import protection, slots
from regulars.booking import repo as appointment_store
from regulars.booking import service as booking
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.core import appointments as m
from regulars.core import links
from regulars.core.config import link_keys
from regulars.core.errors import DomainError, Forbidden, NotFound
from regulars.messaging.channels import capabilities, push_devices
from regulars.messaging.contacts import telegram_link
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.routing import Channel
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog

DEAD = (m.AppointmentStatus.CANCELLED, m.AppointmentStatus.NO_SHOW)
TELEGRAM = capabilities.of(Channel.TELEGRAM)
PUSH = capabilities.of(Channel.PUSH)
MARKETING_TEXT = {
    "unsubscribe": "No offers, please (manage page)",
    "subscribe": "Yes, send me offers and news (manage page)",
}


@dataclass(frozen=True)
class Link:
    claims: links.LinkClaims
    appointment: m.Appointment
    catalog: Catalog

    @property
    def salon_id(self) -> str:
        return self.claims.salon_id

    @property
    def alive(self) -> bool:
        return self.appointment.status not in DEAD


@dataclass(frozen=True)
class Managed:
    """What a manage link shows: the visit as it is now and what the client may do with it; for a
    link that reached the client, whether they take offers and, while no chat is linked, a link to
    the salon's Telegram bot."""

    catalog: Catalog
    appointment: m.Appointment
    can_confirm: bool
    can_cancel: bool
    can_reschedule: bool
    telegram_url: str | None = None
    marketing: bool | None = None


def _open(token: str, now: datetime) -> Link:
    """A genuine manage link whose visit still allows it: the link lives until some days after the
    visit as it is now (a rescheduled visit keeps its link alive), never less than it was issued for."""
    claims = links.verify(token, link_keys(), purpose="manage", now=None)
    a = appointment_store.get(claims.salon_id, claims.subject)
    catalog = catalog_store.load_catalog(claims.salon_id)
    days = catalog.salon.settings.manage_link_days_after
    links.ensure_fresh(max(claims.expires_at, a.end + timedelta(days=days)), now)
    return Link(claims, a, catalog)


def _client(salon_id: str, client_id: str) -> clients_model.Client | None:
    """The visit's client, unless their data was erased."""
    try:
        client = client_store.get(salon_id, client_id)
    except NotFound:
        return None
    return None if client.erased_at is not None else client


def _acting(token: str, *, address: str, now: datetime, on_client: bool = False) -> Link:
    """A link that may change something now: its visit alive, its scope wide enough; counted
    against the caller's address."""
    link = _open(token, now)
    if not link.alive:
        raise Forbidden(
            f"the visit is {link.appointment.status.value}: this link no longer changes anything",
            code="link_revoked",
        )
    if on_client and link.claims.scope != "client":
        raise Forbidden(
            "this link acts on the visit only; the link sent to the client's phone can change this",
            code="link_not_for_client",
        )
    if on_client and _client(link.salon_id, link.appointment.client_id) is None:
        raise Forbidden(
            "the client's data was erased: this link no longer changes anything", code="link_revoked"
        )
    protection.limit_actions(link.salon_id, link.catalog.salon, address, now)
    return link


def _shown(link: Link, now: datetime, a: m.Appointment | None = None) -> Managed:
    a = a or link.appointment
    rules = link.catalog.salon.settings
    ahead = a.start - now
    client = None
    if link.claims.scope == "client" and a.status not in DEAD:
        client = _client(a.salon_id, a.client_id)
    return Managed(
        catalog=link.catalog,
        appointment=a,
        can_confirm=a.status.value == "booked" and a.end > now,
        can_cancel=a.status.active and ahead >= timedelta(hours=rules.client_cancel_notice_hours),
        can_reschedule=a.status.active and ahead >= timedelta(hours=rules.client_reschedule_notice_hours),
        telegram_url=_telegram_url(a, client, now),
        marketing=None if client is None else bool((client.consents.get("marketing") or {}).get("granted")),
    )


def _telegram_url(a: m.Appointment, client: clients_model.Client | None, now: datetime) -> str | None:
    """Offered to the client (a client-scope link) while no chat is linked and the visit is to come."""
    if client is None or not a.status.active or TELEGRAM.address_in(None, client.channels) is not None:
        return None
    return telegram_link.deep_link(a.salon_id, a.client_id, now=now)


def show(token: str, now: datetime) -> Managed:
    """The visit behind a manage link, even a cancelled one."""
    return _shown(_open(token, now), now)


def client_behind(token: str, now: datetime) -> tuple[Catalog, str] | None:
    """The salon's catalog and the client, for a link that reached the client (client scope) whose
    data was not erased; None for a link that acts on the visit only."""
    link = _open(token, now)
    if link.claims.scope != "client" or _client(link.salon_id, link.appointment.client_id) is None:
        return None
    return link.catalog, link.appointment.client_id


def free_times(token: str, day: date, now: datetime) -> list[slots.Slot]:
    """Where the visit could move on a local day: its staff member's free starts for a visit of its
    length, its own time counting as free (a move by 15 minutes is not blocked by the visit itself);
    for a visit of several services, the starts where all of them fit again back to back, each with
    its staff member; none when the link may not move it."""
    link = _open(token, now)
    shown = _shown(link, now)
    a = link.appointment
    if not shown.can_reschedule or any(link.catalog.service(p.service_id) is None for p in a.parts()):
        return []
    if a.segments:  # several services: the whole chain moves, each with its own staff member
        choices = [slots.Choice(p.service_id, p.staff_id) for p in a.segments]
        chains = slots.free_chains(link.catalog, choices, day, now, ignore=a.id)
        return [slots.Slot(way[0].start, way[0].staff_id) for way in chains if way[0].start != a.start]
    found = slots.free_slots(
        link.catalog, a.service_id, day, a.staff_id, now, ignore=a.id, duration=a.end - a.start
    )
    return [s for s in found if s.start != a.start]


def confirm(token: str, *, address: str, now: datetime) -> Managed:
    link = _acting(token, address=address, now=now)
    return _shown(link, now, booking.confirm(link.salon_id, link.appointment.id, now=now, by="client"))


CANCEL_REASONS = ("plans_changed", "unwell", "another_time", "another_salon", "price", "other")


def cancel(
    token: str, *, address: str, now: datetime, reason: str | None = None, reason_code: str | None = None
) -> Managed:
    """Cancel the visit, until the salon's notice for clients; ``reason_code``: one of
    :data:`CANCEL_REASONS` the client picked, ``reason`` their own words (both recorded)."""
    link = _acting(token, address=address, now=now)
    rules = link.catalog.salon.settings
    return _shown(
        link,
        now,
        booking.cancel(
            link.salon_id,
            link.appointment.id,
            now=now,
            by="client",
            reason=reason,
            reason_code=reason_code,
            notice_hours=rules.client_cancel_notice_hours,
        ),
    )


def reschedule(token: str, *, address: str, now: datetime, start: datetime, staff_id: str | None) -> Managed:
    """Move the visit to another free time, until the salon's notice for clients; a few times a day."""
    link = _acting(token, address=address, now=now)
    counted = protection.limit_moves(link.salon_id, link.appointment.id, now)
    rules = link.catalog.salon.settings
    try:
        moved = booking.move(
            link.salon_id,
            link.appointment.id,
            start=start,
            staff_id=staff_id,
            now=now,
            by="client",
            notice_hours=rules.client_reschedule_notice_hours,
        )
    except DomainError:
        counted.give_back()
        raise
    return _shown(link, now, moved)


def set_marketing(token: str, granted: bool, *, address: str, now: datetime) -> Managed:
    """The client's consent to offers and news, with its evidence; withdrawing it skips every
    marketing message not yet sent."""
    link = _acting(token, address=address, now=now, on_client=True)
    record = {
        "granted": granted,
        "at": now.isoformat(),
        "source": "manage_link",
        "text": MARKETING_TEXT["subscribe" if granted else "unsubscribe"],
    }

    def change(client: clients_model.Client) -> dict:
        consents = {k: dict(v) for k, v in client.consents.items() if not k.startswith("marketing:")}
        consents["marketing"] = record
        return {"consents": consents}

    client_store.modify(link.salon_id, link.appointment.client_id, change)
    if not granted:
        outbox.skip_marketing(link.salon_id, link.appointment.client_id, now)
    return _shown(link, now)


def register_push(token: str, device_token: str, *, address: str, now: datetime) -> Managed:
    """Register the client's device for push notifications (the salon's app)."""
    link = _acting(token, address=address, now=now, on_client=True)
    arn = push_devices.register(link.salon_id, link.appointment.client_id, device_token, now)

    def change(client: clients_model.Client) -> dict:
        channels = {k: dict(v) for k, v in client.channels.items()}
        channels[PUSH.channel.value] = {PUSH.address: arn, "registered_at": now.isoformat()}
        return {"channels": channels}

    client_store.modify(link.salon_id, link.appointment.client_id, change)
    return _shown(link, now)
