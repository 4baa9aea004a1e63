"""Grader for sqs-visibility-heartbeat. Trusted code: see docs/labs.md for the Run API.

Each part's PutItem takes emulator time (run.faults.slow), and a second worker
the grader plays (run.compete_sqs) receives from render-jobs every time the
clock moves: a job whose visibility runs out while the learner's worker still
holds it is taken by that worker too.
"""

import json

from grader import LearnerError

QUEUE, TABLE = "render-jobs", "render-parts"
QUEUE_TIMEOUT = 30
COMEBACK_S = 60  # a failed job must be visible again this soon after the failure
STEP_S = 5
OTHER = "worker-2"


def grade(run):
    sqs, ddb = run.client("sqs"), run.client("dynamodb")
    url = run.queue_url(QUEUE)
    timeout_after_setup = _visibility_timeout(run, url)
    table_problem = _table_problem(ddb)
    has_work = run.learner.has("work")
    long_job, failing_job = run.inputs["long_job"], run.inputs["failing_job"]

    long_result = failing_result = None
    competitor = None
    if url and not table_problem and has_work:
        competitor = run.compete_sqs(url, name=OTHER, hold_s=QUEUE_TIMEOUT)
        long_result = _run_long_job(run, sqs, url, competitor, long_job)
        sqs.purge_queue(QueueUrl=url)  # whatever the first job left behind does not meet the second
        failing_result = _run_failing_job(run, sqs, url, competitor, failing_job)
        competitor.stop()
    timeout_at_end = _visibility_timeout(run, url)

    # --- checkpoints -------------------------------------------------------------
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    problems = []
    if not url:
        problems.append(f"queue {QUEUE} does not exist")
    elif timeout_after_setup != QUEUE_TIMEOUT:
        problems.append(f"the queue {QUEUE} should keep a VisibilityTimeout of {QUEUE_TIMEOUT} s; after setup() it was {timeout_after_setup} s")
    elif timeout_at_end != QUEUE_TIMEOUT:
        problems.append(f"the queue {QUEUE} should keep a VisibilityTimeout of {QUEUE_TIMEOUT} s; your worker changed it to {timeout_at_end} s")
    if table_problem:
        problems.append(table_problem)
    run.check(
        "setup", f"{QUEUE} (visibility timeout 30 s) and {TABLE} exist", 1, not problems,
        f"{QUEUE} keeps its 30-second visibility timeout and {TABLE} has the key jobId + part." if not problems
        else _sentence("; ".join(problems)) + "." + setup_note,
    )
    not_run = _not_run(url, table_problem, has_work)

    run.check("all-parts", "Every part of the long job is written", 2, *(_all_parts(long_result, long_job) if long_result else (False, not_run)))
    run.check("processed-once", "No other worker received a job while yours still worked on it", 3,
              *(_processed_once(long_result, failing_result, long_job, failing_job) if long_result else (False, not_run)))
    run.check("delete-after-work", "The job is deleted only after its last part is written", 2,
              *(_delete_after_work(long_result, long_job) if long_result else (False, not_run)))
    run.check("job-deleted", "The finished job is deleted", 1, *(_job_deleted(long_result, long_job) if long_result else (False, not_run)))
    run.check("failed-job-returns", f"A job whose part failed is back on {QUEUE} within {COMEBACK_S} s", 2,
              *(_comes_back(failing_result, failing_job) if failing_result else (False, not_run)))


