"""The site's search index: thread pages -> small static shards the browser
loads on demand (issue 9).

Material's search loads one index for the whole site (~2 KB a thread) and
freezes past a few MB; Pagefind shards but cannot run from ``file://``.  This
module writes a sharded index as plain script files, each one call
``self.__kbShard(name, data)``, so the search worker
(``overrides/assets/kb-search/worker.js``) loads them with ``importScripts``
when served and with ``<script>`` tags inside the iframe-worker shim when
opened from ``file://``.  A query downloads only the shards of its words.

The ranking is ``kb search``'s (generator/search.py), computed here once:
the documents are analysed by the same functions, and each posting carries
the finished BM25F score of the word in the thread, so the browser adds
numbers and applies the same coverage factor, prefix and typo fallbacks.

Files (paths relative to :data:`INDEX_DIR`):

``meta.js``
    version, document count, the token separator (searchterms.SEPARATOR, so
    the browser cuts queries exactly like the converter), fallback settings,
    the term-shard keys, the vocabulary-file lengths and the doc bucket size.
``t<hex key>.js``
    ``{word: postings}`` for every word whose longest shard key is a prefix
    of it (keys are prefixes, split until a shard is small).  Postings are
    ``(document id delta, round(score * 1000))`` pairs as base-32 varints in a
    string.
``d<n>.js``
    the document table, :data:`DOC_BUCKET` documents a file:
    ``[location, title, teaser, families, last_active]``, all plain text
    (the worker escapes it for Material's result markup).
``c<hex prefix>.js``
    the vocabulary by its first two characters (one for one-letter words):
    whether a query word is a word at all, and the words it begins, without
    loading any postings.
``v<length>.js``
    the vocabulary by word length, for typo fallback only.

Everything but :func:`write_index` is pure; the same pages give the same bytes.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import os
import re
import stat
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from generator.parallel import fork_map
from generator.records import Enriched, PageDoc
from generator.search import (
    FALLBACK_WEIGHT,
    MIN_PREFIX,
    THREADS_DIR,
    Document,
    CorpusStats,
    _bm25,
    bm25_all,
    _edit_distance_at_most,
    corpus_stats,
    document_from,
    query_words,
)
from generator.searchterms import SEPARATOR
from generator.taxonomy import Taxonomy, load_taxonomy
from generator.write import safe_destination, write_temporary

VERSION = 1
# Under content/ (MkDocs copies it to site/assets/kb-search/index/); the
# worker script lives next to it, in overrides/assets/kb-search/.
INDEX_DIR = "assets/kb-search/index"
SCORE_SCALE = 1000
# A term shard is split by a longer prefix until it is at most this big
# (a single word whose postings are bigger keeps a shard of its own).
TERM_SHARD_BYTES = 12_000
DOC_BUCKET = 4
TEASER_CHARS = 120
# Completion files group the vocabulary by its first characters.
COMPLETION_CHARS = 2
# A partly typed word stands for at most this many of the words it begins,
# the shortest first (kb search takes them all): "con" would otherwise load
# the postings of every con... word on a big site.
MAX_PREFIX_TERMS = 8
VOCAB_MAX_LENGTH = 24  # words this long or longer share one vocabulary file
_FILE = re.compile(r"^(?:meta|[tc][0-9a-f]*|d\d+|v\d+)\.js$")

# Base-32 varint digits: a terminal digit ends a number, a continuation digit
# carries the higher 5 bits.  No quote or backslash, so strings stay plain.
_TERMINAL = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
_CONTINUE = "WXYZabcdefghijklmnopqrstuvwxyz-_"


# --- documents ----------------------------------------------------------------


def page_document(page: PageDoc, taxonomy: Taxonomy) -> Document | None:
    """The :class:`generator.search.Document` ``kb search`` reads from the
    written page (``make_document``), built from the PageDoc without the YAML
    round trip; ``None`` for a page that is not a thread page."""
    if not page.path.startswith(THREADS_DIR + "/"):
        return None
    return document_from(page.path, page.meta, page.body, taxonomy)


def location(path: str) -> str:
    """``threads/x.md`` -> ``threads/x.html`` (mkdocs.yml: use_directory_urls false)."""
    return path[: -len(".md")] + ".html" if path.endswith(".md") else path


def teaser(text: str, limit: int = TEASER_CHARS) -> str:
    """The first words of the question, whitespace collapsed, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut + "…"


