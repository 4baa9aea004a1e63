"""CloudWatch's minute: SQS metrics published, alarms evaluated, actions run.

moto 5.2.5 stores alarms as configuration only: SQS publishes no metrics to
it, no alarm is ever evaluated, and an alarm's actions never run (its state
starts as OK, where AWS starts INSUFFICIENT_DATA). The grader plays the part
AWS plays every minute (run.cloudwatch_minutes), as deliver_sqs plays Lambda:

1. SQS publishes, for every queue, one datapoint per minute in namespace
   AWS/SQS with the single dimension QueueName: ApproximateNumberOfMessagesVisible,
   ApproximateNumberOfMessagesNotVisible, ApproximateNumberOfMessagesDelayed and
   ApproximateAgeOfOldestMessage (seconds since the oldest message still in
   the queue was sent; 0 when empty). They land in moto's CloudWatch, so
   GetMetricStatistics sees them too. Not published: the NumberOf... counters
   (AWS does not count redriven messages in a DLQ's NumberOfMessagesSent, so
   an alarm on it never fires for dead letters; here it never fires at all).
   SQS's six-hour "inactive queue" pause is not emulated.
2. Every metric alarm is evaluated as AWS documents: the statistic of each of
   the last EvaluationPeriods periods (datapoints whose dimensions are exactly
   the alarm's), compared with the threshold; DatapointsToAlarm (default:
   EvaluationPeriods) breaching ones make ALARM; missing periods follow
   TreatMissingData: `missing` (default; all missing is INSUFFICIENT_DATA),
   `notBreaching`, `breaching`, `ignore` (all missing keeps the state).
   Simplified: a partly missing range is judged on the periods present
   (AWS may look back further). Metric math and percentiles are not
   evaluated (the alarm goes INSUFFICIENT_DATA, saying so).
3. On a change of state, with ActionsEnabled, each SNS topic among the new
   state's actions (AlarmActions, OKActions, InsufficientDataActions) gets
   AWS's alarm notification: a JSON message and the subject
   `ALARM: "<name>" in US East (N. Virginia)`. Other action ARNs are ignored.
"""

import datetime
import json
from dataclasses import dataclass

from grader.emulator import clock

SQS_METRICS = (
    "ApproximateNumberOfMessagesVisible",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateAgeOfOldestMessage",
)
REGION_NAMES = {"us-east-1": "US East (N. Virginia)"}
COMPARISONS = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_OPERATOR_WORDS = {
    "GreaterThanThreshold": "greater than", "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than", "LessThanOrEqualToThreshold": "less than or equal to",
}


@dataclass
class Transition:
    alarm: str
    old: str
    new: str
    reason: str
    at: float  # emulator time
    notified: list[str]  # topic ARNs the notification was published to
    message_ids: list[str]  # the notifications' SNS message ids, in the same order

    def to_dict(self) -> dict:
        return {"alarm": self.alarm, "old": self.old, "new": self.new, "reason": self.reason, "at": self.at,
                "notified": list(self.notified), "message_ids": list(self.message_ids)}


