"""The size is measured over any attributes (a helper shared by send and the
tests), keys are grouped under the document id, and the receiver deletes the
payload with delete_objects once the result is out."""

import hashlib
import json
import uuid

import boto3

LIMIT = 1024 * 1024
POINTER = "software.amazon.payloadoffloading.PayloadS3Pointer"


def sqs_size(body, attributes):
    parts = [body] + [part for name, value in attributes.items() for part in (name, value["DataType"], value["StringValue"])]
    return sum(len(part.encode()) for part in parts)


def setup():
    boto3.client("s3").create_bucket(Bucket="claim-checks")
    sqs = boto3.client("sqs")
    for name in ("documents", "processed"):
        sqs.create_queue(QueueName=name)


def send(doc_id, text):
    sqs, s3 = boto3.client("sqs"), boto3.client("s3")
    url = sqs.get_queue_url(QueueName="documents")["QueueUrl"]
    attributes = {"docId": {"DataType": "String", "StringValue": doc_id}}
    body = text
    if sqs_size(text, attributes) > LIMIT:
        key = f"payloads/{doc_id}/{uuid.uuid4().hex}"
        payload = text.encode()
        s3.put_object(Bucket="claim-checks", Key=key, Body=payload)
        body = json.dumps([POINTER, {"s3BucketName": "claim-checks", "s3Key": key}])
        attributes["ExtendedPayloadSize"] = {"DataType": "Number", "StringValue": f"{len(payload)}"}
    sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)


def handler(event, context):
    sqs, s3 = boto3.client("sqs"), boto3.client("s3")
    out = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    for record in event["Records"]:
        attributes = record["messageAttributes"]
        location = json.loads(record["body"])[1] if "ExtendedPayloadSize" in attributes else None
        data = (s3.get_object(Bucket=location["s3BucketName"], Key=location["s3Key"])["Body"].read()
                if location else record["body"].encode())
        sqs.send_message(QueueUrl=out, MessageBody=json.dumps({
            "docId": attributes["docId"]["stringValue"], "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
        }))
        if location:
            s3.delete_objects(Bucket=location["s3BucketName"], Delete={"Objects": [{"Key": location["s3Key"]}]})
