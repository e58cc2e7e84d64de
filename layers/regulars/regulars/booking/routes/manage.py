"""The client's manage link: view, confirm, cancel, reschedule one visit without an account; and,
for a link that reached the client (see :mod:`regulars.booking.links` on scopes), their consent to
offers, their push device and their Telegram chat.

A link dies with its visit's cancellation (or the client's erasure): it still shows the visit as
cancelled, and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from regulars.booking import links, protection
from regulars.booking import model as m
from regulars.booking import repo as appointment_store
from regulars.booking import service as booking
from regulars.booking import views as booking_views
from regulars.booking.schemas import (
    CancelIn,
    ManageActions,
    ManagedAppointment,
    ManageOut,
    PushDeviceIn,
    RescheduleIn,
)
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.clients.items import Client
from regulars.core import clock
from regulars.core.config import link_keys
from regulars.core.errors import Forbidden
from regulars.http.errors import ErrorOut
from regulars.http.router import Router
from regulars.messaging.channels import capabilities, push_devices
from regulars.messaging.inbound import service as inbound
from regulars.messaging.inbound import telegram_link
from regulars.messaging.rules.routing import Channel
from regulars.salon import repo as catalog_store
from regulars.salon import views as salon_views

router = Router()

Token = Annotated[str, Path(min_length=10, max_length=512)]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Invalid or expired link, or one that may not do this (code link_revoked once the visit "
                         "is cancelled; link_not_for_client for a link that acts on the visit only)",
          "content": {"application/json": {"model": ErrorOut}}},
    409: {"description": "Not allowed now (too late, visit over)", "content": {"application/json": {"model": ErrorOut}}},
    429: {"description": "Too many changes from this network address (Retry-After)",
          "content": {"application/json": {"model": ErrorOut}}},
}
_DEAD = (m.AppointmentStatus.CANCELLED, m.AppointmentStatus.NO_SHOW)


@dataclass(frozen=True)
class Link:
    claims: links.LinkClaims
    appointment: m.Appointment

    @property
    def salon_id(self) -> str:
        return self.claims.salon_id

    @property
    def alive(self) -> bool:
        return self.appointment.status not in _DEAD

    @property
    def for_client(self) -> bool:
        return self.claims.scope == "client" and self.alive


def _link(token: str) -> Link:
    """A genuine manage link whose visit still allows it: the link lives until some days after the
    visit as it is now (a rescheduled visit keeps its link alive), never less than it was issued for."""
    claims = links.verify(token, link_keys(), purpose="manage", now=None)
    a = appointment_store.get(claims.salon_id, claims.subject)
    days = catalog_store.load_catalog(claims.salon_id).salon.settings.manage_link_days_after
    links.ensure_fresh(max(claims.expires_at, a.end + timedelta(days=days)), clock.now())
    return Link(claims, a)


def _acting(token: str, *, on_client: bool = False) -> Link:
    """A link that may change something now: its visit alive, its scope wide enough; counted
    against the caller's address."""
    link = _link(token)
    if not link.alive:
        raise Forbidden(f"the visit is {link.appointment.status.value}: this link no longer changes anything",
                        code="link_revoked")
    if on_client and link.claims.scope != "client":
        raise Forbidden("this link acts on the visit only; the link sent to the client's phone can change this",
                        code="link_not_for_client")
    if on_client:
        client = client_store.get_item(link.salon_id, link.appointment.client_id)
        if client is None or client.erased_at is not None:
            raise Forbidden("the client's data was erased: this link no longer changes anything",
                            code="link_revoked")
    identity = router.current_event.request_context.identity
    protection.limit_actions(link.salon_id, catalog_store.load_catalog(link.salon_id).salon,
                             (identity.source_ip if identity else None) or "unknown", clock.now())
    return link


def _view(link: Link, a: m.Appointment | None = None) -> ManageOut:
    a = a or link.appointment
    now = clock.now()
    catalog = catalog_store.load_catalog(a.salon_id)
    rules = catalog.salon.settings
    service = catalog.services.get(a.service_id)
    member = catalog.staff.get(a.staff_id)
    ahead = a.start - now
    client = None
    if link.claims.scope == "client" and a.status not in _DEAD:
        client = client_store.get_item(a.salon_id, a.client_id, consistent=True)
        if client is not None and client.erased_at is not None:
            client = None
    return ManageOut(
        salon=salon_views.salon(catalog.salon),
        appointment=ManagedAppointment(
            **booking_views.brief(a, catalog.salon).model_dump(),
            service_name=service.name if service else a.service_id,
            staff_name=member.name if member else a.staff_id,
            price=a.price,
        ),
        actions=ManageActions(
            confirm=a.status.value == "booked" and a.end > now,
            cancel=a.status.active and ahead >= timedelta(hours=rules.client_cancel_notice_hours),
            reschedule=a.status.active and ahead >= timedelta(hours=rules.client_reschedule_notice_hours),
        ),
        telegram_url=_telegram_url(a, client),
        marketing=None if client is None else bool(((client.consents or {}).get("marketing") or {}).get("granted")),
    )


