"""A client invited back by the salon, from the retention desk: the win-back message in the client's
language (the salon's own text, if it has one), with a bonus if the salon gives one. Only to a client
who agreed to offers; planned through the outbox like every message (quiet hours, the marketing cap).
The same key, the same invitation: a retried request credits and plans nothing new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from regulars.clients import repo as client_store
from regulars.core.errors import Conflict
from regulars.core.ids import new_id
from regulars.loyalty import credits as loyalty
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord
from regulars.messaging.rules.routing import Purpose
from regulars.messaging.rules.templates import MessageKind
from regulars.retention import lifecycle
from regulars.retention.winback import may_market
from regulars.store import audit

SOURCE = "invitation"


@dataclass(frozen=True)
class Invitation:
    message: MessageRecord
    bonus_amount: int
    bonus_expires_at: datetime | None


def invite_back(
    salon_id: str,
    client_id: str,
    *,
    offer: str,
    bonus_amount: int,
    bonus_lifetime_days: int,
    key: str,
    by: str,
    now: datetime,
) -> Invitation:
    """Credit the bonus (if any) and plan the invitation, once per ``key``. NotFound for a client not of
    the salon; Conflict once their data was erased, without their consent to offers, for a bonus while
    the salon's bonus programme is off, or for a ``key`` used for another invitation."""
    client = client_store.get_reachable(salon_id, client_id)
    message_id = f"invite-{client_id}-{key}"
    values: dict = {"offer": f"{offer} " if offer else "", "by": by}
    expires = loyalty.lot_expiry(now, bonus_lifetime_days) if bonus_amount else None
    if expires is not None:
        values.update(amount=bonus_amount, expires_at=expires.isoformat())
    kind = MessageKind.WINBACK_BONUS if bonus_amount else MessageKind.WINBACK
    earlier = outbox.get(salon_id, message_id)
    if earlier is not None:
        if (earlier.client_id, earlier.kind, earlier.values.get("offer"), earlier.values.get("amount")) != (
            client_id,
            kind.value,
            values["offer"],
            values.get("amount"),
        ):
            raise Conflict(
                "this Idempotency-Key was used for another invitation", code="idempotency_key_reused"
            )
        return _answer(earlier)
    if not may_market(client):
        raise Conflict("the client has not agreed to offers", code="no_marketing_consent")
    if bonus_amount:
        if not lifecycle.catalog(salon_id).salon.settings.loyalty.enabled:
            raise Conflict("the salon's bonus programme is off", code="loyalty_off")
        loyalty.credit(
            salon_id,
            client_id,
            amount=bonus_amount,
            source=SOURCE,
            source_id=message_id,
            lifetime_days=bonus_lifetime_days,
            at=now,
            now=now,
            by=by,
            reason="invited back by the salon",
            announce=None,  # the invitation says it
            trail=audit.entry(
                salon_id,
                new_id(now),
                "client.invited",
                by,
                now,
                client_id=client_id,
                detail={"bonus_amount": bonus_amount, "bonus_lifetime_days": bonus_lifetime_days},
            ),
        )
    else:
        audit.record(audit.entry(salon_id, new_id(now), "client.invited", by, now, client_id=client_id))
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=salon_id,
            message_id=message_id,
            kind=kind.value,
            purpose=Purpose.MARKETING.value,
            recipient="client",
            client_id=client_id,
            created_at=now,
            values=values,
        )
    )
    planned = outbox.get(salon_id, message_id)
    assert planned is not None  # planned just now, or by a concurrent retry of the same key
    return _answer(planned)


def _answer(message: MessageRecord) -> Invitation:
    amount = int(message.values.get("amount") or 0)
    expires = message.values.get("expires_at")
    return Invitation(message, amount, datetime.fromisoformat(expires) if expires else None)
