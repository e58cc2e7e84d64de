"""Calendar files: a visit's ``.ics`` behind its manage link, and a staff member's read-only feed
behind a secret URL (the owner or a manager makes, rotates and revokes it; only its hash is kept).

A visit is one event for its whole life: the same UID, a SEQUENCE that grows with each move and with
the cancellation, so a calendar that loads the file again moves its event or marks it cancelled. The
feed lists the staff member's visits from a week back to the salon's booking horizon ahead, each as
the client's first name and the service (it lives in a phone's calendar app: no phone number, no
surname); it is one Query of that member's day book, and counted per feed and hour."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.booking import calendar_repo as store
from regulars.booking import manage, protection
from regulars.booking import repo as appointment_store
from regulars.core import appointments as m
from regulars.core import ics
from regulars.core.config import manage_link_secret
from regulars.core.errors import Conflict, Forbidden, NotFound
from regulars.core.ids import new_id
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon
from regulars.store import audit

CHANGES = frozenset({"moved", "cancelled", "no_show"})  # what a calendar must see again
FEED_PAST = timedelta(days=7)
FEED_MOST_DAYS = 62


def sequence(a: m.Appointment) -> int:
    """0 for the visit as booked, one more with each change a calendar must see."""
    return sum(1 for h in a.history if h.action in CHANGES)


def _status(a: m.Appointment) -> ics.EventStatus:
    return "CANCELLED" if a.status in manage.DEAD else "CONFIRMED"


def _location(salon: Salon) -> str:
    return f"{salon.name}, {salon.address}" if salon.address else salon.name


def _names(catalog: Catalog, parts: list[m.Segment]) -> tuple[str, str]:
    """The services of ``parts`` ("Haircut + Manicure") and who does them ("Anna, Marta")."""
    services = [catalog.services.get(p.service_id) for p in parts]
    staff = [catalog.staff.get(i) for i in dict.fromkeys(p.staff_id for p in parts)]
    return (
        " + ".join(x.name if x else p.service_id for x, p in zip(services, parts, strict=True)),
        ", ".join(x.name for x in staff if x),
    )


def visit_event(catalog: Catalog, a: m.Appointment) -> ics.Event:
    """The client's event for a visit: its services and who does them, at the salon."""
    service, staff = _names(catalog, a.parts())
    return ics.Event(
        uid=f"visit-{a.id}@{catalog.salon.id}.regulars",
        sequence=sequence(a),
        start=a.start,
        end=a.end,
        summary=f"{service} · {staff}" if staff else service,
        status=_status(a),
        location=_location(catalog.salon),
        last_modified=a.updated_at,
    )


def first_name(name: str | None) -> str:
    return (name or "").strip().split(" ")[0] or "—"


def staff_event(catalog: Catalog, a: m.Appointment, staff_id: str) -> ics.Event:
    """The staff member's event for a visit: the client's first name and the service(s) this member
    does, over their own part of a visit of several services; nothing more."""
    mine = [p for p in a.parts() if p.staff_id == staff_id] or a.parts()
    service, _ = _names(catalog, mine)
    return ics.Event(
        uid=f"staff-{a.id}@{catalog.salon.id}.regulars",
        sequence=sequence(a),
        start=min(p.start for p in mine),
        end=max(p.end for p in mine),
        summary=f"{first_name(a.client_name)} · {service}",
        status=_status(a),
        location=catalog.salon.name,
        last_modified=a.updated_at,
    )


def visit_file(token: str, now: datetime) -> str:
    """The ``.ics`` of the visit behind a manage link (either scope), cancelled ones included."""
    shown = manage.show(token, now)
    return ics.calendar(
        [visit_event(shown.catalog, shown.appointment)], stamp=now, name=shown.catalog.salon.name
    )


# ------------------------------------------------------------------------------ the staff feed
@dataclass(frozen=True)
class FeedState:
    active: bool
    created_at: datetime | None = None
    created_by: str | None = None
    path: str | None = None  # only in the answer that made the secret


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key_hash(salon_id: str, staff_id: str, key: str) -> str:
    return hmac.new(
        manage_link_secret(), f"calfeed-key:{salon_id}:{staff_id}:{key}".encode(), "sha256"
    ).hexdigest()


