"""The waitlist as the API shows it."""

from __future__ import annotations

from datetime import datetime

from regulars.salon.model import Catalog, Salon
from regulars.salon.views import local_iso
from regulars.waitlist.model import Entry
from regulars.waitlist.schemas import WaitlistEntryOut, WaitlistEntryPublic, WaitlistOfferOut
from regulars.waitlist.service import OfferView


def entry_public(e: Entry, catalog: Catalog, now: datetime) -> WaitlistEntryPublic:
    service = catalog.services.get(e.service_id)
    return WaitlistEntryPublic(
        id=e.entry_id,
        status=e.state(now),  # type: ignore[arg-type]
        service_id=e.service_id,
        service_name=service.name if service else e.service_id,
        staff_ids=list(e.staff_ids),
        days=list(e.days),
        weekdays=list(e.weekdays),
        parts=[p.value for p in e.parts],
        expires_at=local_iso(e.ends_at, catalog.salon),
    )


def entry(e: Entry, salon: Salon, now: datetime) -> WaitlistEntryOut:
    return WaitlistEntryOut(
        id=e.entry_id,
        status=e.state(now),  # type: ignore[arg-type]
        client_name=e.name,
        phone=e.phone,
        client_id=e.client_id,
        service_id=e.service_id,
        staff_ids=list(e.staff_ids),
        days=list(e.days),
        weekdays=list(e.weekdays),
        parts=[p.value for p in e.parts],
        joined_at=e.joined_at,
        expires_at=local_iso(e.ends_at, salon),
        offers=e.offers,
        last_offer_at=e.last_offer_at,
        appointment_id=e.appointment_id,
    )


def offer(view: OfferView) -> WaitlistOfferOut:
    o, catalog = view.offer, view.catalog
    service = catalog.services.get(o.service_id)
    member = catalog.staff.get(o.staff_id)
    return WaitlistOfferOut(
        status=view.status,  # type: ignore[arg-type]
        service_id=o.service_id,
        service_name=service.name if service else o.service_id,
        staff_id=o.staff_id,
        staff_name=member.name if member else o.staff_id,
        start=local_iso(o.start, catalog.salon),
        end=local_iso(o.end, catalog.salon),
        hold_until=local_iso(o.hold_until, catalog.salon),
        client_name=o.client_name,
        locale=view.locale,
    )