# --- the scenario ------------------------------------------------------------------
def _run_long_job(run, sqs, url, competitor, job):
    message_id = sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"jobId": job["jobId"], "parts": job["parts"]}))["MessageId"]
    run.label(message_id, f"{job['jobId']}, {job['parts']} parts, {sum(job['seconds'])} s of work", avoid=[OTHER])
    first_poll, started = len(competitor.polls), run.now()
    slow = run.faults.slow("dynamodb", "PutItem", seconds=job["seconds"])
    error = _call_work(run)
    slow.stop()
    parts = _parts_written(run, job["jobId"])
    counts = run.queue_attributes(url)
    left = int(counts["ApproximateNumberOfMessages"]) + int(counts["ApproximateNumberOfMessagesNotVisible"])
    return {
        "message_id": message_id, "started": started, "error": error, "parts": parts, "left": left,
        "polls": competitor.polls[first_poll:], "taken": [t for t in competitor.taken if t.message_id == message_id],
    }


def _run_failing_job(run, sqs, url, competitor, job):
    message_id = sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"jobId": job["jobId"], "parts": job["parts"]}))["MessageId"]
    run.label(message_id, f"{job['jobId']}, fails at part {job['fail_at']} of {job['parts']}")
    started = run.now()
    slow = run.faults.slow("dynamodb", "PutItem", seconds=job["seconds"])
    # The node loses its permission mid-job (a role swapped under it): a 400 that boto3 does not retry.
    fail = run.faults.fail(
        "dynamodb", "PutItem", code="AccessDeniedException",
        message="User: arn:aws:sts::123456789012:assumed-role/render-node/worker is not authorized to perform: "
        "dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/render-parts",
    )
    error = _call_work(run)
    slow.stop()
    fail.stop()
    failed_at = run.now()
    taken_before = [t for t in competitor.taken if t.message_id == message_id]
    back_after = None
    # Steps of 5 s up to 60, then one more second: a 60-second lease taken just
    # before the failure ends a moment after failed_at + 60.
    for step in [STEP_S] * (COMEBACK_S // STEP_S) + [1]:
        run.advance(step)  # the competitor polls on every move of the clock
        if any(t.message_id == message_id and t.at > failed_at for t in competitor.taken):
            back_after = next(t.at for t in competitor.taken if t.message_id == message_id and t.at > failed_at) - failed_at
            break
    counts = run.queue_attributes(url)
    return {
        "message_id": message_id, "started": started, "error": error, "failed_at": failed_at,
        "fault_fired": bool(fail.fired), "taken_before": taken_before, "back_after": back_after,
        "on_queue": int(counts["ApproximateNumberOfMessages"]) + int(counts["ApproximateNumberOfMessagesNotVisible"]) > 0,
    }


def _call_work(run):
    try:
        run.learner.call("work")
    except LearnerError as error:
        if error.kind != "exception":
            raise  # a timeout or crash ends the run
        return error
    return None


def _parts_written(run, job_id):
    items = run.client("dynamodb").query(
        TableName=TABLE, KeyConditionExpression="jobId = :j", ExpressionAttributeValues={":j": {"S": job_id}},
    ).get("Items", [])
    return sorted(int(item["part"]["N"]) for item in items if "N" in item.get("part", {}))


# --- the checks --------------------------------------------------------------------
def _all_parts(result, job):
    expected = list(range(1, job["parts"] + 1))
    if result["parts"] == expected:
        return True, f"All {job['parts']} parts of {job['jobId']} are in {TABLE}."
    missing = [p for p in expected if p not in result["parts"]]
    extra = [p for p in result["parts"] if p not in expected]
    text = f"{TABLE} should hold parts 1 to {job['parts']} of {job['jobId']}; it holds {len(result['parts'])}"
    if missing:
        text += f"; missing: {', '.join(map(str, missing))}"
    if extra:
        text += f"; unexpected: {', '.join(map(str, extra))}"
    if result["error"] is not None:
        text += f". work() raised {result['error'].describe()}"
    return False, text + "."


def _processed_once(long_result, failing_result, long_job, failing_job):
    lapses = []
    job_ids = {"the long job": long_job["jobId"], "the failing job": failing_job["jobId"]}
    for result, name in ((long_result, "the long job"), (failing_result, "the failing job")):
        if not result:
            continue
        taken = result["taken"] if "taken" in result else result["taken_before"]
        if taken:
            first = taken[0]
            during = ""
            polls = result.get("polls") or []
            part = next((i + 1 for i, p in enumerate(polls) if abs(p.at - first.at) < 0.001), None)
            if part is not None:
                during = f" while part {part} was being written"
            lapses.append(
                f"{name} ({job_ids[name]}) was received by {OTHER} {round(first.at - result['started'])} s after it was sent"
                f"{during} (receive #{first.receive_count})"
            )
    if not lapses:
        return True, "No job became visible while your worker held it: the heartbeat kept each one hidden."
    return False, (
        _sentence("; ".join(lapses)) + ". Its visibility ran out while your worker still worked on it, so another "
        "worker took it and the job was processed twice. A part can take up to 20 s: before each part, make sure "
        "more than that is left, and extend with ChangeMessageVisibility before the timeout, not after."
    )


def _delete_after_work(result, job):
    polls = result["polls"]
    gone = next((i + 1 for i, p in enumerate(polls) if p.visible + p.in_flight == 0), None)
    if gone is None:
        if not polls:
            return False, f"Your worker wrote no part of {job['jobId']}, so it never did the work it should delete after."
        return True, f"{job['jobId']} stayed on {QUEUE} until its last part was written."
    return False, (
        f"{job['jobId']} was already gone from {QUEUE} when part {gone} of {job['parts']} was written: it was deleted "
        "before the work was done. Had the worker failed then, the job would have been lost. Delete after the last part."
    )


def _job_deleted(result, job):
    if result["left"] == 0:
        return True, f"{job['jobId']} was deleted once it was done."
    return False, (
        f"After work() returned, {QUEUE} still held {job['jobId']}: it was never deleted, so it comes back when its "
        "visibility timeout runs out and is rendered again. Delete it with its receipt handle after the last part."
    )


def _comes_back(result, job):
    name = job["jobId"]
    if not result["fault_fired"]:
        return False, f"Your worker never reached part {job['fail_at']} of {name}, so the failure could not be tried."
    if result["back_after"] is None and not result["on_queue"]:
        return False, (
            f"Part {job['fail_at']} of {name} failed, and your worker deleted {name} anyway: the job is lost, with "
            f"parts {job['fail_at']} to {job['parts']} never rendered. Delete a job only after its last part; on a "
            "failure, leave it (or make it visible again) so another worker can retry it."
        )
    if result["back_after"] is None:
        return False, (
            f"Part {job['fail_at']} of {name} failed, and {name} was still hidden {COMEBACK_S} s later, so no other "
            "worker could retry it for that long. Keep each VisibilityTimeout (on the receive and in every "
            "extension) at 60 s or less, so a job whose worker failed comes back within a minute."
        )
    return True, (
        f"Part {job['fail_at']} of {name} failed, and another worker could receive it "
        f"{max(0, round(result['back_after']))} s later."
    )


def _sentence(text):
    return text[:1].upper() + text[1:]


def _not_run(url, table_problem, has_work):
    if not has_work:
        return "Not run: your module has no work() function."
    if not url or table_problem:
        return f"Not run: {QUEUE} and {TABLE} must exist first."
    return "Not run."


def _visibility_timeout(run, url):
    if not url:
        return None
    return int(run.queue_attributes(url).get("VisibilityTimeout", 0))


def _table_problem(ddb):
    try:
        table = ddb.describe_table(TableName=TABLE)["Table"]
    except ddb.exceptions.ResourceNotFoundException:
        return f"table {TABLE} does not exist"
    keys = {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]}
    types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    if keys != {"jobId": "HASH", "part": "RANGE"} or types.get("jobId") != "S" or types.get("part") != "N":
        shown = ", ".join(f"{name} ({kind}, {types.get(name)})" for name, kind in keys.items())
        return f"{TABLE}'s key should be jobId (HASH, S) + part (RANGE, N); it is {shown}"
    return ""
