"""``kb stats``: how many threads each API family, platform and topic holds,
read back from the pages' frontmatter (what the site shows)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from generator.readers.errors import InputError
from generator.render import THREADS_DIR
from generator.search import read_page, thread_frontmatter
from generator.terminal import terminal_safe

FIELDS = ("apis", "platforms", "topics")


@dataclass(frozen=True)
class Stats:
    threads: int
    counts: dict[str, Counter]
    unclassified: int


def read_stats(content: Path) -> Stats:
    folder = content / THREADS_DIR
    if not folder.is_dir():
        raise InputError(folder, 0, "no thread pages here; run `kb convert` first")
    counts = {field: Counter() for field in FIELDS}
    threads = unclassified = 0
    for page in sorted(folder.glob("*.md")):
        meta = _thread_meta(page)
        if meta is None:
            continue
        threads += 1
        for field in FIELDS:
            counts[field].update(_labels(meta.get(field)))
        if not _labels(meta.get("apis")):
            unclassified += 1
    return Stats(threads, counts, unclassified)


def _thread_meta(page: Path) -> dict | None:
    """The frontmatter of a thread page, or None for anything else: the
    folder's index, a folder or FIFO named like a page, a page without
    frontmatter naming a slug (the pages kb search counts, no others)."""
    text = None if page.name == "index.md" else read_page(page)
    read = None if text is None else thread_frontmatter(text)
    return None if read is None else read[1]


def _labels(values: object) -> list[str]:
    """The strings of a frontmatter list; a single string edited in by hand
    is one label, not one per letter."""
    if isinstance(values, str):
        return [values]
    if isinstance(values, list):
        return [value for value in values if isinstance(value, str)]
    return []


def format_stats(stats: Stats) -> str:
    lines = [f"{stats.threads} threads ({stats.unclassified} without an API family)"]
    titles = {"apis": "API families", "platforms": "Platforms", "topics": "Topics"}
    for field in FIELDS:
        lines.append("")
        lines.append(f"{titles[field]}:")
        counter = stats.counts[field]
        if not counter:
            lines.append("  (none)")
        # Labels come from frontmatter anyone may have edited.
        shown = {name: terminal_safe(name) for name in counter}
        width = max(map(len, shown.values()), default=0)
        for name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {shown[name].ljust(width)}  {count:>5}")
    return "\n".join(lines)
