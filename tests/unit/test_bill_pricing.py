"""The billing rules of the benchmarks' bill model (bench/pricing.py, bench/idle.py), against figures
worked out by hand from AWS's published rules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's bench package

from bench import idle, pricing
from bench.pricing import Index, TableShape

SHAPE = TableShape(
    keys=("PK", "SK"),
    indexes=(Index("GSI1", ("GSI1PK", "GSI1SK")), Index("GSI2", ("GSI2PK", "GSI2SK"), "KEYS_ONLY")),
)


def item(size: int, **extra: str) -> dict:
    """An item of exactly ``size`` bytes: PK (2 + 4), SK (2 + 4), and a padding attribute ``p``."""
    out = {"PK": {"S": "pk#1"}, "SK": {"S": "sk#1"}} | {k: {"S": v} for k, v in extra.items()}
    used = pricing.item_size(out) + 1  # the padding attribute's name
    return out | {"p": {"S": "x" * (size - used)}}


def test_an_item_is_its_names_and_values():
    assert (
        pricing.item_size({"PK": {"S": "ab"}, "n": {"N": "12345"}, "ok": {"BOOL": True}}) == 4 + 1 + 4 + 2 + 1
    )
    assert pricing.item_size(item(3000)) == 3000


def test_a_transaction_of_three_items_of_given_sizes():
    # a new 1,500-byte item (2 KB, twice), an update from 900 to 1,100 bytes (the larger: 2 KB, twice)
    # and a check of a 5,000-byte item (5 KB, twice): 4 + 4 + 10 = 18 units, no index touched
    bill = pricing.transaction_write(
        SHAPE,
        [(None, item(1500), False), (item(900), item(1100), False), (item(5000), item(5000), True)],
    )
    assert (bill.table, bill.indexes) == (18, 0)


def test_a_cancelled_transaction_bills_each_item_once():
    bill = pricing.transaction_write(
        SHAPE, [(None, None, False), (item(2100), item(2100), False)], cancelled=True
    )
    assert bill.total == 1 + 3


def test_each_index_an_item_is_copied_into_is_written_again():
    keys = {"GSI1PK": "DUE#1", "GSI1SK": "t1", "GSI2PK": "S#1", "GSI2SK": "J#1"}
    new = item(1500, **keys)  # 2 KB; in GSI1 whole (ALL: 2 KB), in GSI2 keys only (under 1 KB)
    assert pricing.item_write(SHAPE, None, new) == pricing.Write(table=2, indexes=2 + 1)
    in_a_transaction = pricing.item_write(SHAPE, None, new, transactional=True)
    assert in_a_transaction == pricing.Write(table=4, indexes=3)
    # its GSI1 key changes: the old entry removed and the new one put (2 + 2); GSI2's keys-only entry
    # is the same: nothing
    moved = item(1500, **(keys | {"GSI1SK": "t2"}))
    assert pricing.item_write(SHAPE, new, moved) == pricing.Write(table=2, indexes=4)
    # it leaves GSI1 (the old entry removed: 2) and GSI2's keys stay: a delete of the GSI1 entry only
    gone = item(1500, GSI2PK="S#1", GSI2SK="J#1")
    assert pricing.item_write(SHAPE, new, gone) == pricing.Write(table=2, indexes=2)


def test_a_failed_conditional_write_is_billed_the_item_it_found():
    assert pricing.item_write(SHAPE, item(2500), item(2600), failed=True) == pricing.Write(table=3)
    assert pricing.item_write(SHAPE, None, item(2600), failed=True) == pricing.Write(table=1)


def test_reads_round_up_per_call_or_per_item():
    assert pricing.query_read([3000, 3000], consistent=False) == 1.0  # 6,000 bytes: 2 units, halved
    assert pricing.query_read([], consistent=True) == 1.0  # an empty page still costs one
    assert pricing.items_read([3000, 3000], consistent=False) == 1.0  # each item one unit, halved
    assert pricing.items_read([5000], consistent=True, transactional=True) == 4.0


def test_idle_polls_of_k_mappings():
    # three mappings of five pollers, a ReceiveMessage each every 20 s for 730 hours:
    # 15 x 730 x 3,600 / 20 = 1,971,000 requests, of which the free tier takes 1,000,000
    polls = pricing.idle_polls_a_month([5, 5, 5])
    assert polls == 1_971_000
    usage = pricing.Usage({"sqs.requests": polls})
    assert pricing.cost(usage) == pytest.approx(0.7884)
    assert pricing.cost(usage, free_tier=True) == pytest.approx(0.3884)


def test_schedules_fire_as_often_as_their_expression_says():
    assert idle.invocations_a_month("rate(1 minute)") == 43_800
    assert idle.invocations_a_month("rate(2 hours)") == 365
    assert idle.invocations_a_month("cron(0 3 * * ? *)") == pytest.approx(365 / 12)
    assert idle.invocations_a_month("cron(*/15 9-17 ? * MON-FRI *)") == pytest.approx(261 * 36 / 12)


TEMPLATE = """
Parameters:
  Keys: {Type: String, Default: "no"}
Conditions:
  HasKey: !Equals [!Ref Keys, "yes"]
Resources:
  Jobs: {Type: AWS::SQS::Queue}
  Sends: {Type: AWS::SQS::Queue}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/job_worker/
      Events:
        Jobs: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, ScalingConfig: {MaximumConcurrency: 2}}}
        Tick: {Type: Schedule, Properties: {Schedule: rate(5 minutes)}}
  Sender:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/sender/
      Events:
        Sends:
          Type: SQS
          Properties: {Queue: !GetAtt Sends.Arn, ProvisionedPollerConfig: {MinimumPollers: 2}}
  Replies: {Type: AWS::SQS::Queue}
  Inbound:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/webhooks/
      Events:
        Replies: {Type: SQS, Properties: {Queue: !GetAtt Replies.Arn}}
  Failing:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - {Id: a, MetricStat: {Metric: {MetricName: Errors}, Period: 300, Stat: Sum}}
        - {Id: b, MetricStat: {Metric: {MetricName: Throttles}, Period: 300, Stat: Sum}}
        - {Id: c, Expression: a + b}
  Key: {Type: AWS::KMS::Key, Condition: HasKey}
"""


def test_the_month_of_idle_follows_the_template(tmp_path):
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE)
    month = idle.month(None, path=path)
    # five pollers with a maximum concurrency, the provisioned minimum, two for a mapping left to scale
    assert month.mappings == [("Worker", 5), ("Sender", 2), ("Inbound", 2)]
    usage = month.usage()
    assert usage["sqs.requests"] == pricing.idle_polls_a_month([5, 2, 2])  # 9 x 730 x 180 = 1,182,600
    assert usage["sqs.requests"] == 1_182_600
    assert usage["lambda.requests"] == 8_760  # every 5 minutes, 730 hours
    assert usage["cloudwatch.alarms"] == 2  # the math reads two metrics
    assert usage["kms.keys"] == 0  # its condition is false with the defaults
    assert idle.month(None, path=path, parameters={"Keys": "yes"}).usage()["kms.keys"] == 1
