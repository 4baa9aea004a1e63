from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.content.kinds import load_course


class Command(BaseCommand):
    help = "Check the course files and print every problem as path:line: message."

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", help="course folder (default: COURSE_DIR)")
        parser.add_argument("--skip-lab-grading", action="store_true", help="do not grade each lab's solution and starter")

    def handle(self, *args, dir=None, skip_lab_grading=False, **options):
        root = Path(dir or settings.COURSE_DIR)
        _index, parts, problems = load_course(root, grade_labs=not skip_lab_grading)
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {root}")
        counts = {}
        for part in parts:
            counts.update(part.stats)
        summary = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{root}: OK ({summary})"))
