"""SNS notifications are signed with one key per process, as AWS signs with one
certificate per Region, instead of a new RSA key for every subscription."""

import base64
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from grader.emulator.moto_fixes import sns_signing
from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_topic


def _fan_out(aws, topic_name, queue_names):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name=topic_name)["TopicArn"]
    urls = []
    for name in queue_names:
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = allow_topic(sqs, url, topic)
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        urls.append(url)
    sns.publish(TopicArn=topic, Message="order 7 placed")
    return [json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]) for url in urls]


def _string_to_sign(envelope):
    fields = ("Message", "MessageId", "Timestamp", "TopicArn", "Type")
    return "".join(f"{name}\n{envelope[name]}\n" for name in fields).encode()


def test_every_subscription_signs_with_the_one_process_key(aws):
    envelopes = _fan_out(aws, "orders", ["a", "b", "c"])
    public_key = sns_signing.signing_key().public_key()
    for envelope in envelopes:
        assert envelope["SignatureVersion"] == "2"
        # Raises InvalidSignature if any subscription signed with another key.
        public_key.verify(base64.b64decode(envelope["Signature"]), _string_to_sign(envelope), padding.PKCS1v15(), hashes.SHA256())


def test_no_key_is_generated_while_publishing(aws, monkeypatch):
    sns_signing.signing_key()
    made = []
    real = rsa.generate_private_key
    monkeypatch.setattr(rsa, "generate_private_key", lambda *a, **k: made.append(1) or real(*a, **k))
    _fan_out(aws, "payments", ["p1", "p2"])
    assert made == []


@upstream_bug
def test_plain_moto_signs_every_subscription_with_one_key(plain_moto):
    assert plain_moto["sns.signing_keys"] == ["ok", 1]
