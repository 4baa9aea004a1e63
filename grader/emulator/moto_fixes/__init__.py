"""Where moto 5.2.5 lacks or breaks what the labs need, patched to follow AWS's
documented behaviour. `apply()` patches moto's classes in this process; call it
before serving (the warm emulator) or grading (grade_in_process). Idempotent.

The patches reach into moto's internals (`_messages`, `_messages_lock`,
`FilterPolicyMatcher._compute_body_checks`, `Rule.send_to_targets`' signature),
so `apply()` refuses any other moto version than MOTO_VERSION. Each patch has a
strict expected-failure test of moto's own behaviour
(in each patch's tests, tests/grader/emulator/moto_fixes/): the day one passes, moto
has fixed it and the patch can go.

What is fixed (see each module's docstring):
- sqs_move_tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.
- events_delivery: InputTransformer templates with unquoted string placeholders,
  disabled rules, SNS targets, and targets that cannot receive (no crash in PutEvents).
- target_retries: a target's RetryPolicy and DeadLetterConfig (EventBridge rule
  targets and Scheduler targets), retried on the emulator clock.
- events_replay: StartReplay replays only its time window, only to FilterArns'
  rules, through the targets' transformers, with `replay-name`.
- scheduler_fire: EventBridge Scheduler schedules fire on the emulator clock.
- sns_delivery: InvalidParameter for a non-JSON filter policy, `$or` in
  MessageBody scope, and a subscription whose queue does not exist.
- sqs_queue_policy: SNS and EventBridge deliver to a queue only when the
  queue's policy (and its KMS key, if any) lets the topic or rule in; a Policy
  that is not a JSON object is InvalidAttributeValue.
- sns_fifo: FIFO topics deduplicate on the topic (explicit or content-based
  ids, 5 minutes, topic or group scope), answer with sequence numbers, put
  them in the envelope, and give standard queues no group id.
- sns_signing: one signing key per process, made before the zygote forks
  (moto made an RSA key per subscription: a fifth of an SNS lab's CPU).
- dispatch_speed: moto's service list read once, not listed from disk per request.
- error_model_speed: the service an error belongs to, looked up in a table
  built once (moto built a botocore Session and listed every service for each
  service's first error, in every forked emulator child).
- name_conversion_speed: moto's camelCase-to-snake_case conversion remembered
  (SQS converted every attribute name of a queue for every message received).
- sqs_speed: GetQueueAttributes and ReceiveMessage build a queue's attribute
  dictionary once, not once per name or per message; receipt handles in one
  call of moto's random source; a message body's MD5 hashed once, not per answer.
- request_id_speed: moto's request id written into a body only where the body
  holds a RequestId tag (moto scanned every answer, S3 objects included, with
  a look-behind regular expression); its random strings drawn in one call.
- jsonpath_speed: EventBridge's JSONPath expressions parsed once each (jsonpath_ng
  built a new parser, yacc tables and all, for every input path of every
  target of every event).
- stubber_speed: each service's URL table for in-process calls (the
  grader's) built once per backend class, not per request (S3's reloaded its
  urls module twice per request to build it).
- action_lookup_speed: the action methods of moto's response classes listed
  once per class, not per request.
- request_build_speed: moto's request for an in-process call built in one
  pass, not through werkzeug's test-client EnvironBuilder (the same environ).
- sqs_retention: messages older than MessageRetentionPeriod are deleted, not
  left at the head of the queue hiding every newer one.
- sqs_message_size: a message's size is its body's UTF-8 bytes plus its
  attributes' names, types and values (moto counted characters of the body).
- dynamodb_atomic: a conditional write's check and write happen together
  (moto let two racing conditional puts both succeed).
- dynamodb_request_token: TransactWriteItems' ClientRequestToken makes a repeat
  within 10 minutes a no-op, or IdempotentParameterMismatchException (moto ignored it).
- kinesis_sequence_numbers: sequence numbers shaped like AWS's (long, with gaps,
  encoding their shard), and GetShardIterator refusing another shard's number.
- moto_clock: moto's time follows grader.emulator.clock, which graders move
  forward (Run.advance) instead of waiting.
- firehose_buffering: a stream to S3 keeps what it receives for the grader's
  Firehose (grader/firehose_delivery.py: buffering and the transformation
  Lambda) instead of writing one object per put; CreateDeliveryStream refuses
  the prefixes and buffering hints AWS refuses.
- faults: the learner's calls can be throttled or partly failed, and SQS can
  deliver twice or out of order, as the grader asks (grader.emulator.faults).
"""

import threading

import moto

from grader.emulator.moto_fixes import (
    action_lookup_speed, dispatch_speed, dynamodb_atomic, dynamodb_request_token, error_model_speed, events_delivery, events_replay, fault_hooks,
    firehose_buffering, jsonpath_speed, kinesis_sequence_numbers, moto_clock, name_conversion_speed, request_build_speed, request_id_speed,
    scheduler_fire, sns_delivery, sns_fifo, sns_signing, sqs_message_size, sqs_move_tasks, sqs_queue_policy, sqs_retention, sqs_speed, stubber_speed,
)

MOTO_VERSION = "5.2.5"  # the version these patches were written for and tested against

_lock = threading.Lock()
_applied = False


class MotoVersionMismatch(RuntimeError):
    pass


def check_version(installed: str | None = None) -> None:
    installed = installed or moto.__version__
    if installed != MOTO_VERSION:
        raise MotoVersionMismatch(
            f"grader/emulator/moto_fixes was written for moto {MOTO_VERSION}, but moto {installed} is installed. "
            "Run tests/grader/emulator/moto_fixes against it: an expected failure that now passes names a patch "
            "moto no longer needs; then review the others against the new internals and update MOTO_VERSION."
        )


def apply() -> None:
    """Patch moto in this process. Raises MotoVersionMismatch on any other moto than MOTO_VERSION."""
    global _applied
    check_version()
    with _lock:
        if _applied:
            return
        moto_clock.apply()
        sqs_move_tasks.apply()
        sqs_retention.apply()
        sqs_message_size.apply()
        dynamodb_atomic.apply()
        dynamodb_request_token.apply()
        events_delivery.apply()
        events_replay.apply()
        scheduler_fire.apply()
        sns_delivery.apply()
        sqs_queue_policy.apply()
        sns_fifo.apply()
        sns_signing.apply()
        firehose_buffering.apply()
        dispatch_speed.apply()
        error_model_speed.apply()
        name_conversion_speed.apply()
        sqs_speed.apply()
        action_lookup_speed.apply()
        request_id_speed.apply()
        jsonpath_speed.apply()
        stubber_speed.apply()
        request_build_speed.apply()
        kinesis_sequence_numbers.apply()
        fault_hooks.apply()
        _applied = True
