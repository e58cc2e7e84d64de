"""The client's manage link: view, confirm, cancel, reschedule one visit without an account."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from regulars import clock
from regulars.api import schemas as s
from regulars.api import views
from regulars.api.errors import ErrorOut
from regulars.api.router import Router
from regulars.booking import links
from regulars.booking import model as m
from regulars.booking import service as booking
from regulars.config import manage_link_secret
from regulars.notifications import inbound, push_devices, telegram_link
from regulars.store import appointments as appointment_store
from regulars.store import catalog as catalog_store
from regulars.store import clients as client_store
from regulars.store.models import Client

router = Router()

Token = Annotated[str, Path(min_length=10, max_length=512)]
ERRORS = {
    403: {"description": "Invalid or expired link", "content": {"application/json": {"model": ErrorOut}}},
    409: {"description": "Not allowed now (too late, visit over)", "content": {"application/json": {"model": ErrorOut}}},
}


def _claims(token: str) -> tuple[links.LinkClaims, m.Appointment]:
    """A genuine manage link whose visit still allows it, and the visit: the link lives until some
    days after the visit as it is now (a rescheduled visit keeps its link alive), never less than
    it was issued for."""
    claims = links.verify(token, manage_link_secret(), purpose="manage", now=None)
    a = appointment_store.get(claims.salon_id, claims.appointment_id)
    days = catalog_store.load_catalog(claims.salon_id).salon.settings.manage_link_days_after
    links.ensure_fresh(max(claims.expires_at, a.end + timedelta(days=days)), clock.now())
    return claims, a


def _view(a: m.Appointment) -> s.ManageOut:
    now = clock.now()
    catalog = catalog_store.load_catalog(a.salon_id)
    rules = catalog.salon.settings
    service = catalog.services.get(a.service_id)
    member = catalog.staff.get(a.staff_id)
    ahead = a.start - now
    client = client_store.get_item(a.salon_id, a.client_id, consistent=True)
    return s.ManageOut(
        salon=views.salon(catalog.salon),
        appointment=s.ManagedAppointment(
            **views.brief(a, catalog.salon).model_dump(),
            service_name=service.name if service else a.service_id,
            staff_name=member.name if member else a.staff_id,
            price=a.price,
        ),
        actions=s.ManageActions(
            confirm=a.status.value == "booked" and a.end > now,
            cancel=a.status.active and ahead >= timedelta(hours=rules.client_cancel_notice_hours),
            reschedule=a.status.active and ahead >= timedelta(hours=rules.client_reschedule_notice_hours),
        ),
        telegram_url=_telegram_url(a, client),
        marketing=bool(client and ((client.consents or {}).get("marketing") or {}).get("granted")),
    )


def _telegram_url(a: m.Appointment, client: Client | None) -> str | None:
    url = telegram_link.deep_link(a.salon_id, a.client_id)
    if url is None or not a.status.active:
        return None
    linked = client is not None and (client.channels or {}).get("telegram", {}).get("chat_id") is not None
    return None if linked else url


@router.get("/v1/manage/<token>", summary="The visit behind a manage link", tags=["manage link"],
            responses={200: {"description": "The visit"}, **ERRORS})
def view(token: Token) -> s.ManageOut:
    return _view(_claims(token)[1])


@router.post("/v1/manage/<token>/confirm", summary="Confirm the visit", tags=["manage link"],
             responses={200: {"description": "Confirmed"}, **ERRORS})
def confirm(token: Token) -> s.ManageOut:
    claims, _ = _claims(token)
    return _view(booking.confirm(claims.salon_id, claims.appointment_id, now=clock.now(), by="client"))


@router.post("/v1/manage/<token>/cancel", summary="Cancel the visit", tags=["manage link"],
             responses={200: {"description": "Cancelled"}, **ERRORS})
def cancel(token: Token, body: s.CancelIn | None = None) -> s.ManageOut:
    claims, _ = _claims(token)
    rules = catalog_store.load_catalog(claims.salon_id).salon.settings
    return _view(booking.cancel(claims.salon_id, claims.appointment_id, now=clock.now(), by="client",
                                reason=body.reason if body else None, notice_hours=rules.client_cancel_notice_hours))


@router.post("/v1/manage/<token>/reschedule", summary="Move the visit to another free time", tags=["manage link"],
             responses={200: {"description": "Moved"}, **ERRORS})
def reschedule(token: Token, body: s.RescheduleIn) -> s.ManageOut:
    claims, _ = _claims(token)
    rules = catalog_store.load_catalog(claims.salon_id).salon.settings
    return _view(booking.move(claims.salon_id, claims.appointment_id, start=body.start, staff_id=body.staff_id,
                              now=clock.now(), by="client", notice_hours=rules.client_reschedule_notice_hours))


MARKETING_TEXT = {
    "unsubscribe": "No offers, please (manage page)",
    "subscribe": "Yes, send me offers and news (manage page)",
}


def _marketing(token: str, granted: bool) -> s.ManageOut:
    claims, a = _claims(token)
    now = clock.now()
    record = {"granted": granted, "at": now.isoformat(), "source": "manage_link",
              "text": MARKETING_TEXT["subscribe" if granted else "unsubscribe"]}

    def change(client: m.Client) -> dict:
        consents = {k: dict(v) for k, v in client.consents.items() if not k.startswith("marketing:")}
        consents["marketing"] = record
        return {"consents": consents}

    client_store.modify(claims.salon_id, a.client_id, change)
    if not granted:
        inbound.skip_marketing(claims.salon_id, a.client_id, now)
    return _view(a)


@router.post("/v1/manage/<token>/unsubscribe", summary="Stop offers and news on every channel (visit messages go on)",
             tags=["manage link"], responses={200: {"description": "Unsubscribed"}, **ERRORS})
def unsubscribe(token: Token) -> s.ManageOut:
    return _marketing(token, False)


@router.post("/v1/manage/<token>/subscribe", summary="Agree to offers and news", tags=["manage link"],
             responses={200: {"description": "Subscribed"}, **ERRORS})
def subscribe(token: Token) -> s.ManageOut:
    return _marketing(token, True)


@router.post("/v1/manage/<token>/push", summary="Register this device for push notifications (the salon's app)",
             tags=["manage link"], responses={200: {"description": "Registered"}, **ERRORS})
def register_push(token: Token, body: s.PushDeviceIn) -> s.ManageOut:
    claims, a = _claims(token)
    now = clock.now()
    arn = push_devices.register(claims.salon_id, a.client_id, body.device_token, now)

    def change(client: m.Client) -> dict:
        channels = {k: dict(v) for k, v in client.channels.items()}
        channels["push"] = {"endpoint_arn": arn, "registered_at": now.isoformat()}
        return {"channels": channels}

    client_store.modify(claims.salon_id, a.client_id, change)
    return _view(a)
