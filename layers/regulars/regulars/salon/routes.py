"""Admin: the salon's settings, services and staff."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.core.fields import patch_changes
from regulars.http.auth import caller, operation
from regulars.messaging.rules.templates import (
    DEFAULT_TEMPLATES,
    MAX_TEMPLATE_CHARS,
    PLACEHOLDERS,
    MessageKind,
)
from regulars.salon import service as salon_service
from regulars.salon import views as salon_views
from regulars.salon.model import PROFILE, StaffMember
from regulars.salon.schemas import (
    MessageTemplateOut,
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
    return salon_views.salon_admin(salon_service.salon(salon_id))


@router.patch(
    "/v1/admin/salon",
    summary="Change the salon's name, time zone, locale, settings, or what its pages show (address, phone, "
    "logo, colour, privacy policy)",
    tags=["admin: salon"],
)
@operation("salon.update")
def patch_salon(body: SalonSettingsPatch) -> SalonAdminOut:
    salon_id, who = caller(router)
    salon = salon_service.update(
        salon_id,
        by=who,
        now=clock.now(),
        name=body.name,
        timezone=body.timezone,
        locale=body.locale,
        settings=body.settings,
        profile={k: v for k, v in body.model_dump(exclude_unset=True).items() if k in PROFILE},
    )
    return salon_views.salon_admin(salon)


@router.get(
    "/v1/admin/salon/templates",
    summary="The message kinds the salon may write its own texts for: their placeholders and default texts",
    tags=["admin: salon"],
)
@operation("salon.read")
def list_templates() -> list[MessageTemplateOut]:
    caller(router)
    return [
        MessageTemplateOut(
            kind=kind.value,
            placeholders=sorted(PLACEHOLDERS[kind]),
            defaults=dict(DEFAULT_TEMPLATES[kind]),
            max_chars=MAX_TEMPLATE_CHARS,
        )
        for kind in MessageKind
    ]


# ------------------------------------------------------------------------------------ services
@router.get("/v1/admin/services", summary="All services, inactive ones included", tags=["admin: services"])
@operation("services.read")
def list_services() -> list[ServiceAdminOut]:
    salon_id, _ = caller(router)
    return [salon_views.service_admin(x) for x in salon_service.services(salon_id)]


@router.post("/v1/admin/services", summary="Add a service", tags=["admin: services"], status_code=201)
@operation("services.create")
def create_service(body: ServiceIn) -> tuple[ServiceAdminOut, int]:
    salon_id, who = caller(router)
    service = salon_service.add_service(
        salon_id,
        service_id=body.id,
        name=body.name,
        duration_minutes=body.duration_minutes,
        price_amount=body.price_amount,
        repeat_interval_days=body.repeat_interval_days,
        active=body.active,
        description=body.description,
        category=body.category,
        by=who,
        now=clock.now(),
    )
    return salon_views.service_admin(service), 201


@router.get("/v1/admin/services/<service_id>", summary="One service", tags=["admin: services"])
@operation("services.read")
def get_service(service_id: ObjectId) -> ServiceAdminOut:
    salon_id, _ = caller(router)
    return salon_views.service_admin(salon_service.service(salon_id, service_id))


@router.patch("/v1/admin/services/<service_id>", summary="Change a service", tags=["admin: services"])
@operation("services.update")
def patch_service(service_id: ObjectId, body: ServicePatch) -> ServiceAdminOut:
    salon_id, who = caller(router)
    changes = patch_changes(body, frozenset({"repeat_interval_days", "description", "category"}))
    return salon_views.service_admin(
        salon_service.change_service(salon_id, service_id, changes, by=who, now=clock.now())
    )


# ------------------------------------------------------------------------------------ staff
@router.get("/v1/admin/staff", summary="All staff members", tags=["admin: staff"])
@operation("staff.read")
def list_staff() -> list[StaffMember]:
    salon_id, _ = caller(router)
    return salon_service.staff(salon_id)


@router.post("/v1/admin/staff", summary="Add a staff member", tags=["admin: staff"], status_code=201)
@operation("staff.create")
def create_staff(body: StaffIn) -> tuple[StaffMember, int]:
    salon_id, who = caller(router)
    return salon_service.add_member(salon_id, StaffMember(**body.model_dump()), by=who, now=clock.now()), 201


@router.get("/v1/admin/staff/<staff_id>", summary="One staff member", tags=["admin: staff"])
@operation("staff.read")
def get_staff(staff_id: ObjectId) -> StaffMember:
    salon_id, _ = caller(router)
    return salon_service.member(salon_id, staff_id)


@router.patch(
    "/v1/admin/staff/<staff_id>",
    summary="Change a staff member (hours, breaks, days off, services)",
    tags=["admin: staff"],
)
@operation("staff.update")
def patch_staff(staff_id: ObjectId, body: StaffPatch) -> StaffMember:
    salon_id, who = caller(router)
    changes = patch_changes(body, frozenset({"phone", "email", "title", "photo_url"}))
    return salon_service.change_member(salon_id, staff_id, changes, by=who, now=clock.now())
