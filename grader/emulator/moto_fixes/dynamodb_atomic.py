"""DynamoDB's conditional writes are atomic: of two writers racing on one item,
only one can pass a condition the other's write breaks.

moto 5.2.5 evaluates a write's ConditionExpression and then applies the write
with no lock, on whichever request thread is serving the call, so two
concurrent `put_item(..., ConditionExpression="attribute_not_exists(pk)")`
calls can both succeed. With the harness running a learner's handler in
several invocations at once (deliver_sqs(concurrency=...)), that would let a
correct claim-by-conditional-write ship an order twice. Every write of a
backend (PutItem, UpdateItem, DeleteItem, TransactWriteItems,
BatchWriteItem) is serialized here by one lock per backend: check and write
then happen together, as on AWS.
"""

import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")  # BatchWriteItem goes through put_item and delete_item


def _lock(backend: DynamoDBBackend) -> threading.RLock:
    # Kept on the backend object: moto's reset makes new backends, and new locks with them.
    lock = backend.__dict__.get("_redrive_write_lock")
    if lock is None:
        lock = backend.__dict__.setdefault("_redrive_write_lock", threading.RLock())
    return lock


def _serialized(original):
    @functools.wraps(original)
    def write(self: DynamoDBBackend, *args, **kwargs):
        with _lock(self):
            return original(self, *args, **kwargs)

    write._redrive_atomic = True
    return write


def apply() -> None:
    for name in WRITES:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "_redrive_atomic", False):
            setattr(DynamoDBBackend, name, _serialized(method))
