"""The admin console's routes; API Gateway's Cognito authorizer has checked the token."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars.app.http import admin_app
from regulars.runtime.observability import logger, metrics, tracer

app = admin_app()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
