"""The faults a grader injected, in words, for the lab page.

A grader makes AWS misbehave on purpose (grader.emulator.faults): it throttles
a call, fails some records of a batch, delivers a message twice, shuffles a
queue, slows an answer down, makes a call take emulator time. When the
learner's code mishandles one, the checkpoint says what went wrong; this list says what was done to their code,
so the two can be read together.
"""

SERVICE_NAMES = {"sqs": "SQS", "sns": "SNS", "kinesis": "Kinesis", "dynamodb": "DynamoDB", "events": "EventBridge",
              "firehose": "Firehose", "s3": "S3", "scheduler": "EventBridge Scheduler", "lambda": "Lambda"}


def _service(name: str) -> str:
    return SERVICE_NAMES.get(name, name)


def fault_sentence(fault: dict) -> str:
    kind, service, target = fault.get("fault", ""), fault.get("service", ""), fault.get("target", "")
    detail = fault.get("detail") if isinstance(fault.get("detail"), dict) else {}
    call = f"your {_service(service)} {target} call"
    if kind == "throttle":
        return f"Throttled {call} ({detail.get('code', 'a throttling error')})."
    if kind == "fail":
        return f"Failed {call} with {detail.get('code', 'an error')}."
    if kind == "fail_records":
        failed = detail.get("failed") or []
        positions = ", ".join(str(item.get("index", "?") + 1) for item in failed if isinstance(item, dict))
        codes = sorted({item.get("ErrorCode") or item.get("Code") or "" for item in failed if isinstance(item, dict)} - {""})
        where = f" to {detail['resource']}" if detail.get("resource") else ""
        why = f" ({', '.join(codes)})" if codes else ""
        return (f"Failed {len(failed)} of the {detail.get('of', '?')} entries of {call}{where}: "
                f"entr{'y' if len(failed) == 1 else 'ies'} {positions}{why}; the others were written.")
    if kind == "delay":
        if detail.get("caught_up"):
            return f"Held back the answer to {call} until the other invocations running at the same time had caught up."
        seconds = detail.get("seconds")
        return f"Held back the answer to {call} for {seconds:g} s." if isinstance(seconds, (int, float)) else f"Held back the answer to {call}."
    if kind == "slow":
        seconds = detail.get("seconds")
        took = f"{seconds:g} s" if isinstance(seconds, (int, float)) else "a while"
        return f"Made {call} take {took} of the emulator's time, as slow work would."
    if kind == "duplicate":
        later = detail.get("delay_s") or 0
        when = f" {later:g} s later" if later else " at once"
        return f"Delivered message {detail.get('message_id', '?')} from {target} a second time{when}, as SQS may."
    if kind == "reorder":
        return f"Returned the messages of {target} out of the order they were sent, as a standard queue may."
    return f"{kind.replace('_', ' ').capitalize()} on {_service(service)} {target}."


def fault_sentences(faults: list) -> list[str]:
    """One sentence per injected fault, in the order they first fired; a fault
    that fired again is said once, with a count."""
    sentences: list[str] = []
    counts: dict[str, int] = {}
    for fault in faults or []:
        if not isinstance(fault, dict):
            continue
        key = fault_sentence(fault)
        if key in counts:
            counts[key] += 1
            continue
        counts[key] = 1
        sentences.append(key)
    return [s if counts[s] == 1 else f"{s[:-1]} ({counts[s]} times)." for s in sentences]
