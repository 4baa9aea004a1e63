"""TransactWriteItems with a ClientRequestToken: a repeat within 10 minutes writes nothing,
other parameters under the same token are refused, and after 10 minutes it is a new request."""

import pytest
from botocore.exceptions import ClientError

from grader.emulator import clock
from tests.grader.emulator.moto_fixes.conftest import upstream_bug


@pytest.fixture(autouse=True)
def fresh_clock():
    clock.reset()
    yield
    clock.reset()


def table(dynamodb):
    dynamodb.create_table(
        TableName="orders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )


def put(pk, amount=1):
    return [{"Put": {"TableName": "orders", "Item": {"pk": {"S": pk}, "amount": {"N": str(amount)}}}}]


def stored(dynamodb, pk):
    return dynamodb.get_item(TableName="orders", Key={"pk": {"S": pk}}).get("Item")


def test_a_repeat_with_the_same_token_and_parameters_succeeds_without_writing(aws):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    dynamodb.transact_write_items(TransactItems=put("A-1"), ClientRequestToken="place-A-1")
    dynamodb.delete_item(TableName="orders", Key={"pk": {"S": "A-1"}})
    answer = dynamodb.transact_write_items(TransactItems=put("A-1"), ClientRequestToken="place-A-1")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert stored(dynamodb, "A-1") is None


def test_the_same_token_with_other_parameters_is_refused(aws):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    dynamodb.transact_write_items(TransactItems=put("A-1"), ClientRequestToken="place-A-1")
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=put("A-1", amount=2), ClientRequestToken="place-A-1")
    assert raised.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert stored(dynamodb, "A-1")["amount"] == {"N": "1"}


def test_after_ten_minutes_the_token_is_a_new_request(aws):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    dynamodb.transact_write_items(TransactItems=put("A-1"), ClientRequestToken="place-A-1")
    clock.advance(10 * 60 + 1)
    dynamodb.transact_write_items(TransactItems=put("A-1", amount=2), ClientRequestToken="place-A-1")
    assert stored(dynamodb, "A-1")["amount"] == {"N": "2"}


def test_a_cancelled_transaction_is_not_remembered(aws):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    dynamodb.put_item(TableName="orders", Item={"pk": {"S": "A-1"}})
    guarded = [{"Put": {**put("A-1")[0]["Put"], "ConditionExpression": "attribute_not_exists(pk)"}}]
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken="place-A-1")
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    dynamodb.delete_item(TableName="orders", Key={"pk": {"S": "A-1"}})
    dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken="place-A-1")
    assert stored(dynamodb, "A-1") is not None


def test_without_a_token_every_call_runs(aws):
    dynamodb = aws("dynamodb")
    table(dynamodb)
    dynamodb.transact_write_items(TransactItems=put("A-1"))
    dynamodb.delete_item(TableName="orders", Key={"pk": {"S": "A-1"}})
    dynamodb.transact_write_items(TransactItems=put("A-1"))
    assert stored(dynamodb, "A-1") is not None


@upstream_bug
def test_canary_plain_moto_runs_a_repeated_token_again(plain_moto):
    assert plain_moto["dynamodb.token_repeat_wrote_again"] == ["ok", False]


@upstream_bug
def test_canary_plain_moto_accepts_other_parameters_under_one_token(plain_moto):
    assert plain_moto["dynamodb.token_other_parameters"] == ["client_error", "IdempotentParameterMismatchException"]
