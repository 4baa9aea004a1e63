"""The trace hooks are tested like the moto fixes: through boto3, in-process
under mock_aws and against moto's HTTP server, with a Recorder active.

Their canaries (test_canaries.py) check the shape of the moto internals each
hook wraps: the day moto changes one, its canary names the hook to review."""

import pytest

from grader import trace
from grader.emulator import trace_hooks
from tests.grader.emulator.moto_fixes.conftest import aws, moto_server  # noqa: F401 (fixtures)


@pytest.fixture
def recorder():
    trace_hooks.apply()
    recorder = trace.Recorder()
    trace.activate(recorder)
    yield recorder
    trace.activate(None)


def entries(recorder) -> list[dict]:
    return [entry.to_dict() for entry in recorder.export()]


def actions(entry: dict) -> list[tuple[str, str]]:
    return [(hop["action"], hop["resource"]) for hop in entry["hops"]]
