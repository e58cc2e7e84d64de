"""Every minute: move the jobs that are due to the jobs queue, once, from the watermark to now."""

from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars import clock
from regulars.jobs.ticker import tick
from regulars.observability import logger, metrics, tracer
from regulars.queues import send_jobs


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    report = tick(clock.now(), send_jobs)
    metrics.add_metric(name="JobsQueued", unit="Count", value=report.queued)
    if report.late:
        logger.warning("the ticker is catching up", extra={"watermark": str(report.watermark)})
    return {"minutes": report.minutes, "queued": report.queued, "refused": len(report.refused)}
