"""The functions' AWS calls against their IAM policies in template.yaml, as AWS would judge them.

The secrets are SecureStrings in SSM (a moto server), as in AWS, and the handlers are invoked
in-process by the template's CodeUri; every AWS call they make is recorded at botocore and checked
against the policy the template gives that function (expanded by aws-sam-translator)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from regulars.booking import service as booking
from regulars.store import jobs as job_store
from regulars.store.jobs import JobRef
from regulars_local import aws_calls, iam
from regulars_local.aws import MotoServer, client
from regulars_local.template import TEMPLATE, load
from support.iam_check import in_process_stack
from support.lambda_ import AdminApi, context_for, handler
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration

SALON = "salon-a"
LINK_KEY = "/regulars/manage-link-secret"  # the template's MANAGE_LINK_SECRET_PARAMETER


@pytest.fixture(scope="module")
def moto():
    server = MotoServer()
    endpoint = server.start()
    yield endpoint
    server.stop()


@pytest.fixture
def secrets_in_ssm(moto, monkeypatch):
    """The manage-link key in SSM only, as an operator puts it there; read through Powertools."""
    from aws_lambda_powertools.utilities import parameters

    client("ssm", moto, "us-east-1").put_parameter(Name=LINK_KEY, Value="a-key-from-ssm", Type="SecureString",
                                                     Overwrite=True)
    monkeypatch.delenv("MANAGE_LINK_SECRET", raising=False)
    monkeypatch.setenv("MANAGE_LINK_SECRET_PARAMETER", LINK_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto)
    parameters.clear_caches()
    yield
    parameters.clear_caches()


@pytest.fixture
def recorded(tmp_path):
    with aws_calls.recording(tmp_path / "calls", in_process_stack):
        yield tmp_path / "calls"


def _feedback_request_job(table, clock_at) -> JobRef:
    """A completed visit, through the stream processor: its feedback request is due."""
    made = AdminApi(SALON).post("/v1/admin/appointments", {
        "service_id": "haircut", "staff_id": "anna", "start": "2026-11-23T08:00:00+01:00", "outside_hours": True,
        "client": {"name": "Nora", "phone": "+49 170 5554000"}}).json
    booking.complete(SALON, made["id"], paid_amount=4500, now=clock_at, by="admin")
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []}
    (job,) = [j for j in job_store.jobs_of(SALON, f"APPT#{made['id']}") if j.kind == "feedback-request"]
    ref = JobRef(SALON, job.job_id)
    assert job_store.mark_queued(ref, job.due_at)  # as the ticker does
    return ref


def _run_job_worker(ref: JobRef) -> None:
    from regulars.queues import body

    message = {"messageId": "m1", "receiptHandle": "r", "body": body(ref), "attributes": {},
               "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
               "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:jobs", "awsRegion": "us-east-1"}
    assert handler("job_worker")({"Records": [message]}, context_for("job_worker")) == {"batchItemFailures": []}
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
        table, clock_at, secrets_in_ssm, recorded, tmp_path):
    make_salon(SALON, clock_at)
    ref = _feedback_request_job(table, clock_at)
    _run_job_worker(ref)

    records, stacks = aws_calls.read(recorded)
    worker = iam.check([r for r in records if r["function"] == "JobWorkerFunction"], stacks)
    assert ("ssm.GetParameter", iam.Request("ssm:GetParameter",
            f"arn:aws:ssm:us-east-1:123456789012:parameter{LINK_KEY}")) in worker.checked["JobWorkerFunction"]
    everyone = iam.check(records, stacks)
    assert everyone.denials == [], everyone.text()

    # the same calls against the template without the job worker's SSM read: the read is denied
    denied = iam.check(records, stacks, _without_job_worker_ssm_read(tmp_path))
    assert {(d.function, d.request.action, d.request.resource) for d in denied.denials} == {
        ("JobWorkerFunction", "ssm:GetParameter", f"arn:aws:ssm:us-east-1:123456789012:parameter{LINK_KEY}")}
    assert "JobWorkerFunction: ssm.GetParameter needs ssm:GetParameter" in denied.text()
