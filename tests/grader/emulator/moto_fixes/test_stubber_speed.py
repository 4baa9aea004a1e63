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