def _secret(salon_id: str, staff_id: str, key: str | None) -> str:
    """A new secret: random, or, for a rotation with an Idempotency-Key, the keyed hash of that key
    (a retry makes the same secret; nobody without the link key can)."""
    if key is None:
        return secrets.token_urlsafe(32)
    mac = hmac.new(manage_link_secret(), f"calfeed:{salon_id}:{staff_id}:{key}".encode(), "sha256")
    return mac.hexdigest()


def feed_path(salon_id: str, staff_id: str, secret: str) -> str:
    """The feed's path under the API's base URL (which the console knows)."""
    return f"/v1/calendar-feeds/{salon_id}/{staff_id}/{secret}"


def _member(salon_id: str, staff_id: str) -> Catalog:
    catalog = catalog_store.load_catalog(salon_id)
    if staff_id not in catalog.staff:
        raise NotFound(f"staff member {staff_id} not found", code="staff_not_found")
    return catalog


def feed_state(salon_id: str, staff_id: str) -> FeedState:
    _member(salon_id, staff_id)
    feed = store.find(salon_id, staff_id)
    if feed is None:
        return FeedState(active=False)
    return FeedState(active=True, created_at=feed.created_at, created_by=feed.created_by)


def rotate(salon_id: str, staff_id: str, *, key: str | None, now: datetime, by: str) -> FeedState:
    """A new secret URL for the staff member's feed; the previous URL stops working at once. With the
    same Idempotency-Key again, the same URL (nothing changes); a key used for an earlier rotation
    is refused (409 idempotency_key_reused), so no old secret comes back."""
    _member(salon_id, staff_id)
    feed = store.find(salon_id, staff_id)
    secret = _secret(salon_id, staff_id, key)
    key_hash = _key_hash(salon_id, staff_id, key) if key else None
    if feed is not None and key_hash is not None:
        if feed.key_hash == key_hash and hmac.compare_digest(feed.secret_hash, _hash(secret)):
            return FeedState(True, feed.created_at, feed.created_by, feed_path(salon_id, staff_id, secret))
        if key_hash in feed.used_keys:
            raise Conflict("this Idempotency-Key made an earlier feed URL", code="idempotency_key_reused")
    used = [*(feed.used_keys if feed else []), *([key_hash] if key_hash else [])]
    new = store.Feed(salon_id, staff_id, _hash(secret), key_hash, used, now, by)
    action = "calendar_feed.rotated" if feed else "calendar_feed.created"
    store.replace(new, audit.entry(salon_id, new_id(now), action, by, now, detail={"staff_id": staff_id}))
    return FeedState(True, now, by, feed_path(salon_id, staff_id, secret))


def revoke(salon_id: str, staff_id: str, *, now: datetime, by: str) -> None:
    """The feed's URL stops working; revoking a feed there is not is no change."""
    _member(salon_id, staff_id)
    trail = audit.entry(
        salon_id, new_id(now), "calendar_feed.revoked", by, now, detail={"staff_id": staff_id}
    )
    store.delete(salon_id, staff_id, trail)


def feed_file(salon_id: str, staff_id: str, secret: str, now: datetime) -> str:
    """The staff member's calendar, for the feed's secret URL; Forbidden for any other secret (another
    salon's, another member's, a rotated or revoked one)."""
    feed = store.find(salon_id, staff_id)
    if feed is None or not hmac.compare_digest(feed.secret_hash, _hash(secret)):
        raise Forbidden("this calendar link is not valid", code="invalid_link")
    catalog = catalog_store.load_catalog(salon_id)
    protection.limit_feed(salon_id, staff_id, now)
    horizon = min(catalog.salon.settings.booking_horizon_days, FEED_MOST_DAYS)
    visits = appointment_store.for_staff(salon_id, staff_id, now - FEED_PAST, now + timedelta(days=horizon))
    member = catalog.staff.get(staff_id)
    return ics.calendar(
        [staff_event(catalog, a, staff_id) for a in visits],
        stamp=now,
        name=f"{catalog.salon.name}: {member.name}" if member else catalog.salon.name,
    )
