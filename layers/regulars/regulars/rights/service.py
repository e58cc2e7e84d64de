"""A client's rights over their data: everything the salon holds about them, as JSON, and erasure
on request. Both are written to the salon's audit trail, which is read here too.

Erasure anonymises rather than deletes: the client item stays with its figures (visits, spend,
lifecycle status) and its visits, messages, ledger and defections stay with what they count, so the
salon's statistics, bonus liability and message costs stay right; what goes is what identifies the
person (name, phone, e-mail, birthday, notes, tags, chat ids, addresses, push endpoints, words they
wrote or were sent, words written of them) and every way back to them (the phone index, the name and
lifecycle indexes, in-bound contacts, provider ids, referral codes, Telegram links, stored request
answers, the push endpoints at SNS)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from regulars.booking.protection import phone_key
from regulars.clients import repo as client_store
from regulars.clients.model import AuditRecord
from regulars.core.errors import Conflict, InvalidInput, NotFound
from regulars.core.ids import new_id
from regulars.core.schedule import local_instant
from regulars.loyalty.referrals import codes_of
from regulars.messaging.channels import capabilities, push_devices
from regulars.messaging.contacts.telegram_link import tokens_for
from regulars.messaging.rules.routing import Channel
from regulars.rights import repo as erasure
from regulars.salon import service as salon_service
from regulars.store import audit, filed
from regulars.waitlist import service as waitlist

ATTEMPTS = 5
TRAIL_DAYS = 365  # how far back the audit trail reads when no start is given


def export(salon_id: str, client_id: str, who: str, now: datetime) -> dict[str, Any]:
    """Everything held about the client, each item with its own attributes; audited."""
    item = client_store.get_item(salon_id, client_id)
    if item is None:
        raise NotFound(f"client {client_id} not found", code="client_not_found")
    held = erasure.holdings(
        salon_id, item, filed.under_client(salon_id, client_id), phone_key(item.phone) if item.phone else None
    )
    out: dict[str, Any] = {"exported_at": now.isoformat(), "salon_id": salon_id, **held}
    counts = {name: len(out[name]) for name in (*erasure.SECTIONS, "messages_about", "campaigns", "waitlist")}
    counts["lots"] = len(held["loyalty"]["lots"])
    audit.record(
        audit.entry(salon_id, new_id(now), "client.exported", who, now, client_id=client_id, detail=counts)
    )
    return out


def erase(
    salon_id: str, client_id: str, who: str, now: datetime, reason: str | None = None
) -> dict[str, Any]:
    """Remove the client's personal data everywhere; what it counts in the salon's figures stays.
    Refused while the client has a visit to come (cancel it first). Erasing twice is a no-op."""
    item = client_store.get_item(salon_id, client_id)
    if item is None:
        raise NotFound(f"client {client_id} not found", code="client_not_found")
    if item.erased_at is not None:
        return {"client_id": client_id, "erased_at": item.erased_at.isoformat(), "already": True}
    items = filed.under_client(salon_id, client_id)
    upcoming = erasure.upcoming_visits(items, now)
    if upcoming:
        raise Conflict(
            f"the client has {upcoming} visit(s) to come: cancel them first",
            code="client_has_upcoming_visits",
        )
    addresses = erasure.message_addresses(items)
    for can in capabilities.CAPABILITIES.values():  # where the client can write from (their phone, a chat)
        address = can.address_in(item.phone, item.channels or {}) if can.inbound else None
        if address is not None:
            addresses.add((can.channel.value, address))
    done: dict[str, int] = {
        "push_endpoints": push_devices.forget(_push_endpoints(item.channels or {}, items))
    }
    words = erasure.words_of(items)
    done |= erasure.scrub(salon_id, client_id, items, now)
    if item.phone:  # one-time codes sent to the phone before the salon knew it as this client's
        codes = erasure.about(salon_id, phone_key(item.phone))
        for message in codes:
            erasure.scrub_message(message, now)
        done["codes"] = len(codes)
        done["waitlist"] = waitlist.forget_phone(salon_id, item.phone)
    done["contacts"] = erasure.forget_addresses(salon_id, addresses)
    visits = erasure.visit_ids(items)
    done["answers"] = erasure.forget_answers(
        salon_id, [n for n in (client_id, item.phone, item.email, *visits) if n]
    )
    done["links"] = done.get("links", 0) + erasure.forget_links(
        salon_id, codes_of(salon_id, client_id), tokens_for(salon_id, client_id)
    )
    done["jobs"] = erasure.forget_jobs(salon_id, erasure.job_subjects(client_id, items), now, words)
    done["snapshot"] = erasure.forget_in_snapshot(salon_id, client_id)
    entry = audit.entry(
        salon_id,
        new_id(now),
        "client.erased",
        who,
        now,
        client_id=client_id,
        detail={"reason": reason, **done},
    )
    for _ in range(ATTEMPTS):
        if erasure.erase_client(item, now, entry, words):
            return {"client_id": client_id, "erased_at": now.isoformat(), "already": False, "removed": done}
        item = client_store.get_item(salon_id, client_id)  # the stream refreshed it meanwhile: again
        if item is None or item.erased_at is not None:
            break
    raise Conflict("the client changed meanwhile; retry", code="concurrent_update")


def audit_trail(
    salon_id: str, since: date | None, until: date | None, *, now: datetime, limit: int = 200
) -> list[AuditRecord]:
    """The salon's audit trail from ``since`` to ``until`` (whole days of the salon's calendar, as the
    console's dates are; by default the year up to today), newest first; InvalidInput if ``since`` is
    after ``until``."""
    zone = salon_service.zone(salon_id)
    until = until or now.astimezone(zone).date()
    since = since or until - timedelta(days=TRAIL_DAYS)
    if since > until:
        raise InvalidInput.field("from", "must not be after to")
    end = local_instant(until + timedelta(days=1), time.min, zone) - timedelta(microseconds=1)
    entries = audit.trail(salon_id, local_instant(since, time.min, zone), end, limit=limit)
    return [
        AuditRecord(
            id=e.entry_id, at=e.at, action=e.action, by=e.by, client_id=e.client_id, detail=e.detail or {}
        )
        for e in entries
    ]


def _push_endpoints(channels: dict, items: list) -> set[str]:
    """The client's push endpoints at SNS: the one registered now and any a message went to before."""
    push = capabilities.of(Channel.PUSH)
    endpoints = {
        address for channel, address in erasure.message_addresses(items) if channel == push.channel.value
    }
    current = push.address_in(None, channels)
    return endpoints | ({current} if current else set())
