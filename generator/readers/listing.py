"""Reader for the text of a forum listing page (a tag or subtopic).

The text a person gets by copying ``developer.apple.com/forums/tags/<tag>``:

    Network Extension                       <- forum (tag or subtopic) name
    RSS for tag                             <- optional
    Customize and extend ...                <- description (optional)
    Posts under Network Extension tag       <- or "... subtopic"
    200 Posts
    Post / Replies / Boosts / Views / Activity   <- column headings
    <title>
    <body, one line>
    5                 or    Replies
    1                       5
    240                     Boosts ... Views ... Activity
    3w                      3w

Blank lines carry no meaning and are ignored.  Several pages may be
concatenated: a new header starts a new page.  An entry that does not fit
either layout is skipped with a warning naming its line; the reader then
resynchronises on the next line that starts a well-formed entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from generator.dates import is_activity_label
from generator.readers.errors import InputError, Warn, ignore_warning
from generator.readers.textfile import read_text_lines
from generator.records import Source, Thread, shown_count

COLUMNS = ("Post", "Replies", "Boosts", "Views", "Activity")
# A listing sorted by creation date shows "Created" where "Activity" stands.
HEADER_WORDS = frozenset(COLUMNS) | {"Created"}
# Interface text a copied page may carry between the header and the entries.
_INTERFACE_LINE = re.compile(r"^(?:Selecting any option will automatically load the page|Sort by.*|Filter by.*)$", re.I)
LABELS = ("Replies", "Boosts", "Views", "Activity")
_POSTS_UNDER = re.compile(r"^Posts under (?P<name>.+?) (?P<kind>tag|subtopic|topic|forum)$", re.I)
_POST_COUNT = re.compile(r"^[\d,.]+[kKmM]?\s+Posts?$")
_COUNT = re.compile(r"^(?:(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>[kKmM])?|[—–-]|n/?a)$")
# Entries longer than this many lines between title and counts are not entries.
_MAX_BODY_LINES = 40


@dataclass(frozen=True)
class Line:
    number: int
    text: str


@dataclass(frozen=True)
class Counts:
    replies: int
    boosts: int
    views: int
    activity: str
    end: int  # index of the first line after the counts
    problems: tuple[str, ...] = ()


def parse_count(text: str) -> int | None:
    """``"3.3k"`` -> 3300, ``"1,234"`` -> 1234, ``"—"`` -> 0; None if not a
    count, or one over :data:`generator.records.MAX_COUNT`."""
    text = text.strip()
    if len(text) <= 15 and text.isascii() and text.isdigit():
        return int(text)  # the common case; as exact as the float path below at this length
    match = _COUNT.match(text)
    if not match:
        return None
    if match["num"] is None:
        return 0
    return shown_count(match["num"], match["unit"] or "")


def looks_like(head: str) -> bool:
    """Content-based detection: a listing has the column headings or an entry
    in the labelled layout near the top."""
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    joined = "\n".join(lines)
    return "\n".join(COLUMNS) in joined or bool(
        re.search(r"^Replies\n[\d.,kK]+\nBoosts\n", joined, re.M)
    ) or any(_POSTS_UNDER.match(line) for line in lines[:20])


def read_listing(
    path: Path, *, warn: Warn = ignore_warning, scraped_on: str = ""
) -> Iterator[Thread]:
    """Yield one Thread per listing entry in ``path`` (duplicates included;
    merging is a later stage).  Raises InputError when the file is not a
    listing at all."""
    lines = [Line(n, t.strip()) for n, t in read_text_lines(path, warn) if t.strip()]
    if not lines:
        raise InputError(path, 0, "the file is empty: expected a forum listing")
    parser = _ListingParser(path, lines, warn, scraped_on)
    threads = list(parser.entries())
    if not threads and not parser.saw_header:
        raise InputError(
            path, lines[0].number, "not a forum listing: no 'Posts under … tag' header and no entries"
        )
    yield from threads


class _ListingParser:
    def __init__(self, path: Path, lines: Sequence[Line], warn: Warn, scraped_on: str) -> None:
        self.path = path
        self.lines = lines
        self.warn = warn
        self.scraped_on = scraped_on
        self.forum = ""
        self.saw_header = False

    def entries(self) -> Iterator[Thread]:
        i = 0
        skipped_from: int | None = None
        while i < len(self.lines):
            header_end = self._header_at(i)
            if header_end is not None:
                skipped_from = self._flush_skipped(skipped_from, i)
                i = header_end
                continue
            parsed = self._entry_at(i)
            if parsed is not None:
                skipped_from = self._flush_skipped(skipped_from, i)
                thread, i = parsed
                yield thread
                continue
            if skipped_from is None:
                skipped_from = i
            i += 1
        self._flush_skipped(skipped_from, len(self.lines))

    def _flush_skipped(self, start: int | None, end: int) -> None:
        if start is not None:
            first = self.lines[start]
            self.warn(
                Source(str(self.path), first.number),
                f"skipped {end - start} line(s) that do not form a listing entry "
                f"(starting {first.text[:60]!r})",
            )
        return None

    def _header_at(self, i: int) -> int | None:
        """If a page header starts at line i, consume it and return the index
        after it.  A header is recognised by its 'Posts under …' line or its
        column headings, looking at most a few lines ahead."""
        window = self.lines[i : i + 12]
        texts = [line.text for line in window]
        for offset, text in enumerate(texts):
            match = _POSTS_UNDER.match(text)
            if match and offset <= 4 and not self._entry_fits_before(i, i + offset):
                self.forum = match["name"].strip()
                self.saw_header = True
                end = i + offset + 1
                while end < len(self.lines) and (
                    _POST_COUNT.match(self.lines[end].text)
                    or self.lines[end].text in HEADER_WORDS
                    or _INTERFACE_LINE.match(self.lines[end].text)
                ):
                    end += 1
                return end
        if tuple(texts[:4]) == COLUMNS[:4] and len(texts) > 4 and texts[4] in {"Activity", "Created"}:
            self.saw_header = True
            return i + 5
        return None

    def _entry_fits_before(self, start: int, limit: int) -> bool:
        parsed = self._entry_at(start)
        return parsed is not None and parsed[1] <= limit

    def _entry_at(self, i: int) -> tuple[Thread, int] | None:
        """Parse an entry starting at line i: title, body, counts.

        The listing's excerpt is one line; a longer body is accepted only when
        none of its lines could itself start a well-formed entry, so an entry
        with missing counts never swallows the next thread."""
        if i + 1 >= len(self.lines):
            return None
        title = self.lines[i]
        if title.text in HEADER_WORDS or _POSTS_UNDER.match(title.text):
            return None
        limit = min(i + 2 + _MAX_BODY_LINES, len(self.lines))
        for body_end in range(i + 1, limit):
            if body_end > i + 2 and (
                self._short_entry_at(body_end - 1) or self._header_at_cheap(body_end - 1)
            ):
                return None
            counts = self._counts_at(body_end)
            if counts is not None:
                body = "\n".join(line.text for line in self.lines[i + 1 : body_end])
                source = Source(str(self.path), title.number)
                for problem in counts.problems:
                    self.warn(source, problem)
                return self._thread(title.text, body, counts, source), counts.end
        return None

    def _short_entry_at(self, i: int) -> bool:
        """An entry with a body of at most one line starts at line i."""
        return any(self._counts_at(j) is not None for j in (i + 1, i + 2))

    def _header_at_cheap(self, i: int) -> bool:
        text = self.lines[i].text
        return bool(_POSTS_UNDER.match(text)) or text == "RSS for tag" or text == "RSS for subtopic"

    def _counts_at(self, i: int) -> Counts | None:
        return self._labelled_counts_at(i) or self._bare_counts_at(i)

    def _bare_counts_at(self, i: int) -> Counts | None:
        window = [line.text for line in self.lines[i : i + 4]]
        if len(window) < 4:
            return None
        numbers = [parse_count(text) for text in window[:3]]
        if any(n is None for n in numbers) or not is_activity_label(window[3]):
            return None
        replies, boosts, views = (int(n or 0) for n in numbers)
        return Counts(replies, boosts, views, window[3], i + 4)

    def _labelled_counts_at(self, i: int) -> Counts | None:
        """``Replies n Boosts n Views n Activity label``; a missing value is
        defaulted to 0 and reported."""
        if i >= len(self.lines) or self.lines[i].text != "Replies":
            return None
        values: dict[str, str] = {}
        problems: list[str] = []
        j = i
        for label in LABELS:
            if j >= len(self.lines) or self.lines[j].text != label:
                return None
            j += 1
            nxt = self.lines[j].text if j < len(self.lines) else ""
            valid = is_activity_label(nxt) if label == "Activity" else parse_count(nxt) is not None
            if valid:
                values[label] = nxt
                j += 1
            else:
                problems.append(f"missing {label.lower()} value; defaulted")
                values[label] = ""
        return Counts(
            parse_count(values["Replies"]) or 0,
            parse_count(values["Boosts"]) or 0,
            parse_count(values["Views"]) or 0,
            values["Activity"],
            j,
            tuple(problems),
        )

    def _thread(self, title: str, body: str, counts: Counts, source: Source) -> Thread:
        return Thread(
            key=f"title:{title}",
            title=title,
            body=body,
            forum=self.forum,
            replies=counts.replies,
            boosts=counts.boosts,
            views=counts.views,
            activity=counts.activity,
            scraped_on=self.scraped_on,
            tags=(self.forum,) if self.forum else (),
            source=source,
        )
