from django.core.management.base import CommandError

from coursefiles.kinds import CourseInvalid, sync_course
from learning.management.course_command import CourseCommand


class Command(CourseCommand):
    help = "Validate the course files, then upsert them into the database in one transaction."

    def handle(self, *args, dir=None, skip_lab_grading=False, **options):
        root = self.course_root(dir)
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
