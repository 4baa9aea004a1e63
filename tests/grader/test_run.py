"""The Run a grader drives: Lambda-shaped SQS delivery, checkpoints, errors."""

import json
import time

import boto3
import pytest
from moto import mock_aws

from grader.inprocess import grade_in_process
from grader.run import LambdaContext, LearnerError, Run, run_grader


class Learner:
    """A transport whose handler is a plain Python function."""

    def __init__(self, **functions):
        self.functions = functions
        self.calls = []

    def has(self, name):
        return name in self.functions

    def call(self, name, *args):
        if name not in self.functions:
            raise LearnerError("missing", f"no {name}()")
        self.calls.append(args)
        try:
            return self.functions[name](*args)
        except Exception as exc:
            raise LearnerError.from_exception(exc) from None


@pytest.fixture
def sqs():
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def make_run(learner):
    return Run(learner=learner, client_factory=lambda s: boto3.client(s, region_name="us-east-1"))


def queue_with_dlq(sqs, max_receives=3):
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receives)})
    return sqs.create_queue(QueueName="work", Attributes={"RedrivePolicy": policy})["QueueUrl"], dlq


def test_records_are_shaped_like_lambdas_sqs_event(sqs):
    url, _ = queue_with_dlq(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={"kind": {"DataType": "String", "StringValue": "greeting"}})
    seen = {}

    def handler(event, context):
        seen["event"], seen["remaining"], seen["name"] = event, context.get_remaining_time_in_millis(), context.function_name

    run = make_run(Learner(handler=handler))
    [invocation] = run.deliver_sqs(url)
    record = seen["event"]["Records"][0]
    assert invocation.ok and invocation.receive_counts == [1]
    assert record["body"] == "hello" and record["eventSource"] == "aws:sqs" and record["awsRegion"] == "us-east-1"
    assert record["eventSourceARN"].endswith(":work")
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["kind"] == {"stringValue": "greeting", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert seen["name"] == "handler" and 0 < seen["remaining"] <= 20000
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_a_failing_message_is_retried_at_once_until_the_redrive_policy_moves_it(sqs):
    url, dlq = queue_with_dlq(sqs, max_receives=3)
    sqs.send_message(QueueUrl=url, MessageBody="poison")

    def handler(event, context):
        raise ValueError("cannot parse")

    invocations = make_run(Learner(handler=handler)).deliver_sqs(url)
    assert [i.receive_counts for i in invocations] == [[1], [2], [3]]
    assert all(not i.ok and i.error.exc_type == "ValueError" for i in invocations)
    moved = make_run(Learner()).drain(dlq)
    assert [m["Body"] for m in moved] == ["poison"]
    assert moved[0]["Attributes"]["ApproximateReceiveCount"] == "3"


def test_batch_item_failures_retry_only_the_listed_messages(sqs):
    url, dlq = queue_with_dlq(sqs, max_receives=2)
    for body in ("ok-1", "bad", "ok-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    def handler(event, context):
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "bad"]}

    invocations = make_run(Learner(handler=handler)).deliver_sqs(url, batch_size=10, report_batch_item_failures=True)
    assert sorted(invocations[0].bodies) == ["bad", "ok-1", "ok-2"]
    assert len(invocations[0].failed_ids) == 1
    assert [m["Body"] for m in make_run(Learner()).drain(dlq)] == ["bad"]


def test_an_unknown_item_identifier_fails_the_whole_batch_as_lambda_does(sqs):
    url, _ = queue_with_dlq(sqs, max_receives=1)
    sqs.send_message(QueueUrl=url, MessageBody="a")
    invocations = make_run(Learner(handler=lambda e, c: {"batchItemFailures": [{"itemIdentifier": "nope"}]})).deliver_sqs(
        url, batch_size=10, report_batch_item_failures=True
    )
    assert not invocations[0].ok and invocations[0].failed_ids == invocations[0].message_ids


def test_delivery_stops_when_the_function_is_missing(sqs):
    url, _ = queue_with_dlq(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="a")
    [invocation] = make_run(Learner()).deliver_sqs(url)
    assert invocation.error.kind == "missing"


