"""moto's request id goes where its own code put it, and a body without the tag is not scanned."""

import re

import pytest
from moto.core import responses

from grader.emulator.moto_fixes import request_id_speed


@pytest.mark.parametrize(
    "body",
    [
        "<SendMessageResponse><ResponseMetadata><RequestId>placeholder</RequestId></ResponseMetadata></SendMessageResponse>",
        "<A><RequestId></RequestId></A>",
        '{"QueueUrl": "http://localhost/123456789012/orders"}',
        b"<RequestId>bytes are left alone</RequestId>",
        "",
    ],
)
def test_the_body_and_headers_are_what_moto_made_of_them(body):
    ours_headers, ours = request_id_speed.enrich_response({"status": 200}, body)
    moto_headers, theirs = request_id_speed._original.__func__({"status": 200}, body)
    assert ours_headers["status"] == moto_headers["status"] == "200"
    assert re.fullmatch(r"[A-Za-z0-9]{52}", ours_headers["x-amzn-requestid"])
    mask = lambda text, request_id: text.replace(request_id, "ID") if isinstance(text, str) else text  # noqa: E731
    assert mask(ours, ours_headers["x-amzn-requestid"]) == mask(theirs, moto_headers["x-amzn-requestid"])
    if isinstance(body, str) and "<RequestId>" in body:
        assert f"<RequestId>{ours_headers['x-amzn-requestid']}</RequestId>" in ours


def test_a_body_without_the_tag_is_returned_without_a_regular_expression_pass(monkeypatch):
    request_id_speed.apply()
    scanned = []
    monkeypatch.setattr(request_id_speed, "_REQUEST_ID", type("Spy", (), {"sub": lambda self, *a: scanned.append(a) or a[1]})())
    body = '{"Records": [' + ", ".join(['{"Data": "eyJrIjogMX0="}'] * 2000) + "]}"
    assert responses.BaseResponse._enrich_response({}, body)[1] is body
    assert scanned == []
    responses.BaseResponse._enrich_response({}, "<X><RequestId>r</RequestId></X>")
    assert len(scanned) == 1


def test_json_and_xml_answers_still_carry_the_request_id(aws):
    sqs = aws("sqs")  # JSON: the id travels in a header
    url = sqs.create_queue(QueueName="ids")["QueueUrl"]
    assert re.fullmatch(r"[A-Za-z0-9]{52}", sqs.send_message(QueueUrl=url, MessageBody="x")["ResponseMetadata"]["RequestId"])
    sns = aws("sns")  # XML: the id is in the body, which the fix rewrites
    assert re.fullmatch(r"[A-Za-z0-9]{52}", sns.create_topic(Name="ids")["ResponseMetadata"]["RequestId"])


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({}, r"[A-Za-z0-9]{20}"),
        ({"length": 52}, r"[A-Za-z0-9]{52}"),
        ({"length": 12, "include_digits": False}, r"[A-Za-z]{12}"),
        ({"length": 30, "lower_case": True}, r"[a-z0-9]{30}"),
        ({"length": 0}, r""),
    ],
)
def test_random_strings_keep_motos_alphabet_and_length(kwargs, pattern):
    from moto.moto_api._internal import mock_random

    request_id_speed.apply()
    drawn = {mock_random.get_random_string(**kwargs) for _ in range(200)}
    assert all(re.fullmatch(pattern, value) for value in drawn)
    if kwargs.get("length", 20) >= 12:
        assert len(drawn) == 200  # drawn afresh each time


def test_random_strings_come_from_motos_seedable_source():
    from moto.moto_api._internal import mock_random

    request_id_speed.apply()
    mock_random.seed(7)
    first = [mock_random.get_random_string(length=52) for _ in range(3)]
    mock_random.seed(7)
    assert [mock_random.get_random_string(length=52) for _ in range(3)] == first
    mock_random.seed()  # back to an unpredictable sequence for the tests after this one
