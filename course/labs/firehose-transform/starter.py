"""Firehose to S3 with a transformation Lambda: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import base64
import json

import boto3

BUCKET = "clickstream-lake"
STREAM = "clicks-to-lake"
ACCOUNT = "123456789012"

s3 = boto3.client("s3")
firehose = boto3.client("firehose")


def setup():
    s3.create_bucket(Bucket=BUCKET)
    firehose.create_delivery_stream(
        DeliveryStreamName=STREAM,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/firehose-clicks",
            "BucketARN": f"arn:aws:s3:::{BUCKET}",
            # TODO: Prefix and ErrorOutputPrefix (see the table in the instructions).
            # TODO: BufferingHints: 64 MiB or 120 seconds, whichever comes first.
            # TODO: ProcessingConfiguration with one Lambda processor whose LambdaArn
            #       is arn:aws:lambda:us-east-1:123456789012:function:transform
        },
    )


def transform(event, context):
    out = []
    for record in event["records"]:
        raw = base64.b64decode(record["data"])
        # TODO: decode UTF-8 JSON; a heartbeat is Dropped; a valid click becomes
        #       {"user", "page", "ts"} plus "\n", base64-encoded, result Ok;
        #       anything else is ProcessingFailed with the original data.
        print("got", raw[:80])
        out.append({"recordId": record["recordId"], "result": "Ok", "data": record["data"]})
    return {"records": out}