# --- encoding -----------------------------------------------------------------


def _encode_one(number: int) -> str:
    if number < 0:
        raise ValueError(f"cannot encode a negative number: {number}")
    digits = [_TERMINAL[number & 31]]
    number >>= 5
    while number:
        digits.append(_CONTINUE[number & 31])
        number >>= 5
    return "".join(reversed(digits))


#: The code of every number below 32**3, made once: an index of 10,000
#: threads encodes two million numbers, nearly all of them that small.
_SMALL_CODES = tuple(_encode_one(n) for n in range(32**3))


def _code(number: int) -> str:
    return _SMALL_CODES[number] if 0 <= number < len(_SMALL_CODES) else _encode_one(number)


def encode_numbers(numbers: Iterable[int]) -> str:
    values = list(numbers)
    if values and 0 <= min(values) and max(values) < len(_SMALL_CODES):
        return "".join(map(_SMALL_CODES.__getitem__, values))
    return "".join(map(_code, values))


#: One number's digits: continuation digits, then a terminal one.
_NUMBER = re.compile(f"[{re.escape(_CONTINUE)}]*[{re.escape(_TERMINAL)}]")
_SMALL_VALUES = {code: n for n, code in enumerate(_SMALL_CODES)}


def _decode_one(code: str) -> int:
    value = 0
    for char in code[:-1]:
        value = value * 32 + _CONTINUE.index(char)
    return value * 32 + _TERMINAL.index(code[-1])


def _codes(text: str) -> list[str]:
    """Each number's digits in ``text``; ValueError for any other text."""
    codes = _NUMBER.findall(text)
    if sum(map(len, codes)) != len(text):
        raise ValueError("not an encoded list of numbers")
    return codes


def _value(code: str) -> int:
    known = _SMALL_VALUES.get(code)
    return _decode_one(code) if known is None else known


def decode_numbers(text: str) -> list[int]:
    """The numbers of :func:`encode_numbers`; ValueError for any other text."""
    codes = _codes(text)
    small = _SMALL_VALUES
    try:
        return list(map(small.__getitem__, codes))
    except KeyError:  # a number of four digits or more (or a zero-padded one)
        return list(map(_value, codes))


def encode_postings(postings: Sequence[tuple[int, int]]) -> str:
    """[(doc id, scaled score)] sorted by id -> delta-coded varint string."""
    ids = [doc_id for doc_id, _ in postings]
    deltas = [b - a for a, b in zip([0, *ids], ids)]
    return encode_numbers([n for pair in zip(deltas, (score for _, score in postings)) for n in pair])


def decode_postings(text: str) -> list[tuple[int, int]]:
    numbers = decode_numbers(text)
    if len(numbers) % 2:
        raise ValueError("postings come in (id delta, score) pairs")
    return list(zip(itertools.accumulate(numbers[0::2]), numbers[1::2]))


def patch_postings(text: str, scores: Mapping[int, int | None]) -> str:
    """``encode_postings`` of the postings in ``text`` with each document of
    ``scores`` given that score (None: taken out), without decoding them
    all: a common word's posting holds most of 10,000 documents, and a
    changed thread patches a few hundred of them.  ValueError for text
    :func:`encode_postings` did not write."""
    codes = _codes(text)
    if len(codes) % 2:
        raise ValueError("postings come in (id delta, score) pairs")
    ids = list(itertools.accumulate(map(_value, codes[0::2])))
    for doc, score in sorted(scores.items()):
        at = bisect.bisect_left(ids, doc)
        present = at < len(ids) and ids[at] == doc
        before = ids[at - 1] if at else 0
        if score is None:
            if not present:
                continue
            del ids[at], codes[2 * at : 2 * at + 2]
        elif present:
            codes[2 * at + 1] = _code(score)
            continue
        else:
            ids.insert(at, doc)
            codes[2 * at : 2 * at] = [_code(doc - before), _code(score)]
            at += 1
        if at < len(ids):  # the next document's distance from the one before it
            codes[2 * at] = _code(ids[at] - (ids[at - 1] if at else 0))
    return "".join(codes)


