"""SQS measures a message in UTF-8 bytes, message attributes included.

AWS (SendMessage; MessageAttributeValue): a message may hold at most the
queue's MaximumMessageSize, 1 MiB (1,048,576 bytes) at most since August
2025, and "all parts of the message attribute, including Name, Type, and
Value, are part of the message size restriction". A SendMessageBatch request
may hold at most 1 MiB in all. moto 5.2.5 compares the body's length in
characters and ignores attributes, so a body of 600,000 two-byte characters
(1.2 MB) was accepted, and so was a body of exactly 1 MiB with attributes on
top. Both are refused here, with AWS's error.
"""

from moto.sqs.exceptions import BatchRequestTooLong, InvalidParameterValue
from moto.sqs.models import MAXIMUM_MESSAGE_LENGTH, SQSBackend


def _utf8(value) -> int:
    if value is None:
        return 0
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    return len(str(value).encode("utf-8"))


def message_size(body: str, attributes: dict | None) -> int:
    """Bytes SQS counts: the body, and each attribute's name, data type and value."""
    size = _utf8(body)
    for name, value in (attributes or {}).items():
        value = value or {}
        size += _utf8(name) + _utf8(value.get("DataType") or value.get("data_type"))
        size += _utf8(value.get("StringValue") or value.get("string_value"))
        size += _utf8(value.get("BinaryValue") or value.get("binary_value"))
    return size


def _send_message(original):
    def send_message(self: SQSBackend, queue_name: str, message_body: str, message_attributes=None, *args, **kwargs):
        queue = self.get_queue(queue_name)
        limit = int(queue.maximum_message_size)  # type: ignore[arg-type]
        if message_size(message_body, message_attributes) > limit:
            raise InvalidParameterValue(f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes.")
        return original(self, queue_name, message_body, message_attributes, *args, **kwargs)

    send_message._redrive_size = True
    return send_message


def _send_message_batch(original):
    def send_message_batch(self: SQSBackend, queue_name: str, entries: dict, *args, **kwargs):
        total = sum(message_size(e.get("MessageBody", ""), e.get("MessageAttributes")) for e in entries.values())
        if total > MAXIMUM_MESSAGE_LENGTH:
            raise BatchRequestTooLong(total)
        return original(self, queue_name, entries, *args, **kwargs)

    send_message_batch._redrive_size = True
    return send_message_batch


def apply() -> None:
    if not getattr(SQSBackend.send_message, "_redrive_size", False):
        SQSBackend.send_message = _send_message(SQSBackend.send_message)
    if not getattr(SQSBackend.send_message_batch, "_redrive_size", False):
        SQSBackend.send_message_batch = _send_message_batch(SQSBackend.send_message_batch)
