"""Errors shared by every reader."""

from __future__ import annotations

from typing import Callable

from generator.records import Source

# A reader calls ``warn(source, message)`` for an entry it skips or repairs;
# the pipeline collects these and prints them (``--strict`` turns them into
# exit code 1).
Warn = Callable[[Source, str], None]


class InputError(Exception):
    """A file that cannot be read at all: the run stops with exit code 2."""

    def __init__(self, path: object, line: int = 0, message: str = "") -> None:
        super().__init__(message)
        self.path = str(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}"


def ignore_warning(source: Source, message: str) -> None:
    """Default ``warn``: readers never print; the caller decides."""
