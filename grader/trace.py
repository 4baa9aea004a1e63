"""What happened to every message and event of a run, as the emulator saw it.

The emulator's hooks (grader/emulator/trace_hooks/) report each step to the
active Recorder: a message sent, published, delivered, filtered out (with the
clause that did not match), received, dead-lettered, moved, and so on. The Run
adds what only it knows: that it invoked the learner's function with a batch,
and how that ended. Graders only name messages (`run.label`); the Verdict
carries the trace as one TraceEntry per message the scenario injected, and the
lab page draws it (labs/flow_diagram.py).

A message is followed across services by the emulator's own ids: an SNS
delivery to a queue, an EventBridge target's copy, a move task's copy and what
the learner's code sends while handling a message all join the entry of the
message that caused them. Which invocation a learner call belongs to comes
from a header the harness adds to every request made during an invocation
(INVOCATION_HEADER), or, without one, from the one invocation in progress.

Bounded: a learner who sends thousands of messages gets MAX_ENTRIES entries of
at most MAX_HOPS hops each, and details are cut at MAX_DETAIL characters.
"""

import contextlib
import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Iterator

INVOCATION_HEADER = "X-Redrive-Invocation"
MAX_ENTRIES = 120
MAX_HOPS = 80
MAX_DETAIL = 400

# Hop actions. An arrival puts the message (or its copy) somewhere; a refusal
# names a place it did not reach and why.
SENT, PUBLISHED, PUT = "sent", "published", "put"
DELIVERED, TRANSFORMED, MATCHED = "delivered", "transformed", "matched"
FILTERED_OUT, NO_MATCH, MATCHED_NO_RULE = "filtered-out", "no-match", "matched-no-rule"
RECEIVED, VISIBILITY, DELETED = "received", "visibility-changed", "deleted"
DEAD_LETTERED, MOVED, DEDUPLICATED = "dead-lettered", "moved", "deduplicated"
PUT_RECORD, READ = "put-record", "read"
INVOKED, FAILED, RETURNED = "invoked", "failed", "returned"
DROPPED = "dropped"  # a record a Firehose transformation dropped on purpose
UNDELIVERABLE = "undeliverable"
FAULT = "fault"  # the grader injected a fault here (grader.emulator.faults): a mark, not a step the message took
FIRED, REPLAYED = "fired", "replayed"  # a Scheduler schedule invoked its target; an archive replayed an event
REFUSALS = (FILTERED_OUT, NO_MATCH, MATCHED_NO_RULE, DEDUPLICATED, UNDELIVERABLE)

# Who acted: the grader's own clients, Lambda's event source mapping (the Run
# playing it), the learner's code, AWS itself (a subscription, a rule, a
# redrive policy, a move task), or a competing consumer the grader plays
# (grader/competitor.py).
GRADER, LAMBDA, LEARNER, AWS, WORKER = "grader", "lambda", "learner", "aws", "worker"


