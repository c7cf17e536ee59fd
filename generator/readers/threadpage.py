"""Reader for saved or copied Apple Developer Forums thread pages (issue 10).

Input: the text a person gets by saving ("Save As… Text") or select-all
copying a page ``developer.apple.com/forums/thread/<id>`` (also the older
``forums.developer.apple.com/thread/<id>`` and ``/message/<id>`` pages, and
mirrors that keep the ``/forums/thread/<id>`` path).  One file may hold
several pages.  Output: one :class:`Thread` per page, with the question as
``body`` and every reply and comment as a :class:`Post` in page order.

What a page is made of, and how each part is recognised (one line at a time):

* identity — a line that is only a thread URL (optionally ``URL:``/``Source:``
  first); ``?answerId=<n>`` in it names a post;
* title — the line before the ``Q`` badge when there is one, else the first
  text line after the page's URL line, else the first text line (a trailing
  `` | Apple Developer Forums`` is dropped); text before it is reported;
* question — the text after the title up to the first structural line;
* post headers — ``Posted|Replied|Commented|Asked [<when>] by <author>``,
  a role badge alone (``DTS Engineer``, ``Apple Staff``, ``Frameworks
  Engineer``; a short name on the line just above it is its author),
  ``<author> (<role>)`` / ``<author> · <role>``, a date alone (``Feb 12,
  2026``, ``Jan ’26``, ``3w``, ``2026-02-12``).  Header lines come before the
  post they describe; ``Asked by`` always describes the question; a header
  with no text after it describes the post above it;
* ``Answered by <author> in <answer id>`` — the accepted answer's pointer, and
  the preview text under it;
* ``Accepted Answer`` / ``Accepted Reply`` / ``Correct Answer [by X on D]`` —
  the block that repeats the accepted answer;
* ``Comments`` / ``3 comments`` — the posts after it, until the next
  ``Posted``/``Replied`` header or accepted block, are comments;
  ``Commented by X`` is always a comment;
* ``Tags: a, b`` (or ``Tags:`` then one tag a line), counts (``Replies 5 Boosts
  1 Views 240 Activity 3w`` on one line, or each label over its value),
  ``Latest reply on <date> by <author>``, ``… locked by a moderator …``;
* page chrome (``Copy to clipboard``, ``Reply``, ``Show more``, WWDC banners,
  ``Copyright © … Apple Inc.`` footer) is known and skipped.

Every other line is text and is kept in the body it sits in.  Lines the
reader could not place (text before the title or after the footer, a header
with nothing to describe) are reported through ``warn`` with their line.

Bodies: paragraph breaks become one blank line, bullets (``•``, ``-``, ``*``)
become ``• `` lines, code lines keep their newlines and indentation, inline
code that the compact rendering split onto its own line is joined back into
its sentence, and signature blocks are removed (author and role stay).

The accepted answer: the post that the ``Accepted Answer`` block or the
``Answered by`` preview repeats (same answer id, else same text, else one a
prefix of the other) is marked ``accepted``, exactly once, and the block is
not kept twice.  When that reply is not on the page, the block (else the
preview) becomes the accepted post.

Dates: ISO (``YYYY-MM-DD``, ``YYYY-MM`` for month labels) when the page's
label can be resolved — relative labels only against ``scraped_on``, never
today's clock — else the label as shown.

Pages in one file are separated by a form-feed line, by a thread-URL line for
another thread that opens a new block of text after a page with content, or by
a second ``Q`` badge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterator

from generator.readers.errors import InputError, Warn, ignore_warning
from generator.records import Post, Source, Thread, canonical_thread_id, shown_count
from generator.signatures import strip_signature


ROLES = ("DTS Engineer", "Apple Staff", "Frameworks Engineer")
_ROLE_BY_FOLD = {role.casefold(): role for role in ROLES}
_ROLE = r"(?P<role>DTS Engineer|Apple Staff|Frameworks Engineer)"

# --- line patterns ----------------------------------------------------------

_THREAD_PATH = re.compile(r"/(?:forums/)?thread/(?P<id>\d{1,20})(?!\d)")
_MESSAGE_PATH = re.compile(r"/(?:forums/)?message/(?P<id>\d+)")
_ANSWER_ID = re.compile(r"[?&#]answerId=(?P<id>\d+)")
_URL_LINE = re.compile(
    r"^(?:(?:URL|Source|Link|Saved from)\s*:\s*)?<?(?P<url>(?:https?://)?[\w.%-]+\.[\w%-]+(?:/[^\s<>]*)?)>?$",
    re.IGNORECASE,
)
_ANSWERED = re.compile(r"^Answered by\s+(?P<author>.+?)\s+in\s+#?(?P<id>[\w-]+)\.?$", re.IGNORECASE)
_ACCEPTED = re.compile(
    r"^(?:Accepted\s+(?:Answer|Reply)|Correct\s+Answer)"
    r"(?:\s+by\s+(?P<author>.+?)(?:\s+on\s+(?P<date>.+?))?)?\.?$",
    re.IGNORECASE,
)
_LATEST = re.compile(r"^Latest\s+reply(?:\s+on)?\s+(?P<date>.+?)\s+by\s+(?P<author>.+?)\.?$", re.IGNORECASE)
_POSTED = re.compile(
    r"^(?P<verb>Posted|Replied|Asked|Commented|Comment)\b(?P<when>[^\n]*?)\s*\bby:?\s+(?P<author>\S.*?)\.?$",
    re.IGNORECASE,
)
_AUTHOR_ROLE = re.compile(r"^(?P<author>[^\s()·•|][^()·•|]{0,40}?)\s*(?:\(\s*" + _ROLE + r"\s*\)|[·•|,]\s*" + _ROLE.replace("role", "role2") + r")$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_DAY = re.compile(
    r"^(?:on\s+)?" + _MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?(?:\s+[A-Z]{2,4})?)?$",
    re.IGNORECASE,
)
_DATE_MONTH = re.compile(r"^" + _MONTH + r"\s+[’'‘`]?(?P<year>\d{2}|\d{4})$", re.IGNORECASE)
_DATE_ISO = re.compile(r"^(?P<iso>\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?)?$")
_DATE_RELATIVE = re.compile(
    r"^(?P<n>\d{1,4})\s*(?P<unit>s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|wks|weeks?|mo|mos|months?|y|yr|yrs|years?)(?:\s+ago)?$",
    re.IGNORECASE,
)
_COMMENTS = re.compile(r"^(?:Comments?|\d+\s+comments?|Comments?\s*\(\d+\)|Show\s+\d+\s+(?:more\s+)?comments?)$", re.IGNORECASE)
_LOCKED = re.compile(r"\blocked by (?:a|the) moderator", re.IGNORECASE)
_TAGS = re.compile(r"^Tags?\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_STAT_NAMES = ("replies", "boosts", "views", "participants", "activity")
_STAT_VALUE = r"(?:\d+\s*[smhdwy](?![a-z])|\d[\d.,]*\s*[kKmM]?|—|–|-|" + _MONTH + r"\s+[’'‘`]?\d{2,4})"
_STAT_PAIR = re.compile(r"(?P<name>Replies|Boosts|Views|Participants|Activity)\s*:?\s*(?P<value>" + _STAT_VALUE.replace("?P<mon>", "?:") + r")", re.IGNORECASE)
_STAT_VALUE_LINE = re.compile(r"^" + _STAT_VALUE.replace("?P<mon>", "?:") + r"$", re.IGNORECASE)
_FOOTER = re.compile(r"^Copyright\s*©.*Apple\s+Inc", re.IGNORECASE)
_BANNER = re.compile(r"^(?:Thanks for being a part of WWDC|How did we do\?|Take the survey)", re.IGNORECASE)
_NOISE = re.compile(
    r"^(?:copy to clipboard|copied to clipboard|share this post|reply|add (?:a )?comment|boost|"
    r"show (?:more|less)|see more|sign in to (?:reply|comment)|quote|report|copy link|developer forums|"
    r"search by keywords or tags|clear search|reply to this question|view in context|"
    r"you(?:’|')(?:re now watching|ve stopped watching) this thread.*|(?:last )?(?:edited|updated)\b.*|"
    r"all rights reserved\.?|terms of use|privacy policy|agreements and guidelines|site map)$",
    re.IGNORECASE,
)
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+Apple Developer(?: Forums)?\s*$", re.IGNORECASE)
# A short line that can be a poster's name shown just above a role badge;
# above a bare date only a one-word user name counts, and not a sign-off.
_NAME_LIKE = re.compile(r"^[\w.@’'-]+(?: [\w.@’'-]+){0,2}$")
_USER_NAME = re.compile(r"^[\w.@-]{2,40}$")
_SIGN_OFFS = {"thanks", "thank", "regards", "cheers", "best", "thx", "ty", "bye", "hi", "hello", "update", "edit"}

# Line kinds.
BLANK, TEXT, URL, QMARK, ANSWERED, ACCEPTED, HEADER, COMMENTS = "blank text url q answered accepted header comments".split()
LOCKED, TAGS, STATS, STATLABEL, LATEST, NOISE, FOOTER, BANNER, SEPARATOR = (
    "locked tags stats statlabel latest noise footer banner separator".split()
)
_STRUCTURAL = {ANSWERED, ACCEPTED, HEADER, COMMENTS, LOCKED, TAGS, STATS, STATLABEL, LATEST, FOOTER}


@dataclass(frozen=True)
class _Line:
    """One classified line; only the fields of its kind are set."""

    number: int
    raw: str
    kind: str
    author: str = ""
    role: str = ""
    date: str = ""
    ref: str = ""  # thread id (URL) or answer id (ANSWERED)
    answer_id: str = ""  # URL with ?answerId=<n>: the post it links to
    url: str = ""
    verb: str = ""
    values: tuple[tuple[str, str], ...] = ()


def looks_like(head: str) -> bool:
    """True when ``head`` (the start of a file) reads like a saved thread page.

    A tag or topic listing ("Posts under … tag", "RSS for tag") is not one.
    """
    lines = [line.strip() for line in head.replace("\r", "\n").split("\n")]
    if any(line.startswith(("Posts under", "RSS for tag")) for line in lines):
        return False
    for line in lines:
        kind = _classify(0, line).kind
        if kind in (ANSWERED, ACCEPTED, LOCKED, LATEST) or (kind == URL and _THREAD_PATH.search(line)):
            return True
        if kind == HEADER and line.lower().startswith("asked"):
            return True
    return False


def read_thread_page(
    path: Path, *, warn: Callable[[Source, str], None] | None = None, scraped_on: str = ""
) -> Iterator[Thread]:
    """Yield one :class:`Thread` per thread page saved in the text file ``path``.

    Raises :class:`InputError` only when the file cannot be read at all.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(path, 0, f"cannot read file: {error.strerror or error}") from error
    warn = warn or ignore_warning
    text = data.decode("utf-8-sig", errors="replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        warn(Source(str(path)), "invalid UTF-8 bytes replaced with U+FFFD")
    yield from parse_thread_pages(text, source=str(path), warn=warn, scraped_on=scraped_on)


def parse_thread_pages(
    text: str, *, source: str = "", warn: Callable[[Source, str], None] | None = None, scraped_on: str = ""
) -> Iterator[Thread]:
    """Pure core of :func:`read_thread_page`: the same, from text already read."""
    warn = warn or ignore_warning
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_classify(number, raw) for number, raw in enumerate(raw_lines, 1)]
    found: Thread | None = None
    for segment in _split_pages(lines):
        thread = _read_page(segment, source, warn, scraped_on)
        if thread is None:
            continue
        if found is not None and not thread.thread_id and found.thread_id and found.title == thread.title:
            # The same page again in another rendering: same identity.
            thread = replace(thread, key=found.key, thread_id=found.thread_id, url=found.url)
        found = thread
        yield thread
    if not found:
        warn(Source(source), "no thread page found")


