"""Where grader.emulator.faults reaches into moto 5.2.5: one hook in front of
every action (BaseResponse.call_action, which every service's requests pass
through, over HTTP and under mock_aws alike) and one around SQS's
receive_message. Without a fault registered they change nothing.

Call faults answer in the action's own protocol: the error is a moto
ServiceException serialized by moto's serializer for that service (JSON
`__type` for Kinesis, EventBridge, DynamoDB and SQS's JSON protocol; XML for
SNS), with the fault's HTTP status. A partial failure takes the failing
entries out of the request before the action runs (they are never written),
then puts failure entries back at their places in the response.

This is not an upstream bug: moto has no fault injection. Its canary
(test_fault_hooks.py) asserts that plain moto has no hook of its own in
call_action, so the day moto adds one this module is reviewed.
"""

import base64
import copy
import inspect
import json
import random
import warnings

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse
from moto.sqs.models import SQSBackend

from grader import trace
from grader.emulator import clock, faults

# The trace's kind of the resource a faulted call named (flow drawing nodes are kind:name).
RESOURCE_KINDS = {"sqs": "queue", "sns": "topic", "kinesis": "stream", "events": "bus"}


def _mark(service: str, resource: str, detail: str, emulator_id: str | None = None, body: str | None = None) -> None:
    """Mark the fault in the run's trace, on the message it hit (grader.trace.Recorder.fault)."""
    recorder = trace.active()
    if recorder is not None:
        recorder.fault(
            resource=resource or service, kind=RESOURCE_KINDS.get(service, "service"), detail=detail,
            emulator_id=emulator_id, body=body,
        )


def _body(request: dict) -> str | None:
    """What a faulted call was sending, to find the message it answered: SQS's body, SNS's message."""
    for key in ("MessageBody", "Message"):
        if isinstance(request.get(key), str):
            return request[key]
    return None


class InjectedError(ServiceException):
    def __init__(self, code: str, message: str):
        super().__init__(code, message)


def _request(self: BaseResponse) -> dict:
    try:
        body = json.loads(self.body) if isinstance(self.body, (str, bytes)) and self.body else {}
    except ValueError:
        body = {}
    return body if isinstance(body, dict) else {}


def _resource(self: BaseResponse, request: dict) -> str:
    for key in ("StreamName", "TableName", "QueueUrl", "TopicArn", "EventBusName"):
        if request.get(key):
            return str(request[key]).rsplit("/", 1)[-1]
    arn = request.get("StreamARN") or ""
    return arn.rsplit("/", 1)[-1]


def _error(self: BaseResponse, fault: faults.CallFault, message: str):
    with warnings.catch_warnings():
        # moto warns when a code is not in the service's model (RequestThrottled, say): AWS sends them all the same.
        warnings.simplefilter("ignore", UserWarning)
        status, headers, body = self.serialized(ActionResult(InjectedError(fault.code, message)))
    headers = dict(headers)
    headers["status"] = str(fault.status)
    return fault.status, headers, body


def _readable(service: str, entry: dict) -> dict:
    if service == "kinesis" and isinstance(entry.get("Data"), str):
        try:
            return {**entry, "Data": base64.b64decode(entry["Data"]).decode("utf-8", "replace")}
        except ValueError:
            return entry
    return entry


def _kinesis_shard(self: BaseResponse, request: dict, entry: dict) -> str:
    from moto.kinesis.models import kinesis_backends

    try:
        backend = kinesis_backends[self.current_account][self.region]
        stream = backend.describe_stream(request.get("StreamARN"), request.get("StreamName"))
        shard = stream.get_shard_for_key(entry.get("PartitionKey"), entry.get("ExplicitHashKey"))
        return shard.shard_id if shard is not None else "shardId-000000000000"
    except Exception:  # the action itself reports a missing stream
        return "shardId-000000000000"


def _failed_entry(self: BaseResponse, fault: faults.CallFault, request: dict, entry: dict) -> dict:
    resource = _resource(self, request)
    if fault.service == "kinesis":
        message = fault.message.format(shard=_kinesis_shard(self, request, entry), resource=resource)
        return {"ErrorCode": fault.code, "ErrorMessage": message}
    if fault.service == "sqs":
        return {"Id": entry.get("Id"), "SenderFault": False, "Code": fault.code, "Message": fault.message}
    return {"ErrorCode": fault.code, "ErrorMessage": fault.message}


