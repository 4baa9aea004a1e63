"""A right answer: resume AT the checkpoint and drop that record itself, paging
until `limit` records or the end of the shard; addressed by StreamARN."""

import json

import boto3

kinesis = boto3.client("kinesis")
dynamodb = boto3.client("dynamodb")
sqs = boto3.client("sqs")


def setup():
    dynamodb.create_table(
        TableName="checkpoints",
        AttributeDefinitions=[{"AttributeName": "shardId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "shardId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamodb.get_waiter("table_exists").wait(TableName="checkpoints")
    sqs.create_queue(QueueName="processed")


def consume(shard_id, limit):
    arn = kinesis.describe_stream_summary(StreamName="orders-stream")["StreamDescriptionSummary"]["StreamARN"]
    item = dynamodb.get_item(TableName="checkpoints", Key={"shardId": {"S": shard_id}}, ConsistentRead=True).get("Item")
    last = item["sequenceNumber"]["S"] if item else None
    if last is None:
        iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    else:
        iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=last)["ShardIterator"]
    url = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    done = 0
    while done < limit and iterator:
        page = kinesis.get_records(StreamARN=arn, ShardIterator=iterator, Limit=limit - done + 1)
        records = [r for r in page["Records"] if r["SequenceNumber"] != last]  # AT includes the checkpointed record
        for record in records[: limit - done]:
            order_id = json.loads(record["Data"].decode("utf-8"))["orderId"]
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"orderId": order_id}))
            dynamodb.put_item(TableName="checkpoints", Item={"shardId": {"S": shard_id}, "sequenceNumber": {"S": record["SequenceNumber"]}})
            done += 1
        if not page["Records"]:
            break
        iterator = page.get("NextShardIterator")
    return done
