"""Relate again after a few threads changed, with exactly the result of
relating from scratch (issue 9, part 4).

Ranking 10,000 threads costs seconds; after one thread changed, almost every
list is the same as before.  What the last run computed is kept as a
:class:`RelateMemo`: per thread, the digest of what relate read of it, its
terms and keys, its vector, and its ranking (candidates, top list, reasons).
The next run re-ranks only the threads whose result can differ -- and
:func:`affected` says which, from the way :mod:`generator.relate` decides:

* a thread's **vector** depends on its own terms and on the document-frequency
  *level* of each (:func:`generator.textvec.df_level`), so it changes when
  the thread changed or when one of its terms crossed a level (``V``);
* a thread's **candidates** come from the postings of its first
  ``QUERY_TERMS`` terms and from the holders of its rare symbols and error
  codes: they can change when one of those postings changed (the postings of
  a term change only with the vectors in ``V`` holding it), or when the
  holders, specificity or label of one of its keys changed;
* a **pair score** or a **reason** reads both threads' vectors, facts, keys,
  titles and spellings, and the specificity and labels of shared keys: a
  thread that had a thread of ``V`` (or a removed one) among its candidates
  is ranked again.

Every other thread keeps its remembered ranking.  ``tests/test_relatestate.py``
checks the result against a cold run under random edits, additions and
removals.  When many threads changed it is cheaper to start over, and
anything wrong with the memo (another version, another depth, a damaged
file) means a cold run too: the memo only ever saves time.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import sys
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from generator.cache import CACHE_DIR, MemoFile, all_counts, all_integers, all_strings, decoded_or_none
from generator.parallel import collector_paused, fork_map
from generator.records import Related
from generator.relate import (
    CANDIDATES,
    POSTING_CAP,
    QUERY_TERMS,
    Corpus,
    Keys,
    Ranking,
    RelateItem,
    _Doc,
    candidates_of,
    key_labels,
    key_specs,
    make_doc,
    near_duplicate_edge,
    near_duplicate_edges,
    prepare_all,
    rank_among,
    rank_all,
    ranking_depth,
    rare_key_holders,
    related_and_groups,
    sort_edges,
    thread_features,
    thread_vector,
    unique_by_slug,
)
from generator.textvec import TEXT_IDF_SCALE, ThreadTerms, df_level, specificity

#: Relate incrementally while at most this share of the threads changed
#: (and always for a few)...
INCREMENTAL_SHARE = 0.2
INCREMENTAL_MIN = 200
#: ...and while at most this share must be ranked again: re-ranking reuses
#: every unchanged thread's terms, so it stays cheaper than a cold run until
#: nearly everything moves (a common word crossing a frequency level moves
#: the vectors of all its holders, and the lists of all who compared
#: themselves with them).
RERANK_SHARE = 0.6

Edge = tuple[float, int, int]  # near-duplicate pair (text score, i < j)


@dataclass(frozen=True)
class ThreadMemo:
    """What the last run knew of one thread.  Terms are numbers into the
    memo's vocabulary, other threads are slugs (indices move when a thread
    is added or removed).  The term weights are not kept: a thread whose
    vector must be recomputed is tokenised again (it is pure)."""

    digest: str
    term_ids: array  # "I": every term of the thread
    vector_ids: array  # "I": its vector's terms, heaviest first
    vector_weights: array  # "d"
    title_ids: tuple[int, ...]
    spellings: tuple[tuple[int, int, str], ...]  # (title term, times written, form)
    keys: Keys
    candidates: tuple[str, ...]
    ranked: tuple[tuple[float, str], ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RelateMemo:
    depth: int  # how many links each ranking keeps
    explain: int  # how many of them have a reason
    #: Grows run after run (a term's number never changes, so a thread's
    #: arrays are saved again as they are); a cold run starts it afresh.
    vocabulary: tuple[str, ...]
    threads: Mapping[str, ThreadMemo]  # by slug, in slug order
    edges: tuple[tuple[float, str, str], ...]  # near-duplicate pairs


@dataclass(frozen=True)
class Relation:
    """The relate stage's result before it is named: what
    :func:`generator.relate.related_and_groups` turns into links and groups."""

    corpus: Corpus
    results: list[Ranking]
    edges: list[Edge]


class RelateCache:
    """The relate stage with the memo of the last run under ``root``
    (``.forum-kb/cache/relate.json``, beside the other caches of
    generator/cache.py and trusted as much)."""

    FILE = f"{CACHE_DIR}/relate.json"

    def __init__(self, root: Path) -> None:
        self._file = MemoFile(root, self.FILE, encode_memo, decode_memo)

    def relate_and_group(
        self, items: Sequence[RelateItem], k: int = 5
    ) -> tuple[dict[str, tuple[Related, ...]], tuple[tuple[str, ...], ...]]:
        """:func:`generator.relate.relate_and_group`, re-using the memo."""
        with collector_paused():
            relation, self._file.memo = rank_with_memo(unique_by_slug(items), ranking_depth(k), max(k, 0), self._file.memo)
            return related_and_groups(relation.corpus, relation.results, k, edges=relation.edges)

    def save(self) -> None:
        self._file.save()


def _decoded(raw: Any) -> RelateMemo | None:
    return decoded_or_none(raw, decode_memo)


def item_digest(item: RelateItem) -> str:
    """A digest of everything relate reads of a thread."""
    f = item.facts
    seen = (item.slug, item.title, item.text, f.symbols, f.apis, f.topics, f.platforms)
    return hashlib.sha256(repr(seen).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def rank_with_memo(
    unique: Sequence[RelateItem], depth: int, explain: int, memo: RelateMemo | None
) -> tuple[Relation, RelateMemo]:
    """Every thread's ranking (as :func:`generator.relate.rank_one` gives
    it) of items unique and in slug order, and the memo for the next run."""
    digests = [item_digest(item) for item in unique]
    if memo is not None and memo.depth == depth and memo.explain == explain:
        attempt = _incremental(unique, digests, depth, explain, memo)
        if attempt is not None:
            return attempt
    return _cold(unique, digests, depth, explain)


class _Vocabulary:
    """Term numbers: the memo's, and new ones for new terms."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self.terms = list(terms)
        self.number = {term: n for n, term in enumerate(self.terms)}

    def ids(self, terms: Iterable[str]) -> array:
        number = self.number
        for term in terms:
            if term not in number:
                number[term] = len(self.terms)
                self.terms.append(term)
        return array("I", map(number.__getitem__, terms))


