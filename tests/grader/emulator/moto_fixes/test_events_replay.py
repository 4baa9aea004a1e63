import json

from grader.emulator import clock
from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_eventbridge


def setup_bus(aws):
    sqs, events = aws("sqs"), aws("events")
    bus = events.create_event_bus(Name="shop")["EventBusArn"]
    urls = {}
    rules = {}
    for name in ("billing", "audit"):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        urls[name] = url
        arn = allow_eventbridge(sqs, url)
        rules[name] = events.put_rule(Name=name, EventBusName="shop", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
        events.put_targets(Rule=name, EventBusName="shop", Targets=[{"Id": "t", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"o": "$.detail.orderId"}, "InputTemplate": '{"orderId": <o>}'}} if name == "audit" else {"Id": "t", "Arn": arn}])
    archive = events.create_archive(ArchiveName="all", EventSourceArn=bus, RetentionDays=1)["ArchiveArn"]
    times = []
    for n in range(4):
        times.append(clock.time_s())
        events.put_events(Entries=[{"Source": "shop", "DetailType": "d", "Detail": json.dumps({"orderId": f"o-{n}"}), "EventBusName": "shop"}])
        clock.advance(120)
    for url in urls.values():
        while sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            clock.advance(31)  # let them expire past the visibility timeout? simpler: purge
            sqs.purge_queue(QueueUrl=url)
    return sqs, events, bus, archive, rules, urls, times


def bodies(sqs, url):
    return [json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def test_only_the_window_is_replayed_to_the_filtered_rule_with_its_name(aws):
    clock.reset()
    sqs, events, bus, archive, rules, urls, times = setup_bus(aws)
    events.start_replay(ReplayName="fix-1", EventSourceArn=archive, EventStartTime=times[1] - 1, EventEndTime=times[3] - 1,
                        Destination={"Arn": bus, "FilterArns": [rules["billing"]]})
    replayed = bodies(sqs, urls["billing"])
    assert [e["detail"]["orderId"] for e in replayed] == ["o-1", "o-2"]
    assert {e["replay-name"] for e in replayed} == {"fix-1"}
    assert bodies(sqs, urls["audit"]) == []
    assert events.describe_replay(ReplayName="fix-1")["State"] == "COMPLETED"


def test_without_filter_arns_every_rule_gets_it_through_its_transformer(aws):
    clock.reset()
    sqs, events, bus, archive, rules, urls, times = setup_bus(aws)
    events.start_replay(ReplayName="fix-2", EventSourceArn=archive, EventStartTime=times[0] - 1, EventEndTime=times[1] - 1,
                        Destination={"Arn": bus})
    assert [e["detail"]["orderId"] for e in bodies(sqs, urls["billing"])] == ["o-0"]
    assert bodies(sqs, urls["audit"]) == [{"orderId": "o-0"}]


def test_replayed_events_are_not_archived_again(aws):
    clock.reset()
    sqs, events, bus, archive, rules, urls, times = setup_bus(aws)
    events.start_replay(ReplayName="fix-3", EventSourceArn=archive, EventStartTime=times[0] - 1, EventEndTime=times[3] + 1,
                        Destination={"Arn": bus})
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 4


@upstream_bug
def test_plain_moto_replays_only_the_window(plain_moto):
    assert plain_moto["events.replay.window_count"] == ["ok", 1]


@upstream_bug
def test_plain_moto_replays_only_to_filter_arns(plain_moto):
    assert plain_moto["events.replay.other_rule_count"] == ["ok", 0]


@upstream_bug
def test_plain_moto_applies_a_targets_transformer_to_replayed_events(plain_moto):
    assert plain_moto["events.replay.transformed"] == ["ok", True]
