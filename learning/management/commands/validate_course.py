from django.core.management.base import CommandError

from coursefiles.kinds import course_warnings, load_course
from learning.management.course_command import CourseCommand


class Command(CourseCommand):
    help = "Check the course files and print every problem as path:line: message."

    def handle(self, *args, dir=None, skip_lab_grading=False, **options):
        root = self.course_root(dir)
        _index, parts, problems = load_course(root, grade_labs=not skip_lab_grading)
        for problem in problems:
            self.stdout.write(str(problem))
        for warning in course_warnings(parts):
            self.stdout.write(self.style.WARNING(f"{warning.path}:{warning.line}: warning: {warning.message}"))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {root}")
        counts = {}
        for part in parts:
            counts.update(part.stats)
        summary = ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"{root}: OK ({summary})"))
