import json

from tests.grader.emulator.service_access import allow_eventbridge
from tests.grader.emulator.trace_hooks.conftest import actions, entries


def bus_with_rule(aws, pattern, *, transformer=None):
    events, sqs = aws("events"), aws("sqs")
    events.create_event_bus(Name="orders-bus")
    url = sqs.create_queue(QueueName="high-value")["QueueUrl"]
    arn = allow_eventbridge(sqs, url)
    events.put_rule(Name="high-value-orders", EventBusName="orders-bus", EventPattern=json.dumps(pattern))
    target = {"Id": "1", "Arn": arn}
    if transformer:
        target["InputTransformer"] = transformer
    events.put_targets(Rule="high-value-orders", EventBusName="orders-bus", Targets=[target])
    return events


def put(events, detail, bus="orders-bus"):
    entry = {"Source": "com.shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(detail), "EventBusName": bus}
    return events.put_events(Entries=[entry])["Entries"][0]["EventId"]


def test_an_unmatched_event_carries_the_failing_clause_and_the_value_it_had(aws, recorder):
    events = bus_with_rule(aws, {"source": ["com.shop.orders"], "detail": {"total": [{"numeric": [">", 1000]}]}})
    event_id = put(events, {"orderId": "o-1", "total": 1000})
    [entry] = entries(recorder)
    assert entry["body"] == json.dumps({"orderId": "o-1", "total": 1000})
    assert actions(entry) == [("put", "orders-bus"), ("no-match", "high-value-orders"), ("matched-no-rule", "orders-bus")]
    hop = entry["hops"][1]
    assert (hop["clause"], hop["seen"]) == ("detail.total > 1000", "1000")
    assert hop["detail"] == "high-value-orders' event pattern wanted detail.total > 1000; this event had 1000"
    assert recorder.label(event_id, "exactly 1000")


def test_a_matched_event_is_transformed_and_delivered_and_a_missing_field_is_named(aws, recorder):
    transformer = {"InputPathsMap": {"o": "$.detail.orderId"}, "InputTemplate": '{"orderId": <o>}'}
    events = bus_with_rule(aws, {"detail": {"tier": ["gold"]}}, transformer=transformer)
    put(events, {"orderId": "o-2", "tier": "gold"})
    put(events, {"orderId": "o-3"})
    matched, missing = entries(recorder)
    assert actions(matched) == [("put", "orders-bus"), ("matched", "high-value-orders"), ("transformed", "high-value-orders"),
                                ("delivered", "high-value")]
    assert json.loads(matched["hops"][2]["detail"]) == {"orderId": "o-2"}
    assert matched["hops"][3]["source"] == "rule:high-value-orders"
    assert (missing["hops"][1]["clause"], missing["hops"][1]["seen"]) == ("detail.tier = gold", "no detail.tier")


def test_an_event_on_a_bus_without_rules_matched_no_rule(aws, recorder):
    events = aws("events")
    put(events, {"a": 1}, bus="default")
    [entry] = entries(recorder)
    assert actions(entry) == [("put", "default"), ("matched-no-rule", "default")]


def test_a_disabled_rule_says_so(aws, recorder):
    events = bus_with_rule(aws, {"detail": {"tier": ["gold"]}})
    events.disable_rule(Name="high-value-orders", EventBusName="orders-bus")
    put(events, {"tier": "gold"})
    hop = entries(recorder)[0]["hops"][1]
    assert (hop["action"], hop["detail"]) == ("no-match", "the rule is disabled")


def test_a_target_that_cannot_receive_is_undeliverable_and_its_dead_letter_copy_is_followed(aws, recorder):
    events, sqs = aws("events"), aws("sqs")
    dlq = sqs.create_queue(QueueName="rule-dlq")["QueueUrl"]
    dlq_arn = allow_eventbridge(sqs, dlq)
    events.put_rule(Name="to-nowhere", EventPattern=json.dumps({"source": ["com.shop.orders"]}))
    events.put_targets(Rule="to-nowhere", Targets=[{"Id": "1", "Arn": dlq_arn.replace("rule-dlq", "missing"), "DeadLetterConfig": {"Arn": dlq_arn}}])
    put(events, {"a": 1}, bus="default")
    [entry] = entries(recorder)
    assert actions(entry) == [("put", "default"), ("matched", "to-nowhere"), ("undeliverable", "missing"), ("dead-lettered", "rule-dlq")]
    assert entry["hops"][3]["source"] == "rule:to-nowhere"


def test_a_target_queue_that_does_not_let_eventbridge_in_is_undeliverable_with_the_reason(aws, recorder):
    events, sqs = aws("events"), aws("sqs")
    url = sqs.create_queue(QueueName="locked")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="to-locked", EventPattern=json.dumps({"source": ["com.shop.orders"]}))
    events.put_targets(Rule="to-locked", Targets=[{"Id": "1", "Arn": arn}])
    put(events, {"a": 1}, bus="default")
    [entry] = entries(recorder)
    assert actions(entry) == [("put", "default"), ("matched", "to-locked"), ("undeliverable", "locked")]
    assert entry["hops"][2]["detail"].startswith("NO_PERMISSIONS: locked's queue policy does not let rule to-locked send")
