#!/usr/bin/env python
"""Where the CPU of one grading goes, per process, on a warm engine.

    .venv/bin/python bench/grading_cpu.py --json

Grades each launch lab's solution --runs times through the real engine
(labs.engine.grade_source: the sandbox zygote, the warm emulator; no broker,
no database) and splits the CPU time the machine spent into:
- worker: this process (the run loop, the protocol, the output, the verdict);
- sandboxes: the sandbox zygote and every run's sandbox it forks (their
  walls, the harness, the learner's code and its HTTP calls);
- emulator: the warm emulator and every run's emulator child it forks (moto,
  the grader, the trace).
The two process trees are put in cgroups of their own (cgroup v1 cpuacct, or
v2's cpu controller: needs root), so short-lived processes count too and other
work on the machine does not, though it slows caches. Figures are ms of CPU
per grading, and `gradings_per_s_ceiling` is what the machine's cores could
sustain at that cost (bench/grading.py measures the real throughput).
"""

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redrive.settings")

from bench.grading import LAUNCH_LABS  # noqa: E402
from bench.support import log, run_bench  # noqa: E402
from grader.sandbox.zygote import descendants  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


class CpuGroup:
    """A cgroup of the bench's own, counting the CPU of the processes moved into
    it and of everything they fork afterwards."""

    def __init__(self, name: str):
        v1 = Path("/sys/fs/cgroup/cpuacct")
        if (v1 / "cpuacct.usage").exists():
            self.path, self._usage = v1 / name, self._usage_v1
        elif Path("/sys/fs/cgroup/cgroup.controllers").exists():
            self.path, self._usage = Path("/sys/fs/cgroup") / name, self._usage_v2
        else:
            sys.exit("grading_cpu needs cgroup v1 cpuacct or cgroup v2 at /sys/fs/cgroup")
        try:
            self.path.mkdir()
        except OSError as exc:
            sys.exit(f"grading_cpu could not make the cgroup {self.path} (run it as root): {exc}")

    def add(self, pid: int) -> None:
        try:
            (self.path / "cgroup.procs").write_text(str(pid))
        except ProcessLookupError:
            pass  # it ended meanwhile (a run's process): nothing left to count

    def seconds(self) -> float:
        return self._usage()

    def _usage_v1(self) -> float:
        return int((self.path / "cpuacct.usage").read_text()) / 1e9

    def _usage_v2(self) -> float:
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def remove(self) -> None:
        parent = self.path.parent / "cgroup.procs"
        for pid in (self.path / "cgroup.procs").read_text().split():
            try:
                parent.write_text(pid)
            except OSError:
                pass  # gone meanwhile
        try:
            self.path.rmdir()
        except OSError:
            pass


class Bench:
    def __init__(self, args):
        self.args = args
        self.groups = {}

    def run(self) -> dict:
        import django

        django.setup()
        from django.conf import settings

        from coursefiles.kinds import load_course
        from grader import engine as grader_engine
        from labs import engine

        _index, parts, _problems = load_course(Path(settings.COURSE_DIR), grade_labs=False)
        specs = {spec.slug: spec for part in parts for spec in getattr(part, "labs", [])}
        labs = {}
        for name in ("sandboxes", "emulator"):
            self.groups[name] = CpuGroup(f"redrive-bench-{os.getpid()}-{name}")
        for slug in self.args.labs.split(","):
            spec = specs[slug]
            grade = lambda seed: engine.grade_source(  # noqa: E731
                slug=spec.slug, time_limit_s=spec.time_limit_s, grader_files=spec.grader_files,
                code=spec.solution, services=spec.services, seed=seed,
            )
            grade(0)  # the engine starts
            runner = grader_engine.get_engine(engine.engine_config())
            for pid in [runner.launcher._zygote.process.pid, *descendants(runner.launcher._zygote.process.pid)]:
                self.groups["sandboxes"].add(pid)
            self.groups["emulator"].add(runner.emulator.process.pid)
            for seed in range(3):  # the spares forked before the move are used up
                grade(seed)
            before = self._sample()
            passed = 0
            for seed in range(self.args.runs):
                passed += grade(seed).status.value == "passed"
            after = self._sample()
            split = {key: round((after[key] - before[key]) * 1000 / self.args.runs, 1) for key in before}
            total = sum(split.values())
            labs[slug] = {
                "runs": self.args.runs, "passed": passed, "cpu_ms": split, "total_cpu_ms": round(total, 1),
                "gradings_per_s_ceiling": round(os.cpu_count() * 1000 / total, 2) if total else None,
            }
            log(self.args, f"{slug}: {labs[slug]}")
        engine.engine_stop()
        return {"labs": labs, "cores": os.cpu_count(), "loadavg_at_end": [round(v, 2) for v in os.getloadavg()]}

    def _sample(self) -> dict:
        own = os.times()
        return {"worker": own.user + own.system, **{name: group.seconds() for name, group in self.groups.items()}}

    def cleanup(self) -> None:
        for group in self.groups.values():
            group.remove()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--runs", type=int, default=20, help="measured gradings per lab")
    parser.add_argument("--labs", default=",".join(LAUNCH_LABS))
    args = parser.parse_args()
    return run_bench(Bench(args), args, lambda result: all(lab["passed"] == lab["runs"] for lab in result["labs"].values()))


if __name__ == "__main__":
    sys.exit(main())
