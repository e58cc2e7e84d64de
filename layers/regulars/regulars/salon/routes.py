"""Admin: the salon's settings, services and staff."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aws_lambda_powertools.event_handler.openapi.params import Path

from regulars.core import clock
from regulars.core.errors import InvalidInput, NotFound
from regulars.core.fields import patch_changes
from regulars.core.money import Money
from regulars.http.auth import caller, operation
from regulars.http.router import Router
from regulars.retention import forgetting
from regulars.salon import repo as catalog_store
from regulars.salon import views as salon_views
from regulars.salon.model import Service, StaffMember
from regulars.salon.schemas import (
    SalonAdminOut,
    SalonSettingsPatch,
    ServiceAdminOut,
    ServiceIn,
    ServicePatch,
    StaffIn,
    StaffPatch,
)

router = Router()
ObjectId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/v1/admin/salon", summary="The salon and its settings", tags=["admin: salon"])
@operation("salon.read")
def get_salon() -> SalonAdminOut:
    salon_id, _ = caller(router)
    return salon_views.salon_admin(catalog_store.load_catalog(salon_id).salon)


@router.patch("/v1/admin/salon", summary="Change the salon's name, time zone, locale or settings", tags=["admin: salon"])
@operation("salon.update")
def patch_salon(body: SalonSettingsPatch) -> SalonAdminOut:
    salon_id, who = caller(router)
    changes: dict = {}
    if body.timezone is not None:
        try:
            ZoneInfo(body.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput.field("timezone", "not an IANA time zone, e.g. Europe/Berlin") from exc
        changes["timezone"] = body.timezone
    if body.name is not None:
        changes["name"] = body.name
    if body.locale is not None:
        changes["locale"] = body.locale
    if body.settings is not None:
        changes["settings"] = body.settings.model_dump()
    salon = catalog_store.update_salon(salon_id, by=who, now=clock.now(), **changes)
    forgetting.schedule(salon, clock.now())  # a salon that forgets inactive clients does it tonight
    return salon_views.salon_admin(salon)


# ------------------------------------------------------------------------------------ services
def _service(salon_id: str, service_id: str) -> Service:
    service = catalog_store.load_catalog(salon_id).services.get(service_id)
    if service is None:
        raise NotFound(f"service {service_id} not found", code="service_not_found")
    return service


@router.get("/v1/admin/services", summary="All services, inactive ones included", tags=["admin: services"])
@operation("services.read")
def list_services() -> list[ServiceAdminOut]:
    salon_id, _ = caller(router)
    catalog = catalog_store.load_catalog(salon_id)
    return [salon_views.service_admin(x) for x in sorted(catalog.services.values(), key=lambda x: x.name)]


@router.post("/v1/admin/services", summary="Add a service", tags=["admin: services"], status_code=201)
@operation("services.create")
def create_service(body: ServiceIn) -> tuple[ServiceAdminOut, int]:
    salon_id, who = caller(router)
    currency = catalog_store.load_catalog(salon_id).salon.currency
    service = Service(id=body.id, name=body.name, duration_minutes=body.duration_minutes,
                        price=Money(amount=body.price_amount, currency=currency),
                        repeat_interval_days=body.repeat_interval_days, active=body.active)
    return salon_views.service_admin(catalog_store.put_service(salon_id, service, create=True, by=who, now=clock.now())), 201


@router.get("/v1/admin/services/<service_id>", summary="One service", tags=["admin: services"])
@operation("services.read")
def get_service(service_id: ObjectId) -> ServiceAdminOut:
    salon_id, _ = caller(router)
    return salon_views.service_admin(_service(salon_id, service_id))


@router.patch("/v1/admin/services/<service_id>", summary="Change a service", tags=["admin: services"])
@operation("services.update")
def patch_service(service_id: ObjectId, body: ServicePatch) -> ServiceAdminOut:
    salon_id, who = caller(router)
    current = _service(salon_id, service_id)
    changes = patch_changes(body, frozenset({"repeat_interval_days"}))
    if "price_amount" in changes:
        changes["price"] = Money(amount=changes.pop("price_amount"), currency=current.price.currency)
    updated = current.model_copy(update=changes)
    return salon_views.service_admin(catalog_store.put_service(salon_id, updated, create=False, by=who, now=clock.now()))


# ------------------------------------------------------------------------------------ staff
def _member(salon_id: str, staff_id: str) -> StaffMember:
    member = catalog_store.load_catalog(salon_id).staff.get(staff_id)
    if member is None:
        raise NotFound(f"staff member {staff_id} not found", code="staff_not_found")
    return member


def _check_services(salon_id: str, service_ids: list[str]) -> None:
    known = catalog_store.load_catalog(salon_id).services
    unknown = [x for x in service_ids if x not in known]
    if unknown:
        raise InvalidInput.field("service_ids", f"unknown services: {', '.join(unknown)}")


@router.get("/v1/admin/staff", summary="All staff members", tags=["admin: staff"])
@operation("staff.read")
def list_staff() -> list[StaffMember]:
    salon_id, _ = caller(router)
    return sorted(catalog_store.load_catalog(salon_id).staff.values(), key=lambda x: x.name)


@router.post("/v1/admin/staff", summary="Add a staff member", tags=["admin: staff"], status_code=201)
@operation("staff.create")
def create_staff(body: StaffIn) -> tuple[StaffMember, int]:
    salon_id, who = caller(router)
    _check_services(salon_id, body.service_ids)
    return catalog_store.put_staff(salon_id, StaffMember(**body.model_dump()), create=True, by=who,
                                   now=clock.now()), 201


@router.get("/v1/admin/staff/<staff_id>", summary="One staff member", tags=["admin: staff"])
@operation("staff.read")
def get_staff(staff_id: ObjectId) -> StaffMember:
    salon_id, _ = caller(router)
    return _member(salon_id, staff_id)


@router.patch("/v1/admin/staff/<staff_id>", summary="Change a staff member (hours, breaks, days off, services)",
              tags=["admin: staff"])
@operation("staff.update")
def patch_staff(staff_id: ObjectId, body: StaffPatch) -> StaffMember:
    salon_id, who = caller(router)
    current = _member(salon_id, staff_id)
    changes = patch_changes(body, frozenset({"phone", "email"}))
    if "service_ids" in changes:
        _check_services(salon_id, changes["service_ids"])
    return catalog_store.put_staff(salon_id, current.model_copy(update=changes), create=False, by=who,
                                   now=clock.now())