# --- classification ---------------------------------------------------------


def _classify(number: int, raw: str) -> _Line:
    line = raw.strip()
    if not line:
        return _Line(number, raw, SEPARATOR if "\f" in raw else BLANK)
    for classify in (_classify_identity, _classify_labels, _classify_header, _classify_chrome):
        found = classify(number, raw, line)
        if found is not None:
            return found
    return _Line(number, raw, TEXT)


def _classify_identity(number: int, raw: str, line: str) -> _Line | None:
    match = _URL_LINE.match(line)
    if not match:
        return None
    url = match.group("url")
    thread = _THREAD_PATH.search(url)
    message = _MESSAGE_PATH.search(url)
    if not (thread or message):
        return None
    answer = _ANSWER_ID.search(url)
    return _Line(
        number, raw, URL,
        ref=canonical_thread_id(thread.group("id")) if thread else "",
        url=url,
        verb="message" if message and not thread else "thread",
        answer_id=answer.group("id") if answer else "",
    )


def _classify_labels(number: int, raw: str, line: str) -> _Line | None:
    if line == "Q":
        return _Line(number, raw, QMARK)
    if match := _ANSWERED.match(line):
        return _Line(number, raw, ANSWERED, author=match.group("author"), ref=match.group("id"))
    if match := _ACCEPTED.match(line):
        return _Line(number, raw, ACCEPTED, author=match.group("author") or "", date=match.group("date") or "")
    if match := _LATEST.match(line):
        return _Line(number, raw, LATEST, author=match.group("author"), date=match.group("date"))
    if _COMMENTS.match(line):
        return _Line(number, raw, COMMENTS)
    if len(line) < 200 and _LOCKED.search(line):
        return _Line(number, raw, LOCKED)
    if match := _TAGS.match(line):
        return _Line(number, raw, TAGS, values=tuple(("tag", tag) for tag in _split_tags(match.group("rest"))))
    if line.casefold() in _STAT_NAMES:
        return _Line(number, raw, STATLABEL, verb=line.casefold())
    pairs = list(_STAT_PAIR.finditer(line))
    if pairs and _STAT_PAIR.sub("", line).strip(" ·|,") == "":
        return _Line(number, raw, STATS, values=tuple((m.group("name").casefold(), m.group("value")) for m in pairs))
    return None


