"""Index pages the converter writes beside the thread pages.

Thread pages stay out of the sidebar nav (DESIGN.md: with every thread in the
nav, 4,000 pages took 424 s and 5 GB); these pages list them instead.
"""

from __future__ import annotations

import functools

from typing import Sequence

from generator.answers import order_answers
from generator.escape import escape_inline, link_text
from generator.records import Enriched, PageDoc
from generator.render import display_title, thread_path

ALL_THREADS_PATH = "all.md"
# Threads per page of a long list: a 10,000-row table is 2 MB of Markdown,
# slow to build and useless to scroll; later pages are "<name>-page-N.md".
PAGE_SIZE = 500
# How many threads the home page lists (the seed fits whole; a big corpus
# keeps a light home page and links to the full list).
HOME_LATEST = 25


def newest_first(items: Sequence[Enriched]) -> list[Enriched]:
    """Newest activity first; a month-precision date sorts after the days of
    that month; then most viewed; then slug, so the order is total."""
    return sorted(
        items,
        key=lambda item: (
            _descending(item.thread.last_active),
            -item.thread.views,
            item.slug,
        ),
    )


@functools.lru_cache(maxsize=4096)
def _descending(text: str) -> tuple[int, ...]:
    """A key that sorts ``text`` backwards (cached: a knowledge base has a
    few hundred distinct dates, and every list sorts by them)."""
    return tuple(-ord(ch) for ch in text) + (0,)


def _link(text: str, slug: str, from_dir: str) -> str:
    """A link to a thread page with ``text`` (already escaped), from a page in ``from_dir``."""
    target = thread_path(slug)
    if from_dir:
        depth = from_dir.strip("/").count("/") + 1
        target = "../" * depth + target
    return f"[{text}]({target})"


# The small answered badge of thread lists (issue: "put the answer where the
# reader looks first").  Plain text, so it reads the same offline and in search.
ANSWER_BADGES = {
    "accepted": "✅ accepted",
    "apple-replied": "🍎 Apple replied",
    "replied": "replied",
    "unanswered": "unanswered",
}


class ThreadRows:
    """The rows of thread lists for one set of items, each worked out once.

    Every thread is listed on four or five browse pages (all threads, its
    families, platforms and topics, an answer list); at 10,000 threads,
    escaping each title and ordering each thread's answers on every one of
    them was most of the browse stage.  Items are known by identity, so a
    ThreadRows serves the items it was made from; ``families`` names the
    API column (family id -> name)."""

    def __init__(self, items: Sequence[Enriched], families: dict[str, str] | None = None) -> None:
        self._rank = {id(item): position for position, item in enumerate(newest_first(items))}
        self._families = families or {}
        self._cells: dict[int, tuple[str, str, str]] = {}
        self._status: dict[int, str] = {}

    def newest_first(self, items: Sequence[Enriched]) -> list[Enriched]:
        """Some of the items, in :func:`newest_first` order."""
        return sorted(items, key=lambda item: self._rank[id(item)])

    def status(self, item: Enriched) -> str:
        """:func:`generator.answers.order_answers`' status of the item."""
        known = self._status.get(id(item))
        if known is None:
            known = self._status[id(item)] = order_answers(item.thread).status
        return known

    def row(self, item: Enriched, from_dir: str, with_families: bool) -> str:
        cells = self._cells.get(id(item))
        if cells is None:
            thread = item.thread
            tail = " | ".join([
                ANSWER_BADGES[self.status(item)],
                str(thread.replies),
                str(thread.views),
                escape_inline(thread.last_active or thread.activity or "—"),
            ])
            names = escape_inline(", ".join(self._families.get(api, api) for api in item.facts.apis)) or "—"
            cells = self._cells[id(item)] = (link_text(display_title(thread.title)), names, tail)
        title, names, tail = cells
        link = _link(title, item.slug, from_dir)
        return f"| {link} | {names} | {tail} |" if with_families else f"| {link} | {tail} |"


