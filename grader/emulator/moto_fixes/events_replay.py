"""EventBridge replays as AWS documents them, where moto 5.2.5 differs.

StartReplay sends the archive's events back to the bus they came from. moto
replays every archived event to every rule on the bus, whatever the request
said, and skips the targets' input transformers. Here:

- only events whose time (the event's `time`, as AWS says) is at or after
  EventStartTime and before EventEndTime are replayed, oldest first;
- with Destination.FilterArns only those rules see them, else every rule on the bus;
- each replayed event keeps its id and time and gains `replay-name` (the
  replay's name), which patterns can match and targets receive; the archive's
  own rule ignores it (`"replay-name": [{"exists": false}]`, as on AWS);
- targets shape it as they shape live events (Input, InputPath, InputTransformer);
- events older than the archive's RetentionDays (when not 0) are gone.

Like moto, the replay runs to completion inside StartReplay (DescribeReplay
then says COMPLETED); AWS works through the window a minute at a time.
"""

import copy
import datetime

from moto.core.utils import unix_time
from moto.events.models import Replay, ReplayState, events_backends


def timestamp(value) -> float | None:
    """Seconds since the epoch from what moto keeps: a number, a datetime or an ISO string."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)).timestamp()
    try:
        return float(value)
    except (TypeError, ValueError):
        parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)).timestamp()


def events_in_window(replay: Replay, archive) -> list[dict]:
    start, end = timestamp(replay.event_start_time), timestamp(replay.event_end_time)
    kept_after = unix_time() - int(archive.retention) * 86_400 if int(archive.retention or 0) > 0 else None
    chosen = []
    for event in archive.events:
        when = timestamp(event.get("time"))
        if when is None or (start is not None and when < start) or (end is not None and when >= end):
            continue
        if kept_after is not None and when < kept_after:
            continue
        chosen.append(event)
    return sorted(chosen, key=lambda event: timestamp(event.get("time")))


def _replayed(replay: Replay, archive, bus_name: str, event: dict) -> None:
    """One archived event goes back onto the bus (the trace hooks this)."""


def replay_events(self: Replay, archive) -> None:
    backend = events_backends[self.account_id][self.region]
    bus_name = self.destination["Arn"].split("/")[-1]
    bus = backend.describe_event_bus(bus_name)
    wanted = set(self.destination.get("FilterArns") or [])
    rules = [rule for rule in bus.rules.values() if not wanted or rule.arn in wanted]
    self.state = ReplayState.RUNNING
    for archived in events_in_window(self, archive):
        event = dict(copy.deepcopy(archived), **{"replay-name": self.name})
        _replayed(self, archive, bus_name, event)
        for rule in rules:
            rule.send_to_targets(copy.deepcopy(event))
        self.last_replayed_time = timestamp(event.get("time"))
    self.state = ReplayState.COMPLETED
    self.end_time = unix_time()


def _describe(original):
    def describe(self: Replay) -> dict:
        result = original(self)
        if getattr(self, "last_replayed_time", None) is not None:
            result["EventLastReplayedTime"] = self.last_replayed_time
        return result

    describe._redrive_fix = True
    return describe


def apply() -> None:
    if not getattr(Replay.replay_events, "_redrive_fix", False):
        replay_events._redrive_fix = True
        Replay.replay_events = replay_events
        Replay.describe = _describe(Replay.describe)
