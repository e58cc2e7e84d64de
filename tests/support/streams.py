"""Read a table's change stream from DynamoDB Local as Lambda would receive it."""

from __future__ import annotations

import os
from typing import Any

import boto3
from regulars_local.emulator.streams import lambda_record


def stream_records(table_name: str) -> list[dict[str, Any]]:
    endpoint = os.environ["AWS_ENDPOINT_URL_DYNAMODB"]
    ddb = boto3.client("dynamodb", endpoint_url=endpoint)
    streams = boto3.client("dynamodbstreams", endpoint_url=endpoint)
    arn = ddb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    out: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            out += [lambda_record(r, arn, "us-east-1") for r in page["Records"]]
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return out