def _classify_header(number: int, raw: str, line: str) -> _Line | None:
    if match := _POSTED.match(line):
        author, role = _split_author_role(match.group("author"))
        author, when = _split_author_date(author)
        when = (match.group("when").strip() or when).removeprefix("on ").strip()
        return _Line(number, raw, HEADER, author=author, role=role, date=when, verb=match.group("verb").casefold())
    if line.casefold() in _ROLE_BY_FOLD:
        return _Line(number, raw, HEADER, role=_ROLE_BY_FOLD[line.casefold()])
    if match := _AUTHOR_ROLE.match(line):
        role = match.group("role") or match.group("role2")
        return _Line(number, raw, HEADER, author=match.group("author").strip(), role=_ROLE_BY_FOLD[role.casefold()])
    if _is_date(line):
        return _Line(number, raw, HEADER, date=line)
    return None


def _classify_chrome(number: int, raw: str, line: str) -> _Line | None:
    if _FOOTER.match(line):
        return _Line(number, raw, FOOTER)
    if _BANNER.match(line):
        return _Line(number, raw, BANNER)
    if _NOISE.match(line):
        return _Line(number, raw, NOISE)
    return None


def _split_tags(rest: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"\s*[,;·•|]\s*", rest) if tag.strip()]


def _split_author_role(author: str) -> tuple[str, str]:
    match = _AUTHOR_ROLE.match(author.strip())
    if match:
        role = match.group("role") or match.group("role2")
        return match.group("author").strip(), _ROLE_BY_FOLD[role.casefold()]
    if author.strip().casefold() in _ROLE_BY_FOLD:
        return author.strip(), _ROLE_BY_FOLD[author.strip().casefold()]
    return author.strip(), ""


