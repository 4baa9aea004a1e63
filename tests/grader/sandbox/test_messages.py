"""What a learner reads when their code goes wrong in a way graders do not
foresee: each message says what happened, once, in a sentence."""

from pathlib import Path

import pytest
import yaml

import labs.engine
from tests.grader.conftest import assert_engine_still_grades, assert_nothing_left, grade

pytestmark = pytest.mark.sandbox

LAB = Path(__file__).resolve().parents[3] / "course" / "labs" / "sqs-dlq"


def grade_sqs_dlq(code: str) -> dict:
    """Through a real course grader, which words its own feedback."""
    spec = yaml.safe_load((LAB / "lab.yaml").read_text())
    files = {"grader.py": (LAB / "grader.py").read_text(), "variants.py": (LAB / "variants.py").read_text()}
    verdict = labs.engine.grade_source(slug="sqs-dlq", time_limit_s=spec["time_limit_s"], grader_files=files, code=code, services=spec["services"])
    return verdict.to_dict()


SYNTAX_ERROR = "import boto3\n\nsqs = boto3.client('sqs')\n\n\ndef handler(event, context):\n    for record in event['Records']\n        print(record)\n"


def test_a_syntax_error_is_told_once_at_its_line_with_no_harness_frames(engine):
    data = grade_sqs_dlq(SYNTAX_ERROR)

    assert data["error"] == "Your module did not load: SyntaxError: line 7: expected ':'", data
    feedback = " ".join(c["feedback"] for c in data["checkpoints"])
    assert "setup() raised" not in feedback and "has no handler" not in feedback and "line 7" not in feedback, feedback
    assert all(c["feedback"].startswith("Not checked: your module did not load") for c in data["checkpoints"] if not c["passed"])
    assert 'File "submission.py", line 7' in data["output"], data["output"]
    assert "harness" not in data["output"] and "main.py" not in data["output"] and "Traceback" not in data["output"], data["output"]


def test_a_process_that_dies_in_setup_is_told_in_a_sentence(engine):
    code = "import os\n\n\ndef setup():\n    os._exit(3)\n\n\ndef handler(event, context):\n    pass\n"
    data = grade_sqs_dlq(code)

    assert data["status"] == "error" and data["error"] == "Your code's process stopped unexpectedly.", data
    feedback = [c["feedback"] for c in data["checkpoints"]]
    assert not any("setup() raised Your code" in text or ".." in text for text in feedback), feedback
    assert all(text.startswith("Not checked: your code stopped during setup()") for text in feedback), feedback
    assert_engine_still_grades()


def test_killing_its_own_process_group_is_not_called_a_memory_limit(engine):
    code = "import os, signal\n\n\ndef handler(event):\n    os.killpg(0, signal.SIGKILL)\n"
    graded = grade(code)

    assert graded.data["status"] == "error", graded.data
    assert "memory" not in graded.data["error"] and "SIGKILL" in graded.data["error"], graded.data["error"]
    assert "os.killpg" in graded.data["error"]
    assert_nothing_left(graded)
    assert_engine_still_grades()


def test_a_100_mb_return_value_is_too_large_to_pass_back_not_a_write_into_the_channel(engine):
    code = "import boto3\nboto3.client('sqs').create_queue(QueueName='orders')\n\n\ndef handler(event):\n    return 'x' * 100_000_000\n"
    graded = grade(code, time_limit_s=10)

    handler = graded.checkpoint("handler")
    assert not handler["passed"]
    assert handler["feedback"] == (
        "handler() returned a value too large to pass back (95 MiB as JSON; at most 6 MiB, Lambda's limit for a function's response)."
    ), handler
    assert "channel" not in graded.data["error"], graded.data
    assert graded.data["status"] == "failed", graded.data  # graded normally: the process lives on
    assert graded.checkpoint("orders")["passed"] and graded.checkpoint("audit")["passed"]
    assert_engine_still_grades()
