"""Relate stage: for every thread, the few others that will actually help, and why.

A domain reader weighs evidence in this order, and so does :func:`pair_score`:

1. the same error code (``NEURLFilterManager.Error 9``) or the same specific
   symbol (``peekOutboundBytes``, ``sysextd``) -- a shared symbol counts for
   less the more threads use it (see :data:`SYMBOL_IDF_SCALE`), and each
   further shared symbol half as much as the one before;
2. the same API family (``content-filter``) or topic; a provider class
   (``NEFilterDataProvider``) counts as its family, and pasted configuration
   (entitlement keys, ``*-systemextension`` values, TN/FB numbers) only a little;
3. the same platform;
4. similar wording: TF-IDF cosine of title + text (:mod:`generator.textvec`)
   fills in between threads the facts cannot tell apart.

A pair below :data:`MIN_SCORE` is no link at all: a thread with no good
neighbour gets none rather than filler.

Scale without comparing all pairs: each thread keeps its
:data:`MAX_TERMS` heaviest terms; an inverted index keeps, per term, the
:data:`POSTING_CAP` threads where that term weighs most, plus every holder of
a symbol or error code used by at most :data:`KEY_POSTING_CAP` threads.
Walking a thread's postings gives an estimated score for a short list of
threads; only the :data:`CANDIDATES` best estimates are scored exactly.  The work per thread is bounded by
``MAX_TERMS * POSTING_CAP``, whatever the corpus size.

Stability: threads are processed in slug order, scores are rounded to
:data:`SCORE_DIGITS` digits and ties go to the smaller slug, and no weight
depends on the corpus size -- so input order never matters and a thread that
shares nothing with a list's threads cannot change that list.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from generator.parallel import collector_paused, fork_map, fork_map_spans
from generator.records import Facts, Related
from generator.textvec import (
    ThreadTerms,
    Tokenizer,
    cosine,
    document_frequencies,
    error_codes,
    idf_table,
    shared_terms,
    specificity,
    spelling,
    tfidf_vector,
)

# -- scoring weights (a shared error or symbol is worth far more than a family,
#    which is worth more than a platform) ------------------------------------
ERROR_WEIGHT = 5.0
SYMBOL_WEIGHT = 4.0
#: Errors and symbols together add at most this much: two strong shared
#: symbols already settle it, a long shared import list must not dominate.
EVIDENCE_CAP = 10.0
API_WEIGHT = 1.0
API_CAP = 2.0
TOPIC_WEIGHT = 0.75
TOPIC_CAP = 1.5
PLATFORM_WEIGHT = 0.25
PLATFORM_CAP = 0.5
#: TF-IDF cosines between forum threads are small (long bodies full of logs
#: and code): on the seed the clearly related pairs score 0.10-0.16 and
#: unrelated ones under 0.05, so 10x puts "clearly similar wording" level
#: with one shared family.
TEXT_WEIGHT = 10.0
#: A link needs more than a shared family and platform (1.25): a specific
#: symbol, two shared families/topics, or one plus clearly similar wording.
MIN_SCORE = 2.0
#: A symbol used by ~1000 threads counts ln(2)/ln(1001) ~ 10% of a unique one.
SYMBOL_IDF_SCALE = 1000.0
SCORE_DIGITS = 4

# -- candidate generation -------------------------------------------------
#: Terms kept per thread.  Forum threads here have ~100 matchable terms; 64
#: keeps recall of the exact top-5 above 0.9 (bench/bench_relate.py) while
#: bounding memory and work per pair.
MAX_TERMS = 64
#: A thread looks for candidates through its heaviest terms only.
QUERY_TERMS = 24
POSTING_CAP = 40
KEY_POSTING_CAP = 64
CANDIDATES = 16

# -- near-duplicates ------------------------------------------------------
#: Same question = each in the other's top list, the same API family, several
#: specific symbols or an error code in common, and wording this close (TF-IDF
#: cosine; on the seed only the two SMB threads pass, see tests).  Strict on
#: purpose: a wrong "asked before" banner misleads more than a missing one.
NEAR_DUPLICATE_TEXT = 0.12
#: At least two specific symbols (or an error code and a symbol) in common:
#: one full-weight symbol is 4.0, a second adds up to 2.0.
NEAR_DUPLICATE_EVIDENCE = 5.0

_FAMILY_LABELS = {
    "packet-tunnel": "packet tunnels",
    "app-proxy": "app proxies",
    "transparent-proxy": "transparent proxies",
    "content-filter": "content filters",
    "packet-filter": "packet filters",
    "dns-proxy": "DNS proxies",
    "dns-settings": "DNS settings",
    "url-filter": "URL filters",
    "vpn-manager": "VPN configurations",
    "hotspot": "hotspot helpers",
    "app-push": "local push",
    "relay": "relays",
}

_TOPIC_LABELS = {
    "system-extension": "system extensions",
    "entitlements": "entitlements",
    "mdm": "MDM",
    "ipc": "XPC",
    "performance": "performance",
}


@dataclass(frozen=True)
class RelateItem:
    """What the relate stage needs of a thread; ``text`` is the question and
    its answers as plain text."""

    slug: str
    title: str
    text: str
    facts: Facts


@dataclass
class _Doc:
    slug: str
    title: str
    vector: dict[str, float]
    title_terms: frozenset[str]
    spellings: dict[str, tuple[int, str]]
    symbols: frozenset[str]
    config: frozenset[str]
    errors: frozenset[str]
    apis: frozenset[str]
    topics: frozenset[str]
    platforms: frozenset[str]


@dataclass
class Corpus:
    """Threads prepared for comparison, in slug order (index = rank).

    ``slugs`` and ``titles`` repeat what the docs say, so that what names a
    thread never needs its doc (generator/relatestate.py builds only the
    docs it compares)."""

    docs: Sequence[_Doc]
    slugs: Sequence[str]
    titles: Sequence[str]
    symbol_spec: dict[str, float]  # key -> 0..1, 1 = used by one thread
    error_spec: dict[str, float]
    labels: dict[str, str]  # symbol/error key -> how to show it
    #: Per term, the threads where it weighs most (index, weight), heaviest first.
    term_postings: dict[str, list[tuple[int, float]]]


def unique_by_slug(items: Iterable[RelateItem]) -> list[RelateItem]:
    """Items sorted by slug; for a repeated slug the smallest item wins, so
    the result never depends on input order."""
    by_slug: dict[str, list[RelateItem]] = {}
    for item in items:
        if item.slug:
            by_slug.setdefault(item.slug, []).append(item)
    return [
        group[0] if len(group) == 1 else min(group, key=lambda it: (it.title, it.text, repr(it.facts)))
        for _, group in sorted(by_slug.items())
    ]


#: A provider or manager class (``NEFilterDataProvider``, ``NEURLFilterManager``,
#: ``PacketTunnelProvider``) names the API family itself: two content filters
#: both use ``NEFilterDataProvider`` by definition, so sharing it counts as the
#: shared family (already scored), not as a specific symbol.
_FAMILY_ENTRY_POINT = re.compile(r"^[A-Z][A-Za-z0-9]*(?:Provider|Manager)$")


#: Configuration boilerplate: entitlement keys and values, bundle-type ids,
#: document references (``com.apple.developer.networking.networkextension``,
#: ``content-filter-provider-systemextension``, ``url-filter-provider``,
#: ``TN3134``, ``FB19631390``).  Every signed extension pastes the same
#: plist, so sharing them says "both about configuration", not "same problem".
_BOILERPLATE = re.compile(r"^(?:com\.apple\.|[a-z0-9]+(?:-[a-z0-9]+)+$|(?:TN|FB)\d+$|rdar://)")
CONFIG_WEIGHT = 0.5
CONFIG_CAP = 1.0
#: The n-th shared symbol (strongest first) counts 1/2^n: two threads pasting
#: the same long import list are not twenty times as related.
EVIDENCE_DECAY = 0.5


def _clean_symbol(symbol: str) -> str:
    return " ".join(symbol.replace("`", "").split())


def _keys_of(item: RelateItem) -> tuple[set[str], set[str], dict[str, str]]:
    """Symbol keys, error keys and labels of one item (symbols from the
    classifier; error codes from the classifier's symbols and the text).
    Boilerplate symbols get a ``cfg:`` key prefix."""
    symbols: set[str] = set()
    errors: set[str] = set()
    labels: dict[str, str] = {}
    for raw in item.facts.symbols:
        symbol = _clean_symbol(raw)
        found = error_codes(symbol)
        if found:
            for code in found:
                errors.add(code.key)
                labels.setdefault(code.key, code.label)
        elif symbol and not _FAMILY_ENTRY_POINT.match(symbol):
            key = ("cfg:" if _BOILERPLATE.match(symbol) else "") + symbol.lower()
            symbols.add(key)
            labels.setdefault(key, symbol)
    for code in error_codes(item.title + "\n" + item.text):
        errors.add(code.key)
        labels.setdefault(code.key, code.label)
    return symbols, errors, labels


# One tokenizer per process: its caches are pure, so forked workers each
# keep their own and every thread gets the same terms wherever it runs.
_TOKENIZER = Tokenizer()


def thread_features(item: RelateItem) -> tuple[ThreadTerms, tuple[set[str], set[str], dict[str, str]]]:
    return _TOKENIZER.thread_terms(item.title, item.text), _keys_of(item)


Keys = tuple[set[str], set[str], dict[str, str]]  # symbols (config ones "cfg:"), errors, labels


@dataclass
class Prepared:
    """A corpus and each thread's terms and keys, in slug order (what the
    memo of generator/relatestate.py keeps)."""

    corpus: Corpus
    terms: list[ThreadTerms]
    keys: list[Keys]


def prepare(items: Iterable[RelateItem], max_terms: int | None = MAX_TERMS) -> Corpus:
    """Vectorise and index-ready the corpus.  ``max_terms=None`` keeps every
    term (the exact reference used by the benchmark).  Tokenising and
    weighting run on every core for a large corpus: both are per thread."""
    return prepare_all(unique_by_slug(items), max_terms).corpus


def prepare_all(unique: Sequence[RelateItem], max_terms: int | None = MAX_TERMS) -> Prepared:
    """:func:`prepare` of items already unique and in slug order, with its
    intermediate results."""
    features = fork_map(thread_features, unique)
    counted = [terms for terms, _ in features]
    keyed = [keys for _, keys in features]
    del features
    df = document_frequencies(c.terms for c in counted)
    idf = idf_table(df)

    def vectorise(span: range) -> tuple[list[dict[str, float]], dict[str, tuple[int, list[tuple[float, int]]]]]:
        """Vectors of a run of threads and that run's share of the postings."""
        vectors = [tfidf_vector(zip(counted[i].terms, counted[i].weights), df, max_terms, idf) for i in span]
        return vectors, _partial_postings(span.start, vectors)

    parts = fork_map_spans(vectorise, len(counted))
    vectors = [vector for part, _ in parts for vector in part]
    term_postings = _merge_postings([share for _, share in parts])
    symbol_spec, error_spec = key_specs(
        document_frequencies(s for s, _, _ in keyed), document_frequencies(e for _, e, _ in keyed)
    )
    docs = [
        make_doc(it, terms.title_terms, terms.spellings, keys, vector)
        for it, terms, vector, keys in zip(unique, counted, vectors, keyed)
    ]
    corpus = Corpus(
        docs=docs, slugs=[it.slug for it in unique], titles=[it.title for it in unique], symbol_spec=symbol_spec, error_spec=error_spec, labels=key_labels(keyed), term_postings=term_postings
    )
    return Prepared(corpus, counted, keyed)


