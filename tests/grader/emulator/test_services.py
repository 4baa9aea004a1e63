"""Which services a run's emulator serves, and what it says about the others."""

from grader.emulator.services import ServicePolicy, allowed_backends


def test_a_lab_gets_its_declared_services_plus_iam_and_sts():
    assert allowed_backends(["sqs", "dynamodb"]) == {"sqs", "dynamodb", "dynamodbstreams", "iam", "sts"}
    assert "batch" not in allowed_backends(None) and "ec2" not in allowed_backends(None)
    assert {"sqs", "sns", "events", "s3", "awslambda", "kinesis"} <= allowed_backends(None)


def test_nothing_is_served_before_the_job_names_the_lab():
    policy = ServicePolicy()
    assert not policy.permits("sqs") and not policy.permits("sts")


def test_refused_services_are_named_once_each_in_the_verdict_note():
    policy = ServicePolicy()
    policy.set_services(["sqs", "events"])
    for backend in ("sqs", "s3", "s3bucket_path", "s3", "kinesis", "iam"):
        policy.permits(backend)

    assert policy.message("s3") == "S3 is not enabled in this lab: its emulator serves SQS and EventBridge (plus IAM and STS)."
    assert policy.refused_note() == (
        "Your code called S3 and Kinesis, which this lab does not use: its emulator serves SQS and EventBridge "
        "(plus IAM and STS), so those calls failed with UnknownOperationException."
    )


def test_a_run_that_called_only_declared_services_has_no_note():
    policy = ServicePolicy()
    policy.set_services(["sqs"])
    assert policy.permits("sqs") and policy.permits("sts")
    assert policy.refused_note() == ""
