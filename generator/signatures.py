"""Recognise and strip the signature blocks that forum posts end with.

A signature is not part of an answer: rendered, summarised or indexed, it only
repeats who wrote the post (the reader keeps that as the post's author and
role).  Pure functions, no I/O.

What counts as a signature (learned from real thread pages):

* Quinn's block, in its current form::

      Share and Enjoy
      —
      Quinn “The Eskimo!” @ Developer Technical Support @ Apple
      let myEmail = "eskimo" + "1" + "@" + "apple.com"

  and its older form (``Quinn “The Eskimo!”`` then ``Apple Developer
  Relations, Developer Technical Support, Core OS/Hardware`` and a shorter
  ``let myEmail`` line), with or without blank lines between the parts, and
  flattened onto one line inside running text (listings do that).  Footnotes
  that follow the block (``[1] …``) are kept.
* An Apple engineer's closing block at the very end of a post: an optional
  closing word (``Thanks,`` ``Regards,`` ``—``), a name and a title line that
  names Apple's developer support (``DTS Engineer``, ``Developer Technical
  Support``, ``Worldwide Developer Relations``, ``Frameworks Engineer``), or
  all of that on one line (``Kevin Elliott, DTS Engineer, CoreOS/Hardware``).

A stranger's ``Thanks, Bob`` is left alone: it is part of what they wrote.
"""

from __future__ import annotations

import re

_QUINN = r"Quinn\s+[“\"'‘]The\s+Eskimo!?[”\"'’]"
_QUINN_TITLE = (
    r"(?:@\s*Developer\s+Technical\s+Support\s*@\s*Apple"
    r"|Apple\s+Developer\s+Relations,\s*Developer\s+Technical\s+Support,\s*Core\s*OS/Hardware)"
)
# ``let myEmail = "eskimo" + "1" + "@" + "apple.com"`` (older posts: ``+ ""``).
_MY_EMAIL = r"let\s+myEmail\s*=\s*\"eskimo\"(?:\s*\+\s*\"[^\"\n]*\")*"

# The whole block flattened into a line of running text.  Only a match that
# carries more than the bare name is a signature: a sentence that mentions
# "Quinn “The Eskimo!”" keeps it.
_FLAT_QUINN = re.compile(
    r"[ \t]*(?:Share\s+and\s+Enjoy[\s—–-]*" + _QUINN + r"|" + _QUINN + r"\s*" + _QUINN_TITLE + r")"
    r"\s*(?:" + _QUINN_TITLE + r")?\s*(?:" + _MY_EMAIL + r")?[ \t]*"
)

# One line of Quinn's block, each part on its own line.
_QUINN_LINE = re.compile(
    r"^\s*(?:Share\s+and\s+Enjoy[!.]?"
    r"|[—–-]{1,2}"
    r"|" + _QUINN + r"(?:\s*" + _QUINN_TITLE + r")?"
    r"|" + _QUINN_TITLE + r"|" + _MY_EMAIL + r")\s*$",
    re.IGNORECASE,
)
# Parts that make a run of _QUINN_LINE lines a signature (a lone "—" is not).
_QUINN_ANCHOR = re.compile(r"Share\s+and\s+Enjoy|" + _QUINN + "|" + _MY_EMAIL, re.IGNORECASE)