def thread_table(items: Sequence[Enriched], rows: ThreadRows, from_dir: str = "", *, with_families: bool = False) -> str:
    """A Markdown table of threads, newest first, with the answered badge
    (and the API column, named by ``rows``' families, ``with_families``)."""
    header = ["Thread", "Answer", "Replies", "Views", "Last activity"]
    rule = ["---", "---", "--:", "--:", "---"]
    if with_families:
        header.insert(1, "API")
        rule.insert(1, "---")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += [rows.row(item, from_dir, with_families) for item in rows.newest_first(items)]
    return "\n".join(lines)


def page_path(path: str, number: int) -> str:
    """``all.md`` -> ``all.md``, ``all-page-2.md``, …"""
    return path if number == 1 else f"{path[: -len('.md')]}-page-{number}.md"


def _pager(path: str, number: int, count: int) -> str:
    name = lambda n: page_path(path, n).rsplit("/", 1)[-1]  # noqa: E731 - sibling file
    links = [f"Page {number} of {count}"]
    if number > 1:
        links.append(f"[← newer]({name(number - 1)})")
    if number < count:
        links.append(f"[older →]({name(number + 1)})")
    return " · ".join(links)


def threads_count(count: int) -> str:
    """"1 thread", "2 threads" (a list of one said "1 threads")."""
    return f"{count:,} thread" + ("" if count == 1 else "s")


def listing_pages(path: str, title: str, intro: Sequence[str], items: Sequence[Enriched], rows: ThreadRows) -> list[PageDoc]:
    """A titled list of threads with their API families, newest first, cut
    into pages of PAGE_SIZE."""
    from_dir = path.rsplit("/", 1)[0] if "/" in path else ""
    ordered = rows.newest_first(items)
    chunks = [ordered[start : start + PAGE_SIZE] for start in range(0, len(ordered), PAGE_SIZE)] or [[]]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        parts = [f"# {escape_inline(title)}", *intro]
        if not ordered:
            parts.append("No thread in the knowledge base is filed here yet.")
        else:
            parts.append(f"{threads_count(len(ordered))}, newest activity first.")
            if len(chunks) > 1:
                parts.append(_pager(path, number, len(chunks)))
            parts.append(thread_table(chunk, rows, from_dir, with_families=True))
            if len(chunks) > 1:
                parts.append(_pager(path, number, len(chunks)))
        page_title = title if number == 1 else f"{title} (page {number})"
        meta = {"title": page_title, "search": {"exclude": True}}
        pages.append(PageDoc(page_path(path, number), meta, "\n\n".join(parts) + "\n"))
    return pages


def all_threads_pages(items: Sequence[Enriched], rows: ThreadRows) -> list[PageDoc]:
    return listing_pages(ALL_THREADS_PATH, "All threads", [], items, rows)


def home_page(items: Sequence[Enriched], matrix: str, forums: Sequence[str], rows: ThreadRows) -> PageDoc:
    newest = rows.newest_first(items)[:HOME_LATEST]
    forum_list = ", ".join(escape_inline(forum) for forum in forums) or "the forums"
    parts = [
        "# forum-kb",
        (
            "A searchable knowledge base of Apple Developer Forums threads for engineers "
            "who build VPN, content-filter, proxy and DNS apps with Network Extension. "
            f"It holds **{threads_count(len(items))}** from {forum_list}."
        ),
        "## How to use it",
        "\n".join(
            [
                "- **Search** (press `/` or `s`): paste an error string (`NEFilterErrorDomain Code=1`), "
                "an API symbol (`writePacketObjects`) or describe the problem (\"content filter SMB\").",
                "- **Browse** by API family, platform or topic in the sidebar, or start from the matrix below.",
                f"- **Scan** the [list of all threads]({ALL_THREADS_PATH}), newest activity first.",
                "- Each thread page shows the question with its code recovered, where it was filed and why, "
                "and the related threads worth reading next.",
            ]
        ),
    ]
    if matrix:
        parts += ["## APIs by platform", matrix]
    parts += ["## Latest activity", thread_table(newest, rows)]
    meta = {"title": "forum-kb", "search": {"exclude": True}}
    return PageDoc("index.md", meta, "\n\n".join(parts) + "\n")
