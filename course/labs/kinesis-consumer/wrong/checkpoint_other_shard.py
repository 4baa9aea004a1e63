# Misconception: one "last sequence number" kept in the module serves every shard, and is worth saving even when a call finds nothing new.
# fails: checkpoint-values
import json

import boto3

kinesis = boto3.client("kinesis")
dynamodb = boto3.client("dynamodb")
sqs = boto3.client("sqs")
last_sequence_number = None


def setup():
    dynamodb.create_table(
        TableName="checkpoints",
        KeySchema=[{"AttributeName": "shardId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "shardId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sqs.create_queue(QueueName="processed")


def consume(shard_id, limit):
    global last_sequence_number
    item = dynamodb.get_item(TableName="checkpoints", Key={"shardId": {"S": shard_id}}).get("Item")
    if item:
        position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": item["sequenceNumber"]["S"]}
    else:
        position = {"ShardIteratorType": "TRIM_HORIZON"}
    iterator = kinesis.get_shard_iterator(StreamName="orders-stream", ShardId=shard_id, **position)["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator, Limit=limit)["Records"]
    processed = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    count = 0
    for record in records:
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"orderId": json.loads(record["Data"])["orderId"]}))
        last_sequence_number = record["SequenceNumber"]
        count += 1
        dynamodb.put_item(TableName="checkpoints", Item={"shardId": {"S": shard_id}, "sequenceNumber": {"S": last_sequence_number}})
    if last_sequence_number:
        dynamodb.put_item(TableName="checkpoints", Item={"shardId": {"S": shard_id}, "sequenceNumber": {"S": last_sequence_number}})
    return count
