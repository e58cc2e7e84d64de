"""Integration tests run against DynamoDB Local: one server per test session (per xdist worker: the
``dynamodb`` fixture of support/dynamodb.py), a fresh table per test, created from template.yaml's own
definition of the table."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from regulars.salon import repo as catalog_store
from regulars.store.base import bind_table
from regulars_local.emulator import dynamodb_local

_names = itertools.count()


@pytest.fixture
def table(dynamodb):
    client = dynamodb_local.client(dynamodb.endpoint)
    name = f"regulars-test-{next(_names)}-{uuid.uuid4().hex[:6]}"
    dynamodb_local.create_table(client, name)
    bind_table(name)
    catalog_store._cache.clear()
    yield name
    client.delete_table(TableName=name)


@pytest.fixture(scope="session")
def moto():
    """A moto server on loopback (SNS, SQS, SSM, Cognito), one per test session: its endpoint."""
    from regulars_local.emulator.aws import MotoServer

    server = MotoServer()
    endpoint = server.start()
    yield endpoint
    server.stop()


@pytest.fixture
def fake_telegram():
    """The fake Telegram Bot API, a real HTTP server on loopback."""
    from regulars_local.providers import FakeTelegram

    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def ddb(dynamodb):
    return dynamodb_local.client(dynamodb.endpoint)


@pytest.fixture
def now():
    """A fixed Monday morning, 2026-11-23 08:00 UTC (09:00 in Berlin)."""
    return datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock_at(now):
    """Run the application's clock from a minute before ``now`` (the handlers read regulars.core.clock),
    so that a test's seconds of real time never push "now" past ``now``."""
    from regulars.core import clock

    saved = clock.offset()
    clock.set_offset(now - timedelta(minutes=1) - datetime.now(UTC))
    yield now
    clock.set_offset(saved)


@pytest.fixture
def salon(table, clock_at):
    from support.salon import make_salon

    return make_salon("salon-a", clock_at)


@pytest.fixture
def public():
    from support.lambda_ import PublicApi

    return PublicApi()


@pytest.fixture(autouse=True)
def _execution_environments():
    """Execution environments a test started as processes (support.lambda_) end with the test."""
    from support.lambda_ import stop_environments

    yield
    stop_environments()
