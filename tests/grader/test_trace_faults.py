"""Injected faults are marked in the trace, on the message they hit."""

from moto import mock_aws

from grader.inprocess import grade_in_process

GRADER = '''
def grade(run):
    sqs = run.client("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.create_queue(QueueName="done")
    for body in ("job-1", "job-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    run.label("job-1", "job one")
    run.label("job-2", "job two")
    run.faults.fail("sqs", "SendMessage", code="KmsDisabled", times=1)
    run.faults.duplicate("jobs", select=lambda body: body == "job-2")
    run.deliver_sqs(url, function="handler", batch_size=1)
    run.check("ran", "ran", 1, True, "ran")
'''

HANDLER = '''
import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    done = sqs.get_queue_url(QueueName="done")["QueueUrl"]
    for record in event["Records"]:
        sqs.send_message(QueueUrl=done, MessageBody=record["body"] + " done")
'''


def test_a_failed_call_is_marked_on_the_message_being_handled_and_a_duplicate_on_its_message():
    with mock_aws():
        verdict = grade_in_process({"slug": "probe", "time_limit_s": 20, "grader_files": {"grader.py": GRADER}}, HANDLER)
    entries = {entry.label: entry for entry in verdict.trace}
    marks = {label: [(h.resource, h.detail) for h in entry.hops if h.action == "fault"] for label, entry in entries.items()}
    assert marks["job one"] == [("done", "the grader failed SendMessage (KmsDisabled)")]
    assert marks["job two"] == [("jobs", "the grader had jobs deliver it again")]
    assert [f["fault"] for f in verdict.faults] == ["fail", "duplicate"]