def _split_author_date(author: str) -> tuple[str, str]:
    """"alice on Feb 12, 2026" -> ("alice", "Feb 12, 2026")."""
    match = re.match(r"^(?P<author>.+?)\s+(?:on\s+|·\s*|,\s*)(?P<date>.+)$", author)
    if match and _is_date(match.group("date")):
        return match.group("author"), match.group("date")
    return author, ""


def _is_date(text: str) -> bool:
    text = text.strip()
    return bool(_DATE_DAY.match(text) or _DATE_MONTH.match(text) or _DATE_ISO.match(text) or _DATE_RELATIVE.match(text))


# --- pages in a file ----------------------------------------------------------


def _split_pages(lines: list[_Line]) -> list[list[_Line]]:
    """Cut the file's lines into one list per page (see module docstring)."""
    pages: list[list[_Line]] = [[]]
    for index, line in enumerate(lines):
        current = pages[-1]
        if line.kind == SEPARATOR:
            pages.append([])
            continue
        if line.kind == URL and _opens_new_page(current, lines, index):
            pages.append([line])
            continue
        if line.kind == QMARK and _ends_a_page(current):
            title_at = _last_text_index(current)
            if title_at is not None:
                pages.append(current[title_at:] + [line])
                del current[title_at:]
                continue
        current.append(line)
    return [page for page in pages if any(line.kind != BLANK for line in page)]


def _opens_new_page(current: list[_Line], lines: list[_Line], index: int) -> bool:
    """A thread URL starts a new page when the page so far is a whole page
    (it has structure beyond its text), the URL names another thread, it
    stands alone after a blank line and text follows it."""
    url = lines[index]
    page_ids = {line.ref for line in current if line.kind == URL and line.ref}
    if not url.ref or url.ref in page_ids:
        return False
    if not any(line.kind in _STRUCTURAL or line.kind == QMARK for line in current):
        return False
    previous = next((line for line in reversed(lines[:index]) if line.kind != BLANK), None)
    if index and lines[index - 1].kind not in (BLANK, SEPARATOR, FOOTER):
        return False
    if previous is not None and previous.raw.rstrip().endswith(":"):
        return False  # "see this thread:" — a link inside a post
    following = [line for line in lines[index + 1 : index + 4] if line.kind != BLANK]
    return bool(following) and following[0].kind == TEXT


def _ends_a_page(page: list[_Line]) -> bool:
    """A ``Q`` badge starts another page when the page so far already has its
    structure, or when the line above the badge repeats a line of it (the
    same page in a second rendering)."""
    if any(line.kind in _STRUCTURAL or line.kind == QMARK for line in page):
        return True
    title_at = _last_text_index(page)
    if title_at is None:
        return False
    title = page[title_at].raw.strip()
    return any(line.kind == TEXT and line.raw.strip() == title for line in page[:title_at])


def _last_text_index(page: list[_Line]) -> int | None:
    """Index of the text line just before the end (only blank lines after it)."""
    for index in range(len(page) - 1, -1, -1):
        if page[index].kind == TEXT:
            return index
        if page[index].kind not in (BLANK, NOISE):
            return None
    return None


# --- one page -------------------------------------------------------------------


@dataclass
class _Draft:
    """A post while its page is being read."""

    line: int
    author: str = ""
    role: str = ""
    date: str = ""
    post_id: str = ""
    is_comment: bool = False
    from_block: bool = False  # the "Accepted Answer" block, not a reply
    lines: list[str] = field(default_factory=list)


@dataclass
class _Header:
    """Header lines seen since the last text, not yet given to a post."""

    line: int = 0
    author: str = ""
    role: str = ""
    date: str = ""
    verb: str = ""
    post_id: str = ""

    def empty(self) -> bool:
        return not (self.author or self.role or self.date or self.verb or self.post_id)

    def clashes(self, line: _Line) -> bool:
        return bool(
            (line.author and self.author) or (line.date and self.date) or (line.role and self.role)
            or (line.verb and self.verb)
        )

    def add(self, line: _Line) -> None:
        self.line = self.line or line.number
        self.author = self.author or line.author
        self.role = self.role or line.role
        self.date = self.date or line.date
        self.verb = self.verb or line.verb


