"""DynamoDB Local for the tests that need the real engine (a pytest plugin): one server per test
session, that is per xdist worker, whichever tiers the worker runs."""

from __future__ import annotations

import os

import pytest
from regulars.store.base import Entity
from regulars_local.emulator import dynamodb_local


@pytest.fixture(scope="session")
def dynamodb():
    server = dynamodb_local.start()
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = server.endpoint
    os.environ["AWS_ENDPOINT_URL_DYNAMODB_STREAMS"] = server.endpoint
    Entity._connection = None
    yield server
    server.stop()