_STAFF_TITLE = (
    r"(?:DTS\s+Engineer|Developer\s+Technical\s+Support|Worldwide\s+Developer\s+Relations"
    r"|Apple\s+Developer\s+Relations|Frameworks\s+Engineer|Apple\s+DTS)"
)
# "Kevin Elliott", "Ed Ford": a short run of capitalised words.
_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_CLOSING = re.compile(
    r"^\s*(?:[—–-]{1,2}|(?:Thanks|Thank\s+you|Regards|Best\s+regards|Best|Cheers|Kind\s+regards)[,!.]?)\s*$",
    re.IGNORECASE,
)
_STAFF_TITLE_LINE = re.compile(r"^\s*(?:[/,—–-]\s*)?" + _STAFF_TITLE + r"\b[^\n]{0,60}$", re.IGNORECASE)
_NAME_LINE = re.compile(r"^\s*(?:[—–-]{1,2}\s*)?" + _NAME + r"\s*,?\s*$")
# Name and title on one line: "— Ed Ford, DTS Engineer", "Argun Tekant / DTS Engineer / Core Technologies".
_NAME_AND_TITLE_LINE = re.compile(
    r"^\s*(?:[—–-]{1,2}\s*)?" + _NAME + r"\s*(?:,|/|—|–|-)\s*(?:Apple\s+)?" + _STAFF_TITLE + r"\b[^\n]{0,60}$"
)
_FOOTNOTE = re.compile(r"^\s*\[\d+\]\s")


def split_signature(text: str) -> tuple[str, str]:
    """Return ``(text without its signature blocks, the removed signature)``.

    The removed signature is ``""`` when none was recognised; the remaining
    text keeps its paragraph breaks (at most one blank line in a row, none at
    either end).
    """
    removed: list[str] = []
    text = _strip_flat_quinn(text, removed)
    lines = text.split("\n")
    lines = _strip_quinn_blocks(lines, removed)
    lines = _strip_staff_closing(lines, removed)
    return _tidy(lines), "\n".join(part.strip() for part in removed if part.strip())


def strip_signature(text: str) -> str:
    """``text`` without its signature blocks."""
    return split_signature(text)[0]


def _strip_flat_quinn(text: str, removed: list[str]) -> str:
    """Remove Quinn's block where it sits inside a line of running text."""

    def cut(match: re.Match[str]) -> str:
        removed.append(match.group(0))
        return "\n"

    out_lines = []
    for line in text.split("\n"):
        if _QUINN_LINE.match(line):
            out_lines.append(line)  # a line of the stacked block: handled below
            continue
        out_lines.append(_FLAT_QUINN.sub(cut, line).rstrip(" ") if _FLAT_QUINN.search(line) else line)
    return "\n".join(out_lines)


def _strip_quinn_blocks(lines: list[str], removed: list[str]) -> list[str]:
    """Remove each run of Quinn-signature lines (blank lines allowed inside)."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        if not _QUINN_LINE.match(lines[i]):
            kept.append(lines[i])
            i += 1
            continue
        end = i
        j = i
        while j < len(lines) and (_QUINN_LINE.match(lines[j]) or not lines[j].strip()):
            if lines[j].strip():
                end = j
            j += 1
        block = lines[i : end + 1]
        if any(_QUINN_ANCHOR.search(line) for line in block):
            removed.append("\n".join(block))
            kept.append("")
            i = end + 1
        else:
            kept.append(lines[i])
            i += 1
    return kept


def _strip_staff_closing(lines: list[str], removed: list[str]) -> list[str]:
    """Remove an Apple engineer's closing block at the end (before footnotes)."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    # The closing sits before any trailing footnotes ("[1] …").
    tail_end = len(content)
    while tail_end and _FOOTNOTE.match(lines[content[tail_end - 1]]):
        tail_end -= 1
    if tail_end == 0:
        return lines
    last = content[tail_end - 1]
    start = _closing_start(lines, content[:tail_end])
    if start is None:
        return lines
    removed.append("\n".join(lines[start : last + 1]))
    return lines[:start] + lines[last + 1 :]


def _closing_start(lines: list[str], content: list[int]) -> int | None:
    """Index of the first line of a staff closing block ending at content[-1]."""
    last = content[-1]
    if _NAME_AND_TITLE_LINE.match(lines[last]):
        start = last
    elif _STAFF_TITLE_LINE.match(lines[last]) and len(content) >= 2 and _NAME_LINE.match(lines[content[-2]]):
        start = content[-2]
    else:
        return None
    position = content.index(start)
    if position and _CLOSING.match(lines[content[position - 1]]):
        start = content[position - 1]
    return start


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line.rstrip())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)
