"""Visits as the API shows them."""

from __future__ import annotations

from regulars.booking import model as m
from regulars.booking.schemas import AppointmentBrief, AppointmentOut
from regulars.salon.model import Salon
from regulars.salon.views import local_iso


def brief(a: m.Appointment, salon_: Salon) -> AppointmentBrief:
    return AppointmentBrief(
        id=a.id, status=a.status.value, start=local_iso(a.start, salon_), end=local_iso(a.end, salon_),
        service_id=a.service_id, staff_id=a.staff_id,
    )


def appointment(a: m.Appointment, salon_: Salon) -> AppointmentOut:
    return AppointmentOut(
        id=a.id, client_id=a.client_id, client_name=a.client_name, staff_id=a.staff_id, service_id=a.service_id,
        start=local_iso(a.start, salon_), end=local_iso(a.end, salon_), status=a.status.value,
        price=a.price, paid_amount=a.paid_amount, bonus_amount=a.bonus_amount, refunded_at=a.refunded_at,
        source=a.source.value,
        late_cancellation=a.late_cancellation, cancel_reason=a.cancel_reason,
        history=[h.model_dump(mode="json") for h in a.history],
    )
