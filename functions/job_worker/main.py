"""Act on due jobs from the jobs queue. A failing job is reported back alone (partial batch
response) and retried; after five receives it goes to the dead-letter queue. Which function acts
on which kind of job is the worker's one table (regulars.app.jobs)."""

from regulars.app import jobs
from regulars.core import clock
from regulars.runtime.observability import BatchRecord, batch_handler, logger, tracer
from regulars.runtime.queues import parse


@tracer.capture_method
def record_handler(record: BatchRecord) -> None:
    ref = parse(record.body)
    outcome = jobs.run(ref, clock.now())
    if outcome is not None:
        # done and skipped jobs are counted from this line (Logs Insights), not by a custom metric
        logger.info("job", extra={"job_id": ref.job_id, "done": outcome.done, "reason": outcome.reason})


handler = batch_handler("SQS", record_handler)
