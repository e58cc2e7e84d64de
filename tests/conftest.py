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

# Hypothesis judges a property by its examples, not by their speed: on a loaded 2-core machine an
# example can take longer than the default 200 ms deadline and fail a test that holds.
from hypothesis import settings as _hypothesis_settings

_hypothesis_settings.register_profile("regulars", deadline=None)
_hypothesis_settings.load_profile("regulars")

# Every AWS call a function makes in the run is checked against its IAM policy in template.yaml.
pytest_plugins = ["support.iam_check", "support.dynamodb", "support.runtime"]
