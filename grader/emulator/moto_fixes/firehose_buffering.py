"""Firehose buffers what it receives before delivering to S3.

moto 5.2.5 writes one S3 object per PutRecord or PutRecordBatch call, at once,
under `Prefix` followed by moto's own time path: it ignores BufferingHints,
ProcessingConfiguration (no transformation Lambda is ever invoked) and
ErrorOutputPrefix. AWS gathers records in a buffer, invokes the
transformation Lambda with a buffered batch, and writes an object when the
destination's buffer is full or its interval has passed.

Here a stream with an S3 or extended S3 destination keeps what it receives, in
arrival order with its record id and arrival time on the emulator clock, until
the grader's Firehose (grader/firehose_delivery.py, `Run.deliver_firehose`)
takes it: that plays the transformation and the buffered delivery, as
`Run.deliver_sqs` plays Lambda's SQS trigger. Nothing reaches S3 until then.
Other destinations keep moto's behaviour.

CreateDeliveryStream also refuses what AWS refuses (s3-prefixes, semantic
rules; API_BufferingHints): a Prefix with `!{...}` expressions and no
ErrorOutputPrefix, an ErrorOutputPrefix with expressions but without
`!{firehose:error-output-type}`, `!{firehose:error-output-type}` in Prefix,
and BufferingHints outside 1-128 MiB and 0-900 seconds.
"""

import inspect
import threading

from moto.firehose.exceptions import InvalidArgumentException, ResourceNotFoundException
from moto.firehose.models import DeliveryStream, FirehoseBackend
from moto.moto_api._internal import mock_random

from grader.emulator import clock

_lock = threading.Lock()
ERROR_TYPE = "!{firehose:error-output-type}"


def s3_destination(stream: DeliveryStream) -> dict | None:
    """The stream's (extended) S3 destination configuration, or None."""
    for destination in stream.destinations:
        if "ExtendedS3" in destination:
            return destination["ExtendedS3"]
        if "S3" in destination:
            return destination["S3"]
    return None


def take_pending(stream: DeliveryStream) -> list[dict]:
    """Hand over (and forget) what the stream received since the last call:
    dicts with record_id, data (bytes) and arrival (emulator seconds)."""
    with _lock:
        pending = stream.__dict__.setdefault("redrive_pending", [])
        taken = list(pending)
        pending.clear()
        return taken


def _record_id() -> str:
    # AWS's record ids are long decimal strings; 56 digits here.
    return f"{mock_random.getrandbits(186):056d}"


def _put_record_batch(original):
    def put_record_batch(self: FirehoseBackend, delivery_stream_name: str, records: list[dict]) -> dict:
        stream = self.delivery_streams.get(delivery_stream_name)
        if stream is None or s3_destination(stream) is None:
            return original(self, delivery_stream_name, records)
        now = clock.time_s()
        responses = []
        with _lock:
            pending = stream.__dict__.setdefault("redrive_pending", [])
            for record in records:
                data = record.get("Data", b"")
                data = data.encode() if isinstance(data, str) else bytes(data)
                record_id = _record_id()
                pending.append({"record_id": record_id, "data": data, "arrival": now})
                responses.append({"RecordId": record_id})
        return {"FailedPutCount": 0, "Encrypted": False, "RequestResponses": responses}

    put_record_batch._redrive_buffering = True
    return put_record_batch


def _has_expression(prefix: str) -> bool:
    return "!{" in prefix


def check_s3_configuration(config: dict) -> None:
    """Raise InvalidArgumentException where AWS refuses an S3 destination's prefixes or buffering hints."""
    prefix, error_prefix = config.get("Prefix") or "", config.get("ErrorOutputPrefix") or ""
    if ERROR_TYPE in prefix:
        raise InvalidArgumentException("Prefix cannot contain !{firehose:error-output-type}: it can only be used in ErrorOutputPrefix.")
    if _has_expression(prefix) and not error_prefix:
        raise InvalidArgumentException("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.")
    if _has_expression(error_prefix) and ERROR_TYPE not in error_prefix:
        raise InvalidArgumentException("ErrorOutputPrefix must contain !{firehose:error-output-type} when it contains expressions.")
    hints = config.get("BufferingHints") or {}
    if hints and (("SizeInMBs" in hints) != ("IntervalInSeconds" in hints)):
        raise InvalidArgumentException("BufferingHints: if you specify SizeInMBs or IntervalInSeconds you must specify both.")
    size, interval = hints.get("SizeInMBs"), hints.get("IntervalInSeconds")
    if size is not None and not 1 <= int(size) <= 128:
        raise InvalidArgumentException(f"1 validation error detected: Value '{size}' at 'bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value between 1 and 128")
    if interval is not None and not 0 <= int(interval) <= 900:
        raise InvalidArgumentException(f"1 validation error detected: Value '{interval}' at 'bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value between 0 and 900")


def _create_delivery_stream(original):
    # moto's responses pass every argument by position (see its signature).
    names = list(inspect.signature(original).parameters)[1:]

    def create_delivery_stream(self: FirehoseBackend, *args, **kwargs):
        arguments = {**dict(zip(names, args)), **kwargs}
        for key in ("extended_s3_destination_configuration", "s3_destination_configuration"):
            if arguments.get(key):
                check_s3_configuration(arguments[key])
        return original(self, *args, **kwargs)

    create_delivery_stream._redrive_buffering = True
    return create_delivery_stream


def stream_named(backend: FirehoseBackend, name: str) -> DeliveryStream:
    stream = backend.delivery_streams.get(name)
    if stream is None:
        raise ResourceNotFoundException(f"Firehose {name} under account {backend.account_id} not found.")
    return stream


def apply() -> None:
    if not getattr(FirehoseBackend.put_record_batch, "_redrive_buffering", False):
        FirehoseBackend.put_record_batch = _put_record_batch(FirehoseBackend.put_record_batch)
    if not getattr(FirehoseBackend.create_delivery_stream, "_redrive_buffering", False):
        FirehoseBackend.create_delivery_stream = _create_delivery_stream(FirehoseBackend.create_delivery_stream)
