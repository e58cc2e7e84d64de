"""Act on due jobs from the jobs queue. A failing job is reported back alone (partial batch
response) and retried; after five receives it goes to the dead-letter queue."""

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars import clock
from regulars.jobs import worker
from regulars.notifications import dispatch, reminders  # noqa: F401 - register their job kinds
from regulars.observability import logger, metrics, tracer
from regulars.queues import parse

processor = BatchProcessor(event_type=EventType.SQS)


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    ref = parse(record.body)
    outcome = worker.run(ref, clock.now())
    if outcome is not None:
        logger.info("job", extra={"job_id": ref.job_id, "done": outcome.done, "reason": outcome.reason})
        metrics.add_metric(name="JobsDone" if outcome.done else "JobsSkipped", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
