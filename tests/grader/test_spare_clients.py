"""The learner's first boto3.client(name) takes a client the sandbox zygote
built before the run (grader/harness/spare_clients.py), and only while that
is the client the call would have built."""

import importlib.util
from pathlib import Path

import boto3
import pytest

SPARES = Path(__file__).resolve().parents[2] / "grader" / "harness" / "spare_clients.py"


@pytest.fixture
def spares(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    monkeypatch.setattr(boto3, "client", boto3.client)  # restored after the test: make() replaces it
    boto3.setup_default_session()
    spec = importlib.util.spec_from_file_location("redrive_spare_clients", SPARES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = {}
    module.make(["sqs", "dynamodb"])
    made.update(module._spares)
    return module, made


def test_the_first_client_of_a_service_is_the_spare_and_the_second_is_new(spares):
    _module, made = spares
    first, second = boto3.client("sqs"), boto3.client("sqs")
    assert first is made["sqs"]
    assert second is not first and second.meta.service_model.service_name == "sqs"


def test_a_spare_is_a_client_as_boto3_builds_it(spares):
    _module, made = spares
    fresh = boto3.DEFAULT_SESSION.client("dynamodb")
    spare = boto3.client("dynamodb")
    assert spare is made["dynamodb"]
    assert spare.meta.region_name == fresh.meta.region_name == "us-east-1"
    assert spare.meta.endpoint_url == fresh.meta.endpoint_url
    assert sorted(spare.meta.method_to_api_mapping) == sorted(fresh.meta.method_to_api_mapping)


@pytest.mark.parametrize(
    "args, kwargs",
    [(("sqs",), {"region_name": "us-east-1"}), ((), {"service_name": "sqs"}), (("sqs", "us-east-1"), {}), (("kinesis",), {})],
)
def test_a_call_with_more_than_a_spares_name_builds_a_new_client(spares, args, kwargs):
    _module, made = spares
    assert boto3.client(*args, **kwargs) is not made["sqs"]
    assert boto3.client("sqs") is made["sqs"]  # still there for the plain call


def test_a_changed_aws_variable_retires_the_spares(spares, monkeypatch):
    _module, made = spares
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    client = boto3.client("sqs")
    assert client is not made["sqs"] and client.meta.region_name == "eu-west-1"


def test_a_new_default_session_retires_the_spares(spares):
    _module, made = spares
    boto3.setup_default_session(region_name="ap-south-1")
    client = boto3.client("sqs")
    assert client is not made["sqs"] and client.meta.region_name == "ap-south-1"


def test_a_handler_registered_on_the_session_retires_the_spares(spares):
    _module, made = spares
    seen = []
    boto3.DEFAULT_SESSION.events.register("before-parameter-build.sqs", lambda **kwargs: seen.append(kwargs["model"].name))
    client = boto3.client("sqs")
    assert client is not made["sqs"]
    with pytest.raises(Exception):
        client.list_queues()  # no endpoint answers; the handler ran first
    assert seen == ["ListQueues"]


def test_a_session_setting_retires_the_spares(spares):
    _module, made = spares
    boto3.DEFAULT_SESSION._session.set_config_variable("region", "sa-east-1")
    assert boto3.client("dynamodb") is not made["dynamodb"]
