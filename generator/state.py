"""What the knowledge base remembers between runs, under ``<content>/.forum-kb/``.

* ``corpus.jsonl`` — every thread the knowledge base holds, as canonical
  records (generator/JSONL.md).  A new scrape is merged into it: new threads
  are added, changed ones updated, and a thread merely absent from the new
  scrape stays (the knowledge base is the union of every scrape) until the
  owner prunes it (``kb prune``).
* ``slugs.json`` — identity key -> published slug.  A page path never changes
  once published, even when a later scrape brings the thread's numeric id or a
  corrected title; when two published threads turn out to be one, the loser's
  path becomes a redirect page to the winner.

Both live beside the pages they describe, so they are committed with
``content/`` and travel with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from generator.cache import CACHE_DIR, MemoFile, Signature, all_counts, file_signature, same_digest
from generator.readers.errors import InputError, Warn
from generator.readers.jsonl import read_jsonl, record_line, thread_to_record
from generator.records import Thread
from generator.slugs import assign_slugs
from generator.write import STATE_DIR

CORPUS = "corpus.jsonl"
SLUGS = "slugs.json"


def corpus_path(root: Path) -> Path:
    return root / STATE_DIR / CORPUS


def load_corpus(root: Path, warn: Warn) -> list[Thread]:
    path = corpus_path(root)
    if not path.is_file():
        return []
    return list(read_jsonl(path, warn=warn))


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
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(path, 0, f"unreadable slug map ({error}); restore it from git") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise InputError(path, 0, "the slug map must be a JSON object of strings; restore it from git")
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
    # A slug that some current thread owns is never a redirect.
    live = set(slugs.values())
    redirects = {old: new for old, new in redirects.items() if old not in live}
    return SlugPlan(slugs, updated, redirects)