def _json(data: object) -> str:
    """Compact, deterministic JSON that is inert anywhere: no raw <, >, &."""
    text = json.dumps(data, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script(name: str, data: object) -> bytes:
    return f'self.__kbShard("{name}",{_json(data)});\n'.encode("ascii")


# A key is split one character at a time and named by its hex (shard_name):
# a pasted hex dump or base64 blob is one word of thousands of characters,
# which went one level of recursion per character and would need a file name
# longer than any file system allows.  24 characters are at most 96 bytes,
# a 196-character file name.
MAX_KEY_CHARS = 24


def shard_name(key: str) -> str:
    return "t" + key.encode("utf-8").hex()


def completion_name(word: str) -> str:
    return "c" + word[:COMPLETION_CHARS].encode("utf-8").hex()


# --- sharding -----------------------------------------------------------------


def shard_keys(sizes: Mapping[str, int], limit: int = TERM_SHARD_BYTES) -> list[str]:
    """Prefix keys such that every word belongs to the shard of the longest key
    that is a prefix of it, and each shard holds at most ``limit`` bytes of
    postings unless it is one word or its words share the first
    :data:`MAX_KEY_CHARS` characters.  Keys are at least one character."""
    keys: list[str] = []

    def split(prefix: str, words: list[str]) -> None:
        total = sum(sizes[word] for word in words)
        longer = [word for word in words if len(word) > len(prefix)]
        if total <= limit or not longer or len(prefix) >= MAX_KEY_CHARS:
            keys.append(prefix)
            return
        groups: dict[str, list[str]] = defaultdict(list)
        for word in longer:
            groups[word[: len(prefix) + 1]].append(word)
        if len(words) > len(longer):  # the prefix itself is a word: it keeps the prefix's shard
            keys.append(prefix)
        for key in sorted(groups):
            split(key, groups[key])

    by_first: dict[str, list[str]] = defaultdict(list)
    for word in sorted(sizes):
        by_first[word[:1]].append(word)
    for first in sorted(by_first):
        split(first, by_first[first])
    return sorted(keys)


def key_for(word: str, keys: set[str]) -> str | None:
    for end in range(len(word), 0, -1):
        if word[:end] in keys:
            return word[:end]
    return None


# --- the index ----------------------------------------------------------------


# What forked workers read (set just before the fork; see generator/parallel.py).
_FORK_STATE: dict[str, object] = {}


def _document_scores(doc_id: int) -> list[tuple[str, int]]:
    documents, stats, idf = _FORK_STATE["scoring"]  # type: ignore[misc]
    scores = bm25_all(documents[doc_id], stats, idf)
    # word_score's rounding, inline (a call per pair cost 5-10% of scoring);
    # tests/test_indexstate.py compares these postings with word_score's.
    return [(word, max(1, round(scores[word] * SCORE_SCALE))) for word in sorted(scores)]


def index_files(
    pages: Sequence[PageDoc], items: Sequence[Enriched] = (), taxonomy: Taxonomy | None = None
) -> dict[str, bytes]:
    """The index of the thread pages among ``pages``: {file name: bytes}.
    ``items`` give each thread's teaser (its question's first words)."""
    taxonomy = taxonomy or load_taxonomy()
    # The pipeline analyses its pages where it renders them (on every core)
    # and calls index_from_documents; this is for pages already in hand.
    return index_from_documents((page_document(page, taxonomy) for page in pages), items)


def index_from_documents(analysed: Iterable[Document | None], items: Sequence[Enriched] = ()) -> dict[str, bytes]:
    """:func:`index_files` from pages already analysed by :func:`page_document`
    (the pipeline does that where it renders the pages, on every core)."""
    documents = sorted_documents(analysed)
    return index_from_postings(documents, teaser_bodies(items), score_postings(documents, corpus_stats(documents)))


def teaser_bodies(items: Iterable[Enriched]) -> dict[str, str]:
    """What each thread's search result shows the first words of: its question."""
    return {item.slug: item.thread.body for item in items}


def sorted_documents(analysed: Iterable[Document | None]) -> list[Document]:
    """The thread documents in slug order: a document's id is its rank."""
    return sorted((doc for doc in analysed if doc is not None), key=lambda doc: doc.slug)


def score_postings(documents: Sequence[Document], stats: CorpusStats) -> dict[str, str]:
    """Every word's encoded postings: the finished score of each document
    that has it (scored on both cores for a large corpus; the workers share
    the documents by fork)."""
    _FORK_STATE["scoring"] = (documents, stats, {})  # each worker fills its own idf memo
    try:
        scored = fork_map(_document_scores, range(len(documents)))
    finally:
        _FORK_STATE.clear()
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc_id, scores in enumerate(scored):
        for word, score in scores:
            postings[word].append((doc_id, score))
    return {word: encode_postings(entries) for word, entries in postings.items()}


def word_score(document: Document, word: str, stats: CorpusStats, length: float) -> int:
    """The score a posting stores: BM25F scaled to an integer, at least 1."""
    return max(1, round(_bm25(document, word, stats, length) * SCORE_SCALE))


def index_from_postings(documents: Sequence[Document], bodies: Mapping[str, str], encoded: Mapping[str, str]) -> dict[str, bytes]:
    """The index files of documents in slug order, from their words'
    encoded postings (:func:`score_postings`); ``bodies`` (slug -> text)
    give each result's teaser."""
    files: dict[str, bytes] = {}
    keys = shard_keys({word: len(text) + len(word) + 6 for word, text in encoded.items()})
    key_set = set(keys)
    shards: dict[str, dict[str, str]] = defaultdict(dict)
    for word, text in encoded.items():
        shards[key_for(word, key_set)][word] = text  # type: ignore[index]
    for key in keys:
        files[shard_name(key) + ".js"] = _script(shard_name(key), shards.get(key, {}))

    # The document table.
    for start in range(0, len(documents), DOC_BUCKET):
        bucket = start // DOC_BUCKET
        rows = [
            [location(doc.path), doc.title, teaser(bodies.get(doc.slug, "")), list(doc.families), doc.last_active]
            for doc in documents[start : start + DOC_BUCKET]
        ]
        files[f"d{bucket}.js"] = _script(f"d{bucket}", rows)

    # The vocabulary by first characters (exact and prefix lookups).
    by_start: dict[str, list[str]] = defaultdict(list)
    for word in sorted(encoded):
        by_start[completion_name(word)].append(word)
    for name, words in sorted(by_start.items()):
        files[name + ".js"] = _script(name, " ".join(words))

    # The vocabulary by length (typo fallback).
    by_length: dict[int, list[str]] = defaultdict(list)
    for word in sorted(encoded):
        by_length[min(len(word), VOCAB_MAX_LENGTH)].append(word)
    for length, words in sorted(by_length.items()):
        files[f"v{length}.js"] = _script(f"v{length}", " ".join(words))

    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    meta = {
        "version": VERSION,
        "build": digest.hexdigest()[:12],
        "documents": len(documents),
        "separator": SEPARATOR,
        "scale": SCORE_SCALE,
        "fallback": FALLBACK_WEIGHT,
        "minPrefix": MIN_PREFIX,
        "maxPrefixTerms": MAX_PREFIX_TERMS,
        "keys": keys,
        "vocab": sorted(by_length),
        "vocabMax": VOCAB_MAX_LENGTH,
        "bucket": DOC_BUCKET,
    }
    files["meta.js"] = _script("meta", meta)
    return files


# --- the reference query (what worker.js does, in Python) ---------------------


def _read(files: Mapping[str, bytes], name: str) -> object:
    text = files[name].decode("ascii")
    prefix = f'self.__kbShard("{name[:-3]}",'
    assert text.startswith(prefix) and text.endswith(");\n"), name
    return json.loads(text[len(prefix) : -3])


def search_files(files: Mapping[str, bytes], query: str, limit: int = 10) -> list[tuple[str, str, float]]:
    """Rank threads for ``query`` from the index files alone, exactly as
    worker.js does: [(location, title, score)], best first.  The executable
    specification of the worker (tests compare it with ``kb search``)."""
    meta = _read(files, "meta.js")
    assert isinstance(meta, dict)
    keys = set(meta["keys"])
    words = query_words(query)
    if not words or not meta["documents"]:
        return []

    def shard(word: str) -> dict[str, str]:
        key = key_for(word, keys)
        return _read(files, shard_name(key) + ".js") if key is not None else {}  # type: ignore[return-value]

    def vocabulary(word: str) -> list[str]:
        name = completion_name(word) + ".js"
        return str(_read(files, name)).split(" ") if name in files else []

    def near(word: str) -> list[str]:
        edits = 2 if len(word) >= 8 else 1
        top = meta["vocabMax"]
        found = []
        for length in meta["vocab"]:
            if (length < top and abs(length - len(word)) <= edits) or (length == top and len(word) + edits >= top):
                words_of_length = str(_read(files, f"v{length}.js")).split(" ")
                found += [term for term in words_of_length if _edit_distance_at_most(word, term, edits)]
        return sorted(found)

    expansions: list[dict[str, float]] = []
    for word in words:
        known = vocabulary(word)
        if word in known:
            expansions.append({word: 1.0})
            continue
        candidates = [term for term in known if term.startswith(word)] if len(word) >= meta["minPrefix"] else []
        candidates = sorted(candidates, key=lambda term: (len(term), term))[: meta["maxPrefixTerms"]]
        if not candidates and len(word) >= 4:
            candidates = near(word)
        expansions.append({candidate: meta["fallback"] for candidate in sorted(candidates)})

    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, int] = defaultdict(int)
    for expansion in expansions:
        part: dict[int, float] = defaultdict(float)
        for candidate, weight in expansion.items():
            for doc_id, score in decode_postings(shard(candidate)[candidate]):
                part[doc_id] += weight * score / meta["scale"]
        for doc_id, value in part.items():
            scores[doc_id] += value
            matched[doc_id] += value > 0
    # Rounded before sorting, as kb search does (ties then go by slug = id).
    ranked = sorted(
        ((round(score * (1 + (matched[doc_id] / len(words)) ** 2), 4), doc_id) for doc_id, score in scores.items() if score > 0),
        key=lambda pair: (-pair[0], pair[1]),
    )[:limit]
    hits = []
    for score, doc_id in ranked:
        rows = _read(files, f"d{doc_id // meta['bucket']}.js")
        row = rows[doc_id % meta["bucket"]]  # type: ignore[index]
        hits.append((row[0], row[1], score))
    return hits


