"""What the knowledge base remembers between runs, under ``<content>/.forum-kb/``.

* ``corpus.jsonl`` — every thread the knowledge base holds, as canonical
  records (generator/JSONL.md).  A new scrape is merged into it: new threads
  are added, changed ones updated, and a thread merely absent from the new
  scrape stays (the knowledge base is the union of every scrape) until the
  owner prunes it (``kb prune``).
* ``slugs.json`` — identity key -> published slug.  A page path never changes
  once published, even when a later scrape brings the thread's numeric id or a
  corrected title; when two published threads turn out to be one, the loser's
  path becomes a redirect page to the winner, on this run and every later
  one (the map keeps ``"moved:<old slug>": <new slug>``).

Both live beside the pages they describe, so they are committed with
``content/`` and travel with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from generator.cache import CACHE_DIR, MemoFile, Signature, all_counts, file_signature, same_digest
from generator.readers.errors import InputError
from generator.readers.jsonl import read_jsonl, record_line, thread_to_record
from generator.records import Thread, canonical_thread_id
from generator.slugs import SLUG_PATTERN, assign_slugs
from generator.write import STATE_DIR

CORPUS = "corpus.jsonl"
SLUGS = "slugs.json"


def corpus_path(root: Path) -> Path:
    return root / STATE_DIR / CORPUS


_SKIPPED = re.compile(r";? (?:line )?skipped$")

# What to do about a damaged state file: both are committed with content/.
_RESTORE = "restore it from git (it is committed with content/)"


def _existing_state_file(path: Path) -> bool:
    """False when ``path`` is absent; True for a regular file (a link to one
    is followed); an InputError for anything else at its place -- a folder,
    a FIFO or a dangling link is not a state file that merely is not there."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise InputError(path, 0, f"cannot read it ({error.strerror}); {_RESTORE}") from None
    try:
        status = os.stat(path)
    except OSError as error:
        raise InputError(path, 0, f"a link to nothing readable ({error.strerror}); {_RESTORE}") from None
    if not stat.S_ISREG(status.st_mode):
        raise InputError(path, 0, f"not a regular file (a folder, FIFO or device); {_RESTORE}")
    return True


def load_corpus(root: Path) -> list[Thread]:
    """Every thread the knowledge base holds.  A corpus file that cannot be
    read whole stops the run (InputError) before anything is written: the
    threads of a truncated or damaged file would otherwise be missing from
    this run, their pages removed as stale and their records dropped from
    the file for good (so there is nothing to warn about: damage stops)."""
    path = corpus_path(root)
    if not _existing_state_file(path):
        return []
    problems: list[tuple[int, str]] = []
    threads = list(read_jsonl(path, warn=lambda source, message: problems.append((source.line, message))))
    if problems:
        line, message = problems[0]
        message = _SKIPPED.sub("", message)  # the reader's words for a scrape; here nothing is skipped
        more = f" (and {len(problems) - 1} more damaged line(s))" if len(problems) > 1 else ""
        raise InputError(
            path, line,
            f"the knowledge base file is damaged: {message}{more}; {_RESTORE}, "
            "or move it away to rebuild the knowledge base from the scrapes alone",
        )
    return threads


def corpus_bytes(threads: list[Thread], known: Mapping[str, tuple[Thread, bytes]] | None = None) -> bytes:
    """The corpus file of ``threads``.  ``known`` maps a key to a thread and
    its line as this converter wrote it (:func:`written_lines`): a thread
    with the same digest is written as that line, not encoded again (the
    lines of :func:`generator.readers.jsonl.write_jsonl`, in its order)."""
    known = known or {}
    lines: list[tuple[str, bytes]] = []
    for thread in threads:
        seen = known.get(thread.key)
        if seen is not None and same_digest(seen[0], thread):
            lines.append((thread.key, seen[1]))
        else:
            lines.append((thread.key, record_line(thread_to_record(thread)).encode("utf-8")))
    lines.sort()
    return b"".join(line + b"\n" for _, line in lines)


class CorpusMemo:
    """Which corpus file this converter wrote last: its signature and
    digest (``.forum-kb/cache/corpus.json``).  While the file is still
    that one, each of its lines is the canonical line of its thread and can
    be written again as it is; an edited file is read and encoded afresh."""

    FILE = f"{CACHE_DIR}/corpus.json"

    def __init__(self, root: Path) -> None:
        self._root = root
        self._file = MemoFile(root, self.FILE, _encode_written, _decode_written)

    def written_lines(self, threads: Sequence[Thread]) -> dict[str, tuple[Thread, bytes]]:
        """Key -> (thread, its line) for ``threads`` read from the corpus
        file, when that file is the one this converter wrote; else empty."""
        memo = self._file.memo
        path = corpus_path(self._root)
        if memo is None or not threads:
            return {}
        try:
            status = os.lstat(path)
            if not stat.S_ISREG(status.st_mode):
                return {}
            data = path.read_bytes()
        except OSError:
            return {}
        signature, digest = memo
        if file_signature(status) != signature and hashlib.sha256(data).hexdigest() != digest:
            return {}
        lines = data.split(b"\n")
        if lines[-1] or len(lines) - 1 != len(threads):
            return {}
        return {thread.key: (thread, line) for thread, line in zip(threads, lines)}

    def remember(self, data: bytes) -> None:
        """After the corpus file was written (or found unchanged) as ``data``."""
        try:
            status = os.lstat(corpus_path(self._root))
        except OSError:
            return
        if stat.S_ISREG(status.st_mode):
            self._file.memo = (file_signature(status), hashlib.sha256(data).hexdigest())

    def save(self) -> None:
        self._file.save()


