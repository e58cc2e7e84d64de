"""Every minute: move the jobs that are due to the jobs queue, once, from the watermark to now."""

from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars.core import clock
from regulars.runtime.jobs.ticker import tick
from regulars.runtime.observability import logger, tracer
from regulars.runtime.queues import send_jobs


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict, context: LambdaContext) -> dict:
    queued = days = 0
    while True:  # after an outage, catch up while this invocation has time
        report = tick(clock.now(), send_jobs)
        queued, days = queued + report.queued, days + report.days
        if not report.late or report.refused or context.get_remaining_time_in_millis() < 15_000:
            break
    if queued:  # in the log, not a custom metric (billed by the hours it has data: most of them)
        logger.info("jobs queued", extra={"queued": queued, "days": days})
    if report.late:
        logger.warning("the ticker is catching up", extra={"watermark": str(report.watermark)})
    return {"days": days, "queued": queued, "refused": len(report.refused), "late": report.late}