# --- writing (the only I/O) ---------------------------------------------------


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) with exactly ``data``;
    one ``lstat``, and a read only when the size matches (3,500 index files
    are compared on every run)."""
    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def write_index(root: Path, files: Mapping[str, bytes], *, remove_stale: bool = True) -> int:
    """Write ``files`` under ``root/INDEX_DIR`` (atomic replace, unchanged
    files untouched); remove index files of an earlier run that are no longer
    part of the index.  The folder belongs to the converter: only names the
    index uses (``meta.js``, ``t….js``, ``d….js``, ``v….js``) are ever removed.
    Returns the number of files written."""
    written = 0
    resolved: dict[Path, str] = {}  # one folder: resolved once, not once per file
    for name in sorted(files):
        destination = safe_destination(root, f"{INDEX_DIR}/{name}", resolved)
        data = files[name]
        if _holds(destination, data):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = write_temporary(destination, data)
        try:
            os.replace(temporary, destination)
        finally:
            temporary.unlink(missing_ok=True)
        written += 1
    folder = root / INDEX_DIR
    if remove_stale and folder.is_dir() and not folder.is_symlink():
        for path in sorted(folder.iterdir()):
            if path.name not in files and _FILE.match(path.name) and (path.is_file() or path.is_symlink()):
                path.unlink()
    return written
