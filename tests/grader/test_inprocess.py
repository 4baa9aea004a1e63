"""The in-process transport gives the learner's code what the sandbox's harness gives it."""

from botocore import endpoint

from grader import inprocess


def test_boto3_retries_without_waiting_while_the_learners_code_runs(dynamodb_failing_twice):
    client, slept, attempts = dynamodb_failing_twice
    with inprocess._learner_time():
        client.list_tables()
    assert len(attempts) == 3 and slept == []


def test_the_wait_before_a_retry_is_back_once_the_learners_code_returns():
    real = endpoint.time
    with inprocess._learner_time():
        assert endpoint.time is not real
    assert endpoint.time is real