def _sqs_datapoints(sqs_backend, now_ms: int) -> list[tuple[str, str, float, str]]:
    points = []
    for name, queue in list(sqs_backend.queues.items()):
        messages = list(queue._messages)
        visible = sum(1 for m in messages if m.visible and not m.delayed)
        delayed = sum(1 for m in messages if m.delayed)
        in_flight = sum(1 for m in messages if not m.visible)
        sent = [m.sent_timestamp for m in messages if m.sent_timestamp and not m.delayed]
        age = max(0, (now_ms - min(sent)) // 1000) if sent else 0
        for metric, value, unit in zip(SQS_METRICS, (visible, in_flight, delayed, age), ("Count", "Count", "Count", "Seconds")):
            points.append((name, metric, float(value), unit))
    return points


def publish_sqs_metrics(sqs_backend, cloudwatch_backend) -> None:
    """One minute's AWS/SQS datapoints for every queue of the backend's account and Region."""
    from moto.cloudwatch.models import MetricDatum

    now = clock.utcnow()
    for queue_name, metric, value, unit in _sqs_datapoints(sqs_backend, int(clock.time_s() * 1000)):
        cloudwatch_backend.metric_data.append(
            MetricDatum("AWS/SQS", metric, value, [{"Name": "QueueName", "Value": queue_name}], now, unit)
        )


def _statistic(values: list[float], statistic: str) -> float | None:
    if not values:
        return None
    return {
        "Maximum": max(values), "Minimum": min(values), "Sum": sum(values),
        "Average": sum(values) / len(values), "SampleCount": float(len(values)),
    }.get(statistic)


def _same_dimensions(datum_dimensions, alarm_dimensions) -> bool:
    return sorted((d.name, d.value) for d in datum_dimensions) == sorted((d.name, d.value) for d in alarm_dimensions)


def _period_values(cloudwatch_backend, alarm, now: datetime.datetime) -> list[float | None]:
    """The alarm's statistic for each of its last EvaluationPeriods periods, oldest first (None: no data)."""
    period = datetime.timedelta(seconds=int(alarm.period))
    matching = [
        d for d in cloudwatch_backend.metric_data
        if d.namespace == alarm.namespace and d.name == alarm.metric_name and _same_dimensions(d.dimensions, alarm.dimensions)
    ]
    values = []
    for index in range(int(alarm.evaluation_periods), 0, -1):
        start, end = now - index * period, now - (index - 1) * period
        in_period = [float(d.value) for d in matching if start < d.timestamp <= end and hasattr(d, "value")]
        values.append(_statistic(in_period, alarm.statistic))
    return values


def evaluate(cloudwatch_backend, alarm, now: datetime.datetime, current: str = "INSUFFICIENT_DATA") -> tuple[str, str]:
    """(new state, reason) of one alarm in state `current`, as CloudWatch would decide it now."""
    if alarm.metric_data_queries or alarm.extended_statistic or not alarm.metric_name or alarm.statistic not in ("Maximum", "Minimum", "Sum", "Average", "SampleCount"):
        return "INSUFFICIENT_DATA", "This emulator evaluates single-metric alarms with a standard statistic only."
    compare = COMPARISONS.get(alarm.comparison_operator)
    if compare is None:
        return "INSUFFICIENT_DATA", f"Comparison {alarm.comparison_operator} is not evaluated by this emulator."
    values = _period_values(cloudwatch_backend, alarm, now)
    treat = alarm.treat_missing_data or "missing"
    present = [v for v in values if v is not None]
    missing = len(values) - len(present)
    needed = int(alarm.datapoints_to_alarm or alarm.evaluation_periods)
    threshold = float(alarm.threshold)
    if not present and treat in ("missing", "ignore"):
        state = "INSUFFICIENT_DATA" if treat == "missing" else current
        return state, f"No datapoints in the last {len(values)} period(s) of {alarm.period} s (TreatMissingData {treat})."
    breaching = sum(1 for v in present if compare(v, threshold)) + (missing if treat == "breaching" else 0)
    shown = ", ".join("missing" if v is None else f"{v:g}" for v in values)
    words = _OPERATOR_WORDS[alarm.comparison_operator]
    if breaching >= needed:
        return "ALARM", f"Threshold Crossed: {breaching} of the last {len(values)} datapoints [{shown}] were {words} the threshold ({threshold:g})."
    return "OK", f"Threshold not crossed: {breaching} of the last {len(values)} datapoints [{shown}] were {words} the threshold ({threshold:g}); {needed} needed."


def _notification(alarm, old: str, new: str, reason: str, account: str, region: str, when: datetime.datetime) -> dict:
    return {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account,
        "AlarmConfigurationUpdatedTimestamp": alarm.configuration_updated_timestamp.isoformat() + "Z" if alarm.configuration_updated_timestamp else None,
        "NewStateValue": new,
        "NewStateReason": reason,
        "StateChangeTime": when.isoformat(timespec="milliseconds") + "+0000",
        "Region": REGION_NAMES.get(region, region),
        "AlarmArn": alarm.alarm_arn,
        "OldStateValue": old,
        "OKActions": list(alarm.ok_actions or []),
        "AlarmActions": list(alarm.alarm_actions or []),
        "InsufficientDataActions": list(alarm.insufficient_data_actions or []),
        "Trigger": {
            "MetricName": alarm.metric_name,
            "Namespace": alarm.namespace,
            "StatisticType": "Statistic",
            "Statistic": str(alarm.statistic or "").upper(),
            "Unit": alarm.unit,
            "Dimensions": [{"value": d.value, "name": d.name} for d in alarm.dimensions],
            "Period": int(alarm.period),
            "EvaluationPeriods": int(alarm.evaluation_periods),
            "DatapointsToAlarm": int(alarm.datapoints_to_alarm or alarm.evaluation_periods),
            "ComparisonOperator": alarm.comparison_operator,
            "Threshold": float(alarm.threshold),
            "TreatMissingData": alarm.treat_missing_data or "missing",
            "EvaluateLowSampleCountPercentile": "",
        },
    }


_evaluated: set[str] = set()  # alarms (by ARN and creation) evaluated at least once in this process's run


def reset() -> None:
    _evaluated.clear()


def minute(account: str = "123456789012", region: str = "us-east-1") -> list[Transition]:
    """CloudWatch's work for the minute that just ended: metrics, then alarms, then actions."""
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.sns.models import sns_backends
    from moto.sqs.models import sqs_backends

    cloudwatch_backend = cloudwatch_backends[account][region]
    publish_sqs_metrics(sqs_backends[account][region], cloudwatch_backend)
    now = clock.utcnow()
    transitions = []
    for alarm in list(cloudwatch_backend.alarms.values()):
        key = f"{alarm.alarm_arn}@{alarm.configuration_updated_timestamp}"
        old = alarm.state_value if key in _evaluated else "INSUFFICIENT_DATA"  # AWS's first state; moto says OK
        _evaluated.add(key)
        new, reason = evaluate(cloudwatch_backend, alarm, now, old)
        if new == old:
            if alarm.state_value != new:
                alarm.update_state(reason, "{}", new)
            continue
        alarm.update_state(reason, json.dumps({"version": "1.0"}), new)
        notified, message_ids = [], []
        actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions, "INSUFFICIENT_DATA": alarm.insufficient_data_actions}[new] or []
        if alarm.actions_enabled in (True, "true", "True", None):
            sns = sns_backends[account][region]
            for arn in actions:
                if not str(arn).startswith("arn:aws:sns:") or arn not in sns.topics:
                    continue
                message = json.dumps(_notification(alarm, old, new, reason, account, region, now))
                message_ids.append(sns.publish(message, arn, subject=f'{new}: "{alarm.name}" in {REGION_NAMES.get(region, region)}'[:100]))
                notified.append(arn)
        transitions.append(Transition(alarm.name, old, new, reason, clock.time_s(), notified, message_ids))
    return transitions