@dataclass
class _Page:
    """Everything read from one page; turned into a Thread by _finish."""

    source: str
    warn: Warn
    scraped_on: str
    first_line: int = 0
    url: str = ""
    thread_id: str = ""
    title: str = ""
    title_line: int = 0
    question: _Draft = field(default_factory=lambda: _Draft(0))
    tags: list[str] = field(default_factory=list)
    locked: bool = False
    stats: dict[str, str] = field(default_factory=dict)
    latest: str = ""
    answered_author: str = ""
    answer_id: str = ""
    preview: _Draft | None = None
    posts: list[_Draft] = field(default_factory=list)
    footer_line: int = 0
    last_line: int = 0

    def note(self, line: int, message: str) -> None:
        self.warn(Source(self.source, line), message)


def _read_page(lines: list[_Line], source: str, warn: Warn, scraped_on: str) -> Thread | None:
    page = _Page(source, warn, scraped_on, first_line=lines[0].number, last_line=lines[-1].number)
    title_at = _find_title(lines)
    if title_at is None:
        page.note(page.first_line, "page has no title line; skipped")
        return None
    _take_title(page, lines, title_at)
    _PageReader(page).read(lines[title_at + 1 :])
    return _finish(page)


def _find_title(lines: list[_Line]) -> int | None:
    first_structural = next((i for i, line in enumerate(lines) if line.kind in _STRUCTURAL), len(lines))
    qmark = next((i for i, line in enumerate(lines[:first_structural]) if line.kind == QMARK), None)
    if qmark is not None:
        before = [i for i in range(qmark) if lines[i].kind == TEXT]
        if before:
            return before[-1]
    url_at = next((i for i, line in enumerate(lines[:first_structural]) if line.kind == URL), None)
    if url_at is not None:
        after = next((i for i in range(url_at + 1, first_structural) if lines[i].kind == TEXT), None)
        if after is not None:
            return after
    return next((i for i, line in enumerate(lines) if line.kind == TEXT), None)


def _take_title(page: _Page, lines: list[_Line], title_at: int) -> None:
    title_line = lines[title_at]
    page.title = _TITLE_SUFFIX.sub("", title_line.raw.strip()) or title_line.raw.strip()
    page.title_line = title_line.number
    page.question = _Draft(title_line.number)
    skipped = [line for line in lines[:title_at] if line.kind == TEXT]
    if skipped:
        page.note(skipped[0].number, f"{len(skipped)} line(s) before the title skipped as page chrome")
    for line in lines[:title_at]:
        if line.kind == URL:
            _take_url(page, line)


def _take_url(page: _Page, line: _Line) -> None:
    if line.ref and not page.thread_id:
        page.thread_id = line.ref
        page.url = f"https://developer.apple.com/forums/thread/{line.ref}"
    elif not page.url and not page.thread_id:
        page.url = line.url if line.url.startswith("http") else "https://" + line.url