def _thread_memo(
    vocabulary: _Vocabulary, digest: str, terms: ThreadTerms, keys: Keys, vector: Mapping[str, float], ranking: Ranking, slugs: Sequence[str]
) -> ThreadMemo:
    ranked, reasons, candidates = ranking
    number = vocabulary.number
    return ThreadMemo(
        digest=digest,
        term_ids=vocabulary.ids(terms.terms),
        vector_ids=array("I", map(number.__getitem__, vector)),
        vector_weights=array("d", vector.values()),
        title_ids=tuple(sorted(number[t] for t in terms.title_terms)),
        spellings=tuple(sorted((number[t], n, form) for t, (n, form) in terms.spellings.items())),
        keys=keys,
        candidates=tuple(slugs[j] for j in candidates),
        ranked=tuple((score, slugs[j]) for score, j in ranked),
        reasons=reasons,
    )


def _cold(unique: Sequence[RelateItem], digests: Sequence[str], depth: int, explain: int) -> tuple[Relation, RelateMemo]:
    prepared = prepare_all(unique)
    corpus = prepared.corpus
    results = rank_all(corpus, depth, explain)
    edges = near_duplicate_edges(corpus, [ranked for ranked, _, _ in results])
    vocabulary = _Vocabulary(sorted({term for t in prepared.terms for term in t.terms}))
    threads = {
        item.slug: _thread_memo(vocabulary, digest, t, k, doc.vector, ranking, corpus.slugs)
        for item, digest, t, k, doc, ranking in zip(unique, digests, prepared.terms, prepared.keys, corpus.docs, results)
    }
    memo = RelateMemo(depth, explain, tuple(vocabulary.terms), threads, _named_edges(corpus.slugs, edges))
    return Relation(corpus, results, edges), memo