def possessive(name: str) -> str:
    """payments' filter policy, shipping's filter policy."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _cut(text: Any) -> str:
    text = text if isinstance(text, str) else json.dumps(text, default=str)
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "\u2026"


QUEUE_KINDS = ("queue", "fifo", "dlq")


def node_id(kind: str, resource: str) -> str:
    """One node per resource: a queue is one node whether it was seen as a queue,
    a FIFO queue or a DLQ; a rule and a queue of the same name are two."""
    return f"{'queue' if kind in QUEUE_KINDS else kind or 'service'}:{resource}"


def _bare(expectation: str) -> str:
    return expectation.split(":", 1)[-1]


@dataclass
class Hop:
    """One step: `action` on `resource` (of `kind`), coming from `source`
    (a "kind:name" node id, or an actor for the first hop)."""

    action: str
    resource: str
    kind: str = ""
    source: str = ""
    detail: str = ""
    by: str = ""
    clause: str = ""  # filtered-out / no-match: the part of the policy or pattern that failed
    seen: str = ""  # ... and the value the message had there
    count: int | None = None  # received: the receive count; read: records read

    def to_dict(self) -> dict:
        data = {"action": self.action, "resource": self.resource}
        for key in ("kind", "source", "detail", "by", "clause", "seen"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.count is not None:
            data["count"] = self.count
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Hop":
        count = data.get("count")
        return cls(
            action=str(data["action"]), resource=str(data["resource"]),
            **{key: str(data.get(key) or "") for key in ("kind", "source", "detail", "by", "clause", "seen")},
            count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        )


@dataclass
class TraceEntry:
    """One message or event the scenario injected, and every hop it (and what it caused) took.

    expect_reach / expect_avoid are the grader's expectations (run.label); from
    them and the hops, `outcome` is "ok", "bad" or "" (nothing expected) and
    `problems` say what differed, in words.
    """

    label: str
    body: str
    hops: list[Hop] = field(default_factory=list)
    expect_reach: list[str] = field(default_factory=list)
    expect_avoid: list[str] = field(default_factory=list)
    outcome: str = ""
    problems: list[str] = field(default_factory=list)

    def reached(self) -> list[str]:
        """Resources an arrival hop put this message (or a copy of it) in, in
        order, each as its name and as "family:name" (node_id)."""
        seen: list[str] = []
        for hop in self.hops:
            if hop.action in REFUSALS:
                continue
            for name in (hop.resource, node_id(hop.kind, hop.resource)):
                if name not in seen:
                    seen.append(name)
        return seen

    def judge(self) -> None:
        reached = self.reached()
        missing = [r for r in self.expect_reach if r not in reached]
        unwanted = [r for r in self.expect_avoid if r in reached]
        self.problems = [f"should have reached {_bare(r)}" for r in missing] + [
            f"reached {_bare(r)}, which it should not have" for r in unwanted
        ]
        self.outcome = ("bad" if self.problems else "ok") if (self.expect_reach or self.expect_avoid) else ""

    def to_dict(self) -> dict:
        data = {"label": self.label, "body": self.body, "hops": [h.to_dict() for h in self.hops]}
        if self.expect_reach:
            data["expect_reach"] = list(self.expect_reach)
        if self.expect_avoid:
            data["expect_avoid"] = list(self.expect_avoid)
        if self.outcome:
            data["outcome"] = self.outcome
        if self.problems:
            data["problems"] = list(self.problems)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "TraceEntry":
        return cls(
            label=str(data.get("label") or ""),
            body=str(data.get("body") or ""),
            hops=[Hop.from_dict(h) for h in data.get("hops") or [] if isinstance(h, dict) and "action" in h and "resource" in h],
            expect_reach=[str(r) for r in data.get("expect_reach") or []],
            expect_avoid=[str(r) for r in data.get("expect_avoid") or []],
            outcome=str(data.get("outcome") or ""),
            problems=[str(p) for p in data.get("problems") or []],
        )


@dataclass
class _Entry:
    index: int
    body: str
    ids: set[str] = field(default_factory=set)
    hops: list[Hop] = field(default_factory=list)
    label: str = ""
    expect_reach: tuple = ()
    expect_avoid: tuple = ()


@dataclass
class _Cause:
    """Set while AWS itself forwards a message (a subscription, a rule, a move
    task): the copies it makes join `entry` as `action` hops from `source`."""

    entry: _Entry
    action: str
    source: str
    by: str = AWS
    detail: str = ""


@dataclass
class _Invocation:
    id: str
    function: str
    queue: str
    entries: list[tuple[_Entry, str]]  # (entry, body) of each message in the batch, or each record it read
    source: str = ""  # the node its input comes from: "queue:orders", "stream:orders-stream"
    answered: set[int] = field(default_factory=set)  # entries something was sent for during it


class Recorder:
    """The trace of one run. Thread-safe: the emulator serves learner requests
    on threads of its own while the grader runs on another."""

    def __init__(self):
        self._lock = threading.RLock()
        self._entries: list[_Entry] = []
        self._by_id: dict[str, _Entry] = {}
        self._local = threading.local()
        self._invocations: dict[str, _Invocation] = {}
        self._counter = itertools.count(1)
        self.dropped = 0  # entries not kept past MAX_ENTRIES

    # --- context set by the Run, the emulator's request guard and the hooks ----------
    @contextlib.contextmanager
    def acting(self, actor: str, invocation: str | None = None) -> Iterator[None]:
        """Calls on this thread are `actor`'s (and, for the learner, part of `invocation`)."""
        saved = getattr(self._local, "actor", None), getattr(self._local, "invocation", None)
        self._local.actor, self._local.invocation = actor, invocation
        try:
            yield
        finally:
            self._local.actor, self._local.invocation = saved

    @contextlib.contextmanager
    def caused_by(
        self, emulator_id: str | None, action: str, source: str, *, entry: _Entry | None = None, detail: str = ""
    ) -> Iterator[_Entry | None]:
        """While AWS forwards the message `emulator_id` (or `entry`), copies it makes are its hops."""
        entry = entry or (self._by_id.get(emulator_id) if emulator_id else None)
        saved = getattr(self._local, "cause", None)
        self._local.cause = _Cause(entry, action, source, detail=detail) if entry is not None else None
        try:
            yield entry
        finally:
            self._local.cause = saved

    def actor(self) -> str:
        return getattr(self._local, "actor", None) or GRADER

    def current_invocation_id(self) -> str | None:
        """The invocation this thread is inside (the Run's thread, while it waits for the learner)."""
        return getattr(self._local, "invocation", None)

    def cause(self) -> _Cause | None:
        return getattr(self._local, "cause", None)

    @contextlib.contextmanager
    def invocation(
        self, *, function: str, queue: str, message_ids: list[str], bodies: list[str], source: str | None = None
    ) -> Iterator[str]:
        """The Run invokes `function` with these messages: record it, and attribute
        what the learner's code sends meanwhile to them. Yields the invocation's id.

        With no messages and a `source` ("stream:orders-stream"), the function is a
        worker that reads its own input: the records it reads join the invocation
        (read_in_invocation) and what it sends answers them."""
        invocation_id = f"inv-{next(self._counter)}"
        source = source or f"queue:{queue}"
        with self._lock:
            pairs = [(self._by_id[m], body) for m, body in zip(message_ids, bodies) if m in self._by_id]
            for entry, _ in pairs:
                self._hop(entry, Hop(INVOKED, function, kind="function", source=source, by=LAMBDA))
            self._invocations[invocation_id] = _Invocation(invocation_id, function, queue, pairs, source=source)
        try:
            with self.acting(LEARNER, invocation_id):
                yield invocation_id
        finally:
            with self._lock:
                self._invocations.pop(invocation_id, None)

    def invocation_ended(self, message_ids: list[str], *, function: str, failed_ids: list[str], error: str = "") -> None:
        with self._lock:
            for message_id in message_ids:
                entry = self._by_id.get(message_id)
                if entry is None:
                    continue
                if message_id in failed_ids:
                    self._hop(entry, Hop(FAILED, function, kind="function", detail=error or "reported as a batch item failure", by=LEARNER))

    def invocation_failed(self, invocation_id: str, error: str) -> None:
        """A worker invocation (see invocation()) raised: each record it read and
        sent nothing for yet is where it stopped."""
        with self._lock:
            invocation = self._invocations.get(invocation_id)
            if invocation is None:
                return
            for entry, _ in invocation.entries:
                if entry.index not in invocation.answered:
                    self._hop(entry, Hop(FAILED, invocation.function, kind="function", detail=error, by=LEARNER))

    def read_in_invocation(self, emulator_id: str, body: str, *, stream: str, detail: str) -> bool:
        """The learner's code read record `emulator_id` from `stream`: inside a worker
        invocation it becomes that invocation's input (a step into the function);
        False when there is no invocation, or the record is not one we follow."""
        with self._lock:
            invocation = self._current_invocation() if self.actor() == LEARNER else None
            entry = self._by_id.get(emulator_id)
            if invocation is None or entry is None:
                return False
            self._hop(entry, Hop(READ, invocation.function, kind="function", source=f"stream:{stream}", detail=detail, by=LEARNER))
            if all(known is not entry for known, _ in invocation.entries):
                invocation.entries.append((entry, body))
            return True

    def _current_invocation(self) -> _Invocation | None:
        wanted = getattr(self._local, "invocation", None)
        with self._lock:
            if wanted:
                return self._invocations.get(wanted)
            if self.actor() == LEARNER and len(self._invocations) == 1:
                # A request without the harness's header (a thread the learner
                # started, a client it built its own way): the one invocation in progress.
                return next(iter(self._invocations.values()))
        return None

    # --- what the hooks report ---------------------------------------------------------
    def _hop(self, entry: _Entry, hop: Hop) -> None:
        if len(entry.hops) < MAX_HOPS:
            hop.detail = _cut(hop.detail) if hop.detail else ""
            hop.seen = _cut(hop.seen) if hop.seen else ""
            entry.hops.append(hop)

    def _new_entry(self, body: str) -> _Entry | None:
        if len(self._entries) >= MAX_ENTRIES:
            self.dropped += 1
            return None
        entry = _Entry(index=len(self._entries), body=_cut(body))
        self._entries.append(entry)
        return entry

    def arrived(self, emulator_id: str, *, action: str, resource: str, kind: str, body: str, detail: str = "") -> _Entry | None:
        """A new message or event `emulator_id` entered `resource`.

        It joins the message that caused it (AWS forwarding, or the learner's
        code handling an invocation) or starts a new entry (the scenario
        injecting it: the grader, or the learner's code outside any invocation).
        """
        with self._lock:
            cause = self.cause()
            if cause is not None:
                entry = cause.entry
                self._hop(entry, Hop(cause.action, resource, kind=kind, source=cause.source, detail=cause.detail or detail, by=cause.by))
            else:
                invocation = self._current_invocation() if self.actor() == LEARNER else None
                if invocation is not None and invocation.entries:
                    entry = _triggering(invocation, body, resource)
                    invocation.answered.add(entry.index)
                    self._hop(entry, Hop(SENT, resource, kind=kind, source=f"function:{invocation.function}", detail=body, by=LEARNER))
                else:
                    entry = self._new_entry(body)
                    if entry is None:
                        return None
                    actor = self.actor()
                    self._hop(entry, Hop(action, resource, kind=kind, source=f"{actor}:{actor}", detail=detail, by=actor))
            entry.ids.add(emulator_id)
            self._by_id[emulator_id] = entry
            return entry

    def step(self, emulator_id: str, hop: Hop) -> bool:
        """Something happened to a known message; False when it is not one we follow."""
        with self._lock:
            entry = self._by_id.get(emulator_id)
            if entry is None:
                return False
            if not hop.by:
                hop.by = self.actor()
            self._hop(entry, hop)
            return True

    def hop_on(self, entry: _Entry, hop: Hop) -> None:
        """A step of a message known by its entry (a hook inside a cause: see cause())."""
        with self._lock:
            if not hop.by:
                hop.by = self.actor()
            self._hop(entry, hop)

    def fault(self, *, resource: str, kind: str, detail: str, emulator_id: str | None = None, body: str | None = None) -> None:
        """Mark an injected fault on the message it hit: `emulator_id`'s, or else
        the message of the invocation the learner's faulted call was made for
        (the one its `body` answers, as a send is attributed; every message of
        the invocation when the call carries no body). A call outside any
        invocation (a publish the grader asked for) hits no message yet: the
        verdict's list of faults still has it."""
        with self._lock:
            if emulator_id is not None:
                entries = [self._by_id[emulator_id]] if emulator_id in self._by_id else []
            else:
                invocation = self._current_invocation() if self.actor() == LEARNER else None
                if not invocation or not invocation.entries:
                    entries = []
                elif body is not None:
                    entries = [_triggering(invocation, body, resource)]
                else:
                    entries = [entry for entry, _ in invocation.entries]
            marked: set[int] = set()
            for entry in entries:  # a batch may hold two copies of one message: mark it once
                if entry.index not in marked:
                    marked.add(entry.index)
                    self._hop(entry, Hop(FAULT, resource, kind=kind, detail=detail, by=GRADER))

    def alias(self, emulator_id: str, other_id: str) -> None:
        """`other_id` names the same message as `emulator_id` (an id moto makes only after we saw it)."""
        with self._lock:
            entry = self._by_id.get(emulator_id)
            if entry is not None:
                entry.ids.add(other_id)
                self._by_id[other_id] = entry

    def hops_of(self, emulator_id: str) -> list[Hop]:
        with self._lock:
            entry = self._by_id.get(emulator_id)
            return list(entry.hops) if entry is not None else []

    def undeliverable_reasons(self, resource: str) -> list[str]:
        """Why deliveries to `resource` failed, once each, in the order first met."""
        with self._lock:
            details = [hop.detail for entry in self._entries for hop in entry.hops if hop.action == UNDELIVERABLE and hop.resource == resource]
        return list(dict.fromkeys(d for d in details if d))

    def knows(self, emulator_id: str) -> bool:
        return emulator_id in self._by_id

    # --- the grader's names --------------------------------------------------------------
    def label(self, key: str, label: str, *, reach: tuple = (), avoid: tuple = ()) -> bool:
        """Name the message whose emulator id is `key`, or else the first still
        unnamed one whose body is `key` (equal as JSON counts). False if none is."""
        with self._lock:
            entry = self._by_id.get(key)
            if entry is None:
                parsed = _json_or_none(key)
                for candidate in self._entries:
                    if candidate.label:
                        continue
                    if candidate.body == key or (parsed is not None and _json_or_none(candidate.body) == parsed):
                        entry = candidate
                        break
            if entry is None:
                return False
            entry.label, entry.expect_reach, entry.expect_avoid = label, tuple(reach), tuple(avoid)
            return True

    def export(self) -> list[TraceEntry]:
        with self._lock:
            result = []
            for entry in self._entries:
                traced = TraceEntry(
                    label=entry.label, body=entry.body, hops=list(entry.hops),
                    expect_reach=list(entry.expect_reach), expect_avoid=list(entry.expect_avoid),
                )
                traced.judge()
                result.append(traced)
            return result


