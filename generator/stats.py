"""``kb stats``: how many threads each API family, platform and topic holds,
read back from the pages' frontmatter (what the site shows)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.meta import get_data

from generator.readers.errors import InputError
from generator.render import THREADS_DIR

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
        if page.name == "index.md":
            continue
        _, meta = get_data(page.read_text(encoding="utf-8"))
        threads += 1
        for field in FIELDS:
            values = meta.get(field) or []
            counts[field].update(str(v) for v in values if isinstance(v, str))
        if not meta.get("apis"):
            unclassified += 1
    return Stats(threads, counts, unclassified)


def format_stats(stats: Stats) -> str:
    lines = [f"{stats.threads} threads ({stats.unclassified} without an API family)"]
    titles = {"apis": "API families", "platforms": "Platforms", "topics": "Topics"}
    for field in FIELDS:
        lines.append("")
        lines.append(f"{titles[field]}:")
        counter = stats.counts[field]
        if not counter:
            lines.append("  (none)")
        width = max((len(name) for name in counter), default=0)
        for name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {name.ljust(width)}  {count:>5}")
    return "\n".join(lines)
