# Misconception: the checkpoint is the last record read, even when the call processes only limit of them.
# fails: in-order

import json

import boto3

kinesis = boto3.client("kinesis")
dynamodb = boto3.client("dynamodb")
sqs = boto3.client("sqs")
STREAM, TABLE = "orders-stream", "checkpoints"


def setup():
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "shardId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "shardId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sqs.create_queue(QueueName="processed")


def load_checkpoint(shard_id):
    item = dynamodb.get_item(TableName=TABLE, Key={"shardId": {"S": shard_id}}, ConsistentRead=True).get("Item")
    return item["sequenceNumber"]["S"] if item else None


def save_checkpoint(shard_id, sequence_number):
    dynamodb.put_item(TableName=TABLE, Item={"shardId": {"S": shard_id}, "sequenceNumber": {"S": sequence_number}})


def consume(shard_id, limit):
    checkpoint = load_checkpoint(shard_id)
    if checkpoint:
        position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": checkpoint}
    else:
        position = {"ShardIteratorType": "TRIM_HORIZON"}
    iterator = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard_id, **position)["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator, Limit=100)["Records"]
    processed = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    records = page[:limit]
    for record in records:
        order = json.loads(record["Data"])
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"orderId": order["orderId"]}))
    if page:
        save_checkpoint(shard_id, page[-1]["SequenceNumber"])
    return len(records)
