"""Kinesis: a record put to a stream (with its shard and sequence number) and
each time it is read: a step into the function when the learner's code reads it
inside a worker invocation (Run.invoke), where what it then sends joins the
record; else a read of the stream.

Hooked: Stream.put_record (PutRecord and PutRecords both go through it) and
KinesisBackend.get_records.
"""

import base64

from moto.kinesis.models import KinesisBackend, Stream

from grader.emulator.trace_hooks._util import recorder, recording, wrap
from grader.trace import PUT_RECORD, READ, Hop


def _text(data) -> str:
    try:
        raw = base64.b64decode(data) if isinstance(data, (str, bytes)) else bytes(data)
        return raw.decode("utf-8")
    except Exception:
        return str(data)[:200]


def record_id(stream: str, sequence_number) -> str:
    return f"kinesis:{stream}:{sequence_number}"


@recording("kinesis put")
def _put(rec, stream: Stream, partition_key: str, data, sequence_number, shard_id: str) -> None:
    rec.arrived(record_id(stream.stream_name, sequence_number), action=PUT_RECORD, resource=stream.stream_name, kind="stream",
                body=_text(data), detail=f"{shard_id}, sequence number {sequence_number}, partition key {partition_key}")


def _stream_put_record(original):
    def put_record(self: Stream, partition_key: str, explicit_hash_key, data, *args, **kwargs):
        sequence_number, shard_id = original(self, partition_key, explicit_hash_key, data, *args, **kwargs)
        rec = recorder()
        if rec is not None:
            _put(rec, self, partition_key, data, sequence_number, shard_id)
        return sequence_number, shard_id

    return put_record


@recording("kinesis read")
def _read(rec, shard_iterator: str, records: list) -> None:
    from moto.kinesis.utils import decompose_shard_iterator

    stream_name, shard_id, _ = decompose_shard_iterator(shard_iterator)
    for record in records:
        key, detail = record_id(stream_name, record.sequence_number), f"from {shard_id} at sequence number {record.sequence_number}"
        # Inside a worker invocation (Run.invoke) the record is the function's input.
        if not rec.read_in_invocation(key, _text(record.data), stream=stream_name, detail=detail):
            rec.step(key, Hop(READ, stream_name, kind="stream", detail=detail))


def _get_records(original):
    def get_records(self: KinesisBackend, stream_arn, shard_iterator: str, limit, *args, **kwargs):
        result = original(self, stream_arn, shard_iterator, limit, *args, **kwargs)
        rec = recorder()
        if rec is not None:
            _read(rec, shard_iterator, result[1])
        return result

    return get_records


def apply() -> None:
    wrap(Stream, "put_record", _stream_put_record)
    wrap(KinesisBackend, "get_records", _get_records)