def _named_edges(slugs: Sequence[str], edges: Iterable[Edge]) -> tuple[tuple[float, str, str], ...]:
    return tuple((score, slugs[i], slugs[j]) for score, i, j in edges)


class _LazyDocs(Sequence[_Doc]):
    """A corpus's docs, each built when first read: re-ranking a few
    threads compares a few hundred, not all of them."""

    def __init__(self, count: int, build: Callable[[int], _Doc]) -> None:
        self._count, self._build, self._built = count, build, {}

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[override]
        doc = self._built.get(index)
        if doc is None:
            if not isinstance(index, int) or not 0 <= index < self._count:
                raise IndexError(index)
            doc = self._built[index] = self._build(index)
        return doc


def _top(entries: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """A term's postings as relate keeps them: none for a term one thread
    holds, else the :data:`POSTING_CAP` heaviest ``(-weight, slug)``."""
    return sorted(entries)[:POSTING_CAP] if len(entries) >= 2 else []


def _holders(
    vectors: Iterable[tuple[str, array, array]], wanted: set[int]
) -> dict[int, list[tuple[float, str]]]:
    """Per wanted term number, every ``(-weight, slug)`` holding it, from
    ``(slug, term numbers, weights)``."""
    found: dict[int, list[tuple[float, str]]] = {term: [] for term in wanted}
    if not wanted:
        return found
    for slug, ids, weights in vectors:
        if not wanted.isdisjoint(ids):
            for term, weight in zip(ids, weights):
                if term in wanted:
                    found[term].append((-weight, slug))
    return found


@dataclass
class _Thread:
    """One thread during an incremental run: its memo's arrays, or fresh ones."""

    term_ids: array
    vector_ids: array
    vector_weights: array
    keys: Keys
    features: ThreadTerms | None = None  # tokenised this run
    vector: dict[str, float] | None = None  # as a dict, when built


def _incremental(
    unique: Sequence[RelateItem], digests: Sequence[str], depth: int, explain: int, memo: RelateMemo
) -> tuple[Relation, RelateMemo] | None:
    """The rankings re-using ``memo``; None when a cold run is the better deal."""
    old = memo.threads
    n = len(unique)
    budget = max(INCREMENTAL_MIN, int(n * INCREMENTAL_SHARE))
    slugs = [item.slug for item in unique]
    changed = [i for i, (slug, digest) in enumerate(zip(slugs, digests)) if slug not in old or old[slug].digest != digest]
    removed = old.keys() - set(slugs)
    if len(changed) + len(removed) > budget:
        return None
    vocabulary = _Vocabulary(memo.vocabulary)
    empty_ids, empty_weights = array("I"), array("d")
    threads: list[_Thread] = []
    for slug in slugs:
        m = old.get(slug)
        threads.append(
            _Thread(m.term_ids, m.vector_ids, m.vector_weights, m.keys) if m else _Thread(empty_ids, empty_ids, empty_weights, (set(), set(), {}))
        )
    for i in changed:
        features, keys = thread_features(unique[i])
        threads[i] = _Thread(vocabulary.ids(features.terms), empty_ids, empty_weights, keys, features)

    # -- vectors: the changed threads' and those of the holders of a term
    #    whose document-frequency level moved
    gone = [old[slugs[i]] for i in changed if slugs[i] in old] + [old[slug] for slug in sorted(removed)]
    before = Counter(itertools.chain.from_iterable(m.term_ids for m in gone))
    after = Counter(itertools.chain.from_iterable(threads[i].term_ids for i in changed))
    df = Counter(itertools.chain.from_iterable(m.term_ids for m in old.values()))
    df.subtract(before)
    df.update(after)
    level_moved = {t for t in before.keys() | after.keys() if df_level(df[t]) != df_level(df[t] - after[t] + before[t])}
    changed_set = set(changed)
    revector = set(changed)
    if level_moved:
        revector.update(i for i, t in enumerate(threads) if i not in changed_set and not level_moved.isdisjoint(t.term_ids))
    if len(revector) > max(INCREMENTAL_MIN, int(n * RERANK_SHARE)):
        return None
    vector_moved = set(changed)
    for i in sorted(revector):
        thread = threads[i]
        if thread.features is None:  # an unchanged thread: the same terms as last time
            thread.features = thread_features(unique[i])[0]
        terms = thread.features.terms
        number = vocabulary.number
        counts = {term: df[number[term]] for term in terms}
        vector = thread_vector(thread.features, counts, {term: specificity(c, TEXT_IDF_SCALE) for term, c in counts.items()})
        ids, weights = array("I", map(number.__getitem__, vector)), array("d", vector.values())
        if ids != thread.vector_ids or weights != thread.vector_weights:
            vector_moved.add(i)
        thread.vector_ids, thread.vector_weights, thread.vector = ids, weights, vector
    # A changed thread counts as moved even with the same vector: its title
    # or facts may differ.
    moved_slugs = {slugs[i] for i in vector_moved} | removed

    # -- postings that changed: only terms held by a moved vector, before or after
    touched: set[int] = set()
    for i in vector_moved:
        touched.update(threads[i].vector_ids)
    remembered_moved = [(slug, old[slug].vector_ids, old[slug].vector_weights) for slug in sorted(moved_slugs & old.keys())]
    for _, ids, _ in remembered_moved:
        touched.update(ids)
    everyone = [(slug, t.vector_ids, t.vector_weights) for slug, t in zip(slugs, threads)]
    new_holders = _holders(everyone, touched)
    old_holders = _holders(remembered_moved, touched)
    postings_moved = {
        term
        for term in touched
        if _top([e for e in new_holders[term] if e[1] not in moved_slugs] + old_holders[term]) != _top(new_holders[term])
    }

    # -- keys whose holders, specificity or label changed
    keys = [t.keys for t in threads]
    tables = _key_tables(keys, slugs)
    keys_moved = _keys_moved(_key_tables([m.keys for m in old.values()], list(old)), tables)

    # -- who must be ranked again: threads whose vector moved or that
    #    compared themselves with one that moved, or hold a key that moved;
    #    a thread that only queries a moved posting looks for candidates
    #    again and keeps its ranking when they are the same
    again = set(vector_moved)
    recheck: set[int] = set()
    for i, thread in enumerate(threads):
        if i in again:
            continue
        if keys_moved and not (keys_moved.isdisjoint(thread.keys[0]) and keys_moved.isdisjoint(thread.keys[1])):
            again.add(i)
        elif not moved_slugs.isdisjoint(old[slugs[i]].candidates):
            again.add(i)
        elif postings_moved and not postings_moved.isdisjoint(thread.vector_ids[:QUERY_TERMS]):
            recheck.add(i)
    if len(again) + len(recheck) > max(INCREMENTAL_MIN, int(n * RERANK_SHARE)):
        return None

    # -- rank them against the whole corpus, as a cold run would
    terms_of = vocabulary.terms

    def vector_of(i: int) -> dict[str, float]:
        thread = threads[i]
        if thread.vector is None:
            thread.vector = dict(zip(map(terms_of.__getitem__, thread.vector_ids), thread.vector_weights))
        return thread.vector

    def doc(i: int) -> _Doc:
        features = threads[i].features
        if features is not None:
            title_terms, spellings = features.title_terms, features.spellings
        else:
            m = old[slugs[i]]
            title_terms = frozenset(terms_of[t] for t in m.title_ids)
            spellings = {terms_of[t]: (count, form) for t, count, form in m.spellings}
        return make_doc(unique[i], title_terms, spellings, keys[i], vector_of(i))

    queried = {t for i in again | recheck for t in threads[i].vector_ids[:QUERY_TERMS]}
    index_of = {slug: i for i, slug in enumerate(slugs)}
    postings = {
        terms_of[term]: [(index_of[slug], -weight) for weight, slug in top]
        for term, entries in _holders(everyone, queried).items()
        if (top := _top(entries))
    }
    symbol_spec, error_spec, labels, _ = tables
    corpus = Corpus(_LazyDocs(n, doc), slugs, [item.title for item in unique], symbol_spec, error_spec, labels, postings)
    key_holders = rare_key_holders((i, k[1], k[0]) for i, k in enumerate(keys))

    def rank(index: int) -> Ranking | None:
        candidates = candidates_of(corpus, index, postings, key_holders)
        if index in recheck and candidates == [index_of[c] for c in old[slugs[index]].candidates]:
            return None  # the same candidates, none of them moved: the same ranking
        return rank_among(corpus, index, depth, explain, candidates)

    order = sorted(again | recheck)
    computed = {i: ranking for i, ranking in zip(order, fork_map(rank, order)) if ranking is not None}
    results: list[Ranking] = []
    for i, slug in enumerate(slugs):
        if i in computed:
            results.append(computed[i])
        else:
            m = old[slug]
            results.append(([(s, index_of[o]) for s, o in m.ranked], m.reasons, [index_of[c] for c in m.candidates]))
    edges = _edges_again(corpus, results, set(computed), memo.edges, index_of)
    relation = Relation(corpus, results, edges)
    if not changed and not removed:
        return relation, memo  # nothing to remember that is not remembered

    new_threads: dict[str, ThreadMemo] = {}
    for i, slug in enumerate(slugs):
        thread = threads[i]
        if i not in computed and i not in revector:
            new_threads[slug] = old[slug]  # the same object: its arrays are saved as they are
        elif thread.features is not None:
            new_threads[slug] = _thread_memo(vocabulary, digests[i], thread.features, thread.keys, vector_of(i), results[i], slugs)
        else:  # ranked again, same terms and vector
            ranked, reasons, candidates = results[i]
            m = old[slug]
            new_threads[slug] = ThreadMemo(
                m.digest, m.term_ids, m.vector_ids, m.vector_weights, m.title_ids, m.spellings, m.keys,
                tuple(slugs[j] for j in candidates), tuple((score, slugs[j]) for score, j in ranked), reasons,
            )
    return relation, RelateMemo(depth, explain, tuple(vocabulary.terms), new_threads, _named_edges(slugs, edges))


def _edges_again(
    corpus: Corpus,
    results: Sequence[Ranking],
    again: set[int],
    remembered: Iterable[tuple[float, str, str]],
    index_of: Mapping[str, int],
) -> list[Edge]:
    """The near-duplicate edges: remembered ones between threads not ranked
    again (their lists, docs and shared keys are as they were), and every
    mutual top-5 pair of a thread ranked again, tested afresh."""
    edges: list[Edge] = []
    for score, a, b in remembered:
        i, j = index_of.get(a), index_of.get(b)
        if i is not None and j is not None and i not in again and j not in again:
            edges.append((score, i, j))
    tested: set[tuple[int, int]] = set()
    for i in sorted(again):
        for _, j in results[i][0][:5]:
            pair = (min(i, j), max(i, j))
            if pair in tested or not any(other == i for _, other in results[j][0][:5]):
                continue
            tested.add(pair)
            edge = near_duplicate_edge(corpus, *pair)
            if edge is not None:
                edges.append(edge)
    return sort_edges(corpus, edges)


def _key_tables(keyed: Sequence[Keys], names: Sequence[str]) -> tuple[dict[str, float], dict[str, float], dict[str, str], dict[str, list[str]]]:
    """Symbol and error specificity, labels, and the holders (by name) of
    each rare key, as relate computes them."""
    symbol_spec, error_spec = key_specs(
        Counter(itertools.chain.from_iterable(s for s, _, _ in keyed)),
        Counter(itertools.chain.from_iterable(e for _, e, _ in keyed)),
    )
    holders = rare_key_holders((i, k[1], k[0]) for i, k in enumerate(keyed))
    named = {key[2:]: [names[i] for i in held] for key, held in holders.items()}  # "e:"/"s:" off
    return symbol_spec, error_spec, key_labels(keyed), named


def _keys_moved(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> set[str]:
    """Symbol and error keys (config keys aside: relate uses only their
    sets) whose holders, specificity or label differ."""
    moved: set[str] = set()
    for table_before, table_after in zip(before, after):
        moved.update(key for key in table_before.keys() | table_after.keys() if table_before.get(key) != table_after.get(key))
    return {key for key in moved if not key.startswith("cfg:")}


# -- the memo on disk -----------------------------------------------------------
#
# JSON, never pickle (it sits in the content folder), but not one JSON value
# per term: 10,000 threads hold a million terms, which as JSON took 3 s to
# read back -- more than the ranking it saves.  Term numbers, vector weights
# and candidates are little-endian arrays in base64, which Python reads and
# writes at memory speed.


def _pack(kind: str, values: Iterable[Any]) -> str:
    data = values if isinstance(values, array) and values.typecode == kind else array(kind, values)
    if sys.byteorder == "big":
        data = array(kind, data)
        data.byteswap()
    return base64.b64encode(data.tobytes()).decode("ascii")


def _joined(kind: str, arrays: Iterable[array]) -> str:
    whole = array(kind)
    for part in arrays:
        whole.extend(part)
    return _pack(kind, whole)


def _unpack(kind: str, text: Any) -> array:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    data = array(kind)
    data.frombytes(base64.b64decode(text, validate=True))
    if sys.byteorder == "big":
        data.byteswap()
    return data


def encode_memo(memo: RelateMemo) -> dict[str, Any]:
    """The memo as a JSON-ready object (threads in slug order)."""
    threads = sorted(memo.threads.items())
    slug_number = {slug: number for number, (slug, _) in enumerate(threads)}
    memos = [m for _, m in threads]
    return {
        "depth": memo.depth,
        "explain": memo.explain,
        "vocabulary": "\n".join(memo.vocabulary),
        "slugs": [slug for slug, _ in threads],
        "digests": [m.digest for m in memos],
        "term_counts": _pack("I", [len(m.term_ids) for m in memos]),
        "terms": _joined("I", (m.term_ids for m in memos)),
        "vector_counts": _pack("I", [len(m.vector_ids) for m in memos]),
        "vector_terms": _joined("I", (m.vector_ids for m in memos)),
        "vector_weights": _joined("d", (m.vector_weights for m in memos)),
        "candidate_counts": _pack("I", [len(m.candidates) for m in memos]),
        "candidates": _pack("I", [slug_number[c] for m in memos for c in m.candidates]),
        "edges": [[score, slug_number[a], slug_number[b]] for score, a, b in memo.edges],
        "rest": [
            [
                m.title_ids,
                m.spellings,
                sorted(m.keys[0]),
                sorted(m.keys[1]),
                sorted(m.keys[2].items()),
                [[score, slug_number[other]] for score, other in m.ranked],
                m.reasons,
            ]
            for m in memos
        ],
    }


def _strings(value: Any) -> list[str]:
    if type(value) is not list or not all_strings(value):
        raise ValueError("expected strings")
    return value


def _numbers(value: Any, below: float) -> list[int]:
    if type(value) is not list or not all_counts(value) or value and max(value) >= below:
        raise ValueError("expected numbers in range")
    return value


def _spellings(value: Any, below: int) -> tuple[tuple[int, int, str], ...]:
    if type(value) is not list or not all(type(s) is list for s in value):
        raise ValueError("expected spellings")
    spelled = tuple(map(tuple, value))
    if spelled:
        # Checked a column at a time: 10,000 threads hold a hundred thousand.
        if set(map(len, spelled)) != {3}:
            raise ValueError("expected (term, times, form) spellings")
        terms, times, forms = zip(*spelled)
        if not (all_counts(terms) and max(terms) < below and all_integers(times) and all_strings(forms)):
            raise ValueError("expected (term, times, form) spellings")
    return spelled  # type: ignore[return-value]


def _ranked(value: Any, slugs: Sequence[str]) -> tuple[tuple[float, str], ...]:
    ranked = tuple((float(score), slugs[other]) for score, other in value if type(other) is int and other >= 0)
    if len(ranked) != len(value):
        raise ValueError("expected (score, thread) pairs")
    return ranked


def _runs(counts: array, values: array, below: int) -> list[array]:
    """``values`` (each less than ``below``) cut into runs of ``counts``."""
    if sum(counts) != len(values) or values and max(values) >= below:
        raise ValueError("expected one value per count, each in range")
    runs, start = [], 0
    for count in counts:
        runs.append(values[start : start + count])
        start += count
    return runs


def decode_memo(raw: Any) -> RelateMemo:
    """The memo, or an exception for anything not of its shape."""
    vocabulary = raw["vocabulary"].split("\n")
    slugs, digests = _strings(raw["slugs"]), _strings(raw["digests"])
    n, size = len(slugs), len(vocabulary)
    if len(digests) != n or slugs != sorted(set(slugs)):
        raise ValueError("expected distinct slugs in order, each with a digest")
    vector_counts, vector_weights = _unpack("I", raw["vector_counts"]), _unpack("d", raw["vector_weights"])
    if not all(map(math.isfinite, vector_weights)):
        raise ValueError("expected finite weights")
    term_runs = _runs(_unpack("I", raw["term_counts"]), _unpack("I", raw["terms"]), size)
    vector_runs = _runs(vector_counts, _unpack("I", raw["vector_terms"]), size)
    weight_runs = _runs(vector_counts, vector_weights, math.inf)  # type: ignore[arg-type]
    candidate_runs = _runs(_unpack("I", raw["candidate_counts"]), _unpack("I", raw["candidates"]), n)
    rest = raw["rest"]
    if not all(len(runs) == n for runs in (term_runs, vector_runs, candidate_runs, rest)):
        raise ValueError("expected every thread's terms, vector, candidates and ranking")
    threads: dict[str, ThreadMemo] = {}
    for slug, digest, term_ids, vector_ids, weights, candidates, extra in zip(
        slugs, digests, term_runs, vector_runs, weight_runs, candidate_runs, rest
    ):
        title, spellings, symbols, errors, labels, ranked, reasons = extra
        if len(candidates) > CANDIDATES or len(ranked) > len(candidates) or len(set(vector_ids)) != len(vector_ids):
            raise ValueError("expected a ranking relate could make")
        threads[slug] = ThreadMemo(
            digest=digest,
            term_ids=term_ids,
            vector_ids=vector_ids,
            vector_weights=weights,
            title_ids=tuple(_numbers(title, size)),
            spellings=_spellings(spellings, size),
            keys=(set(_strings(symbols)), set(_strings(errors)), dict((k, v) for k, v in map(_strings, labels))),
            candidates=tuple(map(slugs.__getitem__, candidates)),
            ranked=_ranked(ranked, slugs),
            reasons=tuple(_strings(reasons)),
        )
    edges = tuple((float(score), slugs[a], slugs[b]) for score, a, b in (_numbers(e[1:], n) and e for e in raw["edges"]))
    return RelateMemo(_count(raw["depth"]), _count(raw["explain"]), tuple(vocabulary), threads, edges)


def _count(value: Any) -> int:
    return _numbers([value], math.inf)[0]  # type: ignore[arg-type]
