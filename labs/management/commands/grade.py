"""python manage.py grade <lab-slug> <file> [--seed N] [--json]

Grades a file with the same engine the worker uses, synchronously: no broker,
no database. The lab comes from the course folder (COURSE_DIR, or --course),
so an author can grade a draft before syncing it. --seed picks the variant
(its hidden inputs); without it, variant 0. Exits 0 whenever grading
happened, whatever the score; non-zero only when it could not grade.
"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grader.sandbox.launcher import IsolationUnavailable
from grader.variants import VariantError, check_seed
from grader.verdict import Status, Verdict
from labs import engine
from coursefiles.kinds import load_course

MARKS = {True: "PASS", False: "MISS"}


class Command(BaseCommand):
    help = "Grade a file against a lab in the sandbox, as the worker would. Exit 0 whenever grading happened."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the lab's slug, e.g. sqs-dlq")
        parser.add_argument("file", help="the learner's Python module, or - for standard input")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print the verdict as one JSON object")
        parser.add_argument("--course", help="course folder (default: COURSE_DIR)")
        parser.add_argument("--seed", type=int, default=0, help="the variant to grade on (default 0): its hidden inputs")

    def handle(self, *args, slug, file, as_json=False, course=None, seed=0, **options):
        try:
            check_seed(seed)
        except VariantError as exc:
            raise CommandError(str(exc)) from exc
        code = self._read(file)
        spec = self._lab(Path(course or settings.COURSE_DIR), slug)
        try:
            verdict = engine.grade_source(
                slug=spec.slug, time_limit_s=spec.time_limit_s, grader_files=spec.grader_files, code=code,
                services=spec.services, seed=seed,
            )
        except IsolationUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(verdict.to_dict(), ensure_ascii=False))
        else:
            self._report(f"{spec.title} (variant {seed})", verdict)

    @staticmethod
    def _read(file: str) -> str:
        if file == "-":
            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc

    @staticmethod
    def _lab(root: Path, slug: str):
        _index, parts, problems = load_course(root, grade_labs=False)
        specs = {spec.slug: spec for part in parts for spec in getattr(part, "labs", [])}
        if slug in specs:
            return specs[slug]
        broken = [str(p) for p in problems if f"/labs/{slug}/" in f"/{p.path}"]
        if broken:
            raise CommandError(f"lab '{slug}' has problems:\n" + "\n".join(broken))
        known = ", ".join(sorted(specs)) or "none"
        raise CommandError(f"no lab '{slug}' in {root} (labs: {known})")

    def _report(self, title: str, verdict: Verdict) -> None:
        style = self.style.SUCCESS if verdict.status == Status.PASSED else self.style.WARNING
        self.stdout.write(style(f"{title}: {verdict.status}, score {verdict.score:.0%} in {verdict.duration_ms} ms"))
        if verdict.error:
            self.stdout.write(verdict.error)
        for checkpoint in verdict.checkpoints:
            self.stdout.write(f"  {MARKS[checkpoint.passed]}  {checkpoint.title} ({checkpoint.points:g} pt)")
            self.stdout.write(f"        {checkpoint.feedback}")
        output = verdict.to_dict()["output"]  # capped as stored
        if output:
            self.stdout.write("--- your program's output ---")
            self.stdout.write(output.rstrip("\n"))
