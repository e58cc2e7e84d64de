"""The salon's use cases: its catalog (profile, settings, services, staff) as every feature reads it,
and the admin's changes to it, each audited."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from regulars.core.errors import InvalidInput, NotFound
from regulars.core.money import Money
from regulars.salon import forgetting, reminder_rules
from regulars.salon import repo as store
from regulars.salon.model import Catalog, Salon, SalonSettings, Service, StaffMember


def catalog(salon_id: str, *, max_age: float = 0.0) -> Catalog:
    """The salon's profile, services and staff; NotFound for an unknown salon. ``max_age`` > 0 serves
    a copy read within that many seconds (the widget's hot path)."""
    return store.load_catalog(salon_id, max_age=max_age)


def salon(salon_id: str) -> Salon:
    """The salon's profile and settings; NotFound for an unknown salon."""
    return catalog(salon_id).salon


def zone(salon_id: str) -> ZoneInfo:
    """The salon's time zone: its days and months (a copy read within the last seconds will do)."""
    return store.load_catalog(salon_id, max_age=store.RULES_MAX_AGE).salon.tz


def update(
    salon_id: str,
    *,
    by: str,
    now: datetime,
    name: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
    settings: SalonSettings | None = None,
    profile: dict[str, object] | None = None,
) -> Salon:
    """Change what is given of the salon's name, time zone, locale and settings (audited); a salon
    that now forgets inactive clients does it tonight; new reminder rules (or quiet hours, or time
    zone) re-plan the reminders of the visits to come."""
    changes: dict[str, object] = {}
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput.field("timezone", "not an IANA time zone, e.g. Europe/Berlin") from exc
        changes["timezone"] = timezone
    if name is not None:
        changes["name"] = name
    if locale is not None:
        changes["locale"] = locale
    if settings is not None:
        changes["settings"] = settings.model_dump()
    changes.update(profile or {})  # what the client pages show: address, phone, logo, colour, privacy
    before = store.load_catalog(salon_id).salon if settings is not None or timezone is not None else None
    updated = store.update_salon(salon_id, by=by, now=now, **changes)
    forgetting.schedule(updated, now)
    if before is not None:
        reminder_rules.on_change(before, updated, now)
    return updated


# ------------------------------------------------------------------------------------ services
def services(salon_id: str) -> list[Service]:
    """All the salon's services by name, inactive ones included."""
    return sorted(catalog(salon_id).services.values(), key=lambda x: x.name)


def service(salon_id: str, service_id: str) -> Service:
    """One service; NotFound (service_not_found) if the salon has none by this id."""
    found = catalog(salon_id).services.get(service_id)
    if found is None:
        raise NotFound(f"service {service_id} not found", code="service_not_found")
    return found


def add_service(
    salon_id: str,
    *,
    service_id: str,
    name: str,
    duration_minutes: int,
    price_amount: int,
    repeat_interval_days: int | None,
    active: bool,
    description: str | None = None,
    category: str | None = None,
    by: str,
    now: datetime,
) -> Service:
    """A new service priced in the salon's currency (audited); Conflict if the id is taken."""
    currency = salon(salon_id).currency
    added = Service(
        id=service_id,
        name=name,
        duration_minutes=duration_minutes,
        price=Money(amount=price_amount, currency=currency),
        repeat_interval_days=repeat_interval_days,
        active=active,
        description=description,
        category=category,
    )
    return store.put_service(salon_id, added, create=True, by=by, now=now)


def change_service(salon_id: str, service_id: str, changes: dict, *, by: str, now: datetime) -> Service:
    """Change a service's fields (a PATCH's; ``price_amount`` in the service's currency), audited."""
    current = service(salon_id, service_id)
    changes = dict(changes)
    if "price_amount" in changes:
        changes["price"] = Money(amount=changes.pop("price_amount"), currency=current.price.currency)
    return store.put_service(salon_id, current.model_copy(update=changes), create=False, by=by, now=now)


# ------------------------------------------------------------------------------------ staff
def staff(salon_id: str) -> list[StaffMember]:
    """All the salon's staff members by name."""
    return sorted(catalog(salon_id).staff.values(), key=lambda x: x.name)


def member(salon_id: str, staff_id: str) -> StaffMember:
    """One staff member; NotFound (staff_not_found) if the salon has none by this id."""
    return _member(catalog(salon_id), staff_id)


def _member(current: Catalog, staff_id: str) -> StaffMember:
    found = current.staff.get(staff_id)
    if found is None:
        raise NotFound(f"staff member {staff_id} not found", code="staff_not_found")
    return found


def _check_services(current: Catalog, service_ids: list[str]) -> None:
    unknown = [x for x in service_ids if x not in current.services]
    if unknown:
        raise InvalidInput.field("service_ids", f"unknown services: {', '.join(unknown)}")


def add_member(salon_id: str, added: StaffMember, *, by: str, now: datetime) -> StaffMember:
    """A new staff member doing services the salon has (audited); Conflict if the id is taken."""
    _check_services(catalog(salon_id), added.service_ids)
    return store.put_staff(salon_id, added, create=True, by=by, now=now)


def change_member(salon_id: str, staff_id: str, changes: dict, *, by: str, now: datetime) -> StaffMember:
    """Change a staff member's fields (a PATCH's: hours, breaks, days off, services), audited."""
    current = catalog(salon_id)
    before = _member(current, staff_id)
    if "service_ids" in changes:
        _check_services(current, changes["service_ids"])
    return store.put_staff(salon_id, before.model_copy(update=changes), create=False, by=by, now=now)
