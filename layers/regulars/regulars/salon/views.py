"""The salon, its services and times as the API shows them."""

from __future__ import annotations

from datetime import datetime

from regulars.salon.model import Salon, Service
from regulars.salon.schemas import SalonAdminOut, SalonOut, ServiceAdminOut


def salon(x: Salon) -> SalonOut:
    return SalonOut(
        id=x.id,
        name=x.name,
        timezone=x.timezone,
        currency=x.currency,
        locale=x.locale,
        address=x.address,
        phone=x.phone,
        logo_url=x.logo_url,
        brand_color=x.brand_color,
        privacy_url=x.privacy_url,
    )


def salon_admin(x: Salon) -> SalonAdminOut:
    return SalonAdminOut(**salon(x).model_dump(), country=x.country, settings=x.settings)


def local_iso(value: datetime, salon_: Salon) -> str:
    return value.astimezone(salon_.tz).isoformat()


def service_admin(x: Service) -> ServiceAdminOut:
    return ServiceAdminOut(
        id=x.id,
        name=x.name,
        duration_minutes=x.duration_minutes,
        price=x.price,
        repeat_interval_days=x.repeat_interval_days,
        active=x.active,
        description=x.description,
        category=x.category,
    )