def _encode_written(memo: tuple[Signature, str]) -> dict[str, object]:
    signature, digest = memo
    return {"signature": list(signature), "sha256": digest}


def _decode_written(raw: object) -> tuple[Signature, str]:
    signature, digest = raw["signature"], raw["sha256"]  # type: ignore[index]
    if type(signature) is not list or len(signature) != 4 or not all_counts(signature) or type(digest) is not str:
        raise ValueError("expected a file signature and a digest")
    return tuple(signature), digest  # type: ignore[return-value]


def load_slugs(root: Path) -> dict[str, str]:
    path = root / STATE_DIR / SLUGS
    if not _existing_state_file(path):
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise InputError(path, 0, f"unreadable slug map ({error}); restore it from git") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError(path, 0, "the slug map must be a JSON object of strings; restore it from git")
    # A slug becomes a file name and a link: only what the converter itself
    # would have published ("title-words-3f9a2c") is taken.
    wrong = next((key for key, slug in data.items() if not SLUG_PATTERN.fullmatch(slug)), None)
    if wrong is not None:
        shown = json.dumps(data[wrong][:80])
        raise InputError(path, 0, f"the slug map gives {json.dumps(wrong[:80])} the slug {shown}, which no page can have; restore it from git")
    # Ids are read as ASCII without leading zeros (generator/readers/jsonl.py);
    # a map written before knows "id:00012" for the thread now read as id:12.
    for key, slug in list(data.items()):
        if key.startswith("id:") and key[3:].isdecimal() and len(key) <= 23:
            data.setdefault(f"id:{canonical_thread_id(key[3:])}", slug)
    return data


def slugs_bytes(slugs: dict[str, str]) -> bytes:
    return (json.dumps(dict(sorted(slugs.items())), indent=1, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class SlugPlan:
    slugs: dict[str, str]  # primary key -> slug
    published: dict[str, str]  # every key ever seen -> slug (to save)
    redirects: dict[str, str]  # old slug -> slug it moved to


def plan_slugs(groups: list[tuple[str, tuple[str, ...], str]], published: dict[str, str]) -> SlugPlan:
    """``groups`` are ``(primary key, all keys, title)`` per merged thread.

    A thread keeps the slug published under any of its keys (the smallest
    slug when several were, the others redirect to it); a new thread gets a
    fresh slug."""
    taken: dict[str, str] = {}
    redirects: dict[str, str] = {}
    for primary, keys, _title in sorted(groups):
        known = sorted({published[key] for key in keys if key in published})
        if known:
            taken[primary] = known[0]
            for old in known[1:]:
                redirects[old] = known[0]
    slugs = assign_slugs([(primary, title) for primary, _keys, title in groups], taken)
    updated = dict(published)
    for primary, keys, _title in groups:
        for key in keys:
            updated[key] = slugs[primary]
    # Every redirect ever made is kept as "moved:<old slug>" -> new slug: the
    # merged thread's record keeps only the winner's key, so from the next
    # run on nothing else would say where the old path went (its page was
    # removed as stale, and the published URL gave 404).
    moved = {key[len(MOVED):]: slug for key, slug in published.items() if key.startswith(MOVED)}
    moved.update(redirects)
    updated.update((MOVED + old, new) for old, new in moved.items())
    # A slug that some current thread owns is never a redirect; a chain of
    # moves leads to where the thread lives now (render drops a redirect to
    # a thread no longer here).
    live = set(slugs.values())
    return SlugPlan(slugs, updated, {old: _moved_to(old, moved, live) for old in moved if old not in live})


def known_thread_ids(published: Mapping[str, str]) -> dict[str, str]:
    """Title key -> thread id, for every title key the slug map publishes
    under the same slug as an ``id:`` key: records once merged into that
    thread."""
    ids = {slug: key[3:] for key, slug in sorted(published.items()) if key.startswith("id:")}
    return {key: ids[slug] for key, slug in published.items() if key.startswith("title:") and slug in ids}


#: The slug map's prefix for a published slug that moved (the rest is a slug).
MOVED = "moved:"


def _moved_to(old: str, moved: Mapping[str, str], live: set[str]) -> str:
    target, seen = moved[old], {old}
    while target not in live and target in moved and target not in seen:
        seen.add(target)
        target = moved[target]
    return target
