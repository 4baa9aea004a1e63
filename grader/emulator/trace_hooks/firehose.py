"""Firehose: a record put to a delivery stream (PutRecord and PutRecordBatch).

Hooked: FirehoseBackend.put_record_batch (PutRecord goes through it), after
moto_fixes.firehose_buffering, whose answer carries each record's id. What
happens next (the transformation, the S3 objects) is recorded by the grader's
Firehose, grader/firehose_delivery.py, under the same id.
"""

from moto.firehose.models import FirehoseBackend

from grader.emulator.trace_hooks._util import recorder, recording, wrap
from grader.firehose_delivery import trace_id
from grader.trace import PUT_RECORD


def _text(data) -> str:
    raw = data.encode() if isinstance(data, str) else bytes(data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return repr(raw)[:200]


@recording("firehose put")
def _put(rec, stream: str, records: list, result: dict) -> None:
    for record, response in zip(records, result.get("RequestResponses") or []):
        record_id = response.get("RecordId")
        if record_id:
            rec.arrived(trace_id(stream, record_id), action=PUT_RECORD, resource=stream, kind="stream",
                        body=_text(record.get("Data", b"")), detail=f"record id ...{record_id[-6:]}")


def _put_record_batch(original):
    def put_record_batch(self: FirehoseBackend, delivery_stream_name: str, records: list, *args, **kwargs):
        result = original(self, delivery_stream_name, records, *args, **kwargs)
        rec = recorder()
        if rec is not None:
            _put(rec, delivery_stream_name, records, result)
        return result

    return put_record_batch


def apply() -> None:
    wrap(FirehoseBackend, "put_record_batch", _put_record_batch)
