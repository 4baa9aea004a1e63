"""SQS: sent (or dropped as a FIFO duplicate), received (with the receive
count), visibility changed, deleted, dead-lettered by a redrive policy, and
moved by a message move task (grader/emulator/moto_fixes/sqs_move_tasks).

Hooked: SQSBackend.send_message (every send: the API, SendMessageBatch, SNS
and EventBridge deliveries, move tasks), receive_message (which is also where
moto dead-letters: it moves the Message object itself to the DLQ),
delete_message, change_message_visibility, and sqs_move_tasks._move_one.
"""

from moto.sqs.models import SQSBackend

from grader import trace
from grader.emulator.moto_fixes import sqs_move_tasks
from grader.emulator.trace_hooks._util import recorder, recording, wrap
from grader.trace import DEAD_LETTERED, DEDUPLICATED, DELETED, MOVED, RECEIVED, SENT, VISIBILITY, Hop


def queue_kind(backend: SQSBackend, queue) -> str:
    if any(other.dead_letter_queue is queue for other in backend.queues.values()):
        return "dlq"
    return "fifo" if queue.fifo_queue else "queue"


def _by_receipt(queue, receipt_handle: str):
    return next((m for m in list(queue._messages) if m.had_receipt_handle(receipt_handle)), None)


@recording("sqs send")
def _sent(backend: SQSBackend, queue_name: str, message) -> None:
    rec = recorder()
    if rec is None or message is None:
        return
    queue = backend.get_queue(queue_name)
    kind = queue_kind(backend, queue)
    rec.arrived(message.id, action=SENT, resource=queue.name, kind=kind, body=message.body)
    if message not in queue._messages:
        shown = message.deduplication_id or ""
        shown = shown if len(shown) <= 24 else shown[:12] + "\u2026 (a hash of the body: content-based deduplication)"
        rec.step(message.id, Hop(DEDUPLICATED, queue.name, kind=kind, by=trace.AWS,
                                 detail=f"a message with deduplication id {shown} was sent less than 5 minutes before"))


def _send_message(original):
    def send_message(self: SQSBackend, queue_name: str, *args, **kwargs):
        message = original(self, queue_name, *args, **kwargs)
        _sent(self, queue_name, message)
        return message

    return send_message


@recording("sqs receive")
def _received(backend: SQSBackend, queue, before: list, result: list) -> None:
    rec = recorder()
    kind = queue_kind(backend, queue)
    for message in result:
        rec.step(message.id, Hop(RECEIVED, queue.name, kind=kind, count=message.approximate_receive_count,
                                 detail=f"receive #{message.approximate_receive_count}"))
    dlq = queue.dead_letter_queue
    if dlq is not None:
        now_in_dlq = {id(m) for m in dlq._messages}
        maximum = (queue.redrive_policy or {}).get("maxReceiveCount")
        for message in before:
            if id(message) in now_in_dlq:
                rec.step(message.id, Hop(DEAD_LETTERED, dlq.name, kind="dlq", source=f"{kind}:{queue.name}", by=trace.AWS,
                                         detail=f"after {message.approximate_receive_count} receives (maxReceiveCount {maximum})"))


def _receive_message(original):
    def receive_message(self: SQSBackend, queue_name: str, *args, **kwargs):
        if recorder() is None:
            return original(self, queue_name, *args, **kwargs)
        queue = self.get_queue(queue_name)
        before = list(queue._messages)
        result = original(self, queue_name, *args, **kwargs)
        _received(self, queue, before, result)
        return result

    return receive_message


def _on_receipt(action: str, describe):
    def make(original):
        def method(self: SQSBackend, queue_name: str, receipt_handle: str, *args, **kwargs):
            rec = recorder()
            message = None
            if rec is not None:
                try:
                    queue = self.get_queue(queue_name)
                    message = _by_receipt(queue, receipt_handle)
                except Exception:
                    message = None
            result = original(self, queue_name, receipt_handle, *args, **kwargs)
            if message is not None:
                _step(rec, message.id, Hop(action, queue.name, kind=queue_kind(self, queue), detail=describe(args, kwargs)))
            return result

        return method

    return make


@recording("sqs step")
def _step(rec, message_id: str, hop: Hop) -> None:
    rec.step(message_id, hop)


def _visibility(args, kwargs) -> str:
    timeout = kwargs.get("visibility_timeout", args[0] if args else None)
    return f"visibility timeout set to {timeout} s" if timeout is not None else ""


def _move_one(original):
    def move_one(task, dlq, message, fallback_arn):
        rec = recorder()
        if rec is None:
            return original(task, dlq, message, fallback_arn)
        with rec.caused_by(message.id, MOVED, f"dlq:{dlq.name}"):
            return original(task, dlq, message, fallback_arn)

    return move_one


def apply() -> None:
    wrap(SQSBackend, "send_message", _send_message)
    wrap(SQSBackend, "receive_message", _receive_message)
    wrap(SQSBackend, "delete_message", _on_receipt(DELETED, lambda args, kwargs: ""))
    wrap(SQSBackend, "change_message_visibility", _on_receipt(VISIBILITY, _visibility))
    wrap(sqs_move_tasks, "_move_one", _move_one)
