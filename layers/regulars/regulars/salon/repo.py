"""Salons, their services and staff: read in one Query (the CATALOG# prefix), cached briefly."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

from pynamodb.exceptions import PutError, UpdateError

from regulars.core.errors import Conflict, NotFound
from regulars.core.ids import new_id
from regulars.core.money import Money
from regulars.salon import model as salon_model
from regulars.salon.items import CATALOG, Salon, Service, StaffMember
from regulars.store import audit
from regulars.store.base import Entity

_cache: dict[str, tuple[float, salon_model.Catalog]] = {}
_cache_lock = threading.Lock()


def _salon(item: Salon) -> salon_model.Salon:
    return salon_model.Salon(
        id=item.salon_id,
        name=item.name,
        timezone=item.timezone,
        currency=item.currency,
        locale=item.locale,
        country=item.country,
        settings=salon_model.SalonSettings.model_validate(item.settings or {}),
        **{name: getattr(item, name) for name in salon_model.PROFILE},
    )


def _service(item: Service, currency: str) -> salon_model.Service:
    return salon_model.Service(
        id=item.service_id,
        name=item.name,
        duration_minutes=int(item.duration_minutes),
        price=Money(amount=int(item.price_amount), currency=currency),
        repeat_interval_days=int(item.repeat_interval_days) if item.repeat_interval_days else None,
        active=item.active,
        description=item.description,
        category=item.category,
    )


def _staff(item: StaffMember) -> salon_model.StaffMember:
    return salon_model.StaffMember(
        id=item.staff_id,
        name=item.name,
        service_ids=list(item.service_ids or []),
        working_hours=item.working_hours or {},
        breaks=item.breaks or {},
        days_off=sorted(date.fromisoformat(d) for d in item.days_off or ()),
        phone=item.phone,
        email=item.email,
        active=item.active,
        title=item.title,
        photo_url=item.photo_url,
    )


# How long background work (the stream, jobs, senders) may use a salon's rules it read: one Query per
# salon and execution environment every half minute, not several per record. A change made through
# the admin API reaches them within this.
RULES_MAX_AGE = 30.0


def load_catalog(salon_id: str, *, max_age: float = 0.0) -> salon_model.Catalog:
    """The salon's profile, services and staff in one Query; NotFound for an unknown salon.

    ``max_age`` > 0 serves a copy read within that many seconds (the widget's hot path)."""
    if max_age > 0:
        with _cache_lock:
            hit = _cache.get(salon_id)
        if hit and time.monotonic() - hit[0] < max_age:
            return hit[1]
    salon: Salon | None = None
    services: list[Service] = []
    staff: list[StaffMember] = []
    pk = Salon.render_key("pk", salon_id=salon_id)
    for item in Entity.query(pk, Entity.sk.startswith(CATALOG)):
        if isinstance(item, Salon):
            salon = item
        elif isinstance(item, Service):
            services.append(item)
        elif isinstance(item, StaffMember):
            staff.append(item)
    if salon is None:
        raise NotFound(f"salon {salon_id} not found", code="salon_not_found")
    catalog = salon_model.Catalog(
        salon=_salon(salon),
        services={s.service_id: _service(s, salon.currency) for s in services},
        staff={s.staff_id: _staff(s) for s in staff},
    )
    with _cache_lock:
        _cache[salon_id] = (time.monotonic(), catalog)
    return catalog


def forget(salon_id: str) -> None:
    with _cache_lock:
        _cache.pop(salon_id, None)


def create_salon(salon: salon_model.Salon, now: datetime) -> salon_model.Salon:
    item = Salon(
        salon_id=salon.id,
        name=salon.name,
        timezone=salon.timezone,
        currency=salon.currency,
        locale=salon.locale,
        country=salon.country,
        settings=salon.settings.model_dump(),
        created_at=now,
        **{name: getattr(salon, name) for name in salon_model.PROFILE},
    )
    try:
        item.save(condition=Salon.pk.does_not_exist())
    except PutError as exc:
        raise Conflict(f"salon {salon.id} exists", code="salon_exists") from exc
    forget(salon.id)
    return salon


def _audited(salon_id: str, action: str, by: str | None, now: datetime | None, **detail: object) -> None:
    """A change made by ``by`` (an admin) into the audit trail, right after it is saved."""
    if by is not None and now is not None:
        audit.record(audit.entry(salon_id, new_id(now), action, by, now, detail=detail))


def _settings(stored: object) -> dict[str, object]:
    """Settings as the salon has them (what was stored, with the defaults of what was not)."""
    return salon_model.SalonSettings.model_validate(stored or {}).model_dump()


def _changed(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def update_salon(
    salon_id: str, *, by: str | None = None, now: datetime | None = None, **changes: object
) -> salon_model.Salon:
    """Change the salon; with ``by`` and ``now``, audited (the fields and settings sections changed)."""
    item = Salon.find(salon_id=salon_id, consistent=True)
    if item is None:
        raise NotFound(f"salon {salon_id} not found", code="salon_not_found")
    before = {name: getattr(item, name) for name in changes}
    for name, value in changes.items():
        setattr(item, name, value)
    try:
        item.save()
    except PutError as exc:  # the version moved under us: somebody else saved first
        raise Conflict("the salon changed meanwhile; retry", code="concurrent_update") from exc
    forget(salon_id)
    sections = (
        _changed(_settings(before.get("settings")), _settings(changes["settings"]))
        if "settings" in changes
        else []
    )
    _audited(salon_id, "salon.updated", by, now, fields=_changed(before, changes), settings=sections)
    return _salon(item)


def _service_fields(item: Service | None) -> dict[str, object]:
    names = (
        "name",
        "duration_minutes",
        "price_amount",
        "repeat_interval_days",
        "active",
        "description",
        "category",
    )
    return {name: getattr(item, name) for name in names} if item is not None else {}


def put_service(
    salon_id: str,
    service: salon_model.Service,
    *,
    create: bool,
    by: str | None = None,
    now: datetime | None = None,
) -> salon_model.Service:
    """Add or change a service; with ``by`` and ``now``, audited (each field changed, from and to)."""
    existing = Service.find(salon_id=salon_id, service_id=service.id, consistent=True)
    before = _service_fields(existing)
    if create and existing is not None:
        raise Conflict(f"service {service.id} exists", code="service_exists")
    if not create and existing is None:
        raise NotFound(f"service {service.id} not found", code="service_not_found")
    item = existing or Service(salon_id=salon_id, service_id=service.id)
    item.name = service.name
    item.duration_minutes = service.duration_minutes
    item.price_amount = service.price.amount
    item.repeat_interval_days = service.repeat_interval_days
    item.active = service.active
    item.description = service.description
    item.category = service.category
    try:
        item.save()
    except (PutError, UpdateError) as exc:
        raise Conflict("the service changed meanwhile; retry", code="concurrent_update") from exc
    forget(salon_id)
    after = _service_fields(item)
    _audited(
        salon_id,
        "service.created" if create else "service.updated",
        by,
        now,
        service_id=service.id,
        changes={name: [before.get(name), after[name]] for name in _changed(before, after)},
    )
    return service


def _staff_fields(item: StaffMember | None) -> dict[str, object]:
    names = (
        "name",
        "phone",
        "email",
        "working_hours",
        "breaks",
        "days_off",
        "service_ids",
        "active",
        "title",
        "photo_url",
    )
    return {name: getattr(item, name) for name in names} if item is not None else {}


def put_staff(
    salon_id: str,
    member: salon_model.StaffMember,
    *,
    create: bool,
    by: str | None = None,
    now: datetime | None = None,
) -> salon_model.StaffMember:
    """Add or change a staff member; with ``by`` and ``now``, audited (the fields changed, by name)."""
    existing = StaffMember.find(salon_id=salon_id, staff_id=member.id, consistent=True)
    before = _staff_fields(existing)
    if create and existing is not None:
        raise Conflict(f"staff member {member.id} exists", code="staff_exists")
    if not create and existing is None:
        raise NotFound(f"staff member {member.id} not found", code="staff_not_found")
    item = existing or StaffMember(salon_id=salon_id, staff_id=member.id)
    item.name = member.name
    item.phone = member.phone
    item.email = member.email
    item.working_hours = member.working_hours
    item.breaks = member.breaks
    item.days_off = {d.isoformat() for d in member.days_off}
    item.service_ids = list(member.service_ids)
    item.active = member.active
    item.title = member.title
    item.photo_url = member.photo_url
    try:
        item.save()
    except (PutError, UpdateError) as exc:
        raise Conflict("the staff member changed meanwhile; retry", code="concurrent_update") from exc
    forget(salon_id)
    _audited(
        salon_id,
        "staff.created" if create else "staff.updated",
        by,
        now,
        staff_id=member.id,
        fields=_changed(before, _staff_fields(item)),
    )
    return member
