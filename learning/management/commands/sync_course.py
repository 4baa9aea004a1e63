from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.content.kinds import CourseInvalid, sync_course


class Command(BaseCommand):
    help = "Validate the course files, then upsert them into the database in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", help="course folder (default: COURSE_DIR)")
        parser.add_argument("--skip-lab-grading", action="store_true", help="do not grade each lab's solution and starter first")

    def handle(self, *args, dir=None, skip_lab_grading=False, **options):
        root = Path(dir or settings.COURSE_DIR)
        try:
            counts = sync_course(root, grade_labs=not skip_lab_grading)
        except CourseInvalid as exc:
            for problem in exc.problems:
                self.stdout.write(str(problem))
            raise CommandError(
                f"sync refused: {len(exc.problems)} problem(s) in {root}; the site keeps serving the last good content"
            ) from None
        summary = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"synced {root}: {summary}"))
