"""The message-flow view of a graded run: the emulator's trace drawn with the
lessons' diagram renderer, plus each message's journey in words
(labs.trace_words). Runs stored before the trace keep their narrated flow."""

import logging
from dataclasses import dataclass, field

from coursefiles.diagrams import figure
from labs.fault_words import fault_sentences
from labs.flow_diagram import flow_to_diagram, trace_to_diagram
from labs.models import Submission
from labs.trace_words import MessageStory, story

logger = logging.getLogger(__name__)

OUTCOME_LABELS = {"ok": "as expected", "bad": "wrong", "dlq": "as expected", "dropped": "as expected", "info": "note"}


@dataclass
class FlowView:
    figure_html: str
    summary: str
    events: list[dict] = field(default_factory=list)  # narrated flows (older runs)
    messages: list[MessageStory] = field(default_factory=list)  # traced runs
    faults: list[str] = field(default_factory=list)  # what the grader did to the learner's calls, in words


def _draw(diagram_of, data, submission_id) -> str:
    try:
        return figure(diagram_of(data))
    except Exception:  # a drawing bug must not hide the verdict itself
        logger.exception("flow of submission %s could not be drawn", submission_id)
        return ""


def flow_view_for(submission: Submission) -> FlowView | None:
    trace = submission.trace or []
    if trace:
        messages = [story(entry) for entry in trace]
        wrong = sum(1 for m in messages if m.outcome == "bad")
        summary = f"{len(messages)} message{'s' if len(messages) != 1 else ''} traced" + (f", {wrong} went wrong" if wrong else "")
        drawing = _draw(lambda data: trace_to_diagram(data, title=summary), trace, submission.id)
        return FlowView(figure_html=drawing, summary=summary, messages=messages, faults=fault_sentences(submission.faults))
    flow = submission.flow or {}
    if not flow.get("nodes"):
        return None
    labels = {n.get("id"): n.get("label", n.get("id")) for n in flow.get("nodes", [])}
    events = [
        {
            "label": event.get("label", ""),
            "path": [labels.get(step, step) for step in event.get("path", [])],
            "outcome": event.get("outcome", "info"),
            "outcome_label": OUTCOME_LABELS.get(event.get("outcome"), "note"),
            "note": event.get("note", ""),
        }
        for event in flow.get("events", [])
    ]
    return FlowView(figure_html=_draw(flow_to_diagram, flow, submission.id), summary=flow.get("summary", ""), events=events)
