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

import io
import json
from dataclasses import dataclass
from pathlib import Path

from generator.readers.errors import InputError, Warn
from generator.readers.jsonl import read_jsonl, write_jsonl
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


def corpus_bytes(threads: list[Thread]) -> bytes:
    buffer = io.StringIO()
    write_jsonl(threads, buffer)
    return buffer.getvalue().encode("utf-8")


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
