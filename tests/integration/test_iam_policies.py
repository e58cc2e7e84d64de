"""The functions' AWS calls against their IAM policies in template.yaml, as AWS would judge them.

The secrets are SecureStrings in SSM (a moto server), as in AWS, and the handlers are invoked
in-process by the template's CodeUri; every AWS call they make is recorded at botocore and checked
against the policy the template gives that function (expanded by aws-sam-translator)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from regulars.clients import repo as client_store
from regulars.core.config import settings
from regulars.loyalty import checkout
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.sender import SendRef
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.repo import JobRef
from regulars_local.emulator.aws import client
from regulars_local.emulator.functions import import_handler
from regulars_local.emulator.template import TEMPLATE, functions, load
from regulars_local.iam import calls as aws_calls
from regulars_local.iam import policies as iam
from regulars_local.providers import Forbidden
from support.iam_check import in_process_stack
from support.lambda_ import AdminApi, context_for, handler
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration

SALON = "salon-a"
LINK_KEY = "/regulars/manage-link-secret"  # the template's MANAGE_LINK_SECRET_PARAMETER
BOT_TOKEN = "/regulars/telegram-bot-token"  # TELEGRAM_BOT_TOKEN_PARAMETER
CHAT = 700100300


@pytest.fixture
def secrets_in_ssm(moto, monkeypatch):
    """The manage-link key in SSM only, as an operator puts it there; read through Powertools."""
    from aws_lambda_powertools.utilities import parameters

    client("ssm", moto, "us-east-1").put_parameter(
        Name=LINK_KEY, Value="k1:a-key-from-ssm-0123456789", Type="SecureString", Overwrite=True
    )
    monkeypatch.delenv("MANAGE_LINK_SECRET", raising=False)
    monkeypatch.setenv("MANAGE_LINK_SECRET_PARAMETER", LINK_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto)
    aws_calls.parameter_cache_per_function()  # as in AWS (and the local runtime): no cache shared across functions
    parameters.clear_caches()
    yield
    parameters.clear_caches()


@pytest.fixture
def recorded(tmp_path):
    with aws_calls.recording(tmp_path / "calls", in_process_stack):
        yield tmp_path / "calls"


def _sqs_event(*bodies: str) -> dict:
    return {
        "Records": [
            {
                "messageId": f"m{i}",
                "receiptHandle": "r",
                "body": body,
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:queue",
                "awsRegion": "us-east-1",
            }
            for i, body in enumerate(bodies)
        ]
    }


def _feedback_request_job(table, clock_at) -> JobRef:
    """A completed visit, through the stream processor: its feedback request is due."""
    made = AdminApi(SALON).post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": "2026-11-23T08:00:00+01:00",
            "outside_hours": True,
            "client": {"name": "Nora", "phone": "+49 170 5554000"},
        },
    )
    assert made.status == 201, made.text
    made = made.json
    checkout.complete(SALON, made["id"], paid_amount=4500, now=clock_at, by="admin")
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }
    (job,) = [j for j in job_store.jobs_of(SALON, f"APPT#{made['id']}") if j.kind == "feedback-request"]
    ref = JobRef(SALON, job.job_id)
    assert job_store.mark_queued(ref, job.due_at)  # as the ticker does
    return ref


def _run_job_worker(ref: JobRef) -> None:
    from regulars.runtime.queues import body

    assert handler("job_worker")(_sqs_event(body(ref)), context_for("job_worker")) == {
        "batchItemFailures": []
    }
    assert job_store.get(SALON, ref.job_id).status == "done"


def _without_job_worker_ssm_read(directory: Path) -> Path:
    """template.yaml with the job worker's ssm:GetParameter statement taken out (as JSON, which YAML reads)."""
    doc = json.loads(json.dumps(load(TEMPLATE)))
    policies = doc["Resources"]["JobWorkerFunction"]["Properties"]["Policies"]
    for policy in policies:
        statements = policy.get("Statement", []) if isinstance(policy, dict) else []
        statements[:] = [s for s in statements if s.get("Action") != "ssm:GetParameter"]
    path = directory / "template.json"
    path.write_text(json.dumps(doc))
    return path


