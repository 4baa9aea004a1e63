"""What the harness changes in the learner's boto3 besides the transport
(grader/harness/boto3_patches.py): SigV4 without the HMAC chain, and
User-Agent strings remembered. Neither changes what reaches moto beyond the signature's
digits, nor what the learner's code gets back."""

import importlib.util
from pathlib import Path

import boto3
import pytest
from botocore import auth, useragent
from botocore.config import Config
from botocore.awsrequest import AWSResponse
from moto import mock_aws

PATCHES = Path(__file__).resolve().parents[2] / "grader" / "harness" / "boto3_patches.py"


@pytest.fixture
def patches(monkeypatch):
    spec = importlib.util.spec_from_file_location("redrive_boto3_patches", PATCHES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(auth.AUTH_TYPE_MAPS, "v4", auth.AUTH_TYPE_MAPS["v4"])
    monkeypatch.setattr(useragent.UserAgentString, "to_string", useragent.UserAgentString.to_string)
    return module


class FakeRaw:
    def __init__(self, body):
        self.body = body

    def stream(self, **kwargs):
        yield self.body


def _client(service, **config):
    return boto3.client(
        service, region_name="us-east-1", aws_access_key_id="AKIDLEARNER", aws_secret_access_key="s", config=Config(**config),
    )


def _sent(client, header):
    seen = []
    def keep(request, **kwargs):
        value = request.headers.get(header)
        seen.append(value.decode() if isinstance(value, bytes) else value)

    client.meta.events.register("before-send", keep)
    return seen


def test_sigv4_requests_carry_the_scope_and_a_signature_of_zeros_and_a_retry_replaces_the_header(patches):
    patches.sign_without_hmac()
    with mock_aws():
        sqs = _client("sqs", retries={"max_attempts": 2, "mode": "standard"})
        seen = _sent(sqs, "Authorization")
        failures = iter([True])

        def fail_once(request, **kwargs):  # the first attempt gets a 500, so botocore signs the request again
            if next(failures, False):
                return AWSResponse(request.url, 500, {}, FakeRaw(b""))

        sqs.meta.events.register_first("before-send", fail_once)
        assert sqs.create_queue(QueueName="signed")["QueueUrl"].endswith("/signed")
    assert len(seen) == 2  # signed again for the retry, after botocore removed the first attempt's header
    for header in seen:
        assert header.startswith("AWS4-HMAC-SHA256 Credential=AKIDLEARNER/") and "/us-east-1/sqs/aws4_request, SignedHeaders=" in header
        assert header.endswith("Signature=" + "0" * 64)


def test_s3_keeps_botocores_signer(patches):
    patches.sign_without_hmac()
    with mock_aws():
        s3 = _client("s3")
        seen = _sent(s3, "Authorization")
        s3.create_bucket(Bucket="signed")
        s3.put_object(Bucket="signed", Key="k", Body=b"x" * 5000)
        assert s3.get_object(Bucket="signed", Key="k")["Body"].read() == b"x" * 5000
    assert seen and all(not header.endswith("0" * 64) for header in seen)


def test_a_remembered_user_agent_is_the_one_botocore_would_build(patches):
    built = useragent.UserAgentString.to_string
    expected = []
    patches.remember_user_agents()
    with mock_aws():
        plain, tagged = _client("sqs"), _client("sqs", user_agent_extra="course/7", user_agent_appid="redrive")
        for client in (plain, tagged):
            # botocore's own string, built at the moment the remembered one is sent
            client.meta.events.register(
                "before-send", lambda request, client=client, **kwargs: expected.append(built(client._user_agent_creator))
            )
        seen_plain, seen_tagged = _sent(plain, "User-Agent"), _sent(tagged, "User-Agent")
        for client in (plain, tagged, plain, tagged):
            client.create_queue(QueueName="agents")
        list(plain.get_paginator("list_queues").paginate())  # a paginator adds a feature to the string
    assert sorted(seen_plain + seen_tagged) == sorted(expected) and len(expected) == 5
    assert seen_plain[0] == seen_plain[1] != seen_plain[2]  # the paginated call's string names its feature
    assert all("course/7" in agent for agent in seen_tagged) and not any("course/7" in agent for agent in seen_plain)
