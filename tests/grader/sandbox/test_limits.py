"""Code that tries to use up the machine gets a verdict that names the limit it
hit, leaves no process behind, and the next submission grades normally."""

import pytest

from grader.verdict import TRUNCATED_MARKER
from tests.grader.conftest import PRINT_PIDNS, assert_engine_still_grades, assert_nothing_left, grade

pytestmark = pytest.mark.sandbox


def _ended_cleanly(graded):
    assert_nothing_left(graded)
    assert_engine_still_grades()


def test_a_fork_bomb_is_stopped_at_the_process_limit(engine):
    graded = grade(PRINT_PIDNS + "import os\nwhile True:\n    os.fork()\n")

    assert graded.data["status"] == "error", graded.data
    assert graded.data["error"] == "Your code started more than 64 processes or threads at once (the process limit)."
    assert graded.data["score"] < 1
    _ended_cleanly(graded)


def test_a_thread_bomb_is_stopped_at_the_process_limit(engine):
    code = PRINT_PIDNS + "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(100,)).start()\n"
    graded = grade(code)

    assert graded.data["status"] == "error", graded.data
    assert graded.data["error"] == "Your code started more than 64 processes or threads at once (the process limit)."
    _ended_cleanly(graded)


def test_a_fork_bomb_that_ignores_the_limit_runs_out_of_time(engine):
    code = PRINT_PIDNS + (
        "import os, time\n"
        "while True:\n"
        "    try:\n"
        "        os.fork()\n"
        "    except OSError:\n"
        "        time.sleep(0.01)\n"
    )
    graded = grade(code, time_limit_s=2)

    assert graded.data["status"] == "timeout", graded.data
    assert graded.data["error"] == "Your code ran past the 2-second time limit."
    _ended_cleanly(graded)


def test_a_memory_bomb_is_refused_at_the_memory_limit(engine):
    graded = grade(PRINT_PIDNS + "hoard = bytearray(4 * 1024 ** 3)\n")

    assert graded.data["status"] == "error", graded.data
    assert graded.data["error"] == "Your code used more than 512 MiB of memory."
    assert graded.checkpoint("loaded")["feedback"] == "Not checked: your module did not load (the error above says why)."
    _ended_cleanly(graded)


def test_a_memory_bomb_in_a_function_the_grader_calls_is_refused(engine):
    code = PRINT_PIDNS + "def handler(event):\n    hoard = [bytearray(64 * 1024 ** 2) for _ in range(64)]\n    return 'done'\n"
    graded = grade(code)

    assert graded.data["status"] == "error", graded.data
    assert "512 MiB of memory" in graded.data["error"]
    _ended_cleanly(graded)


def test_a_cpu_loop_is_stopped_at_the_cpu_limit(engine):
    """CPU time is half the wall clock, so a tight loop meets it first, unless
    the machine is so busy that the loop got less than half a core: then the
    wall clock must end it, and say so."""
    code = PRINT_PIDNS + (
        "import resource, time\n"
        "print('cpu limit', resource.getrlimit(resource.RLIMIT_CPU)[0], flush=True)\n"
        "mark = time.monotonic()\n"
        "while True:\n"
        "    if time.monotonic() - mark > 0.1:\n"
        "        print('cpu', time.process_time(), flush=True)\n"
        "        mark = time.monotonic()\n"
    )
    graded = grade(code, time_limit_s=4)

    if graded.data["status"] == "timeout":
        lines = graded.output.splitlines()
        limit = next(int(line.split()[2]) for line in lines if line.startswith("cpu limit "))
        used = max(float(line.split()[1]) for line in lines if line.startswith("cpu ") and not line.startswith("cpu limit"))
        assert used < limit, f"the CPU limit ({limit} s of this process) should have stopped a loop that used {used} s"
        assert graded.data["error"] == "Your code ran past the 4-second time limit."
    else:
        assert graded.data["status"] == "error", graded.data
        assert graded.data["error"] == "Your code used more than 2 seconds of CPU time (the CPU limit for this lab)."
    assert graded.seconds < 4 + 3
    _ended_cleanly(graded)