def test_lambdas_event_source_asks_a_queues_arn_once_a_run(sqs):
    url, _ = queue_with_dlq(sqs)
    sources = []
    run = make_run(Learner(handler=lambda event, context: sources.append(event["Records"][0]["eventSourceARN"])))
    asked = []
    client = run.client("sqs")
    client.meta.events.register("before-call.sqs.GetQueueAttributes", lambda **kwargs: asked.append(kwargs["params"]))
    for body in ("a", "b"):
        client.send_message(QueueUrl=url, MessageBody=body)
        [invocation] = run.deliver_sqs(url)
        assert invocation.ok
    assert sources == ["arn:aws:sqs:us-east-1:123456789012:work"] * 2
    assert len(asked) == 1


def test_checkpoint_ids_are_unique():
    run = make_run(Learner())
    run.check("one", "One", 1, True, "fine")
    with pytest.raises(ValueError):
        run.check("one", "Again", 1, True, "dup")


def test_a_grader_that_raises_is_an_error_on_our_side():
    run = make_run(Learner())

    def grade(run):
        run.check("first", "First", 1, True, "ok")
        raise KeyError("oops")

    verdict = run_grader(run, grade).to_dict()
    assert verdict["status"] == "error"
    assert "on our side" in verdict["error"]
    assert [c["id"] for c in verdict["checkpoints"]] == ["first"]


def test_a_learner_timeout_escaping_the_grader_ends_the_run_as_timeout():
    def grade(run):
        raise LearnerError("timeout", "Your code ran past the 20-second time limit")

    verdict = run_grader(make_run(Learner()), grade).to_dict()
    assert (verdict["status"], verdict["error"]) == ("timeout", "Your code ran past the 20-second time limit")


def test_lambda_context_travels_as_json():
    import time

    wire = LambdaContext("handler", "req-1", deadline=time.monotonic() + 5).to_wire()
    assert json.loads(json.dumps(wire))["function_name"] == "handler"
    assert 4000 < wire["remaining_ms"] <= 5000


GRADER = """
def grade(run):
    if run.setup_error:
        run.check("setup", "setup() ran", 1, False, "setup() failed: " + run.setup_error.describe())
        return
    url = run.queue_url(run.inputs["queue"])
    run.check("queue", "Queue exists", 1, url is not None, "found it" if url else "no queue")
"""


def test_grade_in_process_imports_the_module_runs_setup_and_captures_output():
    code = "import boto3\nsqs = boto3.client('sqs')\nprint('hello from import')\ndef setup():\n    sqs.create_queue(QueueName='jobs')\n"
    with mock_aws():
        verdict = grade_in_process({"slug": "t", "time_limit_s": 5, "grader_files": {"grader.py": GRADER, "variants.py": "def variants(seed):\n    return {'queue': 'jobs'}\n"}}, code).to_dict()
    assert verdict["status"] == "passed"
    assert "hello from import" in verdict["output"]


def test_a_learner_exception_in_setup_reaches_the_grader_and_the_output():
    code = "def setup():\n    raise RuntimeError('no permissions')\n"
    with mock_aws():
        verdict = grade_in_process({"slug": "t", "time_limit_s": 5, "grader_files": {"grader.py": GRADER}}, code).to_dict()
    assert verdict["status"] == "failed"
    assert verdict["checkpoints"][0]["feedback"] == "setup() failed: RuntimeError: no permissions"
    assert 'File "submission.py", line 2, in setup' in verdict["output"]


def test_a_syntax_error_is_the_learners_not_ours():
    with mock_aws():
        verdict = grade_in_process({"slug": "t", "time_limit_s": 5, "grader_files": {"grader.py": GRADER}}, "def setup(:\n").to_dict()
    assert verdict["status"] == "failed"
    assert verdict["error"] == "Your module did not load: SyntaxError: line 1: invalid syntax"
    assert verdict["checkpoints"][0]["feedback"] == "Not checked: your module did not load (the error above says why)."


def test_the_grader_reuses_the_clients_the_warm_emulator_made_before_forking(monkeypatch):
    from grader import local_clients

    monkeypatch.setattr(local_clients, "_premade", {})
    local_clients.premake_local_clients(["sqs", "dynamodb"])
    premade = local_clients._premade["sqs"]
    assert local_clients.local_client("sqs") is premade
    assert local_clients.local_client("sns") is not local_clients.local_client("sns")  # not premade: a new one each time


