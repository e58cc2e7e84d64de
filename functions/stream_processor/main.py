"""Table changes to domain events (visits booked, moved, cancelled, completed, no-shows) and the
outbox's relay (messages planned are dispatched, messages queued are published).

Each record is handled on its own; a failing record is reported back (partial batch response)
so only it and the records after it are retried, and effects are keyed on the event id."""

from regulars.app.stream import handle
from regulars.core import clock
from regulars.runtime import afterwards
from regulars.runtime.observability import (
    BatchRecord,
    PartialItemFailureResponse,
    batch_handler,
    logger,
    tracer,
)


@tracer.capture_method
def record_handler(record: BatchRecord) -> None:
    for event in handle(record.raw_event, clock.now()):  # counted in the logs, not in metrics billed monthly
        logger.info("event", extra={"event_type": event.type.value, "event_id": event.event_id})


_records = batch_handler("DynamoDBStreams", record_handler)


def handler(event: dict, context: object) -> PartialItemFailureResponse:
    """The batch's records, then what they owe each client they touched (lifecycle, tier), once."""
    with afterwards.batch(clock.now):
        return _records(event, context)
