"""The third index, on DynamoDB Local: a message's and a job's changes of status write no index entry
(its entry holds the keys and what never changes), what is found there is read whole, and the upgrade
moves the items of earlier releases from the second index to it, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from regulars.app import index_upgrade_repo as index_upgrade
from regulars.messaging.outbox import repo as outbox
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.repo import JobRef
from regulars.store.base import table_name

pytestmark = pytest.mark.integration
SALON = "salon-a"


def _message(n: int, at, purpose: str = "marketing") -> str:
    message_id = f"m{n}"
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=SALON,
            message_id=message_id,
            kind="campaign" if purpose == "marketing" else "reminder",
            purpose=purpose,
            recipient="client",
            created_at=at + timedelta(minutes=n),
            client_id="c1",
            values={"name": "Olga"},
        )
    )
    return message_id


def _index_entries(ddb, index: str) -> list[dict]:
    return ddb.scan(TableName=table_name(), IndexName=index)["Items"]


def _as_before_the_upgrade(ddb, pk: str, sk: str) -> None:
    """The item as earlier releases filed it: in the second index, not in the third."""
    ddb.update_item(
        TableName=table_name(),
        Key={"PK": {"S": pk}, "SK": {"S": sk}},
        UpdateExpression="SET GSI2PK = GSI3PK, GSI2SK = GSI3SK REMOVE GSI3PK, GSI3SK",
    )


def test_a_status_change_leaves_the_index_entry_alone_and_the_item_is_read_whole(salon, clock_at, ddb):
    message_id = _message(1, clock_at)
    (entry,) = [e for e in _index_entries(ddb, "GSI3") if e["SK"]["S"].endswith(message_id)]
    assert set(entry) == {"PK", "SK", "GSI3PK", "GSI3SK", "type", "kind", "purpose"}
    record = outbox.get(SALON, message_id)
    assert record is not None
    assert outbox.assign(
        record,
        channel="sms",
        address="+491701110001",
        text="Hi",
        locale="en",
        buttons=None,
        values={},
        now=clock_at,
    )
    assert [e for e in _index_entries(ddb, "GSI3") if e["SK"]["S"].endswith(message_id)] == [entry]
    (found,) = outbox.for_client(SALON, "c1", purpose="marketing")
    assert (found.status, found.channel, found.text) == ("queued", "sms", "Hi")
    assert outbox.for_client(SALON, "c1", purpose="transactional") == []


def test_the_upgrade_moves_earlier_messages_and_jobs_once(salon, clock_at, ddb):
    ids = [_message(n, clock_at) for n in range(3)]
    job_store.schedule(
        SALON,
        "j1",
        kind="reminder",
        subject="VISIT#a1",
        due_at=clock_at + timedelta(days=1),
        payload={},
        now=clock_at,
    )
    for item in ddb.query(
        TableName=table_name(),
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"SALON#{SALON}"}},
    )["Items"]:
        if "GSI3PK" in item:
            _as_before_the_upgrade(ddb, item["PK"]["S"], item["SK"]["S"])
    assert outbox.for_client(SALON, "c1") == [] and job_store.jobs_of(SALON, "VISIT#a1") == []
    assert outbox.skip_marketing(SALON, "c1", clock_at) == 0  # what an opt-out would miss

    assert index_upgrade.upgrade(SALON) == {"Message": 3, "Job": 1}
    assert [m.message_id for m in outbox.for_client(SALON, "c1")] == ids[::-1]
    (job,) = job_store.jobs_of(SALON, "VISIT#a1")
    assert (job.job_id, job.status) == ("j1", "pending")
    assert not [e for e in _index_entries(ddb, "GSI2") if e["SK"]["S"].startswith(("MSG#", "JOB#"))]
    assert index_upgrade.upgrade(SALON) == {"Message": 0, "Job": 0}

    assert job_store.cancel_pending(SALON, "VISIT#a1", clock_at) == 1
    assert job_store.mark_queued(JobRef(SALON, "j1"), clock_at) is False  # cancelled, found by its index
    assert outbox.skip_marketing(SALON, "c1", clock_at) == 3