class _PageReader:
    """Walks a page's lines after the title, filling a _Page."""

    def __init__(self, page: _Page) -> None:
        self.page = page
        self.target: _Draft = page.question
        self.header = _Header()
        self.comment_mode = False
        self.tags_open = False
        self.stat_label = ""
        self.after_footer: list[_Line] = []
        self.previous: _Line | None = None

    def read(self, lines: list[_Line]) -> None:
        for line in lines:
            if self.page.footer_line:
                if line.kind == TEXT:
                    self.after_footer.append(line)
                continue
            if self._take_stat_value(line):
                continue
            self._dispatch(line)
            if line.kind != BLANK:
                self.previous = line
        self._end_header()
        if self.after_footer:
            first = self.after_footer[0].number
            self.page.note(first, f"{len(self.after_footer)} line(s) after the page footer skipped")

    def _take_stat_value(self, line: _Line) -> bool:
        if not self.stat_label:
            return False
        if line.kind == BLANK:
            return True
        label, self.stat_label = self.stat_label, ""
        if _STAT_VALUE_LINE.match(line.raw.strip()):
            self.page.stats.setdefault(label, line.raw.strip())
            return True
        return False  # the label was a heading ("Replies"); read the line itself

    def _dispatch(self, line: _Line) -> None:
        kind = line.kind
        if kind != TEXT:
            self.tags_open = False  # "Tags:" lists run until the next non-text line
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(line)

    # -- text ---------------------------------------------------------------

    def _on_text(self, line: _Line) -> None:
        if self.tags_open:
            self.page.tags.extend(_split_tags(line.raw.strip()))
            return
        if not self.header.empty():
            self._start_post(line.number)
        self.target.lines.append(line.raw.rstrip())

    def _on_blank(self, line: _Line) -> None:
        self.tags_open = False
        self.target.lines.append("")

    # -- structure --------------------------------------------------------------

    def _on_header(self, line: _Line) -> None:
        if line.verb == "asked":
            question = self.page.question
            question.author = question.author or line.author
            question.role = question.role or line.role
            question.date = question.date or line.date
            return
        if not self.header.empty() and self.header.clashes(line):
            self._start_post(self.header.line)  # a header with no text: an empty post
        if self._fills_open_block(line):
            return
        if not line.author and (line.role or line.date) and self.header.empty():
            self._take_name_above(line)
        self.header.add(line)
        if line.verb in ("commented", "comment"):
            self.header.verb = "comment"

    def _fills_open_block(self, line: _Line) -> bool:
        """Header lines right under ``Accepted Answer`` describe that block."""
        block = self.target
        if not block.from_block or _has_text(block.lines) or not self.header.empty():
            return False
        if (line.author and block.author) or (line.role and block.role) or (line.date and block.date):
            return False
        block.author = block.author or line.author
        block.role = block.role or line.role
        block.date = block.date or line.date
        return True

    def _take_name_above(self, line: _Line) -> None:
        """``eskimo`` on the line just above an ``Apple Staff`` badge (or a
        one-word user name just above a date) is the post's author."""
        above = self.previous
        lines = self.target.lines
        name = above.raw.strip() if above is not None else ""
        fits = _NAME_LIKE.match(name) if line.role else (_USER_NAME.match(name) and name.casefold() not in _SIGN_OFFS)
        if (
            above is not None and above.kind == TEXT and above.number == line.number - 1
            and lines and lines[-1] == above.raw.rstrip() and fits
        ):
            lines.pop()
            self.header.author = above.raw.strip()
            self.header.line = above.number

    def _on_answered(self, line: _Line) -> None:
        self._end_header()
        self.page.answered_author = self.page.answered_author or line.author
        self.page.answer_id = self.page.answer_id or line.ref
        self.page.preview = self.page.preview or _Draft(line.number, author=line.author, post_id=line.ref)
        self.target = self.page.preview

    def _on_accepted(self, line: _Line) -> None:
        header, self.header = self.header, _Header()
        block = _Draft(
            line.number,
            author=header.author or line.author,
            role=header.role,
            date=header.date or line.date,
            post_id=header.post_id,
            from_block=True,
        )
        self.page.posts.append(block)
        self.target = block
        self.comment_mode = False

    def _on_comments(self, line: _Line) -> None:
        self._end_header()
        self.comment_mode = True

    def _on_locked(self, line: _Line) -> None:
        self.page.locked = True

    def _on_tags(self, line: _Line) -> None:
        self._end_header()
        tags = [tag for _, tag in line.values]
        self.page.tags.extend(tags)
        self.tags_open = not tags

    def _on_stats(self, line: _Line) -> None:
        for name, value in line.values:
            self.page.stats.setdefault(name, value)

    def _on_statlabel(self, line: _Line) -> None:
        self.stat_label = line.verb

    def _on_latest(self, line: _Line) -> None:
        self.page.latest = self.page.latest or line.date

    def _on_url(self, line: _Line) -> None:
        _take_url(self.page, line)
        if line.answer_id:  # the id of the post this header starts
            self.header.post_id = self.header.post_id or line.answer_id
            self.header.line = self.header.line or line.number

    def _on_footer(self, line: _Line) -> None:
        self._end_header()
        self.page.footer_line = line.number

    # -- posts ----------------------------------------------------------------

    def _start_post(self, line_number: int) -> None:
        header, self.header = self.header, _Header()
        page = self.page
        if header.verb in ("posted", "replied"):
            self.comment_mode = False
        if not page.posts and self.target is page.question and not _has_text(page.question.lines) and not page.question.author:
            # "Posted … by alice" between the title and the question text.
            page.question.author, page.question.role = header.author, header.role
            page.question.date = header.date
            return
        post = _Draft(
            header.line or line_number,
            author=header.author,
            role=header.role,
            date=header.date,
            post_id=header.post_id,
            is_comment=self.comment_mode or header.verb == "comment",
        )
        page.posts.append(post)
        self.target = post

    def _end_header(self) -> None:
        """A header that no text followed describes the post above it."""
        header, self.header = self.header, _Header()
        if header.empty():
            return
        owner = self.target if self.target is not self.page.preview else (self.page.posts or [self.page.question])[-1]
        filled = False
        for name in ("author", "role", "date", "post_id"):
            if getattr(header, name) and not getattr(owner, name):
                setattr(owner, name, getattr(header, name))
                filled = True
        if not filled:
            self.page.note(header.line, "author/date line with no post to describe; skipped")


def _has_text(lines: list[str]) -> bool:
    return any(line.strip() for line in lines)


# --- from the read page to a Thread ---------------------------------------------