def test_a_premade_client_pages_without_loading_models_again(monkeypatch):
    from grader import local_clients

    def no_loading(*args, **kwargs):
        raise AssertionError("loaded a model after the fork")

    monkeypatch.setattr(local_clients, "_premade", {})
    with mock_aws():  # as the warm emulator premakes them
        local_clients.premake_local_clients(["dynamodb"])
        dynamodb = local_clients.local_client("dynamodb")
        monkeypatch.setattr(dynamodb._loader, "load_service_model", no_loading)
        dynamodb.create_table(TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        assert [page["Count"] for page in dynamodb.get_paginator("scan").paginate(TableName="t")] == [0]



def test_the_graders_calls_carry_a_fixed_user_agent_and_are_answered():
    from grader.local_clients import GRADER_USER_AGENT, local_client

    sent = []
    with mock_aws():
        sqs = local_client("sqs")
        sqs.meta.events.register("before-send", lambda request, **kwargs: sent.append(request.headers["User-Agent"]))
        url = sqs.create_queue(QueueName="agent")["QueueUrl"]
        assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"].endswith(":agent")
    agents = {agent.decode() if isinstance(agent, bytes) else agent for agent in sent}
    assert len(agents) == 1 and agents.pop().startswith(GRADER_USER_AGENT + " ")  # boto3 appends its own name


def test_the_graders_calls_name_their_caller_and_scope_without_computing_a_signature():
    from grader.local_clients import local_client

    sent = []
    with mock_aws():
        sqs, events = local_client("sqs"), local_client("events")
        for client in (sqs, events):
            client.meta.events.register("before-send", lambda request, **kwargs: sent.append(request.headers["Authorization"]))
        access_key = sqs._request_signer._credentials.access_key
        assert sqs.create_queue(QueueName="scoped")["QueueUrl"].endswith("/scoped")
        assert events.put_rule(Name="scoped", EventPattern='{"source": ["shop"]}')["RuleArn"].endswith("rule/scoped")
    headers = [header.decode() if isinstance(header, bytes) else header for header in sent]
    today = time.strftime("%Y%m%d", time.gmtime())
    assert all(h.startswith(f"AWS4-HMAC-SHA256 Credential={access_key}/{today}/us-east-1/") for h in headers), headers
    assert {h.split("/")[3] for h in headers} == {"sqs", "events"}
    assert all(h.endswith("Signature=" + "0" * 64) for h in headers)


def test_the_graders_s3_calls_keep_botocores_signer_so_uploads_decode_whole():
    from grader.local_clients import local_client

    with mock_aws():
        s3 = local_client("s3")
        s3.create_bucket(Bucket="claims")
        s3.put_object(Bucket="claims", Key="big.json", Body=b"x" * 5000)  # aws-chunked, with a trailing checksum
        assert s3.head_object(Bucket="claims", Key="big.json")["ContentLength"] == 5000
        assert s3.get_object(Bucket="claims", Key="big.json")["Body"].read() == b"x" * 5000


@pytest.mark.parametrize("sent, receives", [(25, 3), (20, 3), (0, 1)])
def test_a_drain_takes_everything_and_ends_on_the_first_batch_shorter_than_asked(sqs, sent, receives):
    """25: 10, 10, then 5 of the 10 asked (nothing was left to see); 20: two
    full batches, then one more receive to learn the queue is empty."""
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    for n in range(sent):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))
    run = make_run(Learner())
    asked = []
    run.client("sqs").meta.events.register("before-call.sqs.ReceiveMessage", lambda **kwargs: asked.append(kwargs["params"]))
    assert sorted(int(m["Body"]) for m in run.drain(url)) == list(range(sent))
    assert len(asked) == receives
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None


def test_a_drain_reads_past_a_message_older_than_the_queues_retention(sqs):
    """moto stops a receive at an expired message; the emulator drops those
    first, which is what lets a short batch end a drain."""
    from moto.sqs.models import sqs_backends

    from grader.emulator import moto_fixes

    moto_fixes.apply()
    url = sqs.create_queue(QueueName="work", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="expired")
    [old] = sqs_backends["123456789012"]["us-east-1"].get_queue("work")._messages
    old.sent_timestamp -= 120_000  # sent two minutes ago: past the queue's retention
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert [m["Body"] for m in make_run(Learner()).drain(url)] == ["a", "b", "c"]