TELEGRAM = capabilities.of(Channel.TELEGRAM)


def _telegram_url(a: m.Appointment, client: Client | None) -> str | None:
    """Offered to the client (a client-scope link) while no chat is linked and the visit is to come."""
    if client is None or not a.status.active or TELEGRAM.address_in(None, client.channels or {}) is not None:
        return None
    return telegram_link.deep_link(a.salon_id, a.client_id, now=clock.now())


@router.get("/v1/manage/<token>", summary="The visit behind a manage link", tags=["manage link"],
            responses={200: {"description": "The visit"}, **ERRORS})
def view(token: Token) -> ManageOut:
    return _view(_link(token))


@router.post("/v1/manage/<token>/confirm", summary="Confirm the visit", tags=["manage link"],
             responses={200: {"description": "Confirmed"}, **ERRORS})
def confirm(token: Token) -> ManageOut:
    link = _acting(token)
    return _view(link, booking.confirm(link.salon_id, link.appointment.id, now=clock.now(), by="client"))


@router.post("/v1/manage/<token>/cancel", summary="Cancel the visit", tags=["manage link"],
             responses={200: {"description": "Cancelled"}, **ERRORS})
def cancel(token: Token, body: CancelIn | None = None) -> ManageOut:
    link = _acting(token)
    rules = catalog_store.load_catalog(link.salon_id).salon.settings
    return _view(link, booking.cancel(link.salon_id, link.appointment.id, now=clock.now(), by="client",
                                      reason=body.reason if body else None,
                                      notice_hours=rules.client_cancel_notice_hours))


@router.post("/v1/manage/<token>/reschedule", summary="Move the visit to another free time", tags=["manage link"],
             responses={200: {"description": "Moved"}, **ERRORS})
def reschedule(token: Token, body: RescheduleIn) -> ManageOut:
    link = _acting(token)
    rules = catalog_store.load_catalog(link.salon_id).salon.settings
    return _view(link, booking.move(link.salon_id, link.appointment.id, start=body.start, staff_id=body.staff_id,
                                    now=clock.now(), by="client", notice_hours=rules.client_reschedule_notice_hours))


MARKETING_TEXT = {
    "unsubscribe": "No offers, please (manage page)",
    "subscribe": "Yes, send me offers and news (manage page)",
}


def _marketing(token: str, granted: bool) -> ManageOut:
    link = _acting(token, on_client=True)
    now = clock.now()
    record = {"granted": granted, "at": now.isoformat(), "source": "manage_link",
              "text": MARKETING_TEXT["subscribe" if granted else "unsubscribe"]}

    def change(client: clients_model.Client) -> dict:
        consents = {k: dict(v) for k, v in client.consents.items() if not k.startswith("marketing:")}
        consents["marketing"] = record
        return {"consents": consents}

    client_store.modify(link.salon_id, link.appointment.client_id, change)
    if not granted:
        inbound.skip_marketing(link.salon_id, link.appointment.client_id, now)
    return _view(link)


@router.post("/v1/manage/<token>/unsubscribe", summary="Stop offers and news on every channel (visit messages go on)",
             tags=["manage link"], responses={200: {"description": "Unsubscribed"}, **ERRORS})
def unsubscribe(token: Token) -> ManageOut:
    return _marketing(token, False)


@router.post("/v1/manage/<token>/subscribe", summary="Agree to offers and news", tags=["manage link"],
             responses={200: {"description": "Subscribed"}, **ERRORS})
def subscribe(token: Token) -> ManageOut:
    return _marketing(token, True)


@router.post("/v1/manage/<token>/push", summary="Register this device for push notifications (the salon's app)",
             tags=["manage link"], responses={200: {"description": "Registered"}, **ERRORS})
def register_push(token: Token, body: PushDeviceIn) -> ManageOut:
    link = _acting(token, on_client=True)
    now = clock.now()
    arn = push_devices.register(link.salon_id, link.appointment.client_id, body.device_token, now)

    def change(client: clients_model.Client) -> dict:
        channels = {k: dict(v) for k, v in client.channels.items()}
        push = capabilities.of(Channel.PUSH)
        channels[push.channel.value] = {push.address: arn, "registered_at": now.isoformat()}
        return {"channels": channels}

    client_store.modify(link.salon_id, link.appointment.client_id, change)
    return _view(link)
