from grader.trace import Hop, TraceEntry
from grader.verdict import OUTPUT_CAP, TRUNCATED_MARKER, Checkpoint, Verdict, cap_output


def test_score_is_passed_points_over_total_and_status_follows_it():
    verdict = Verdict(checkpoints=[Checkpoint("a", "A", 3, True, "ok"), Checkpoint("b", "B", 1, False, "missing")])
    data = verdict.to_dict()
    assert data["score"] == 0.75
    assert data["status"] == "failed"
    assert data["checkpoints"][1] == {"id": "b", "title": "B", "passed": False, "points": 1, "feedback": "missing"}


def test_all_points_passed_is_passed():
    assert Verdict(checkpoints=[Checkpoint("a", "A", 2, True, "ok")]).to_dict()["status"] == "passed"


def test_no_checkpoints_never_passes():
    assert Verdict().to_dict()["status"] == "failed"
    assert Verdict().to_dict()["score"] == 0.0


def test_timeout_keeps_recorded_checkpoints_but_status_is_timeout():
    verdict = Verdict(checkpoints=[Checkpoint("a", "A", 1, True, "ok")], ended="timeout", error="past 20 seconds")
    data = verdict.to_dict()
    assert (data["status"], data["score"], data["error"]) == ("timeout", 1.0, "past 20 seconds")


def test_output_is_capped_with_a_marker():
    capped = Verdict(output="x" * (OUTPUT_CAP + 5000)).to_dict()["output"]
    assert len(capped) == OUTPUT_CAP
    assert capped.endswith(TRUNCATED_MARKER)
    assert cap_output("short") == "short"


def test_the_trace_defaults_to_empty_and_is_stored_as_dicts():
    assert Verdict().to_dict()["trace"] == []
    entry = TraceEntry(label="order #3", body="{}", hops=[Hop("sent", "orders", kind="queue", by="grader")])
    assert Verdict(trace=[entry]).to_dict()["trace"] == [
        {"label": "order #3", "body": "{}", "hops": [{"action": "sent", "resource": "orders", "kind": "queue", "by": "grader"}]}
    ]
