"""A small salon for tests: Berlin, two staff, three services."""

from __future__ import annotations

from datetime import datetime

from regulars.core.money import Money
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon, SalonSettings, Service, StaffMember

WEEK = {d: [("09:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
LUNCH = {d: [("13:00", "14:00")] for d in ("mon", "tue", "wed", "thu", "fri")}


def make_salon(salon_id: str, now: datetime, **settings: object) -> Catalog:
    """Unless ``protection`` says otherwise the salon takes bookings from its page without a one-time
    code and lets one phone book many times a day: most tests are about what a booking does, and book
    for one client again and again; the tests of the public surface's protection set their own."""
    settings.setdefault("protection", {"phone_check": "never", "bookings_per_phone_day": 1000})
    catalog_store.create_salon(
        Salon(
            id=salon_id,
            name=f"Salon {salon_id}",
            timezone="Europe/Berlin",
            currency="EUR",
            locale="en",
            country="DE",
            settings=SalonSettings(**settings),
        ),
        now,
    )
    catalog_store.put_service(
        salon_id,
        Service(
            id="haircut",
            name="Haircut",
            duration_minutes=60,
            price=Money(amount=4500, currency="EUR"),
            repeat_interval_days=28,
        ),
        create=True,
    )
    catalog_store.put_service(
        salon_id,
        Service(
            id="manicure",
            name="Manicure",
            duration_minutes=45,
            price=Money(amount=3000, currency="EUR"),
            repeat_interval_days=21,
        ),
        create=True,
    )
    catalog_store.put_service(
        salon_id,
        Service(id="brows", name="Brows", duration_minutes=20, price=Money(amount=1500, currency="EUR")),
        create=True,
    )
    catalog_store.put_staff(
        salon_id,
        StaffMember(
            id="anna", name="Anna", service_ids=["haircut", "brows"], working_hours=WEEK, breaks=LUNCH
        ),
        create=True,
    )
    catalog_store.put_staff(
        salon_id,
        StaffMember(
            id="marta", name="Marta", service_ids=["haircut", "manicure"], working_hours=WEEK, breaks=LUNCH
        ),
        create=True,
    )
    return catalog_store.load_catalog(salon_id)


def desk_booking(salon_id: str, name: str, phone: str, start: str = "2026-11-25T14:00:00+01:00") -> dict:
    """A haircut with Anna booked at the desk through the admin function, for a new client; its answer."""
    from support.lambda_ import AdminApi  # the Lambda harness: only for the tests that book

    made = AdminApi(salon_id).post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": start,
            "client": {"name": name, "phone": phone},
        },
    )
    assert made.status == 201, made.json
    return made.json


def plan_reminder(visit: dict, message_id: str, now: datetime, kind: str = "reminder") -> None:
    """A reminder of ``visit`` (as :func:`desk_booking` answers it) planned in the outbox, as the job does."""
    from regulars.messaging.outbox import repo as outbox

    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id=message_id,
            kind=kind,
            purpose="transactional",
            recipient="client",
            client_id=visit["client_id"],
            appointment_id=visit["id"],
            values={"start": "2026-11-25T13:00:00+00:00"},
            created_at=now,
        )
    )
