"""Typed, frozen records passed between pipeline stages.

Data flows one way (see DESIGN.md):

    read -> Thread -> clean -> Thread -> merge -> [Thread]
         -> enrich -> Facts -> relate -> Related -> render -> PageDoc -> write

No stage mutates a record; a stage that changes something returns a new one
(``dataclasses.replace``).  Every field holds plain, hashable Python values so
that records can be compared, sorted and hashed deterministically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True, order=True)
class Source:
    """Where a record came from, so that warnings can name file and line."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


#: The largest reply, boost or view count a reader accepts.  No forum shows
#: one near it, and beyond 2**53 a count is no longer exact as a float (the
#: shorthand "3.3k" is read through one) or as a number in the site's script;
#: a 400-digit count became float infinity and stopped the run.
MAX_COUNT = 10**15
_SCALES = {"": 1, "k": 1_000, "m": 1_000_000}


def shown_count(number: str, unit: str = "") -> int | None:
    """The count a page shows as ``number`` (digits, commas, maybe a decimal
    point) and ``unit`` ("", "k" or "m", any case): ``("3.3", "k")`` ->
    3300; None when it is over :data:`MAX_COUNT`.  The digits are measured
    before ``float`` reads them: 400 of them are float infinity."""
    digits = number.replace(",", "")
    if len(digits.partition(".")[0]) > len(str(MAX_COUNT)):
        return None
    value = float(digits) * _SCALES[unit.lower()]
    return int(round(value)) if value <= MAX_COUNT else None


def canonical_thread_id(digits: str) -> str:
    """A forum thread id as the knowledge base writes it: ASCII, without
    leading zeros ("00012" and "١٢" are thread 12), whichever reader found it."""
    return str(int(digits))


@dataclass(frozen=True)
class Post:
    """One post of a thread after the question: a reply or a comment.

    ``body`` is cleaned plain text (never Markdown or HTML).  ``role`` is the
    forum's badge ("DTS Engineer", "Apple Staff", "Frameworks Engineer") or "".
    """

    author: str = ""
    role: str = ""
    date: str = ""
    body: str = ""
    accepted: bool = False
    post_id: str = ""
    is_comment: bool = False


@dataclass(frozen=True)
class Thread:
    """One forum thread as read from an input, before enrichment.

    ``key`` is the identity used by merge: ``id:<numeric id>`` when the
    thread's forum id is known, else ``title:<title as scraped>``.
    ``body`` is the question (first post) as cleaned plain text.
    ``activity`` keeps the raw listing label ("3w", "Feb ’26");
    ``last_active`` is that label resolved against ``scraped_on``:
    ``YYYY-MM-DD`` for day/week/hour labels, ``YYYY-MM`` for month labels,
    ``""`` when unknown.
    """

    key: str
    title: str
    body: str = ""
    forum: str = ""
    url: str = ""
    thread_id: str = ""
    replies: int = 0
    boosts: int = 0
    views: int = 0
    activity: str = ""
    last_active: str = ""
    scraped_on: str = ""
    author: str = ""
    created: str = ""
    tags: tuple[str, ...] = ()
    posts: tuple[Post, ...] = ()
    locked: bool = False
    source: Source = field(default_factory=lambda: Source(""))


@dataclass(frozen=True)
class Evidence:
    """Why a classification decision was made: which cue fired, and where."""

    field: str  # "apis" | "platforms" | "os_versions" | "topics" | "symbols"
    value: str  # e.g. "content-filter"
    cue: str  # the words that fired, e.g. "NEFilterDataProvider"
    where: str  # "title" | "body" | "answer"
    weight: float = 1.0


@dataclass(frozen=True)
class Facts:
    """What enrichment learned about a thread; every list is sorted/stable."""

    apis: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    os_versions: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    symbols: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Related:
    """A link from one thread to another, with a reason a reader understands."""

    slug: str
    title: str
    why: str
    score: float = 0.0


@dataclass(frozen=True)
class Enriched:
    """A merged thread with everything the renderer needs."""

    thread: Thread
    slug: str
    facts: Facts = Facts()
    related: tuple[Related, ...] = ()
    asked_before: tuple[Related, ...] = ()  # near-duplicate group members


@dataclass(frozen=True)
class PageDoc:
    """A page to write: ``path`` is relative to the content root (POSIX)."""

    path: str
    meta: Mapping[str, object]
    body: str
