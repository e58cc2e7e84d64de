"""Visits as the API shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from regulars.booking.model import Block
from regulars.booking.schemas import (
    AppointmentBrief,
    AppointmentOut,
    BlockOut,
    ManageActions,
    ManagedAppointment,
    ManageOut,
    VisitServiceOut,
)
from regulars.core import appointments as m
from regulars.salon.model import Salon
from regulars.salon.views import local_iso
from regulars.salon.views import salon as salon_out

if TYPE_CHECKING:
    from regulars.booking.manage import Managed


def segments(a: m.Appointment, salon_: Salon) -> list[VisitServiceOut]:
    return [
        VisitServiceOut(
            service_id=p.service_id,
            staff_id=p.staff_id,
            start=local_iso(p.start, salon_),
            end=local_iso(p.end, salon_),
        )
        for p in a.parts()
    ]


def brief(a: m.Appointment, salon_: Salon) -> AppointmentBrief:
    return AppointmentBrief(
        segments=segments(a, salon_),
        id=a.id,
        status=a.status.value,
        start=local_iso(a.start, salon_),
        end=local_iso(a.end, salon_),
        service_id=a.service_id,
        staff_id=a.staff_id,
    )


def appointment(a: m.Appointment, salon_: Salon) -> AppointmentOut:
    return AppointmentOut(
        segments=segments(a, salon_),
        id=a.id,
        client_id=a.client_id,
        client_name=a.client_name,
        staff_id=a.staff_id,
        service_id=a.service_id,
        start=local_iso(a.start, salon_),
        end=local_iso(a.end, salon_),
        status=a.status.value,
        price=a.price,
        paid_amount=a.paid_amount,
        bonus_amount=a.bonus_amount,
        refunded_at=a.refunded_at,
        source=a.source.value,
        late_cancellation=a.late_cancellation,
        cancel_reason=a.cancel_reason,
        history=[h.model_dump(mode="json") for h in a.history],
    )


def block(b: Block, salon_: Salon) -> BlockOut:
    return BlockOut(
        id=b.id,
        staff_id=b.staff_id,
        start=local_iso(b.start, salon_),
        end=local_iso(b.end, salon_),
        kind=b.kind,
        note=b.note,
        held=b.held,
        created_by=b.created_by,
        created_at=b.created_at,
    )


def managed(x: Managed) -> ManageOut:
    a, catalog = x.appointment, x.catalog
    member = catalog.staff.get(a.staff_id)
    names = [catalog.services.get(p.service_id) for p in a.parts()]
    return ManageOut(
        salon=salon_out(catalog.salon),
        appointment=ManagedAppointment(
            **brief(a, catalog.salon).model_dump(),
            # a visit of several services names them all, in order
            service_name=" + ".join(
                s.name if s else p.service_id for s, p in zip(names, a.parts(), strict=True)
            ),
            staff_name=member.name if member else a.staff_id,
            price=a.price,
        ),
        actions=ManageActions(confirm=x.can_confirm, cancel=x.can_cancel, reschedule=x.can_reschedule),
        telegram_url=x.telegram_url,
        marketing=x.marketing,
    )
