"""Firehose appends the newline itself (an AppendDelimiterToRecord processor after
the Lambda), and the rules are a table of checks."""

import base64
import json

import boto3

ARN = "arn:aws:{service}:{region}123456789012:{resource}"


def setup():
    boto3.client("s3").create_bucket(Bucket="clickstream-lake")
    boto3.client("firehose").create_delivery_stream(
        DeliveryStreamName="clicks-to-lake",
        ExtendedS3DestinationConfiguration={
            "RoleARN": ARN.format(service="iam", region=":", resource="role/firehose-clicks"),
            "BucketARN": "arn:aws:s3:::clickstream-lake",
            "Prefix": "clicks/dt=!{timestamp:yyyy-MM-dd}/",
            "ErrorOutputPrefix": "clicks-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
            "BufferingHints": {"IntervalInSeconds": 120, "SizeInMBs": 64},
            "ProcessingConfiguration": {
                "Enabled": True,
                "Processors": [
                    {"Type": "Lambda", "Parameters": [
                        {"ParameterName": "LambdaArn", "ParameterValue": ARN.format(service="lambda", region="us-east-1:", resource="function:transform")},
                    ]},
                    {"Type": "AppendDelimiterToRecord", "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}]},
                ],
            },
        },
    )


CHECKS = {
    "user": lambda v: type(v) is str and v != "",
    "page": lambda v: type(v) is str and v[:1] == "/",
    "ts": lambda v: type(v) is int and v >= 0,
}


def judge(data: str):
    try:
        click = json.loads(base64.b64decode(data).decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        return "ProcessingFailed", data
    if type(click) is not dict:
        return "ProcessingFailed", data
    if click.get("event") == "heartbeat":
        return "Dropped", data
    if click.get("event") != "click" or not all(check(click.get(name)) for name, check in CHECKS.items()):
        return "ProcessingFailed", data
    slim = json.dumps({name: click[name] for name in CHECKS}, ensure_ascii=False)
    return "Ok", base64.b64encode(slim.encode("utf-8")).decode()


def transform(event, context):
    answers = []
    for record in event["records"]:
        result, data = judge(record["data"])
        answers.append({"recordId": record["recordId"], "result": result, "data": data})
    return {"records": answers}
