"""The Lambda buffer's defaults written out, the account id asked of STS, and
one try block per record that turns any surprise into ProcessingFailed."""

import base64
import json

import boto3


def setup():
    account = boto3.client("sts").get_caller_identity()["Account"]
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="clickstream-lake")
    firehose = boto3.client("firehose")
    firehose.create_delivery_stream(
        DeliveryStreamName="clicks-to-lake",
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": f"arn:aws:iam::{account}:role/firehose-clicks",
            "BucketARN": "arn:aws:s3:::clickstream-lake",
            "Prefix": "clicks/dt=!{timestamp:yyyy-MM-dd}/",
            "ErrorOutputPrefix": "clicks-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
            "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 120},
            "ProcessingConfiguration": {
                "Enabled": True,
                "Processors": [{
                    "Type": "Lambda",
                    "Parameters": [
                        {"ParameterName": "LambdaArn", "ParameterValue": f"arn:aws:lambda:us-east-1:{account}:function:transform"},
                        {"ParameterName": "BufferSizeInMBs", "ParameterValue": "1"},
                        {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60"},
                    ],
                }],
            },
        },
    )


class Heartbeat(Exception):
    pass


def slim(raw: bytes) -> dict:
    event = json.loads(raw.decode("utf-8"))
    if event["event"] == "heartbeat":
        raise Heartbeat()
    assert event["event"] == "click"
    user, page, ts = event["user"], event["page"], event["ts"]
    assert isinstance(user, str) and len(user) > 0
    assert isinstance(page, str) and page.startswith("/")
    assert isinstance(ts, int) and not isinstance(ts, bool) and ts >= 0
    return {"user": user, "page": page, "ts": ts}


def transform(event, context):
    records = []
    for record in event["records"]:
        answer = {"recordId": record["recordId"], "data": record["data"]}
        try:
            line = json.dumps(slim(base64.b64decode(record["data"])), separators=(",", ":")) + "\n"
        except Heartbeat:
            answer["result"] = "Dropped"
        except Exception:  # broken JSON, not an object, a missing field, a failed check
            answer["result"] = "ProcessingFailed"
        else:
            answer["result"] = "Ok"
            answer["data"] = base64.b64encode(line.encode()).decode()
        records.append(answer)
    return {"records": records}
