"""Works out how many bytes the attribute leaves for the body, and keeps the
receiving side in two small functions: fetch, then process."""

import hashlib
import json
from uuid import uuid4

import boto3

s3 = boto3.client("s3")
sqs = boto3.client("sqs")
BUCKET = "claim-checks"


def setup():
    s3.create_bucket(Bucket=BUCKET)
    sqs.create_queue(QueueName="documents", Attributes={"MaximumMessageSize": "1048576"})
    sqs.create_queue(QueueName="processed")


def send(doc_id, text):
    url = sqs.get_queue_url(QueueName="documents")["QueueUrl"]
    room = 1_048_576 - len("docId") - len("String") - len(doc_id.encode("utf-8"))
    data = text.encode("utf-8")
    attributes = {"docId": {"DataType": "String", "StringValue": doc_id}}
    if len(data) > room:
        key = uuid4().hex
        s3.put_object(Bucket=BUCKET, Key=key, Body=data)
        text = json.dumps(["software.amazon.payloadoffloading.PayloadS3Pointer", {"s3BucketName": BUCKET, "s3Key": key}])
        attributes["ExtendedPayloadSize"] = {"DataType": "Number", "StringValue": str(len(data))}
    sqs.send_message(QueueUrl=url, MessageBody=text, MessageAttributes=attributes)


def fetch(record):
    """(the document's bytes, the S3 location to delete afterwards or None)."""
    if "ExtendedPayloadSize" not in record["messageAttributes"]:
        return record["body"].encode("utf-8"), None
    where = json.loads(record["body"])[1]
    obj = s3.get_object(Bucket=where["s3BucketName"], Key=where["s3Key"])
    return obj["Body"].read(), where


def handler(event, context):
    out = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    for record in event["Records"]:
        data, where = fetch(record)
        doc_id = record["messageAttributes"]["docId"]["stringValue"]
        sqs.send_message(QueueUrl=out, MessageBody=json.dumps({"docId": doc_id, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}))
        if where:
            s3.delete_object(Bucket=where["s3BucketName"], Key=where["s3Key"])
