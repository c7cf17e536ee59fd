"""Patterns that skip, at C speed, the texts they cannot match.

Python's regex engine scans a text quickly only when a pattern starts with a
literal or a character class; a pattern that starts with a lookbehind
(``(?<![\\w.])…``, which most detectors here need) is tried at every
character, and a body is scanned by dozens of them.  Where no such rewrite
is possible, a :class:`Gated` pattern first looks for a *gate*: a short
pattern that starts with a literal and matches inside every match of the
full pattern.  No gate, no match: the full scan is skipped.  The results are
exactly the full pattern's (tests/test_fast_patterns.py checks each gate is
a necessary condition).
"""

from __future__ import annotations

import re
import sys
from typing import Iterator


class Gated:
    """``pattern``'s ``finditer``/``search``, skipped when ``gate`` is absent."""

    __slots__ = ("pattern", "gate")

    def __init__(self, pattern: str, gate: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)
        self.gate = re.compile(gate, flags)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        if self.gate.search(text, pos, endpos) is None:
            return iter(())
        return self.pattern.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self.gate.search(text, pos, endpos) is None:
            return None
        return self.pattern.search(text, pos, endpos)