def _finish(page: _Page) -> Thread:
    question = _tidy_body(page.question.lines)
    if not question:
        page.note(page.title_line, "page has no question text")
    posts = _resolve_accepted(page)
    _warn_if_cut(page, posts)
    # A page saved without its stats line still shows its replies and their
    # dates: the thread has at least those replies, and was last active when
    # the newest of them (or the question) was posted -- not "0 replies,
    # never", which sorted it below threads years older.
    activity = page.stats.get("activity", "") or page.latest or _newest_date(
        [page.question.date, *(post.date for post in posts)], page.scraped_on
    )
    return Thread(
        key=f"id:{page.thread_id}" if page.thread_id else f"title:{page.title}",
        title=page.title,
        body=question,
        forum=page.tags[0] if page.tags else "",
        url=page.url,
        thread_id=page.thread_id,
        replies=max(_count(page, "replies"), sum(1 for post in posts if not post.is_comment)),
        boosts=_count(page, "boosts"),
        views=_count(page, "views"),
        activity=activity,
        last_active=_resolve_date(activity, page.scraped_on),
        scraped_on=page.scraped_on,
        author=page.question.author,
        created=_shown_date(page.question.date, page.scraped_on),
        tags=tuple(dict.fromkeys(page.tags)),
        posts=tuple(posts),
        locked=page.locked,
        source=Source(page.source, page.title_line),
    )


def _newest_date(labels: list[str], scraped_on: str) -> str:
    """The label of the latest of ``labels`` that resolves to a date, or ""."""
    dated = [(resolved, label) for label in labels if label and (resolved := _resolve_date(label, scraped_on))]
    return max(dated)[1] if dated else ""


def _resolve_accepted(page: _Page) -> list[Post]:
    """Posts in page order, the accepted one marked once, no repeated block."""
    drafts = [draft for draft in page.posts]
    bodies = {id(draft): _tidy_body(draft.lines) for draft in drafts}
    accepted: _Draft | None = None
    for block in [draft for draft in drafts if draft.from_block]:
        match = _matching_reply(block, bodies[id(block)], drafts, bodies, page.answer_id)
        if match is not None:
            _fill_missing(match, block)
            drafts.remove(block)
            block = match
        if accepted is None:
            accepted = block
        elif block is not accepted:
            page.note(block.line, "a second accepted-answer block; kept as an ordinary post")
    if accepted is None and (page.answer_id or page.preview is not None):
        accepted = _accepted_from_pointer(page, drafts, bodies)
    if accepted is not None:
        accepted.author = accepted.author or page.answered_author
        if page.answer_id and not accepted.post_id:
            accepted.post_id = page.answer_id
        if not accepted.role and accepted.author.casefold() in _ROLE_BY_FOLD:
            accepted.role = _ROLE_BY_FOLD[accepted.author.casefold()]
    return [_to_post(draft, bodies.get(id(draft), ""), draft is accepted, page.scraped_on) for draft in drafts]


def _accepted_from_pointer(page: _Page, drafts: list[_Draft], bodies: dict[int, str]) -> _Draft | None:
    """No accepted block: find the reply "Answered by … in <id>" points at."""
    preview = page.preview or _Draft(0)
    preview_body = _tidy_body(preview.lines)
    match = _matching_reply(preview, preview_body, drafts, bodies, page.answer_id)
    if match is not None:
        return match
    if preview_body:
        page.note(preview.line, "accepted answer's reply not on the page; kept the 'Answered by' preview text")
        preview.from_block = True
        drafts.insert(0, preview)
        bodies[id(preview)] = preview_body
        return preview
    page.note(preview.line, f"accepted answer {page.answer_id} not found on the page")
    return None


def _matching_reply(
    block: _Draft, block_body: str, drafts: list[_Draft], bodies: dict[int, str], answer_id: str
) -> _Draft | None:
    replies = [draft for draft in drafts if not draft.from_block and draft is not block]
    wanted_id = block.post_id or answer_id
    if wanted_id:
        for reply in replies:
            if reply.post_id == wanted_id:
                return reply
    key = _comparable(block_body)
    if not key:
        return None
    same_text = [reply for reply in replies if _same_answer(key, _comparable(bodies[id(reply)]))]
    if len(same_text) > 1 and block.author:
        by_author = [reply for reply in same_text if reply.author == block.author]
        same_text = by_author or same_text
    return same_text[0] if same_text else None