def _partial(self: BaseResponse, original, fault: faults.CallFault, registry: faults.Faults):
    request = _request(self)
    key = faults.BATCH_ACTIONS[(fault.service, fault.action)]
    entries = request.get(key)
    if not isinstance(entries, list) or not entries:
        return original(self)  # moto answers the malformed request itself
    readable = [_readable(fault.service, entry) if isinstance(entry, dict) else entry for entry in entries]
    # select(index, entry) or select(index, entry, entries): the whole call, to pick by what else it holds
    wants_all = len(inspect.signature(fault.select).parameters) >= 3
    failing = [
        i for i, entry in enumerate(readable)
        if isinstance(entry, dict) and (fault.select(i, entry, readable) if wants_all else fault.select(i, entry))
    ]
    if not failing:
        return original(self)
    failed = {i: _failed_entry(self, fault, request, entries[i]) for i in failing}
    kept = [entry for i, entry in enumerate(entries) if i not in failed]
    registry.record(
        "fail_records", fault.service, fault.action,
        {"resource": _resource(self, request), "failed": [{"index": i, **failed[i]} for i in failing], "of": len(entries)},
    )
    _mark(fault.service, _resource(self, request), f"the grader failed {len(failing)} of {len(entries)} entries of {fault.action} ({fault.code})")
    if kept:
        self.body = json.dumps({**request, key: kept})
        params = getattr(self, "params", None)
        if isinstance(params, dict) and isinstance(params.get(key), list) and len(params[key]) == len(entries):
            params[key] = [p for i, p in enumerate(params[key]) if i not in failed]
        status, headers, body = original(self)
        if status != 200:
            return status, headers, body
        response = json.loads(body)
    else:
        status, headers = 200, dict(self.response_headers)
        response = {}
    if fault.service == "sqs":
        response.setdefault("Successful", [])
        response["Failed"] = list(response.get("Failed", [])) + [failed[i] for i in failing]
    else:
        results_key = "Records" if fault.service == "kinesis" else "Entries"
        count_key = "FailedRecordCount" if fault.service == "kinesis" else "FailedEntryCount"
        done = iter(response.get(results_key, []))
        results = [failed[i] if i in failed else next(done) for i in range(len(entries))]
        response[results_key] = results
        response[count_key] = sum(1 for r in results if "ErrorCode" in r)
    headers = {k: v for k, v in dict(headers).items() if k.lower() != "content-length"}
    return 200, headers, json.dumps(response)


def _hook_call_action(original):
    def call_action(self: BaseResponse):
        if not faults.from_learner():
            return original(self)
        registry = faults.current()
        action = self._get_action()
        fault = registry.call_fault(self.service_name or "", action or "")
        if fault is None:
            return original(self)
        if fault.kind == "fail_records":
            return _partial(self, original, fault, registry)
        if fault.kind == "slow":
            seconds = fault.duration()
            registry.record("slow", fault.service, fault.action, {"seconds": seconds})
            clock.advance(seconds)  # the call takes this long; listeners (a competing consumer) act meanwhile
            return original(self)
        if fault.kind == "delay":
            answer = original(self)
            recorder = trace.active()
            invocation = recorder.current_invocation_id() if recorder is not None else None
            held_s, caught_up = registry.holds.hold(invocation, fault.seconds)
            detail = {"seconds": fault.seconds, "caught_up": caught_up, "held_s": round(held_s, 3)}  # seconds: the cap
            registry.record("delay", fault.service, fault.action, detail)
            until = "until the invocations running beside it had caught up" if caught_up else f"for {fault.seconds:g} s"
            _mark(fault.service, _resource(self, _request(self)), f"the grader held back the answer to {fault.action} {until}")
            return answer
        request = _request(self)
        message = fault.message.format(resource=_resource(self, request), shard="")
        registry.record(fault.kind, fault.service, fault.action, {"code": fault.code, "status": fault.status})
        verb = "throttled" if fault.kind == "throttle" else "failed"
        _mark(fault.service, _resource(self, request), f"the grader {verb} {fault.action} ({fault.code})", body=_body(request))
        return _error(self, fault, message)

    call_action._redrive_faults = True
    return call_action


def _hook_receive(original):
    def receive_message(self: SQSBackend, queue_name: str, *args, **kwargs):
        registry = faults.current()
        queue = self.get_queue(queue_name)
        if not queue.fifo_queue:
            for fault in registry.delivery_faults(queue.name, "reorder"):
                with queue._messages_lock:
                    random.Random(fault.seed + fault.fired).shuffle(queue._messages)
                fault.fired += 1
                registry.record("reorder", "sqs", queue.name)
        messages = original(self, queue_name, *args, **kwargs)
        for message in messages:
            for fault in registry.delivery_faults(queue.name, "duplicate"):
                if fault.select is not None and not fault.select(message.body):
                    continue
                fault.fired += 1
                twin = copy.copy(message)
                twin.receipt_handle = None
                twin.visible_at = (clock.time_s() + fault.delay_s) * 1000
                with queue._messages_lock:
                    queue._messages.append(twin)
                registry.record("duplicate", "sqs", queue.name, {"message_id": message.id, "delay_s": fault.delay_s})
                later = f" {fault.delay_s:g} s later" if fault.delay_s else ""
                _mark("sqs", queue.name, f"the grader had {queue.name} deliver it again{later}", emulator_id=message.id)
                break
        return messages

    receive_message._redrive_faults = True
    return receive_message


def apply() -> None:
    if not getattr(BaseResponse.call_action, "_redrive_faults", False):
        BaseResponse.call_action = _hook_call_action(BaseResponse.call_action)
    if not getattr(SQSBackend.receive_message, "_redrive_faults", False):
        SQSBackend.receive_message = _hook_receive(SQSBackend.receive_message)
