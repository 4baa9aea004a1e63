from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class CourseCommand(BaseCommand):
    """A command that reads a course folder: DIR, or COURSE_DIR by default."""

    def add_arguments(self, parser):
        parser.add_argument("dir", nargs="?", help="course folder (default: COURSE_DIR)")
        parser.add_argument("--skip-lab-grading", action="store_true", help="do not grade each lab's solution and starter")

    @staticmethod
    def course_root(dir: str | None) -> Path:
        return Path(dir or settings.COURSE_DIR)
