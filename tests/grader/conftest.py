"""Hostile learner code through the real engine: bubblewrap, the warm emulator
and a small trusted grader. One engine serves the whole session (start-up
costs about 1.5 s, a warm grading about 0.1-0.3 s); the fallback tests throw
it away and the next test starts a fresh one.

Every hostile module marks its processes by writing a per-run name to
/proc/self/comm (children inherit it), so a test can prove from the host that
nothing of the run is left, without trusting anything the sandbox says.
"""

import os
import secrets
import time
from dataclasses import dataclass

import pytest
from django.conf import settings

import labs.engine
from grader import engine as grader_engine
from grader.verdict import Verdict

SECRET_ENV = "REDRIVE_WORKER_SECRET"
SECRET_ENV_VALUE = "worker-env-" + secrets.token_hex(8)

# The grader creates a queue of its own before it calls the learner, with a
# hidden token from its inputs (variants.py), and checks at the end that it is untouched:
# a learner that could reset or rewrite the emulator some other way than
# through AWS API calls would break that checkpoint.
GRADER = '''
from grader import LearnerError


def grade(run):
    sqs = run.client("sqs")
    audit = sqs.create_queue(QueueName="grader-audit")["QueueUrl"]
    sqs.send_message(QueueUrl=audit, MessageBody=run.inputs["token"])
    result, error = None, None
    if run.learner.has("handler"):
        try:
            result = run.learner.call("handler", {"n": 1})
        except LearnerError as exc:
            error = exc
    run.check("loaded", "the module loads", 1, run.setup_error is None,
              run.setup_error.describe() if run.setup_error else "Loaded.")
    run.check("orders", "a queue called orders exists", 1, run.queue_url("orders") is not None, "orders")
    run.check("handler", "handler() returns 'done'", 1, result == "done",
              error.describe() if error else f"handler() returned {result!r}")
    left = [m["Body"] for m in run.drain(audit)]
    run.check("audit", "the grader's own queue is untouched", 1, left == [run.inputs["token"]], f"grader-audit holds {left!r}")
'''

GOOD = """
import boto3

sqs = boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="orders")


def handler(event):
    return "done"
"""


@dataclass
class Graded:
    verdict: Verdict
    data: dict  # verdict.to_dict(): what the site stores
    marker: str  # the comm name the module gave its processes
    token: str  # the grader's hidden token for this run
    ended_at: float  # /proc/uptime when grade_source returned
    seconds: float

    @property
    def output(self) -> str:
        return self.data["output"]

    def checkpoint(self, id: str) -> dict:
        return next(c for c in self.data["checkpoints"] if c["id"] == id)


def _uptime() -> float:
    with open("/proc/uptime") as f:
        return float(f.read().split()[0])


def mark(code: str, marker: str) -> str:
    """Prefix a module with the line that names its processes."""
    return f"open('/proc/self/comm', 'w').write({marker!r})\n" + code


def grade(
    code: str, *, time_limit_s: float = 5, token: str | None = None, marked: bool = True, services: list[str] | None = None
) -> Graded:
    """Grade `code` in the shared engine with the test grader; `services` as a lab.yaml declares them."""
    marker = "rx" + secrets.token_hex(6)
    token = token or "token-" + secrets.token_hex(8)
    started = time.monotonic()
    verdict = labs.engine.grade_source(
        slug="sandbox-probe",
        time_limit_s=time_limit_s,
        grader_files={"grader.py": GRADER, "variants.py": f"def variants(seed):\n    return {{'token': {token!r}}}\n"},
        code=mark(code, marker) if marked else code,
        services=services,
    )
    return Graded(verdict, verdict.to_dict(), marker, token, _uptime(), time.monotonic() - started)


def _processes():
    for name in os.listdir("/proc"):
        if name.isdigit():
            yield int(name)


def _read(path: str) -> str:
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def run_processes(graded: Graded) -> list[str]:
    """Processes of that run still alive: named with its marker, or in its pid
    namespace (learned from the output) and started before the run ended."""
    ticks = os.sysconf("SC_CLK_TCK")
    namespace = ""
    for line in graded.output.splitlines():
        if line.startswith("pidns "):
            namespace = line.split()[1]
    found = []
    for pid in _processes():
        comm = _read(f"/proc/{pid}/comm").strip()
        if comm == graded.marker:
            found.append(f"{pid} {comm}")
            continue
        if namespace:
            try:
                same = os.readlink(f"/proc/{pid}/ns/pid") == namespace
            except OSError:
                same = False
            stat = _read(f"/proc/{pid}/stat")
            if same and stat:
                start = int(stat.rsplit(")", 1)[1].split()[19]) / ticks
                if start < graded.ended_at:
                    found.append(f"{pid} {comm} (pid namespace {namespace})")
    return found


def assert_nothing_left(graded: Graded, wait_s: float = 3.0) -> None:
    deadline = time.monotonic() + wait_s
    while (left := run_processes(graded)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes of the run outlived it: {left}"


PRINT_PIDNS = "import os as _os\nprint('pidns', _os.readlink('/proc/self/ns/pid'), flush=True)\n"


def assert_engine_still_grades() -> None:
    """The next submission in the same engine grades normally."""
    after = grade(GOOD)
    assert after.data["status"] == "passed", after.data
    assert after.data["score"] == 1.0


@pytest.fixture(scope="session")
def sandbox_session():
    """A worker environment holding a secret, and one engine for the session."""
    os.environ[SECRET_ENV] = SECRET_ENV_VALUE
    grader_engine.shutdown_engine()
    yield
    grader_engine.shutdown_engine()
    os.environ.pop(SECRET_ENV, None)


@pytest.fixture
def engine(sandbox_session):
    """The real engine with bubblewrap (the production set-up)."""
    if not os.access(getattr(settings, "SANDBOX_BWRAP", "/usr/bin/bwrap"), os.X_OK):
        # CI must prove the sandbox: a missing bubblewrap is a failure, never a skip.
        pytest.fail("bubblewrap is missing: apt-get install -y bubblewrap (.ci/run does this)")
    engine = grader_engine.get_engine(labs.engine.engine_config())
    if engine not in _warmed:  # start-up is not part of any test's timing
        assert_engine_still_grades()
        _warmed.add(engine)
    return engine


_warmed: set = set()


@pytest.fixture
def dynamodb_failing_twice(monkeypatch):
    """A DynamoDB client whose first two attempts of each call answer HTTP 500,
    and the list of seconds time.sleep was asked to sleep."""
    import time
    import types

    import boto3
    from botocore.awsrequest import AWSResponse

    slept, attempts = [], []
    monkeypatch.setattr(time, "sleep", slept.append)
    client = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")

    def answer(request, **kwargs):
        attempts.append(request.url)
        failed = len(attempts) <= 2
        body = b'{"__type": "InternalServerError", "message": "down"}' if failed else b'{"TableNames": []}'
        raw = types.SimpleNamespace(stream=lambda **kw: iter([body]))
        return AWSResponse(request.url, 500 if failed else 200, {}, raw)

    client.meta.events.register("before-send", answer)
    return client, slept, attempts

