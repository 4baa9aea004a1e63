from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the course files, printed as `path:line: message`."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class Problems(list):
    """A list of Problem with a shorthand for adding one."""

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.append(Problem(Path(path), int(line or 1), message))
