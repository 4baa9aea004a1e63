"""Field checks shared by every content file type (lessons, decks, labs)."""

import re
from pathlib import Path

from coursefiles.problems import Problems
from coursefiles.yamlfile import LineDict

STABLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class FieldReader:
    """Reads typed fields from a LineDict, recording a problem for each bad one."""

    def __init__(self, data: LineDict, path: Path, problems: Problems, *, what: str):
        self.data = data
        self.path = path
        self.problems = problems
        self.what = what

    def _line(self, key: str) -> int:
        return self.data.line_of(key) if isinstance(self.data, LineDict) else 1

    def problem(self, key: str, message: str) -> None:
        self.problems.add(self.path, self._line(key), message)

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"{self.what} is missing required field '{key}'")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(key, f"'{key}' must be non-empty text")
            return default
        return value.strip()

    def stable_id(self, key: str = "id") -> str:
        value = self.data.get(key)
        if value is None:
            self.problem(key, f"{self.what} is missing its stable '{key}' (e.g. {key}: sqs-visibility-1a2b)")
            return ""
        if not isinstance(value, str) or not STABLE_ID.match(value):
            self.problem(key, f"'{key}' must be 3-64 lower-case letters, digits or dashes, got {value!r}")
            return ""
        return value

    def slug(self, key: str = "slug") -> str:
        value = self.data.get(key)
        if value is None:
            self.problem(key, f"{self.what} is missing required field '{key}'")
            return ""
        if not isinstance(value, str) or not SLUG.match(value):
            self.problem(key, f"'{key}' must be lower-case letters, digits and dashes, got {value!r}")
            return ""
        return value

    def integer(self, key: str, *, required: bool = True, default: int = 0, minimum: int = 0, maximum: int = 10**6) -> int:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"{self.what} is missing required field '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            self.problem(key, f"'{key}' must be a whole number from {minimum} to {maximum}, got {value!r}")
            return default
        return value

    def string_list(self, key: str, *, required: bool = False) -> list[str]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(key, f"{self.what} is missing required field '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(key, f"'{key}' must be a list of text values")
            return []
        return [v.strip() for v in value]

    def unknown_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(key, f"unknown field '{key}' in {self.what} (allowed: {', '.join(sorted(allowed))})")
