"""A right answer: read from the oldest record and skip what the checkpoint
covers (sequence numbers compared as integers), with the boto3 Table
resource; the checkpoint is stored once, after the call's last send."""

import json

import boto3

kinesis = boto3.client("kinesis")
sqs = boto3.client("sqs")
table = boto3.resource("dynamodb").Table("checkpoints")


def setup():
    boto3.resource("dynamodb").create_table(
        TableName="checkpoints",
        KeySchema=[{"AttributeName": "shardId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "shardId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    ).wait_until_exists()
    sqs.create_queue(QueueName="processed")


def unprocessed(shard_id, after, limit):
    """Up to `limit` records of the shard with a sequence number above `after`."""
    iterator = kinesis.get_shard_iterator(StreamName="orders-stream", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    found = []
    while iterator and len(found) < limit:
        page = kinesis.get_records(ShardIterator=iterator, Limit=100)
        if not page["Records"]:
            break
        found += [r for r in page["Records"] if after is None or int(r["SequenceNumber"]) > after]
        iterator = page.get("NextShardIterator")
    return found[:limit]


def consume(shard_id, limit):
    item = table.get_item(Key={"shardId": shard_id}, ConsistentRead=True).get("Item")
    after = int(item["sequenceNumber"]) if item else None
    url = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    records = unprocessed(shard_id, after, limit)
    for record in records:
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"orderId": json.loads(record["Data"])["orderId"]}))
    if records:  # after the last send: a crash before here reprocesses this call's orders, never skips them
        table.put_item(Item={"shardId": shard_id, "sequenceNumber": records[-1]["SequenceNumber"]})
    return len(records)
