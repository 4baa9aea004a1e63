"""moto's in-process dispatch builds each service's URL table once, with the same routes."""

import importlib

from moto.s3.models import s3_backends
from moto.sqs.models import sqs_backends

from grader.emulator.moto_fixes import stubber_speed


def test_the_table_is_moto_own_and_built_once_per_backend_class(monkeypatch):
    stubber_speed.apply()
    stubber_speed._tables.clear()
    backend = sqs_backends["123456789012"]["us-east-1"]
    assert backend.urls.keys() == stubber_speed._original.fget(backend).keys()
    assert backend.urls is sqs_backends["123456789012"]["eu-west-1"].urls
    reloads = []
    real_reload = importlib.reload
    monkeypatch.setattr("moto.s3.models.reload", lambda module: reloads.append(module) or real_reload(module))
    s3 = s3_backends["123456789012"]["aws"]
    for _ in range(3):
        assert any("s3" in pattern for pattern in s3.urls)
    assert len(reloads) == 2  # the first table only: url_bases and url_paths each reload once


def test_grader_calls_in_process_still_reach_each_service(aws):
    s3, sqs = aws("s3"), aws("sqs")
    s3.create_bucket(Bucket="payloads")
    s3.put_object(Bucket="payloads", Key="k", Body=b"claim")
    assert s3.get_object(Bucket="payloads", Key="k")["Body"].read() == b"claim"
    assert sqs.create_queue(QueueName="routed")["QueueUrl"].endswith("/routed")


def _prepared(method, url, body=b"", headers=None):
    from botocore.awsrequest import AWSPreparedRequest

    return AWSPreparedRequest(method=method, url=url, headers=headers or {}, body=body, stream_output=False)


def test_a_url_is_routed_once_and_answered_as_moto_answers_it(monkeypatch):
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    stubber_speed.apply()
    stubber_speed._routes.clear()
    searches = []
    real_route = stubber_speed._route
    monkeypatch.setattr(stubber_speed, "_route", lambda url: searches.append(url) or real_route(url))
    target = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"}
    missing = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.DescribeTable"}
    with mock_aws():
        stubber = BotocoreStubber()
        for _ in range(3):
            ours = stubber.process_request(_prepared("POST", "https://dynamodb.us-east-1.amazonaws.com/", b"{}", dict(target)))
            theirs = stubber_speed._original_process_request(stubber, _prepared("POST", "https://dynamodb.us-east-1.amazonaws.com/", b"{}", dict(target)))
            assert (ours[0], ours[2]) == (theirs[0], theirs[2]) == (200, '{"TableNames": []}')
        error = stubber.process_request(_prepared("POST", "https://dynamodb.us-east-1.amazonaws.com/", b'{"TableName": "none"}', dict(missing)))
        assert error[0] == 400 and "ResourceNotFoundException" in error[2]
    assert searches == ["https://dynamodb.us-east-1.amazonaws.com/"]  # routed once, then remembered


def test_a_url_no_service_takes_is_left_to_moto(monkeypatch):
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    stubber_speed.apply()
    with mock_aws():
        stubber = BotocoreStubber()
        assert stubber.process_request(_prepared("GET", "https://no-such-service.us-east-1.amazonaws.com/x")) == (404, {}, "Not yet implemented")
        assert stubber.process_request(_prepared("GET", "https://example.com/")) is None
    assert "https://no-such-service.us-east-1.amazonaws.com/x" not in stubber_speed._routes


def test_the_remembered_routes_stay_bounded(monkeypatch):
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    stubber_speed.apply()
    monkeypatch.setattr(stubber_speed, "MAX_ROUTES", 5)
    stubber_speed._routes.clear()
    with mock_aws():
        stubber = BotocoreStubber()
        for n in range(12):
            stubber.process_request(_prepared("GET", f"https://s3.amazonaws.com/bucket-{n}"))
    assert 0 < len(stubber_speed._routes) <= 5
