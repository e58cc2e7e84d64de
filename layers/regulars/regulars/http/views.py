"""Domain objects to response models: one place that knows both."""

from __future__ import annotations

from datetime import datetime

from regulars.http import schemas as s
from regulars.booking import model as m
from regulars.store.models import Message
from regulars.booking.schemas import AppointmentBrief, AppointmentOut
from regulars.clients.schemas import ClientOut, MessageOut
from regulars.salon.schemas import SalonAdminOut, SalonOut, ServiceAdminOut


def salon(x: m.Salon) -> SalonOut:
    return SalonOut(id=x.id, name=x.name, timezone=x.timezone, currency=x.currency, locale=x.locale)


def salon_admin(x: m.Salon) -> SalonAdminOut:
    return SalonAdminOut(**salon(x).model_dump(), country=x.country, settings=x.settings)


def local_iso(value: datetime, salon_: m.Salon) -> str:
    return value.astimezone(salon_.tz).isoformat()


def brief(a: m.Appointment, salon_: m.Salon) -> AppointmentBrief:
    return AppointmentBrief(
        id=a.id, status=a.status.value, start=local_iso(a.start, salon_), end=local_iso(a.end, salon_),
        service_id=a.service_id, staff_id=a.staff_id,
    )


def appointment(a: m.Appointment, salon_: m.Salon) -> AppointmentOut:
    return AppointmentOut(
        id=a.id, client_id=a.client_id, client_name=a.client_name, staff_id=a.staff_id, service_id=a.service_id,
        start=local_iso(a.start, salon_), end=local_iso(a.end, salon_), status=a.status.value,
        price=a.price, paid_amount=a.paid_amount, bonus_amount=a.bonus_amount, refunded_at=a.refunded_at,
        source=a.source.value,
        late_cancellation=a.late_cancellation, cancel_reason=a.cancel_reason,
        history=[h.model_dump(mode="json") for h in a.history],
    )


def service_admin(x: m.Service) -> ServiceAdminOut:
    return ServiceAdminOut(id=x.id, name=x.name, duration_minutes=x.duration_minutes, price=x.price,
                             repeat_interval_days=x.repeat_interval_days, active=x.active)


def client(c: m.Client) -> ClientOut:
    return ClientOut(
        id=c.id, name=c.name, phone=c.phone, email=c.email, birthday=c.birthday, locale=c.locale, notes=c.notes,
        tags=c.tags, consents=c.consents, channels=c.channels, lifecycle=c.lifecycle, created_at=c.created_at,
        erased_at=c.erased_at, stats=c.stats,
    )


def message(x: Message) -> MessageOut:
    return MessageOut(
        id=x.message_id, kind=x.kind, purpose=x.purpose, status=x.status, channel=x.channel,
        appointment_id=x.appointment_id, created_at=x.created_at, skip_reason=x.skip_reason, text=x.text,
        error=x.error, attempts=int(x.attempts or 0), not_before=x.not_before, sent_at=x.sent_at,
        delivered_at=x.delivered_at, segments=int(x.segments) if x.segments is not None else None,
        cost_micros=int(x.cost_amount) if x.cost_amount is not None else None, cost_currency=x.cost_currency,
    )