def make_doc(
    item: RelateItem,
    title_terms: frozenset[str],
    spellings: dict[str, tuple[int, str]],
    keys: Keys,
    vector: dict[str, float],
) -> _Doc:
    symbols, errors, _ = keys
    return _Doc(
        slug=item.slug,
        title=item.title,
        vector=vector,
        title_terms=title_terms,
        spellings=spellings,
        symbols=frozenset(k for k in symbols if not k.startswith("cfg:")),
        config=frozenset(k for k in symbols if k.startswith("cfg:")),
        errors=frozenset(errors),
        apis=frozenset(item.facts.apis),
        topics=frozenset(item.facts.topics),
        platforms=frozenset(item.facts.platforms),
    )


def key_specs(symbol_df: Mapping[str, int], error_df: Mapping[str, int]) -> tuple[dict[str, float], dict[str, float]]:
    """How specific each symbol and error code is (0..1, 1 = one thread)."""
    top = math.log1p(SYMBOL_IDF_SCALE)
    return (
        {k: specificity(n, SYMBOL_IDF_SCALE) / top for k, n in symbol_df.items()},
        {k: specificity(n, SYMBOL_IDF_SCALE) / top for k, n in error_df.items()},
    )


def key_labels(keyed: Iterable[Keys]) -> dict[str, str]:
    """How to show each key: the first spelling in slug order."""
    labels: dict[str, str] = {}
    for _, _, item_labels in keyed:
        for key, label in item_labels.items():
            labels.setdefault(key, label)
    return labels


