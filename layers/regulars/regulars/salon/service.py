"""The salon as the other features read it: its profile, and its catalog (profile, services, staff)."""

from __future__ import annotations

from regulars.salon import repo
from regulars.salon.model import Catalog, Salon


def catalog(salon_id: str, *, max_age: float = 0.0) -> Catalog:
    """The salon's profile, services and staff; NotFound for an unknown salon. ``max_age`` > 0 serves
    a copy read within that many seconds."""
    return repo.load_catalog(salon_id, max_age=max_age)


def salon(salon_id: str) -> Salon:
    """The salon's profile and settings; NotFound for an unknown salon."""
    return repo.load_catalog(salon_id).salon
