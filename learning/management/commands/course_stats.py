import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from coursefiles.kinds import CourseInvalid, course_stats

KEYS = ("modules", "lessons", "cards", "quick_checks", "labs", "words")


class Command(BaseCommand):
    help = "Count the course's modules, lessons, cards, quick checks, labs and words."

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", help="course folder (default: COURSE_DIR)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object")

    def handle(self, *args, dir=None, as_json=False, **options):
        root = Path(dir or settings.COURSE_DIR)
        try:
            stats = course_stats(root)
        except CourseInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s) in {root}") from None
        result = {key: stats.get(key, 0) for key in KEYS}
        if as_json:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key.replace('_', ' ')}: {value}")

