"""Text for a terminal: what kb prints to stdout or stderr.

``kb search`` and ``kb stats`` print titles and labels read from pages that
anyone may have edited, and warnings quote file names and scraped text.  A
terminal obeys the control characters in what it is given: ``ESC ] 0 ;``
retitles the window, ``ESC [ 2 J`` clears it, a carriage return or a newline
in a title forges another result line, and the bidirectional overrides
(U+202A-U+202E, U+2066-U+2069) make text read other than it is.  Each such
character is shown as its escape (``\\x1b``, ``\\u202e``) instead.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the invisible direction marks and overrides.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _visible_but_layout(match: re.Match[str]) -> str:
    return match.group() if match.group() in "\n\t" else _visible(match)


def terminal_safe(text: str, *, lines: bool = False) -> str:
    """``text`` with every control and direction character shown as its
    escape; with ``lines``, newlines and tabs are kept (a message made of
    several lines, such as MkDocs' own output)."""
    return _UNSAFE.sub(_visible_but_layout if lines else _visible, text)


def json_terminal_safe(text: str) -> str:
    """JSON text with those characters as ``\\uXXXX`` escapes: the same
    strings to any JSON reader.  (json.dumps already escapes C0 controls.)"""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
