"""Grader for eventbridge-scheduler. Trusted code: see docs/labs.md for the Run API.

The grader places orders (each some minutes before it asks for the reminder),
calls the learner's schedule_reminder(order) for each, then moves the emulator
clock to just before and just after each reminder's time: the emulator's
Scheduler fires due schedules as the clock moves.
"""

import datetime
import json
import zoneinfo

from grader import LearnerError

GROUP = "order-reminders"
RETRY_POLICY = {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600}
EARLY_S = 30


def _sentence(text):
    return text[:1].upper() + text[1:] + "."


def _when(seconds, zone):
    return datetime.datetime.fromtimestamp(seconds, zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S %Z")


def grade(run):
    sqs, scheduler = run.client("sqs"), run.client("scheduler")
    urls = {name: run.queue_url(name) for name in ("reminders", "reminders-dlq")}
    groups = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    problems = [f"queue {n} does not exist" for n, u in urls.items() if not u]
    if GROUP not in groups:
        problems.append(f"there is no schedule group {GROUP}")
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check("setup", "reminders, reminders-dlq and the order-reminders group exist", 1, not problems,
              "Both queues and the schedule group exist." if not problems else _sentence("; ".join(problems)) + setup_note)

    # --- orders come in; the learner schedules a reminder for each -----------------------
    now = int(run.now())
    orders, errors = [], []
    for spec in run.inputs["orders"]:
        placed = now - spec["minutes_ago"] * 60
        order = {
            "orderId": spec["orderId"],
            "placedAt": datetime.datetime.fromtimestamp(placed, zoneinfo.ZoneInfo(spec["timezone"])).isoformat(),
            "timezone": spec["timezone"],
        }
        orders.append({**spec, "order": order, "due": placed + 86400})
        if spec["undeliverable"]:
            run.faults.fail_delivery("reminders", select=lambda body, o=spec["orderId"]: o in body)
        try:
            run.learner.call("schedule_reminder", order)
        except LearnerError as error:
            if error.kind == "timeout":
                raise
            errors.append(f"schedule_reminder for {spec['orderId']} failed: {error.describe()}")

    # --- what the schedules say -------------------------------------------------------------
    problems = list(errors)
    dlq_arn = run.queue_arn(urls["reminders-dlq"]) if urls["reminders-dlq"] else None
    for item in orders:
        name = f"reminder-{item['orderId']}"
        try:
            schedule = scheduler.get_schedule(Name=name, GroupName=GROUP)
        except scheduler.exceptions.ResourceNotFoundException:
            problems.append(f"there is no schedule {name} in {GROUP}")
            continue
        target = schedule.get("Target") or {}
        if not schedule.get("ScheduleExpression", "").startswith("at("):
            problems.append(f"{name} should be a one-time at() schedule; it is {schedule.get('ScheduleExpression')}")
        if (schedule.get("FlexibleTimeWindow") or {}).get("Mode") != "OFF":
            problems.append(f"{name}'s FlexibleTimeWindow should be OFF (a reminder has an exact time); it is {json.dumps(schedule.get('FlexibleTimeWindow'))}")
        if (target.get("DeadLetterConfig") or {}).get("Arn") != dlq_arn:
            problems.append(f"{name}'s target should have reminders-dlq as DeadLetterConfig; it has {(target.get('DeadLetterConfig') or {}).get('Arn') or 'none'}")
        policy = target.get("RetryPolicy") or {}
        if {k: policy.get(k) for k in RETRY_POLICY} != RETRY_POLICY:
            problems.append(f"{name}'s RetryPolicy should be {json.dumps(RETRY_POLICY)}; it is {json.dumps(policy)}")
        if schedule.get("ActionAfterCompletion") != "DELETE":
            problems.append(f"{name} should delete itself after it runs (ActionAfterCompletion DELETE); it has {schedule.get('ActionAfterCompletion') or 'none'}")
    run.check("schedule-config", "each order has its own one-time schedule, configured as asked", 2, not problems,
              f"{len(orders)} schedules reminder-<orderId> in {GROUP}, exact time, retry policy, DLQ and DELETE after completion."
              if not problems else _sentence("; ".join(problems[:4])) + (f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""))

    # --- time passes: each reminder should arrive exactly 24 hours after its order ----------
    arrived = {}

    def collect(moment):
        if urls["reminders"]:
            for message in run.drain(urls["reminders"]):
                try:
                    body = json.loads(message["Body"])
                except ValueError:
                    body = message["Body"]
                order_id = body.get("orderId") if isinstance(body, dict) else None
                arrived.setdefault(order_id, []).append((moment, body))

    for item in sorted(orders, key=lambda o: o["due"]):
        for moment in (item["due"] - EARLY_S, item["due"] + 1):
            if run.now() < moment:
                run.advance(moment - run.now())
            collect(moment)
    run.advance(3 * 3600)
    collect(run.now())
    for item in orders:
        if item["undeliverable"]:
            run.label(json.dumps({"orderId": item["orderId"], "kind": "review-reminder"}), f"{item['orderId']}: reminders is throttled for it",
                      reach=["queue:reminders-dlq"])
        else:
            run.label(json.dumps({"orderId": item["orderId"], "kind": "review-reminder"}), f"{item['orderId']}: due {_when(item['due'], item['timezone'])}",
                      reach=["queue:reminders"], avoid=["queue:reminders-dlq"])

    wrong = []
    for item in orders:
        if item["undeliverable"]:
            continue
        got = arrived.get(item["orderId"], [])
        due_text = _when(item["due"], item["timezone"])
        if not got:
            wrong.append(f"{item['orderId']} (due {due_text}) never arrived")
        elif len(got) > 1:
            wrong.append(f"{item['orderId']} arrived {len(got)} times")
        else:
            at = got[0][0]
            if at <= item["due"] - EARLY_S:
                wrong.append(f"{item['orderId']} (due {due_text}) came before its time: it was there {EARLY_S} s before")
            elif at > item["due"] + 1:
                wrong.append(f"{item['orderId']} (due {due_text}) had not arrived 1 s after its time; it came later")
    expected = len([o for o in orders if not o["undeliverable"]])
    run.check("on-time", "each reminder arrives exactly 24 hours after its order", 3, not wrong,
              f"All {expected} reminders arrived at their order's time plus 24 hours." if not wrong
              else f"Each reminder should arrive 24 hours after placedAt, to the second; " + "; ".join(wrong) + ".")

    shapes = []
    for order_id, copies in arrived.items():
        for _, body in copies:
            if body != {"orderId": order_id, "kind": "review-reminder"}:
                shapes.append(f"expected {json.dumps({'orderId': order_id, 'kind': 'review-reminder'})}, got {json.dumps(body)[:120]}")
    ok = bool(arrived) and not shapes
    run.check("reminder-body", "each reminder's body is {orderId, kind}", 1, ok,
              "Every reminder is exactly {\"orderId\": ..., \"kind\": \"review-reminder\"}." if ok
              else "No reminder arrived, so the body could not be checked." if not arrived else _sentence("; ".join(shapes[:3])))

    stuck = next(o for o in orders if o["undeliverable"])
    dead = run.drain(urls["reminders-dlq"]) if urls["reminders-dlq"] else []
    mine = [m for m in dead if stuck["orderId"] in m["Body"]]
    attributes = {k: v.get("StringValue") for k, v in (mine[0].get("MessageAttributes") or {}).items()} if mine else {}
    ok = len(mine) == 1 and attributes.get("SCHEDULE_ARN", "").endswith(f"/{GROUP}/reminder-{stuck['orderId']}")
    run.check("dead-letter", "a reminder that cannot be delivered lands in reminders-dlq", 2, ok,
              f"{stuck['orderId']}'s reminder reached reminders-dlq (ERROR_CODE {attributes.get('ERROR_CODE')}, after {attributes.get('RETRY_ATTEMPTS')} retries)." if ok
              else f"Every delivery of {stuck['orderId']}'s reminder failed; within the hour the retry policy allows it should be in reminders-dlq; "
              f"reminders-dlq holds {len(dead)} message(s){'' if mine else ' and not that one (is DeadLetterConfig set on the target?)'}.")

    left = []
    if GROUP in [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]:
        left = [s["Name"] for s in scheduler.list_schedules(GroupName=GROUP)["Schedules"]]
    ok = not left and not errors and bool(arrived)
    run.check("cleanup", "no schedule is left once its reminder went out", 1, ok,
              "Every schedule deleted itself after it ran." if ok
              else "Nothing ran, so clean-up could not be checked." if not arrived
              else f"{len(left)} schedule(s) are still there after firing ({', '.join(left[:3])}): a one-time schedule stays unless ActionAfterCompletion is DELETE, and one per order piles up.")
