# Misconception: a body that parses as an Extended Client pointer is a pointer.
# fails: processed

import hashlib
import json
import uuid

import boto3

BUCKET = "claim-checks"
MAX_MESSAGE_BYTES = 1_048_576  # SQS's limit: body plus attributes, in UTF-8 bytes
POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer"
SIZE_ATTRIBUTE = "ExtendedPayloadSize"

s3 = boto3.client("s3")
sqs = boto3.client("sqs")


def setup():
    s3.create_bucket(Bucket=BUCKET)
    sqs.create_queue(QueueName="documents")
    sqs.create_queue(QueueName="processed")


def message_size(body: str, attributes: dict) -> int:
    size = len(body.encode("utf-8"))
    for name, value in attributes.items():
        size += len(name.encode("utf-8")) + len(value["DataType"].encode("utf-8")) + len(value["StringValue"].encode("utf-8"))
    return size


def send(doc_id, text):
    url = sqs.get_queue_url(QueueName="documents")["QueueUrl"]
    attributes = {"docId": {"DataType": "String", "StringValue": doc_id}}
    if message_size(text, attributes) <= MAX_MESSAGE_BYTES:
        sqs.send_message(QueueUrl=url, MessageBody=text, MessageAttributes=attributes)
        return
    payload = text.encode("utf-8")
    key = str(uuid.uuid4())  # a fresh key per message: a retry must read the bytes this message meant
    s3.put_object(Bucket=BUCKET, Key=key, Body=payload)
    pointer = json.dumps([POINTER_CLASS, {"s3BucketName": BUCKET, "s3Key": key}])
    attributes[SIZE_ATTRIBUTE] = {"DataType": "Number", "StringValue": str(len(payload))}
    sqs.send_message(QueueUrl=url, MessageBody=pointer, MessageAttributes=attributes)


def handler(event, context):
    processed = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    for record in event["Records"]:
        attributes = record["messageAttributes"]
        doc_id = attributes["docId"]["stringValue"]
        pointer = None
        try:
            parsed = json.loads(record["body"])
        except ValueError:
            parsed = None
        if isinstance(parsed, list) and parsed[:1] == [POINTER_CLASS]:
            pointer = parsed[1]
            text = s3.get_object(Bucket=pointer["s3BucketName"], Key=pointer["s3Key"])["Body"].read().decode("utf-8")
        else:
            text = record["body"]
        data = text.encode("utf-8")
        result = {"docId": doc_id, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps(result))
        if pointer is not None:
            # Only once the work is done: if anything above fails, Lambda retries and the payload is still there.
            s3.delete_object(Bucket=pointer["s3BucketName"], Key=pointer["s3Key"])
