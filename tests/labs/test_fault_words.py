"""The grader's injected faults in words, on the lab page."""

from labs.fault_words import fault_sentences


def test_each_kind_of_fault_is_said_with_what_it_hit_and_when():
    faults = [
        {"fault": "throttle", "service": "kinesis", "target": "PutRecords", "at": 0.5,
         "detail": {"code": "ProvisionedThroughputExceededException", "status": 400}},
        {"fault": "fail_records", "service": "kinesis", "target": "PutRecords", "at": 1.25,
         "detail": {"resource": "clicks", "of": 6, "failed": [
             {"index": 0, "ErrorCode": "ProvisionedThroughputExceededException"},
             {"index": 3, "ErrorCode": "ProvisionedThroughputExceededException"}]}},
        {"fault": "fail", "service": "sqs", "target": "SendMessage", "at": 2, "detail": {"code": "KmsDisabled", "status": 400}},
        {"fault": "duplicate", "service": "sqs", "target": "orders", "at": 3, "detail": {"message_id": "m-1", "delay_s": 30}},
        {"fault": "reorder", "service": "sqs", "target": "orders", "at": 4},
        {"fault": "delay", "service": "dynamodb", "target": "GetItem", "at": 5, "detail": {"seconds": 0.3, "caught_up": False, "held_s": 0.301}},
        {"fault": "delay", "service": "dynamodb", "target": "GetItem", "at": 6, "detail": {"seconds": 0.3, "caught_up": True, "held_s": 0.004}},
    ]
    assert fault_sentences(faults) == [
        "Throttled your Kinesis PutRecords call (ProvisionedThroughputExceededException).",
        "Failed 2 of the 6 entries of your Kinesis PutRecords call to clicks: entries 1, 4 "
        "(ProvisionedThroughputExceededException); the others were written.",
        "Failed your SQS SendMessage call with KmsDisabled.",
        "Delivered message m-1 from orders a second time 30 s later, as SQS may.",
        "Returned the messages of orders out of the order they were sent, as a standard queue may.",
        "Held back the answer to your DynamoDB GetItem call for 0.3 s.",
        "Held back the answer to your DynamoDB GetItem call until the other invocations running at the same time had caught up.",
    ]


def test_the_same_fault_firing_again_is_counted_not_repeated():
    throttle = {"fault": "throttle", "service": "sqs", "target": "SendMessage", "detail": {"code": "RequestThrottled"}}
    assert fault_sentences([{**throttle, "at": 1}, {**throttle, "at": 2}, {**throttle, "at": 3}]) == [
        "Throttled your SQS SendMessage call (RequestThrottled) (3 times)."
    ]


def test_malformed_entries_are_skipped_and_unknown_kinds_still_said():
    assert fault_sentences(["junk", {"fault": "slow_down", "service": "s3", "target": "PutObject"}]) == ["Slow down on S3 PutObject."]


def test_a_slow_call_says_how_long_it_took_on_the_emulator_clock():
    slow = {"fault": "slow", "service": "dynamodb", "target": "PutItem"}
    assert fault_sentences([{**slow, "detail": {"seconds": 20.0}}, {**slow, "detail": {"seconds": 7.5}}, {**slow, "detail": {"seconds": 20.0}}]) == [
        "Made your DynamoDB PutItem call take 20 s of the emulator's time, as slow work would (2 times).",
        "Made your DynamoDB PutItem call take 7.5 s of the emulator's time, as slow work would.",
    ]
