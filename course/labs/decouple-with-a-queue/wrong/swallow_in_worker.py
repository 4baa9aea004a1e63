# Misconception: a worker that never raises is a healthy worker: log the error and move on.
# fails: all-stored
import json

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    dlq_url = sqs.create_queue(QueueName="order-intake-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(
        QueueName="order-intake",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})},
    )
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def place_order(order):
    """Accept the order: one send to the queue, nothing that waits on the table."""
    url = sqs.get_queue_url(QueueName="order-intake")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(order))


def worker(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])  # a broken message raises: after 5 receives it is dead-lettered
        try:
            dynamodb.put_item(
                TableName="orders",
                Item={
                    "orderId": {"S": order["orderId"]},
                    "customerId": {"S": order["customerId"]},
                    "total": {"N": str(order["total"])},
                    "status": {"S": "PLACED"},
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            continue  # stored already: this is a redelivery
        except Exception as error:  # keep the worker alive whatever happens
            print("could not store", order.get("orderId"), error)
        # Any other error (the table failing) raises: Lambda fails the batch and SQS delivers it again.
