"""Fault injection at the AWS SDK boundary: a botocore event hook on the DynamoDB client every entity
shares makes a chosen write fail as DynamoDB would fail it. Nothing of ours is replaced."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator

from botocore.exceptions import ClientError
from regulars.store.base import Entity

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


@contextlib.contextmanager
def failing_write(
    words: str, *, code: str = "InternalServerError", message: str = "injected failure", times: int = 1
) -> Iterator[dict]:
    """The first ``times`` DynamoDB writes whose request mentions ``words`` fail with ``code`` and
    ``message``; the dict yielded counts them ("failed")."""
    events = Entity.connection().client.meta.events
    state = {"failed": 0}
    hook_id = f"failing-write-{uuid.uuid4().hex}"

    def hook(params: dict, **_: object) -> None:
        if state["failed"] < times and words in json.dumps(params, default=str):
            state["failed"] += 1
            raise ClientError({"Error": {"Code": code, "Message": message}}, "write")

    for operation in WRITES:
        events.register(
            f"before-parameter-build.dynamodb.{operation}", hook, unique_id=f"{hook_id}-{operation}"
        )
    try:
        yield state
    finally:
        for operation in WRITES:
            events.unregister(
                f"before-parameter-build.dynamodb.{operation}", unique_id=f"{hook_id}-{operation}"
            )
