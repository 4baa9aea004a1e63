"""Of two conditional writes racing on one item, only one passes its condition."""

import threading
import time

import moto.dynamodb.models.table as dynamodb_table
import pytest
from botocore.exceptions import ClientError

from tests.grader.emulator.moto_fixes.conftest import upstream_bug


@pytest.fixture
def slow_conditions(monkeypatch):
    """Evaluating a condition takes 0.3 s: two racers both read the item before
    either writes, unless check and write are one step."""
    real = dynamodb_table.get_filter_expression

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr(dynamodb_table, "get_filter_expression", slow)


def race(call, n=2):
    winners, losers = [], []

    def one(who):
        try:
            call(who)
            winners.append(who)
        except ClientError as error:
            losers.append(error.response["Error"]["Code"])

    threads = [threading.Thread(target=one, args=(f"racer-{i}",)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return winners, losers


def table(dynamodb):
    dynamodb.create_table(
        TableName="claims", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )


def test_two_racing_conditional_puts_have_one_winner(aws, slow_conditions):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    winners, losers = race(lambda who: dynamodb.put_item(
        TableName="claims", Item={"pk": {"S": "order"}, "who": {"S": who}}, ConditionExpression="attribute_not_exists(pk)"))
    assert len(winners) == 1 and losers == ["ConditionalCheckFailedException"]
    item = dynamodb.get_item(TableName="claims", Key={"pk": {"S": "order"}})["Item"]
    assert item["who"]["S"] == winners[0]


def test_two_racing_conditional_updates_have_one_winner(aws, slow_conditions):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    dynamodb.put_item(TableName="claims", Item={"pk": {"S": "order"}, "status": {"S": "CLAIMED"}})
    winners, losers = race(lambda who: dynamodb.update_item(
        TableName="claims", Key={"pk": {"S": "order"}}, UpdateExpression="SET #s = :done, who = :who",
        ConditionExpression="#s = :claimed", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":done": {"S": "DONE"}, ":claimed": {"S": "CLAIMED"}, ":who": {"S": who}}))
    assert len(winners) == 1 and losers == ["ConditionalCheckFailedException"]


def test_writes_to_different_items_still_all_succeed(aws):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    winners, losers = race(lambda who: dynamodb.put_item(
        TableName="claims", Item={"pk": {"S": who}}, ConditionExpression="attribute_not_exists(pk)"), n=4)
    assert len(winners) == 4 and losers == []


@upstream_bug
def test_canary_plain_moto_lets_both_racing_claims_win(plain_moto):
    assert plain_moto["dynamodb.racing_claims_won"] == ["ok", 1]
