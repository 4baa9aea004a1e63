"""Kinesis sequence numbers shaped like AWS's, and GetShardIterator refusing
one that does not belong to the shard.

moto 5.2.5 numbers each shard's records 1, 2, 3, ...: the same small numbers
on every shard, so a consumer that stores shard A's sequence number as shard
B's checkpoint resumes somewhere plausible in B instead of failing, and a
consumer that compares sequence numbers as strings ("10" < "9") passes. AWS's
are long decimal strings (56 digits) with gaps, increasing within a shard,
that encode the shard: GetShardIterator with AT_SEQUENCE_NUMBER or
AFTER_SEQUENCE_NUMBER and another shard's number fails with
InvalidArgumentException ("Invalid StartingSequenceNumber. It encodes
shardId-000000000001, while it was used in a call to a shard with
shardId-000000000000"), and a number that never came from the stream fails
with "... is invalid because it did not come from this stream." Those
iterator types without a StartingSequenceNumber are refused too (moto raised
an internal TypeError, an HTTP 500).

Here a sequence number is 49 * 10**54 + n * 10**22 + shard_index * 10**10:
56 digits, the shard's n-th record, its shard readable from it. moto keeps
using the numbers as ints (records are keyed and compared by them), so
iterators and GetRecords work unchanged. A shard's StartingSequenceNumber is
its number 0, valid for AT_ and AFTER_SEQUENCE_NUMBER like AWS's. Limitation:
the number does not name the stream, so a number from another stream's shard
of the same index is accepted.
"""

from moto.kinesis.exceptions import InvalidArgumentError
from moto.kinesis.models import KinesisBackend, Record, Shard

PREFIX = 49 * 10**54
RECORD_STEP = 10**22
SHARD_STEP = 10**10
DIGITS = 56


def sequence_number(shard_index: int, n: int) -> int:
    """The n-th record's sequence number on shard `shard_index` (n = 0 is the shard's start)."""
    return PREFIX + n * RECORD_STEP + shard_index * SHARD_STEP


def shard_of(number: str) -> int | None:
    """The shard index a sequence number encodes, or None if it is not one of ours."""
    text = str(number)
    if len(text) != DIGITS or not text.isdigit() or not text.startswith("49"):
        return None
    value = int(text)
    if value % SHARD_STEP:
        return None
    return (value % RECORD_STEP) // SHARD_STEP


def _shard_name(index: int) -> str:
    return f"shardId-{str(index).zfill(12)}"


def _put_record(self: Shard, partition_key: str, data: str, explicit_hash_key: str) -> str:
    self._redrive_count = getattr(self, "_redrive_count", 0) + 1
    number = sequence_number(self._shard_id, self._redrive_count)
    self.records[number] = Record(partition_key, data, number, explicit_hash_key)
    return str(number)


def _get_min_sequence_number(original):
    def get_min_sequence_number(self: Shard) -> int:
        return sequence_number(self._shard_id, 0)

    get_min_sequence_number._redrive_sequence = True
    return get_min_sequence_number


def _get_shard_iterator(original):
    def get_shard_iterator(self: KinesisBackend, stream_arn, stream_name, shard_id, shard_iterator_type, starting_sequence_number, at_timestamp):
        if shard_iterator_type in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            stream = self.describe_stream(stream_arn=stream_arn, stream_name=stream_name)
            if starting_sequence_number in (None, ""):
                raise InvalidArgumentError(
                    "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
                    "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. "
                    f"Request specified {shard_iterator_type} and no StartingSequenceNumber."
                )
            encoded = shard_of(starting_sequence_number)
            if encoded is None:
                raise InvalidArgumentError(
                    f"StartingSequenceNumber {starting_sequence_number} used in GetShardIterator on shard {shard_id} "
                    f"in stream {stream.stream_name} under account {self.account_id} is invalid because it did not come from this stream."
                )
            if _shard_name(encoded) != shard_id:
                raise InvalidArgumentError(
                    f"Invalid StartingSequenceNumber. It encodes {_shard_name(encoded)}, "
                    f"while it was used in a call to a shard with {shard_id}"
                )
        return original(self, stream_arn, stream_name, shard_id, shard_iterator_type, starting_sequence_number, at_timestamp)

    get_shard_iterator._redrive_sequence = True
    return get_shard_iterator


def apply() -> None:
    if getattr(Shard.put_record, "_redrive_sequence", False):
        return
    _put_record._redrive_sequence = True
    Shard.put_record = _put_record
    Shard.get_min_sequence_number = _get_min_sequence_number(Shard.get_min_sequence_number)
    KinesisBackend.get_shard_iterator = _get_shard_iterator(KinesisBackend.get_shard_iterator)
