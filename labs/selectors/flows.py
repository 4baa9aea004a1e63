"""The message-flow view of a graded run: the engine's flow data drawn with the
lessons' diagram renderer, plus the list of events in words."""

import logging
from dataclasses import dataclass, field

from labs.flow_diagram import flow_to_diagram
from labs.models import Submission
from coursefiles.diagrams import figure

logger = logging.getLogger(__name__)

OUTCOME_LABELS = {"ok": "as expected", "bad": "wrong", "info": "note"}


@dataclass
class FlowView:
    figure_html: str
    summary: str
    events: list[dict] = field(default_factory=list)


def flow_view_for(submission: Submission) -> FlowView | None:
    flow = submission.flow or {}
    if not flow.get("nodes"):
        return None
    try:
        html = figure(flow_to_diagram(flow))
    except Exception:  # a drawing bug must not hide the verdict itself
        logger.exception("flow of submission %s could not be drawn", submission.id)
        html = ""
    labels = {n.get("id"): n.get("label", n.get("id")) for n in flow.get("nodes", [])}
    events = []
    for event in flow.get("events", []):
        events.append(
            {
                "label": event.get("label", ""),
                "path": [labels.get(step, step) for step in event.get("path", [])],
                "outcome": event.get("outcome", "info"),
                "outcome_label": OUTCOME_LABELS.get(event.get("outcome"), "note"),
                "note": event.get("note", ""),
            }
        )
    return FlowView(figure_html=html, summary=flow.get("summary", ""), events=events)
