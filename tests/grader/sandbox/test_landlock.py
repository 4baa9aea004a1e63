"""Without bubblewrap: refuse when isolation is required (the production
default), else run under rlimits and Landlock with a loud warning."""

import logging

import pytest

from grader import engine as grader_engine
from grader.sandbox.launcher import IsolationUnavailable
from tests.grader.conftest import GOOD, SECRET_ENV_VALUE, grade

pytestmark = pytest.mark.sandbox


@pytest.fixture
def no_bubblewrap(settings, sandbox_session, tmp_path):
    grader_engine.shutdown_engine()  # the shared engine was built with bubblewrap
    settings.SANDBOX_BWRAP = str(tmp_path / "missing" / "bwrap")
    yield settings
    grader_engine.shutdown_engine()  # the next test builds a normal one again


def test_grading_refuses_without_bubblewrap_when_isolation_is_required(no_bubblewrap):
    no_bubblewrap.SANDBOX_REQUIRE_ISOLATION = True

    with pytest.raises(IsolationUnavailable, match="bubblewrap not found"):
        grade(GOOD)


def test_grading_falls_back_to_rlimits_and_landlock_with_a_warning(no_bubblewrap, caplog):
    no_bubblewrap.SANDBOX_REQUIRE_ISOLATION = False

    with caplog.at_level(logging.WARNING, logger="grader.sandbox.launcher"):
        passed = grade(GOOD, marked=False)  # no writable /proc to mark processes in
        hostile = grade(
            "import os, socket\n"
            "print('env', sorted(os.environ), list(os.environ.values()))\n"
            "for port in (5432, 6379):\n"
            "    try:\n"
            "        socket.create_connection(('127.0.0.1', port), timeout=1)\n"
            "        print('tcp', port, 'REACHED')\n"
            "    except OSError as exc:\n"
            "        print('tcp', port, 'blocked', type(exc).__name__)\n"
            "for path in ('/etc/shadow', '/root'):\n"
            "    try:\n"
            "        open(path).read() if path != '/root' else os.listdir(path)\n"
            "        print('read', path, 'REACHED')\n"
            "    except OSError as exc:\n"
            "        print('read', path, 'blocked', type(exc).__name__)\n"
            "hoard = bytearray(4 * 1024 ** 3)\n",
            marked=False,
        )

    assert any("LABS SANDBOX IS WEAKENED" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert passed.data["status"] == "passed", passed.data
    assert hostile.data["status"] == "error", hostile.data
    assert hostile.data["error"] == "Your code used more than 512 MiB of memory."
    assert SECRET_ENV_VALUE not in hostile.output
    assert "REACHED" not in hostile.output, hostile.output