def test_the_job_worker_reads_the_manage_link_key_from_ssm_as_its_policy_allows(
    table, clock_at, secrets_in_ssm, recorded, tmp_path
):
    make_salon(SALON, clock_at)
    ref = _feedback_request_job(table, clock_at)
    _run_job_worker(ref)

    records, stacks = aws_calls.read(recorded)
    worker = iam.check([r for r in records if r["function"] == "JobWorkerFunction"], stacks)
    assert (
        "ssm.GetParameter",
        iam.Request("ssm:GetParameter", f"arn:aws:ssm:us-east-1:123456789012:parameter{LINK_KEY}"),
    ) in worker.checked["JobWorkerFunction"]
    everyone = iam.check(records, stacks)
    assert everyone.denials == [], everyone.text()

    # the same calls against the template without the job worker's SSM read: the read is denied
    denied = iam.check(records, stacks, _without_job_worker_ssm_read(tmp_path))
    assert {(d.function, d.request.action, d.request.resource) for d in denied.denials} == {
        ("JobWorkerFunction", "ssm:GetParameter", f"arn:aws:ssm:us-east-1:123456789012:parameter{LINK_KEY}")
    }
    assert "JobWorkerFunction: ssm.GetParameter needs ssm:GetParameter" in denied.text()


@pytest.fixture
def telegram(moto, secrets_in_ssm, monkeypatch, fake_telegram):
    client("ssm", moto, "us-east-1").put_parameter(
        Name=BOT_TOKEN, Value=fake_telegram.token, Type="SecureString", Overwrite=True
    )
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN_PARAMETER", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE", fake_telegram.base_url)
    settings.cache_clear()  # read again with the fake's address
    yield fake_telegram
    settings.cache_clear()


def test_a_telegram_sender_falling_back_renders_the_manage_link_with_the_key_its_policy_lets_it_read(
    table, clock_at, moto, telegram, recorded
):
    """A blocked bot sends the visit's notice to the next channel; rendering it again for that channel
    puts the client's manage link in it, read from SSM by the Telegram sender."""
    make_salon(SALON, clock_at)
    made = (
        AdminApi(SALON)
        .post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": "2026-11-24T10:00:00+01:00",
                "client": {"name": "Mia", "phone": "+49 170 5554001"},
            },
        )
        .json
    )
    client_store.modify(
        SALON,
        made["client_id"],
        lambda c: {"channels": {"telegram": {"chat_id": CHAT, "linked_at": clock_at.isoformat()}}},
    )
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    handler("stream_processor")({"Records": records}, context_for("stream_processor"))
    (notice,) = [m for m in outbox.for_client(SALON, made["client_id"]) if m.kind == "appointment_booked"]
    assert notice.status == "queued"  # routed as it was planned
    assert outbox.get_item(SALON, notice.message_id).channel == "telegram"

    sqs = client("sqs", moto, "us-east-1")
    queues = {name: sqs.create_queue(QueueName=f"messages-{name}")["QueueUrl"] for name in ("send", "dead")}
    sender = import_handler(
        functions()["SenderFunction"],
        environment=1,
        own={
            "SEND_QUEUE_URL": queues["send"],
            "SEND_DEAD_LETTER_QUEUE_URL": queues["dead"],
            "ALARM_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alarms",
        },
    )
    telegram.script(Forbidden.BOT_BLOCKED)
    ref = SendRef.of(outbox.get_item(SALON, notice.message_id))
    assert sender(_sqs_event(ref.body()), context_for("sender")) == {"batchItemFailures": []}
    fallen_back = outbox.get_item(SALON, notice.message_id)
    assert fallen_back.channel == "sms" and re.search(r"/s/[0-9A-Za-z]{8}$", fallen_back.text)

    records, stacks = aws_calls.read(recorded)
    checked = iam.check(records, stacks)
    link_key = iam.Request("ssm:GetParameter", f"arn:aws:ssm:us-east-1:123456789012:parameter{LINK_KEY}")
    assert ("ssm.GetParameter", link_key) in checked.checked["SenderFunction"]
    assert checked.denials == [], checked.text()
