"""moto finds a request's action method without listing its response class each time."""

import inspect

from moto.core import responses
from moto.sns.responses import SNSResponse
from moto.sqs.responses import SQSResponse

from grader.emulator.moto_fixes import action_lookup_speed
from tests.grader.emulator.moto_fixes.conftest import upstream_bug


def test_the_names_are_moto_s_and_each_class_is_listed_once(monkeypatch):
    action_lookup_speed.apply()
    for clazz in (SQSResponse, SNSResponse):
        assert action_lookup_speed.method_names_from_class(clazz) == set(action_lookup_speed._original(clazz))
    assert responses.method_names_from_class is action_lookup_speed.method_names_from_class
    listed = []
    real = inspect.getmembers
    monkeypatch.setattr(inspect, "getmembers", lambda *args, **kwargs: listed.append(args[0]) or real(*args, **kwargs))
    for _ in range(3):
        assert "receive_message" in responses.method_names_from_class(SQSResponse)
    assert listed == []


def test_an_action_added_to_a_class_after_its_first_look_up_is_found():
    class Response(responses.BaseResponse):
        def first(self):
            return "1"

    assert action_lookup_speed.method_names_from_class(Response) >= {"first"}
    Response.second = lambda self: "2"
    assert action_lookup_speed.method_names_from_class(Response) >= {"first", "second"}


def test_requests_still_reach_their_actions(aws):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="reached")["QueueUrl"]
    assert sqs.list_queues()["QueueUrls"] == [url]
    assert aws("sns").list_topics()["Topics"] == []


@upstream_bug
def test_canary_plain_moto_lists_a_response_class_once(plain_moto):
    assert plain_moto["responses.getmembers_calls"] == ["ok", 0]
