"""Shared test set-up: a fixed environment before any application module is imported."""

import os

os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
os.environ.setdefault("MANAGE_LINK_SECRET", "test-manage-link-secret")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "RegularsTest")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "regulars")

# Every AWS call a function makes in the run is checked against its IAM policy in template.yaml.
pytest_plugins = ["support.iam_check"]