def thread_vector(terms: ThreadTerms, df: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """A thread's vector as :func:`prepare` computes it."""
    return tfidf_vector(zip(terms.terms, terms.weights), df, MAX_TERMS, idf)


def _partial_postings(first: int, vectors: Sequence[dict[str, float]]) -> dict[str, tuple[int, list[tuple[float, int]]]]:
    """Per term: how many of these threads keep it, and the
    :data:`POSTING_CAP` heaviest as ``(-weight, index)`` (sorted)."""
    by_term: dict[str, list[tuple[float, int]]] = {}
    for index, vector in enumerate(vectors, first):
        for term, weight in vector.items():
            by_term.setdefault(term, []).append((-weight, index))  # heaviest first, then rank
    return {
        term: (len(entries), sorted(entries) if len(entries) <= POSTING_CAP else heapq.nsmallest(POSTING_CAP, entries))
        for term, entries in by_term.items()
    }


def _merge_postings(shares: Sequence[dict[str, tuple[int, list[tuple[float, int]]]]]) -> dict[str, list[tuple[int, float]]]:
    """The postings of the whole corpus from its runs' shares: the heaviest
    of the heaviest are the heaviest.  A term only one thread keeps can
    match nothing and gets no postings."""
    merged: dict[str, tuple[int, list[tuple[float, int]]]] = {}
    for share in shares:
        for term, (count, best) in share.items():
            seen = merged.get(term)
            merged[term] = (count, best) if seen is None else (seen[0] + count, sorted(seen[1] + best)[:POSTING_CAP])
    return {
        term: [(index, -weight) for weight, index in best]
        for term, (count, best) in merged.items()
        if count >= 2
    }


def _evidence(corpus: Corpus, a: _Doc, b: _Doc) -> float:
    """Shared error codes and specific symbols, strongest first, each worth
    half the one before, capped at :data:`EVIDENCE_CAP`."""
    weights: list[float] = []
    if a.errors and b.errors:
        weights += [ERROR_WEIGHT * corpus.error_spec[k] for k in a.errors & b.errors]
    if a.symbols and b.symbols:
        weights += [SYMBOL_WEIGHT * corpus.symbol_spec[k] for k in a.symbols & b.symbols]
    if not weights:
        return 0.0
    weights.sort(reverse=True)
    return min(sum(w * EVIDENCE_DECAY**n for n, w in enumerate(weights)), EVIDENCE_CAP)


def pair_score(corpus: Corpus, i: int, j: int) -> float:
    """The score of linking thread ``i`` to thread ``j`` (symmetric), rounded."""
    a, b = corpus.docs[i], corpus.docs[j]
    score = _evidence(corpus, a, b)
    if a.config and b.config:
        score += min(CONFIG_WEIGHT * len(a.config & b.config), CONFIG_CAP)
    score += min(API_WEIGHT * len(a.apis & b.apis), API_CAP)
    score += min(TOPIC_WEIGHT * len(a.topics & b.topics), TOPIC_CAP)
    score += min(PLATFORM_WEIGHT * len(a.platforms & b.platforms), PLATFORM_CAP)
    score += TEXT_WEIGHT * cosine(a.vector, b.vector)
    return round(score, SCORE_DIGITS)


def _key_holders(corpus: Corpus) -> dict[str, list[int]]:
    """Per rare symbol or error code, every thread that has it."""
    return rare_key_holders((index, doc.errors, doc.symbols) for index, doc in enumerate(corpus.docs))


def rare_key_holders(keys: Iterable[tuple[int, Iterable[str], Iterable[str]]]) -> dict[str, list[int]]:
    """``{"e:"+error or "s:"+symbol: [index…]}`` for the keys held by 2 to
    :data:`KEY_POSTING_CAP` threads, from ``(index, errors, symbols)`` in
    index order (config symbols excluded)."""
    holders: dict[str, list[int]] = {}
    for index, errors, symbols in keys:
        for key in errors:
            holders.setdefault("e:" + key, []).append(index)
        for key in symbols:
            if not key.startswith("cfg:"):
                holders.setdefault("s:" + key, []).append(index)
    return {k: v for k, v in holders.items() if 1 < len(v) <= KEY_POSTING_CAP}


def candidates_of(
    corpus: Corpus,
    index: int,
    terms: Mapping[str, list[tuple[int, float]]],
    keys: Mapping[str, list[int]],
) -> list[int]:
    """The :data:`CANDIDATES` threads with the best estimated score: wording
    through the heaviest terms' postings, plus rare shared symbols and error
    codes at their full weight."""
    doc = corpus.docs[index]
    estimate: dict[int, float] = {}
    get = estimate.get
    for term, weight in itertools.islice(doc.vector.items(), QUERY_TERMS):  # heaviest first
        weight *= TEXT_WEIGHT
        for other, other_weight in terms.get(term, ()):
            estimate[other] = get(other, 0.0) + weight * other_weight
    for prefix, held, spec, key_weight in (
        ("e:", doc.errors, corpus.error_spec, ERROR_WEIGHT),
        ("s:", doc.symbols, corpus.symbol_spec, SYMBOL_WEIGHT),
    ):
        for key in sorted(held):  # a fixed order: float sums must not depend on the hash seed
            bonus = key_weight * spec[key]
            for other in keys.get(prefix + key, ()):
                estimate[other] = get(other, 0.0) + bonus
    estimate.pop(index, None)
    best = heapq.nsmallest(CANDIDATES, estimate.items(), key=lambda e: (-e[1], e[0]))
    return [other for other, _ in best]


def _ranked(corpus: Corpus, index: int, candidates: Iterable[int], k: int) -> list[tuple[float, int]]:
    scored = [(pair_score(corpus, index, other), other) for other in candidates if other != index]
    kept = [(s, o) for s, o in scored if s >= MIN_SCORE]
    kept.sort(key=lambda e: (-e[0], corpus.slugs[e[1]]))
    return kept[:k]


def rank_exhaustive(corpus: Corpus, k: int) -> list[list[tuple[float, int]]]:
    """Reference ranking over all pairs (quadratic: benchmarks and tests only)."""
    everyone = range(len(corpus.docs))
    return [_ranked(corpus, i, everyone, k) for i in everyone]


Ranking = tuple[list[tuple[float, int]], tuple[str, ...], list[int]]  # top k, reasons, candidates


def rank_one(
    corpus: Corpus,
    index: int,
    k: int,
    explain_k: int,
    terms: Mapping[str, list[tuple[int, float]]],
    keys: Mapping[str, list[int]],
) -> Ranking:
    """One thread's top ``k`` over its index candidates, the reasons for the
    first ``explain_k``, and the candidates themselves."""
    return rank_among(corpus, index, k, explain_k, candidates_of(corpus, index, terms, keys))


def rank_among(corpus: Corpus, index: int, k: int, explain_k: int, candidates: list[int]) -> Ranking:
    """:func:`rank_one` for candidates already found."""
    ranked = _ranked(corpus, index, candidates, k)
    return ranked, tuple(explain(corpus, index, j) for _, j in ranked[:explain_k]), candidates


def rank_all(corpus: Corpus, k: int, explain_k: int) -> list[Ranking]:
    """Every thread's :func:`rank_one`; on every core for a large corpus
    (each thread is independent, and the forked workers share the corpus
    copy-on-write instead of receiving it pickled)."""
    terms, keys = corpus.term_postings, _key_holders(corpus)
    return fork_map(lambda index: rank_one(corpus, index, k, explain_k, terms, keys), range(len(corpus.docs)))


def rank_indexed(corpus: Corpus, k: int) -> list[list[tuple[float, int]]]:
    """Ranking over index candidates only (what :func:`relate` uses)."""
    return [ranked for ranked, _, _ in rank_all(corpus, k, 0)]


# -- why ------------------------------------------------------------------
def _quoted(label: str) -> str:
    return f"`{label}`"


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def explain(corpus: Corpus, i: int, j: int) -> str:
    """A short reason in plain text ("both use `peekOutboundBytes` with SMB
    on macOS"); symbols and identifiers are backtick-quoted for the renderer."""
    a, b = corpus.docs[i], corpus.docs[j]
    in_titles = a.title_terms | b.title_terms
    errors = sorted(a.errors & b.errors, key=lambda k: (-corpus.error_spec[k], k))
    symbols = sorted(
        (s for s in a.symbols & b.symbols if SYMBOL_WEIGHT * corpus.symbol_spec[s] >= 1.0),
        key=lambda k: (k not in in_titles, -corpus.symbol_spec[k], k),
    )
    families = [_FAMILY_LABELS.get(f, f) for f in sorted(a.apis & b.apis)]
    families = (families + [_TOPIC_LABELS.get(t, t) for t in sorted(a.topics & b.topics)])[:2]
    named = {*errors, *symbols[:2]}
    clauses: list[str] = []
    if errors:
        clauses.append("same error: " + _quoted(corpus.labels[errors[0]]))
    if symbols:
        clauses.append("both use " + _and([_quoted(corpus.labels[s]) for s in symbols[:2]]))
    words = _shared_title_words(corpus, a, b, named, " ".join(families).lower())
    if not clauses and families:
        clauses.append("both about " + _and(families))
    if not clauses:
        clauses.append("similar question" + (" about " + _and(words) if words else ""))
        words = []
    reason = "; ".join(clauses)
    if words:
        reason += " with " + _and(words)
    platforms = sorted(a.platforms & b.platforms)
    if 0 < len(platforms) <= 2:
        reason += " on " + _and(platforms)
    return reason


def _shared_title_words(corpus: Corpus, a: _Doc, b: _Doc, named: set[str], said: str) -> list[str]:
    """Up to two terms both threads use and at least one title states, by
    weight; a phrase replaces its own words ("URL filter", not "url")."""
    kept: list[str] = []
    in_titles = (a.title_terms | b.title_terms) & a.vector.keys() & b.vector.keys()
    for term in shared_terms({t: a.vector[t] for t in in_titles}, b.vector):
        if not _explains(term, named) or term in said:
            continue
        if any(term in k.split(" ") for k in kept if " " in k):
            continue
        if " " in term:
            kept = [k for k in kept if k not in term.split(" ")]
        kept.append(term)
        if len(kept) == 2:
            break
    return [_shown(spelling(t, a.spellings, b.spellings)) for t in kept]


def _shown(spelling: str) -> str:
    """Identifiers as code; a capitalised plain word in lower case ("Host" ->
    "host"); acronyms and phrases as most often written."""
    if _is_identifier(spelling):
        return _quoted(spelling)
    if " " not in spelling and spelling[:1].isupper() and spelling[1:].islower():
        return spelling.lower()
    return spelling


#: Words too general to explain anything on this site.
_UNEXPLAINING = frozenset(
    "network extension networkextension app apple application com error fail failed "
    "work working support supported ios ipados macos tvos watchos visionos".split()
)


def _explains(term: str, mentioned: set[str]) -> bool:
    """A shared title word worth showing: not generic, not a platform (those
    get "on macOS"), not part of a symbol already named."""
    words = term.split(" ")
    if any(w in _UNEXPLAINING for w in words) or len(term) < 3 and not term.isupper():
        return False
    return not any(term in m for m in mentioned)


def _is_identifier(word: str) -> bool:
    """camelCase, PascalCase with inner capitals, or snake_case: show as code."""
    if " " in word:
        return False
    return "_" in word or any(ch.isupper() for ch in word[1:]) and any(ch.islower() for ch in word)


# -- public API -------------------------------------------------------------
def _related_from(
    corpus: Corpus, ranking: Sequence[Sequence[tuple[float, int]]], reasons: Sequence[Sequence[str]]
) -> dict[str, tuple[Related, ...]]:
    result: dict[str, tuple[Related, ...]] = {}
    for i, (ranked, whys) in enumerate(zip(ranking, reasons)):
        result[corpus.slugs[i]] = tuple(
            Related(slug=corpus.slugs[j], title=corpus.titles[j], why=why, score=score)
            for (score, j), why in zip(ranked, whys)
        )
    return result


def relate(items: Sequence[RelateItem], k: int = 5) -> dict[str, tuple[Related, ...]]:
    """For every slug, up to ``k`` related threads, best first, never itself,
    none below :data:`MIN_SCORE`; independent of input order."""
    return relate_and_group(items, k, groups=False)[0]


def near_duplicate_edges(corpus: Corpus, ranking: Sequence[Sequence[tuple[float, int]]]) -> list[tuple[float, int, int]]:
    """Mutual top-5 pairs that share a specific symbol or error, a family, and close wording."""
    linked = {(i, j) for i, ranked in enumerate(ranking) for _, j in ranked[:5]}
    edges = [edge for i, j in sorted(linked) if i < j and (j, i) in linked and (edge := near_duplicate_edge(corpus, i, j))]
    return sort_edges(corpus, edges)


def near_duplicate_edge(corpus: Corpus, i: int, j: int) -> tuple[float, int, int] | None:
    """The edge between two mutually linked threads ``i < j`` that ask the
    same question, or None."""
    a, b = corpus.docs[i], corpus.docs[j]
    if not a.apis & b.apis or _evidence(corpus, a, b) < NEAR_DUPLICATE_EVIDENCE:
        return None  # the cheap tests first: most linked pairs fail them
    text = cosine(a.vector, b.vector)
    return (round(text, SCORE_DIGITS), i, j) if text >= NEAR_DUPLICATE_TEXT else None


def sort_edges(corpus: Corpus, edges: list[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    edges.sort(key=lambda e: (-e[0], corpus.slugs[e[1]], corpus.slugs[e[2]]))
    return edges


def _complete_link_groups(size: int, edges: Sequence[tuple[float, int, int]]) -> list[list[int]]:
    """Merge along edges, strongest first, only when every cross pair is an
    edge too: no chains of "A is like B is like C" when A is not like C."""
    pairs = {(i, j) for _, i, j in edges} | {(j, i) for _, i, j in edges}
    group_of = list(range(size))
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    for _, i, j in edges:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        if all((x, y) in pairs for x in members[gi] for y in members[gj]):
            for x in members[gj]:
                group_of[x] = gi
            members[gi].extend(members.pop(gj))
    return [sorted(m) for m in members.values() if len(m) > 1]


def groups_from_edges(corpus: Corpus, edges: Sequence[tuple[float, int, int]]) -> tuple[tuple[str, ...], ...]:
    """Near-duplicate groups from the edges, strongest first (sorted by :func:`sort_edges`)."""
    groups = _complete_link_groups(len(corpus.slugs), edges)
    named = [tuple(corpus.slugs[i] for i in g) for g in groups]
    named.sort(key=lambda g: (-len(g), g[0]))
    return tuple(named)


def near_duplicates(items: Sequence[RelateItem]) -> tuple[tuple[str, ...], ...]:
    """Groups of threads asking the same question (each sorted by slug;
    groups by size, then first slug)."""
    return relate_and_group(items, 0)[1]


def relate_and_group(
    items: Sequence[RelateItem], k: int = 5, *, groups: bool = True
) -> tuple[dict[str, tuple[Related, ...]], tuple[tuple[str, ...], ...]]:
    """Related threads and near-duplicate groups from one ranking (the
    groups look at each thread's top 5, whatever ``k`` is)."""
    if k <= 0 and not groups:
        return {it.slug: () for it in unique_by_slug(items)}, ()
    with collector_paused():
        corpus = prepare(items)
        results = rank_all(corpus, ranking_depth(k, groups), max(k, 0))
        return related_and_groups(corpus, results, k, groups=groups)


def ranking_depth(k: int, groups: bool = True) -> int:
    """How many links each ranking keeps: ``k``, and at least the 5 the
    near-duplicate groups look at."""
    return max(k, 5) if groups else k


def related_and_groups(
    corpus: Corpus,
    results: Sequence[Ranking],
    k: int,
    *,
    groups: bool = True,
    edges: list[tuple[float, int, int]] | None = None,
) -> tuple[dict[str, tuple[Related, ...]], tuple[tuple[str, ...], ...]]:
    """What :func:`relate_and_group` returns, from every thread's ranking
    (and the near-duplicate edges, when known: :func:`near_duplicate_edges`)."""
    ranking = [ranked for ranked, _, _ in results]
    related = _related_from(corpus, [r[: max(k, 0)] for r in ranking], [why for _, why, _ in results])
    if not groups:
        return related, ()
    return related, groups_from_edges(corpus, near_duplicate_edges(corpus, ranking) if edges is None else edges)
