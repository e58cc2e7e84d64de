"""Table changes to domain events (visits booked, moved, cancelled, completed, no-shows).

Each record is handled on its own; a failing record is reported back (partial batch response)
so only it and the records after it are retried, and effects are keyed on the event id."""

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars import clock
from regulars.observability import logger, metrics, tracer
from regulars.stream import handle

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@tracer.capture_method
def record_handler(record: DynamoDBRecord) -> None:
    for event in handle(record.raw_event, clock.now()):
        logger.info("event", extra={"event_type": event.type.value, "event_id": event.event_id})
        metrics.add_metric(name=event.type.value, unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
