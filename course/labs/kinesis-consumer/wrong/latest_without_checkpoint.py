# Misconception: with no checkpoint yet, a new consumer should start at LATEST, the newest position.
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
        position = {"ShardIteratorType": "LATEST"}
    iterator = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard_id, **position)["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator, Limit=limit)["Records"]
    processed = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    for record in records:
        order = json.loads(record["Data"])
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"orderId": order["orderId"]}))
        # Only now is the order processed: a crash before this line sends it again, never skips it.
        save_checkpoint(shard_id, record["SequenceNumber"])
    return len(records)
