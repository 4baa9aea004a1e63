"""What the benchmarks share: their own throwaway database, loopback-only
services, percentiles, progress on stderr and the run-print-exit frame.

Benchmarks import this as `bench.support` after putting the repository on
sys.path, as each script does first.
"""

import json
import sys
from urllib.parse import urlparse

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def log(args, message: str) -> None:
    """Progress on stderr, unless only the JSON result was asked for."""
    if not args.json:
        print(message, file=sys.stderr, flush=True)


def percentile(values, pct: float):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def cpu_times() -> tuple[int, int] | None:
    """(steal, total) CPU time of the whole machine so far, in clock ticks, from
    /proc/stat; None where there is none. Steal is time this virtual machine was
    ready to run but its host ran something else: a run with much of it measured
    a busy host, not the code."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return fields[7], sum(fields)


def steal_pct(spans: list[tuple]) -> float | None:
    """Steal as a share of all CPU time over spans of (cpu_times() before, after)."""
    if not spans or any(before is None or after is None for before, after in spans):
        return None
    steal = sum(after[0] - before[0] for before, after in spans)
    total = sum(after[1] - before[1] for before, after in spans)
    return round(100 * steal / total, 1) if total else None


def require_loopback(url: str, script: str) -> None:
    """A benchmark creates and drops databases: it talks to this machine only."""
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        sys.exit(f"{script} only talks to loopback services, not {host!r}")


class BenchDatabase:
    """A database of the benchmark's own on the PostgreSQL server at `admin_url`,
    created empty and dropped at the end; or, when `sqlite_path` is given and no
    server answers, a SQLite file (still a real database)."""

    def __init__(self, admin_url: str, name: str, *, script: str, sqlite_path=None, log_to=None):
        self.admin_url, self.name, self.admin = admin_url, name, None
        self.url = f"sqlite:///{sqlite_path}" if sqlite_path else None
        if admin_url == "none" and sqlite_path:
            return
        require_loopback(admin_url, script)
        try:
            import psycopg

            self.admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
            self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            self.admin.execute(f"CREATE DATABASE {name}")
            self.url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        except Exception as exc:
            if not sqlite_path:
                raise
            if log_to is not None:
                log(log_to, f"PostgreSQL unavailable ({exc}); using SQLite")
            self.admin = None

    def drop(self) -> None:
        if self.admin is None:
            return
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass  # Django never started
        self.admin.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        self.admin.close()
        self.admin = None


def run_bench(bench, args, passed) -> int:
    """Run, always clean up, print the JSON object; exit status 0 iff passed(result)."""
    try:
        result = bench.run()
    finally:
        bench.cleanup()
    print(json.dumps(result, indent=None if args.json else 2))
    return 0 if passed(result) else 1