def _comparable(body: str) -> str:
    text = re.sub(r"(?:…|\.\.\.|\bShow more|\bSee more)\s*$", "", body.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip().casefold()


def _same_answer(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 40 and longer.startswith(shorter)


def _fill_missing(reply: _Draft, block: _Draft) -> None:
    for name in ("author", "role", "date", "post_id"):
        if not getattr(reply, name) and getattr(block, name):
            setattr(reply, name, getattr(block, name))


def _to_post(draft: _Draft, body: str, accepted: bool, scraped_on: str) -> Post:
    role = draft.role or _ROLE_BY_FOLD.get(draft.author.casefold(), "")
    return Post(
        # A badge alone is what the page shows as the poster's name.
        author=draft.author or (role if draft.role else ""),
        role=role,
        date=_shown_date(draft.date, scraped_on),
        body=body,
        accepted=accepted,
        post_id=draft.post_id,
        is_comment=draft.is_comment,
    )


def _warn_if_cut(page: _Page, posts: list[Post]) -> None:
    """Report a page that ends mid-post (read what is there, say so)."""
    if page.footer_line:
        return
    shown = _count(page, "replies", quiet=True)
    replies = sum(1 for post in posts if not post.is_comment)
    last_body = posts[-1].body if posts else _tidy_body(page.question.lines)
    if posts and not posts[-1].body:
        page.note(page.last_line, "page ends after a post header with no text (cut off?)")
    elif last_body and not re.search(r"[.!?)\]}\"'”’:;>`*]\s*$|^\s*\[\d+\].*$", last_body.split("\n")[-1]):
        page.note(page.last_line, "page ends mid-sentence (cut off?): the last post may be incomplete")
    elif shown and replies < shown:
        page.note(page.last_line, f"page shows {replies} of {shown} replies (cut off or paged?)")


# --- bodies ---------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣]|[-*](?=\s+\S))\s+")
_CODE_CHARS = re.compile(r"[()_.:=\[\]{}<>/`]|[a-z][A-Z]")


def _tidy_body(lines: list[str]) -> str:
    """Plain text of a body: bullets as '• ', split inline code joined,
    paragraphs separated by one blank line, signature removed."""
    text_lines = [_BULLET.sub("• ", line.rstrip()) for line in lines]
    text_lines = _join_split_inline_code(text_lines)
    return strip_signature("\n".join(text_lines))


def _join_split_inline_code(lines: list[str]) -> list[str]:
    """Join "responds with" / "NO" / "to handleNewFlow(…) as it …" back into
    one sentence: the compact rendering puts inline code on its own line."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        if (
            out and index + 1 < len(lines)
            and _is_prose_head(out[-1]) and _is_code_fragment(lines[index]) and _is_prose_tail(lines[index + 1])
        ):
            out[-1] = f"{out[-1]} {lines[index].strip()} {lines[index + 1].strip()}"
            index += 2
            continue
        out.append(lines[index])
        index += 1
    return out


def _words(line: str) -> int:
    return len(re.findall(r"(?<![\w(.])[A-Za-z]{2,}(?![\w(])", line))


def _is_prose_head(line: str) -> bool:
    stripped = line.strip()
    return _words(stripped) >= 3 and not re.search(r"[.!?:;{}(,]$", stripped) and not line.startswith((" ", "\t"))


def _is_code_fragment(line: str) -> bool:
    stripped = line.strip()
    if not stripped or line.startswith((" ", "\t")) or stripped.startswith("• ") or len(stripped) > 120:
        return False
    return " " not in stripped or bool(_CODE_CHARS.search(stripped)) and _words(stripped) <= 6


def _is_prose_tail(line: str) -> bool:
    stripped = line.strip()
    return bool(re.match(r"^[a-z]", stripped)) and not line.startswith((" ", "\t")) and _words(stripped) >= 4


# --- counts and dates -------------------------------------------------------------


def _count(page: _Page, name: str, quiet: bool = False) -> int:
    value = page.stats.get(name, "").strip()
    if not value or value in "—–-":
        return 0
    match = re.match(r"^(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>[kKmM]?)$", value)
    if not match:
        if not quiet:
            page.note(page.title_line, f"unreadable {name} count {value!r}; used 0")
        return 0
    count = shown_count(match.group("n"), match.group("unit"))
    if count is None:
        if not quiet:
            page.note(page.title_line, f"unreadable {name} count {value[:40]!r} (more than any forum shows); used 0")
        return 0
    return count


def _shown_date(label: str, scraped_on: str) -> str:
    """ISO when the label resolves, else the label as the page shows it."""
    return _resolve_date(label, scraped_on) or label.strip()


def _resolve_date(label: str, scraped_on: str) -> str:
    label = label.strip()
    if match := _DATE_ISO.match(label):
        return _valid(match.group("iso"))
    if match := _DATE_DAY.match(label):
        month = _MONTHS[match.group("mon").lower()[:3]]
        return _valid(f"{match.group('year')}-{month:02d}-{int(match.group('day')):02d}")
    if match := _DATE_MONTH.match(label):
        year = match.group("year")
        year = f"20{year}" if len(year) == 2 else year
        return f"{year}-{_MONTHS[match.group('mon').lower()[:3]]:02d}"
    if (match := _DATE_RELATIVE.match(label)) and scraped_on:
        return _relative(int(match.group("n")), match.group("unit").lower(), scraped_on)
    return ""


def _relative(number: int, unit: str, scraped_on: str) -> str:
    try:
        base = date.fromisoformat(scraped_on.strip()[:10])
    except ValueError:
        return ""
    days_per_unit = {"w": 7, "d": 1, "y": 365}
    if unit.startswith("mo"):
        days = 30 * number
    elif unit[0] in days_per_unit and not unit.startswith("m"):
        days = days_per_unit[unit[0]] * number
    else:
        days = 0  # seconds, minutes, hours: the day it was scraped
    try:
        return (base - timedelta(days=days)).isoformat()
    except OverflowError:
        return ""


def _valid(iso: str) -> str:
    try:
        return date.fromisoformat(iso).isoformat()
    except ValueError:
        return ""