def _json_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _leaves(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_leaves(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_leaves(v) for v in value)) if value else set()
    if isinstance(value, bool) or value is None:
        return set()
    return {str(value)}


def _triggering(invocation: _Invocation, sent_body: str, resource: str) -> _Entry:
    """The message of a batch that a send most likely answers: the one sharing
    the most values (an order id, say) with what was sent; on a tie, the first
    that has not yet sent to `resource` in this invocation (two copies of one
    order that are both shipped show as two sends, one each), else the first."""
    if len(invocation.entries) == 1:
        return invocation.entries[0][0]
    sent = _leaves(_json_or_none(sent_body)) or {sent_body}
    source = f"function:{invocation.function}"

    def rank(pair: tuple[_Entry, str]) -> tuple[int, int]:
        entry, body = pair
        shared = len(sent & (_leaves(_json_or_none(body)) or {body}))
        fresh = not any(h.action == SENT and h.resource == resource and h.source == source for h in entry.hops[-MAX_HOPS:])
        return shared, int(fresh)

    return max(invocation.entries, key=rank)[0]


# --- the active recorder of this process ------------------------------------------------
# An emulator child serves one run, and grade_in_process one at a time: the
# hooks, which moto calls without any run at hand, find the run's recorder here.
_active: Recorder | None = None


def activate(recorder: Recorder | None) -> None:
    global _active
    _active = recorder


def active() -> Recorder | None:
    return _active
