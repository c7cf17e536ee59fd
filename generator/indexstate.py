"""Score again only the words a changed thread touches (issue 9, part 4).

Scoring every word of every thread page for the search index costs seconds
at 10,000 threads, and after one thread changed almost every posting is
what it was: a word's posting holds a score per document that has it, and
that score reads the document, the word's document frequency and two
corpus figures that sit on a grid (:func:`generator.search.corpus_grid`).
So with the same grid figures, only these postings can differ:

* the words whose document frequency changed (every score of theirs is
  computed again) -- which covers the words of a new or removed document
  and those an edit added or dropped, and
* the other words of a changed document (its own score is replaced).

Every other posting keeps its scores; when documents were added or removed
the ids after them moved, so those postings are decoded, renumbered and
encoded again, which is still far cheaper than scoring.  The result is
byte for byte what :func:`generator.searchindex.score_postings` computes
from scratch (tests/test_indexstate.py); anything else -- another grid
figure, many changes, a damaged memo -- means scoring from scratch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from generator.cache import CACHE_DIR, SCORED_COUNT, MemoFile, all_counts, all_strings, decoded_or_none
from generator.search import CorpusStats, Document, _weighted_length, corpus_stats
from generator.searchindex import (
    _CONTINUE,
    _TERMINAL,
    decode_postings,
    encode_postings,
    patch_postings,
    score_postings,
    word_score,
)

# An encoded posting: (id delta, score) pairs of base-32 varints.
_POSTING = re.compile(f"(?:[{re.escape(_CONTINUE)}]*[{re.escape(_TERMINAL)}])+")

#: Score incrementally while at most this share of the documents changed.
INCREMENTAL_SHARE = 0.2
# Up to this many changed documents, a posting is patched as text.
PATCH_IN_PLACE = 64


@dataclass(frozen=True)
class IndexMemo:
    count: float  # the grid figures the scores were computed with
    average_length: float
    slugs: tuple[str, ...]  # documents in id order
    digests: tuple[str, ...]  # of each document's page
    frequency: Mapping[str, int]
    postings: Mapping[str, str]  # word -> encoded postings


class IndexCache:
    """The search index's postings with the memo of the last run under
    ``root`` (``.forum-kb/cache/index.json``, beside the other caches of
    generator/cache.py and trusted as much)."""

    FILE = f"{CACHE_DIR}/index.json"

    def __init__(self, root: Path) -> None:
        self._file = MemoFile(root, self.FILE, encode_memo, decode_memo)

    def postings(self, documents: Sequence[Document], digests: Sequence[str]) -> dict[str, str]:
        """:func:`generator.searchindex.score_postings` of documents in slug
        order; ``digests`` identify each document's page."""
        encoded, self._file.memo = postings_with_memo(documents, digests, self._file.memo)
        return dict(encoded)

    def save(self) -> None:
        self._file.save()


def postings_with_memo(
    documents: Sequence[Document], digests: Sequence[str], memo: IndexMemo | None
) -> tuple[Mapping[str, str], IndexMemo]:
    stats = corpus_stats(documents)
    slugs = tuple(doc.slug for doc in documents)
    if memo is not None and (memo.count, memo.average_length) == (stats.count, stats.average_length):
        if slugs == memo.slugs and tuple(digests) == memo.digests:
            return memo.postings, memo  # nothing changed
        try:
            encoded = _incremental(documents, digests, stats, memo)
        except (ValueError, IndexError):
            encoded = None  # postings the memo cannot have written: score from scratch
        if encoded is not None:
            return encoded, IndexMemo(stats.count, stats.average_length, slugs, tuple(digests), stats.frequency, encoded)
    encoded = score_postings(documents, stats)
    return encoded, IndexMemo(stats.count, stats.average_length, slugs, tuple(digests), stats.frequency, encoded)


