"""The desk's answers: messages as the client card shows them."""

from __future__ import annotations

from regulars.desk.schemas import MessageOut
from regulars.messaging.outbox.model import MessageRecord


def message(x: MessageRecord) -> MessageOut:
    return MessageOut(
        id=x.message_id,
        kind=x.kind,
        purpose=x.purpose,
        status=x.status,
        channel=x.channel,
        appointment_id=x.appointment_id,
        created_at=x.created_at,
        skip_reason=x.skip_reason,
        text=x.text,
        error=x.error,
        attempts=x.attempts,
        throttled=x.throttled,
        not_before=x.not_before,
        sent_at=x.sent_at,
        delivered_at=x.delivered_at,
        segments=x.segments,
        cost_micros=x.cost_amount,
        cost_currency=x.cost_currency,
    )
