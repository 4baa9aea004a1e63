"""EventBridge's JSONPath expressions are parsed once each, with the same matches."""

import jsonpath_ng.ext
import pytest
from jsonpath_ng.exceptions import JsonPathParserError

from grader.emulator.moto_fixes import jsonpath_speed
from tests.grader.emulator.service_access import allow_eventbridge

EVENT = {"detail": {"order": {"id": "o-1", "lines": [{"sku": "a"}, {"sku": "b"}]}}, "source": "shop"}


@pytest.mark.parametrize("path", ["$.detail.order.id", "$.source", "$.detail.order.lines[1].sku", "$.detail", "$.missing"])
def test_a_kept_expression_finds_what_a_fresh_one_finds(path):
    jsonpath_speed.apply()
    fresh = [m.value for m in jsonpath_speed._original(path).find(EVENT)]
    assert [m.value for m in jsonpath_ng.ext.parse(path).find(EVENT)] == fresh
    assert [m.value for m in jsonpath_ng.ext.parse(path).find(EVENT)] == fresh  # the kept one, again


def test_each_path_is_parsed_once():
    jsonpath_speed.apply()
    jsonpath_speed.parse.cache_clear()
    for _ in range(4):
        jsonpath_ng.ext.parse("$.detail.order.id")
    info = jsonpath_speed.parse.cache_info()
    assert (info.misses, info.hits) == (1, 3)


def test_warming_parses_the_default_template_paths_before_any_event():
    from moto.events.utils import EventTemplateParser

    jsonpath_speed.apply()
    jsonpath_speed.parse.cache_clear()
    jsonpath_speed.warm()
    assert jsonpath_speed.parse.cache_info().currsize == len(EventTemplateParser.DEFAULT_EVENT_INPUT_PATHS_MAP)
    EventTemplateParser.parse("", {}, {"id": "e", "time": 1, "detail-type": "d", "source": "s", "region": "r", "resources": [], "detail": {}, "account": "1", "ingestion-time": 1})
    assert jsonpath_speed.parse.cache_info().misses == len(EventTemplateParser.DEFAULT_EVENT_INPUT_PATHS_MAP)


def test_a_path_that_does_not_parse_raises_every_time():
    jsonpath_speed.apply()
    for _ in range(2):
        with pytest.raises(JsonPathParserError):
            jsonpath_ng.ext.parse("$.[[[")


def test_an_input_transformer_still_fills_its_template(aws):
    sqs, events = aws("sqs"), aws("events")
    url = sqs.create_queue(QueueName="filled")["QueueUrl"]
    arn = allow_eventbridge(sqs, url)
    events.put_rule(Name="orders", EventPattern='{"source": ["shop"]}')
    events.put_targets(Rule="orders", Targets=[{
        "Id": "q", "Arn": arn,
        "InputTransformer": {"InputPathsMap": {"id": "$.detail.order.id"}, "InputTemplate": '{"order": <id>}'},
    }])
    for n in (1, 2):
        events.put_events(Entries=[{"Source": "shop", "DetailType": "placed", "Detail": f'{{"order": {{"id": "o-{n}"}}}}'}])
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"])
    assert bodies == ['{"order": "o-1"}', '{"order": "o-2"}']
