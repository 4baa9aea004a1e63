# Misconception: Firehose base64-encodes the data it receives from Lambda, so the output can be plain text.
# fails: delivered

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
            "Prefix": "clicks/dt=!{timestamp:yyyy-MM-dd}/",
            "ErrorOutputPrefix": "clicks-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 120},
            "ProcessingConfiguration": {
                "Enabled": True,
                "Processors": [
                    {
                        "Type": "Lambda",
                        "Parameters": [
                            {"ParameterName": "LambdaArn", "ParameterValue": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:transform"},
                        ],
                    }
                ],
            },
        },
    )


def clean_click(raw: bytes):
    """The slimmed click, "drop" for a heartbeat, or None for anything malformed."""
    try:
        event = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    if event.get("event") == "heartbeat":
        return "drop"
    if event.get("event") != "click":
        return None
    user, page, ts = event.get("user"), event.get("page"), event.get("ts")
    if not isinstance(user, str) or not user:
        return None
    if not isinstance(page, str) or not page.startswith("/"):
        return None
    if isinstance(ts, bool) or not isinstance(ts, int) or ts < 0:
        return None
    return {"user": user, "page": page, "ts": ts}


def transform(event, context):
    out = []
    for record in event["records"]:
        click = clean_click(base64.b64decode(record["data"]))
        if click is None:
            out.append({"recordId": record["recordId"], "result": "ProcessingFailed", "data": record["data"]})
        elif click == "drop":
            out.append({"recordId": record["recordId"], "result": "Dropped", "data": record["data"]})
        else:
            line = json.dumps(click) + "\n"  # one JSON object per line, so Athena can read the objects
            out.append({"recordId": record["recordId"], "result": "Ok", "data": line})
    return {"records": out}
