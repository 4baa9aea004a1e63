"""grader/cores.py: a run's CPU, leased machine-wide, and threads moved onto it."""

import os
import secrets
import subprocess
import sys
import textwrap

from grader.cores import Cores


def _cores(cpus, name=None):
    return Cores(cpus, name=name or "redrive-test-cpu-" + secrets.token_hex(4) + "-{cpu}")


def test_concurrent_leases_get_different_cpus_and_none_once_all_are_held():
    cores = _cores([0, 1])
    with cores.lease() as first, cores.lease() as second, cores.lease() as third:
        assert {first, second} == {0, 1}
        assert third is None


def test_a_lease_is_free_again_after_its_block():
    cores = _cores([0, 1])
    with cores.lease() as first:
        pass
    with cores.lease() as again:
        assert again == first


def test_engines_in_other_processes_see_the_same_leases():
    name = "redrive-test-cpu-" + secrets.token_hex(4) + "-{cpu}"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from grader.cores import Cores
            with Cores([0, 1], name={name!r}).lease() as cpu:
                print(cpu, flush=True)
                sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=os.getcwd(),
    )
    try:
        held = int(holder.stdout.readline())
        with _cores([0, 1], name).lease() as mine:
            assert mine == 1 - held
    finally:
        holder.communicate("", timeout=10)
    with _cores([0, 1], name).lease() as after_exit:
        assert after_exit == 0  # the kernel freed the holder's lease with its socket


def test_a_process_that_may_use_one_cpu_leases_none():
    with _cores([3]).lease() as cpu:
        assert cpu is None


def test_pin_threads_moves_every_thread_and_threads_started_later_follow():
    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1]
    # In a process of its own: the test run's threads keep their CPUs.
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(f"""
            import os, threading
            from grader.cores import pin_threads
            stop = threading.Event()
            early = threading.Thread(target=stop.wait)
            early.start()
            pin_threads({cpu})
            seen = {{}}
            def later():
                seen["later"] = os.sched_getaffinity(0)
            thread = threading.Thread(target=later)
            thread.start(); thread.join()
            print(sorted(os.sched_getaffinity(0)), sorted(os.sched_getaffinity(early.native_id)), sorted(seen["later"]))
            stop.set()
        """)],
        capture_output=True, text=True, cwd=os.getcwd(), timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("] ") == [f"[{cpu}", f"[{cpu}", f"[{cpu}]\n"]


def test_pin_threads_with_no_cpu_leaves_the_threads_alone():
    done = subprocess.run(
        [sys.executable, "-c", "import os; from grader.cores import pin_threads; pin_threads(None); print(len(os.sched_getaffinity(0)))"],
        capture_output=True, text=True, cwd=os.getcwd(), timeout=30,
    )
    assert int(done.stdout) == len(os.sched_getaffinity(0))
