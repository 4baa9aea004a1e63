"""A competing consumer the grader plays: another worker polling the same queue.

SQS hides a received message only for its visibility timeout; when that runs
out, the next consumer to poll gets it, even if the first one is still working
on it. `run.compete_sqs(url)` starts such a consumer. It receives from the
queue every time the emulator clock moves (`run.advance`, or a learner's call
that takes emulator time: `run.faults.slow`), before the learner's code gets
control back, and whenever the grader calls `poll()`. Between moves of the
clock nothing the learner is waiting for can expire (the wall clock adds only
milliseconds), so a message that becomes visible while the learner holds it
is taken by this worker: the job is then processed twice.

What it takes it keeps in flight for `hold_s` seconds and never deletes, as a
worker still busy with its copy: the learner's own calls (ChangeMessageVisibility,
DeleteMessage with its older receipt handle, which moto accepts) still decide
what becomes of the message. Its calls are the grader's (never faulted) and
are drawn in the trace as a function box `name` fed by the queue.
"""

import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from grader import trace as trace_module
from grader.emulator import clock, faults


@dataclass
class Taken:
    message_id: str
    body: str
    at: float  # emulator time (run.now()) of the receive
    receive_count: int


@dataclass
class Poll:
    at: float
    visible: int  # ApproximateNumberOfMessages before this poll's receive
    in_flight: int  # ApproximateNumberOfMessagesNotVisible


@dataclass
class Competitor:
    sqs: Any
    queue_url: str
    name: str = "worker-2"
    hold_s: int = 30
    taken: list[Taken] = field(default_factory=list)
    polls: list[Poll] = field(default_factory=list)
    _remove: Callable[[], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self) -> "Competitor":
        self._remove = clock.on_advance(self.poll)
        return self

    def stop(self) -> None:
        """Poll no more (also on clock moves)."""
        if self._remove is not None:
            self._remove()
            self._remove = None

    def poll(self) -> list[Taken]:
        """Note how many messages the queue holds, then receive what is visible. Returns what it took."""
        recorder = trace_module.active()
        queue = self.queue_url.rsplit("/", 1)[-1]
        with self._lock, faults.learner_calls(False), _acting(recorder):
            counts = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            now = clock.time_s()
            self.polls.append(Poll(now, int(counts.get("ApproximateNumberOfMessages", 0)), int(counts.get("ApproximateNumberOfMessagesNotVisible", 0))))
            if not self.polls[-1].visible:
                return []
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=self.hold_s,
                MessageSystemAttributeNames=["ApproximateReceiveCount"], WaitTimeSeconds=0,
            ).get("Messages", [])
            took = []
            for message in messages:
                count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                took.append(Taken(message["MessageId"], message["Body"], now, count))
                if recorder is not None:
                    recorder.step(message["MessageId"], trace_module.Hop(
                        trace_module.INVOKED, self.name, kind="function", source=f"queue:{queue}", by=trace_module.WORKER,
                        detail=f"receive #{count}",
                    ))
            self.taken.extend(took)
            return took


def _acting(recorder):
    import contextlib

    return recorder.acting(trace_module.WORKER) if recorder is not None else contextlib.nullcontext()
