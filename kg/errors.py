"""Errors that name the input at fault.

Every problem with a user's input (an article, its metadata, its annotations,
the entity registry) is reported as an :class:`InputError` that carries the
file, the line where known, and what is wrong, so that the command line can
print ``file:line: message`` and nothing else. A build collects them all and
raises :class:`BuildFailed` once, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InputError(Exception):
    """One problem in one input file.

    Attributes:
        file: The file at fault.
        line: The 1-based line, or None when the problem is the whole file.
        message: What is wrong, written for the person who must fix it.
    """

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


class BuildFailed(Exception):
    """The build found one or more input errors and wrote nothing."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