def _incremental(
    documents: Sequence[Document], digests: Sequence[str], stats: CorpusStats, memo: IndexMemo
) -> dict[str, str] | None:
    old_id = {slug: i for i, slug in enumerate(memo.slugs)}
    changed = [
        i for i, (doc, digest) in enumerate(zip(documents, digests))
        if (j := old_id.get(doc.slug)) is None or memo.digests[j] != digest
    ]
    removed = len(memo.slugs) - (len(documents) - sum(1 for doc in documents if doc.slug not in old_id))
    if len(changed) + removed > max(20, len(documents) * INCREMENTAL_SHARE):
        return None
    frequency = stats.frequency
    # Words whose frequency changed: every score of theirs moved.
    rescore = {word for word in frequency.keys() | memo.frequency.keys() if frequency.get(word) != memo.frequency.get(word)}
    rescore &= frequency.keys()  # a word no document has any more has no posting
    # Words of a changed document with the same frequency: only that
    # document's own score moved.
    patch: dict[str, list[int]] = defaultdict(list)
    for i in changed:
        words: set[str] = set()
        for counts in documents[i].fields.values():
            words.update(counts)
        for word in words - rescore:
            patch[word].append(i)
    holders: dict[str, list[int]] = defaultdict(list)
    if rescore:
        for i, doc in enumerate(documents):
            found: set[str] = set()
            for counts in doc.fields.values():
                found.update(rescore.intersection(counts))
            for word in found:
                holders[word].append(i)
    lengths: dict[int, float] = {}

    def score(i: int, word: str) -> int:
        length = lengths.get(i)
        if length is None:
            length = lengths[i] = _weighted_length(documents[i])
        return word_score(documents[i], word, stats, length)

    shifted = tuple(doc.slug for doc in documents) != memo.slugs
    new_id = {doc.slug: i for i, doc in enumerate(documents)}
    renumber = [new_id.get(slug, -1) for slug in memo.slugs]

    def remembered(text: str) -> list[tuple[int, int]]:
        """A remembered posting with today's ids.  Every document in it is
        still here, else the word's frequency changed and it is rescored."""
        moved = [(renumber[i], score) for i, score in decode_postings(text)]
        if any(i < 0 for i, _ in moved):
            raise ValueError("a posting names a document that is gone")
        return moved

    changed_ids = set(changed)
    encoded: dict[str, str] = {}
    for word in rescore:
        encoded[word] = encode_postings([(i, score(i, word)) for i in holders[word]])
    # Patching a posting in place beats decoding it when few documents
    # changed (each takes a search through the posting).
    in_place = not shifted and len(changed) <= PATCH_IN_PLACE
    for word, ids in patch.items():
        if in_place:
            updates: dict[int, int | None] = dict.fromkeys(changed)
            updates.update((i, score(i, word)) for i in ids)
            encoded[word] = patch_postings(memo.postings[word], updates)
            continue
        entries = [entry for entry in remembered(memo.postings[word]) if entry[0] not in changed_ids]
        entries += [(i, score(i, word)) for i in ids]
        encoded[word] = encode_postings(sorted(entries))
    for word, text in memo.postings.items():
        if word not in encoded and word in frequency:
            encoded[word] = encode_postings(remembered(text)) if shifted else text
    return encoded


def _decoded(raw: Any) -> IndexMemo | None:
    return decoded_or_none(raw, decode_memo)


def encode_memo(memo: IndexMemo) -> dict[str, Any]:
    return {
        "count": memo.count,
        "average_length": memo.average_length,
        "slugs": list(memo.slugs),
        "digests": list(memo.digests),
        "frequency": dict(sorted(memo.frequency.items())),
        "postings": dict(sorted(memo.postings.items())),
    }


def decode_memo(raw: Any) -> IndexMemo:
    """The memo, or an exception for anything not of its shape."""
    count, average = raw["count"], raw["average_length"]
    slugs, digests, frequency, postings = raw["slugs"], raw["digests"], raw["frequency"], raw["postings"]
    if type(count) is not float or type(average) is not float:
        raise ValueError("expected the grid figures")
    if type(slugs) is not list or not all_strings(slugs) or slugs != sorted(set(slugs)):
        raise ValueError("expected distinct slugs in order")
    if type(digests) is not list or not all_strings(digests) or len(digests) != len(slugs):
        raise ValueError("expected a digest per document")
    if type(frequency) is not dict or not all_counts(frequency.values(), SCORED_COUNT):
        raise ValueError("expected document frequencies")
    if type(postings) is not dict or postings.keys() != frequency.keys() or not all_strings(postings.values()):
        raise ValueError("expected a posting per word")
    if not all(map(_POSTING.fullmatch, postings.values())):
        raise ValueError("expected postings in the index's digits")
    return IndexMemo(count, average, tuple(slugs), tuple(digests), frequency, postings)