def test_sleeping_forever_ends_at_the_time_limit(engine):
    graded = grade(PRINT_PIDNS + "import time\ntime.sleep(10 ** 6)\n", time_limit_s=1)

    assert graded.data["status"] == "timeout", graded.data
    assert graded.data["error"] == "Your code ran past the 1-second time limit."
    assert graded.seconds < 1 + 3
    _ended_cleanly(graded)


def test_sleeping_forever_in_a_handler_keeps_the_checkpoints_recorded(engine):
    graded = grade(PRINT_PIDNS + "import time\ndef handler(event):\n    time.sleep(10 ** 6)\n", time_limit_s=1)

    assert graded.data["status"] == "timeout", graded.data
    assert graded.checkpoint("handler")["feedback"] == "Your code ran past the 1-second time limit."
    assert graded.checkpoint("audit")["passed"]
    _ended_cleanly(graded)


def test_a_50_mb_output_flood_is_capped_at_64_kib(engine):
    code = PRINT_PIDNS + (
        "import sys\n"
        "line = 'x' * 1023 + '\\n'\n"
        "for _ in range(50 * 1024):\n"
        "    sys.stdout.write(line)\n"
        "    sys.stderr.write(line) if _ % 1024 == 0 else None\n"
        "print('end of flood')\n"
    )
    graded = grade(code)

    assert graded.data["status"] == "failed", graded.data
    assert graded.checkpoint("loaded")["passed"]
    assert len(graded.output.encode()) <= 64 * 1024
    assert graded.output.endswith(TRUNCATED_MARKER)
    assert "end of flood" not in graded.output
    _ended_cleanly(graded)


def test_output_that_never_stops_ends_at_the_time_limit(engine):
    graded = grade(PRINT_PIDNS + "while True:\n    print('y' * 4096)\n", time_limit_s=1)

    assert graded.data["status"] == "timeout", graded.data
    assert graded.data["error"] == "Your code ran past the 1-second time limit."
    assert len(graded.output.encode()) <= 64 * 1024
    _ended_cleanly(graded)


def test_a_large_file_is_refused_at_the_file_size_limit(engine):
    code = PRINT_PIDNS + "with open('/tmp/big', 'wb') as f:\n    for _ in range(200):\n        f.write(bytes(1024 * 1024))\n"
    graded = grade(code)

    assert graded.data["status"] == "error", graded.data
    assert graded.data["error"] == "Your code wrote a file larger than 16 MiB."
    _ended_cleanly(graded)


def test_filling_the_scratch_space_with_files_stops_at_its_size(engine):
    code = PRINT_PIDNS + (
        "import os\n"
        "for n in range(10 ** 6):\n"
        "    with open(f'/tmp/f{n}', 'wb') as f:\n"
        "        f.write(bytes(8 * 1024 * 1024))\n"
    )
    graded = grade(code)

    assert graded.data["status"] == "error", graded.data
    assert "filled its scratch space" in graded.data["error"]
    assert "64 MiB" in graded.data["error"]
    _ended_cleanly(graded)


def test_creating_endless_empty_files_stops_at_the_file_count(engine):
    code = PRINT_PIDNS + "import os\nn = 0\nwhile True:\n    os.close(os.open(f'/tmp/{n}', os.O_CREAT | os.O_WRONLY))\n    n += 1\n"
    graded = grade(code, time_limit_s=10)

    assert graded.data["status"] == "error", graded.data
    assert "filled its scratch space" in graded.data["error"]
    assert "files" in graded.data["error"]
    assert graded.seconds < 5
    _ended_cleanly(graded)


def test_scratch_space_is_private_to_each_run(engine):
    first = grade("open('/tmp/left-by-first', 'w').write('hello')\n")
    second = grade("import os\nprint('tmp holds', sorted(os.listdir('/tmp')))\n")

    assert first.checkpoint("loaded")["passed"]
    assert "tmp holds []" in second.output
