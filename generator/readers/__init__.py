"""Input readers, one per format, chosen by content (not only by extension).

``read_inputs(paths)`` expands folders, picks a reader per file, stamps each
thread with its input's scrape date and resolves its activity label.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from generator.dates import resolve_activity
from generator.readers import jsonl, listing, rss, threadpage
from generator.readers.errors import InputError, Warn
from generator.readers.sidecar import is_sidecar, read_scrape_date
from generator.readers.textfile import read_bytes
from generator.records import Source, Thread

Reader = Callable[..., Iterable[Thread]]


@dataclass(frozen=True)
class Format:
    name: str
    looks_like: Callable[[str], bool]
    read: Reader
    extensions: tuple[str, ...]


def _formats() -> tuple[Format, ...]:
    # Order matters: the most specific shapes first.  JSONL and XML feeds are
    # unambiguous; a saved thread page can show a listing-like counts block, so
    # it is tried before the listing (its looks_like rejects listings).
    return (
        Format("jsonl", jsonl.looks_like, jsonl.read_jsonl, (".jsonl", ".ndjson")),
        Format("feed", rss.looks_like, rss.read_feed, (".rss", ".atom", ".xml")),
        Format("thread page", threadpage.looks_like, threadpage.read_thread_page, (".thread.txt",)),
        Format("listing", listing.looks_like, listing.read_listing, (".txt",)),
    )


FORMATS = _formats()
SKIPPED_NAMES = {"README", "README.md", "LICENSE"}
HEAD_BYTES = 4096


def expand_inputs(paths: Sequence[Path], warn: Warn | None = None) -> list[Path]:
    """Files named directly, and every regular file inside named folders
    (recursively, sorted; hidden files, sidecars and READMEs skipped).
    Anything else in a folder -- a FIFO, a socket, a device, a link to
    nothing -- is not read, and ``warn`` is told: it may be a scrape that
    did not arrive, so the run keeps every page (generator/pipeline.py)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.is_file():
                    if not is_sidecar(child) and child.name not in SKIPPED_NAMES:
                        files.append(child)
                elif not child.is_dir() and warn is not None:
                    warn(Source(str(child)), f"not read: {_not_a_file(child)}")
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(path, 0, _not_a_file(path) if os.path.lexists(path) else "no such file or folder")
    return files


def _not_a_file(path: Path) -> str:
    """What ``path`` is instead of a file or a folder, in a few words."""
    if path.is_symlink() and not path.exists():
        return "a link to nothing"
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "something else"
    return f"{kind}, not a regular file or a folder"


def detect_format(path: Path) -> Format:
    head = read_bytes(path)[:HEAD_BYTES].decode("utf-8", errors="replace").lstrip("\ufeff")
    for fmt in FORMATS:
        if fmt.looks_like(head):
            return fmt
    for fmt in FORMATS:
        if path.suffix.lower() in fmt.extensions:
            return fmt
    names = ", ".join(fmt.name for fmt in FORMATS)
    raise InputError(path, 0, f"unrecognised input format (supported: {names})")


def read_file(path: Path, *, warn: Warn, as_of: str = "") -> Iterator[Thread]:
    """Every thread of one input file, dated against its scrape date."""
    fmt = detect_format(path)
    scraped_on = as_of or read_scrape_date(path)
    for thread in fmt.read(path, warn=warn, scraped_on=scraped_on):
        scraped = thread.scraped_on or scraped_on
        last_active = thread.last_active
        if not last_active and thread.activity:
            last_active = resolve_activity(thread.activity, scraped)
            if not last_active:
                reason = "no scrape date (add a .meta.yaml sidecar or pass --as-of)" if not scraped else "unknown label"
                warn(thread.source, f"activity {thread.activity!r} left unresolved: {reason}")
        yield dataclasses.replace(thread, scraped_on=scraped, last_active=last_active)


def read_inputs(paths: Sequence[Path], *, warn: Warn, as_of: str = "") -> tuple[list[Path], list[Thread]]:
    files = expand_inputs(paths, warn)
    threads: list[Thread] = []
    for path in files:
        threads.extend(read_file(path, warn=warn, as_of=as_of))
    return files, threads


__all__ = ["InputError", "Source", "read_inputs", "read_file", "expand_inputs", "detect_format"]
