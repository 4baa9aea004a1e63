"""DynamoDB TransactWriteItems honours ClientRequestToken, as AWS documents it.

moto 5.2.5 ignores the token: a retried transaction runs again. On AWS a
token makes the call idempotent for 10 minutes after the first request that
used it completed: the same token with the same parameters returns success
without writing anything again, and the same token with other parameters is
refused with IdempotentParameterMismatchException. After 10 minutes the token
is a new request. A learner's place_order that retries with a token, or two
calls with one order's token, would otherwise behave unlike AWS.

Only a transaction that succeeded is remembered: one that was cancelled
changed nothing, so retrying it runs it again. The window follows the
emulator's clock (grader/emulator/clock.py). The check and the write happen
under dynamodb_atomic's lock, so two racing calls with one token write once.
"""

import functools
import json

from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException
from moto.dynamodb.responses import DynamoHandler

from grader.emulator import clock
from grader.emulator.moto_fixes.dynamodb_atomic import _lock

WINDOW_S = 10 * 60


class IdempotentParameterMismatchException(DynamodbException):
    def __init__(self) -> None:
        super().__init__(
            ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException",
            message="Request with the same client request token had different parameters.",
        )


def _tokens(backend) -> dict:
    # On the backend object, like the write lock: a reset backend forgets its tokens.
    return backend.__dict__.setdefault("_redrive_request_tokens", {})


def _patched(original):
    @functools.wraps(original)
    def transact_write_items(self: DynamoHandler) -> ActionResult:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        backend = self.dynamodb_backend
        parameters = json.dumps({k: v for k, v in self.body.items() if k != "ClientRequestToken"}, sort_keys=True)
        with _lock(backend):
            tokens = _tokens(backend)
            now = clock.time_s()
            seen = tokens.get(token)
            if seen is not None and now - seen[1] < WINDOW_S:
                if seen[0] != parameters:
                    raise IdempotentParameterMismatchException()
                return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
            result = original(self)  # raises (and remembers nothing) when the transaction is cancelled
            tokens[token] = (parameters, clock.time_s())
            return result

    transact_write_items._redrive_request_token = True
    return transact_write_items


def apply() -> None:
    if not getattr(DynamoHandler.transact_write_items, "_redrive_request_token", False):
        DynamoHandler.transact_write_items = _patched(DynamoHandler.transact_write_items)
