"""What the last run computed, kept for the next one (issue 9, part 4).

``kb convert`` merges every scrape into the whole knowledge base and
re-derives every page, but from one scrape to the next most threads do not
change.  Classification and page rendering are pure functions of their
input record, so their results are remembered under a digest of that input:

* ``clean.jsonl``: digests of threads that cleaning leaves as they are
  (generator/pipeline.py, ``prepare_remembered``);
* ``facts.jsonl``: digest of the merged thread -> its Facts;
* ``pages.jsonl``: digest of the enriched thread (thread, slug, facts,
  related list, near-duplicates) -> the page's path, the digest of its bytes
  and its search analysis.  A remembered page is used only while the file on
  disk still has exactly those bytes, so an edited or deleted page is
  rendered (and then protected or rewritten) as on a cold run.  The entry
  also keeps the file's signature (size, mtime, ctime, inode) from when the
  converter last wrote or read it: while ``lstat`` gives the same, the
  file is not read again (any write to it moves its ctime);
* ``relate.json``: the relate stage's memo (generator/relatestate.py), so
  that after a few changed threads only the lists that can move are ranked
  again; ``index.json`` the search index's (generator/indexstate.py);
* ``corpus.json``: the signature and digest of the corpus file as last
  written (generator/state.py): while it is unchanged, a thread that did not
  change is written back as its line instead of being encoded again.

Each cache file carries :func:`generator_version` (the converter's own
source and data files, Python, PyYAML/libyaml, ftfy): after any change there
the cache starts empty, so cached output is always what this converter would
produce.  The files live in ``<content>/.forum-kb/cache/`` (not committed;
delete the folder at will) and are JSON, never pickle: they sit in the
content folder, which other people may write to.  Anything unreadable or of
the wrong shape is ignored and rebuilt; an entry for another path than the
thread's own, a search record whose slug, title, path, families or date are
not the thread's, or facts naming ids the taxonomy does not know, are not
used (generator/pipeline.py).  Beyond that the cache is trusted as much as
the pages beside it: whoever can rewrite both a page and its entry could
already rewrite the page (the post-build sanitiser and check still stand
between either and the site); ``kb convert --no-cache`` renders everything
from the knowledge base again.  Each save keeps only the entries this run
used, so the cache never outgrows the knowledge base.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import operator
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Collection, Generic, Iterable, TypeVar

import ftfy
import yaml

from generator.records import Enriched, Evidence, Facts, Related, Thread
from generator.search import FIELD_WEIGHTS, Document
from generator.write import STATE_DIR, WriteError, safe_destination, write_state_file

CACHE_DIR = "cache"
V = TypeVar("V")


@functools.lru_cache(maxsize=1)
def generator_version() -> str:
    """A digest of everything that decides what the converter produces: its
    own files, the Python version, and the libraries whose output lands in
    a page (PyYAML and its libyaml emitter write the frontmatter, ftfy
    repairs text before classification)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    libraries = f"{sys.version}|yaml {yaml.__version__} libyaml {hasattr(yaml, 'CSafeDumper')}|ftfy {ftfy.__version__}"
    digest.update(libraries.encode() + b"\0")
    for path in sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".yaml", ".js", ".css"}):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def record_digest(record: Thread | Enriched) -> str:
    """A digest of a thread or enriched thread: the repr of every field and
    value, except what no stage output depends on -- where the record was
    read from (the same thread arrives in every new scrape file) and the
    scores of its links (a page shows the order, title and reason of each;
    the scores move a little whenever any thread sharing a word changes).
    The fields are read directly, not through ``dataclasses.replace``: the
    converter takes 40,000 digests a run at 10,000 threads."""
    if isinstance(record, Enriched):
        seen: tuple[Any, ...] = (
            "enriched",
            _thread_values(record.thread),
            record.slug,
            record.facts,
            tuple(map(_link_values, record.related)),
            tuple(map(_link_values, record.asked_before)),
        )
    else:
        seen = ("thread", _thread_values(record))
    return hashlib.sha256(repr(seen).encode("utf-8", "surrogatepass")).hexdigest()[:40]


def enriched_digest(record: Enriched, thread_digest: str) -> str:
    """:func:`record_digest` of an enriched thread whose thread's digest is
    already known and whose facts the pipeline classified from that thread
    (so the facts follow from the digest and need no repr of their own: the
    repr of 17 pieces of evidence cost more than the page's whole digest)."""
    seen = (
        "enriched-thread",
        thread_digest,
        record.slug,
        tuple(map(_link_values, record.related)),
        tuple(map(_link_values, record.asked_before)),
    )
    return hashlib.sha256(repr(seen).encode("utf-8", "surrogatepass")).hexdigest()[:40]


_THREAD_FIELDS = tuple(f.name for f in dataclasses.fields(Thread) if f.name != "source")
_LINK_FIELDS = tuple(f.name for f in dataclasses.fields(Related) if f.name != "score")
# The same tuples as ``tuple(getattr(record, name) for name in FIELDS)``, read
# in C: same_digest compares 30,000 pairs of threads a run at 10,000 threads.
_thread_values = operator.attrgetter(*_THREAD_FIELDS)
_link_values = operator.attrgetter(*_LINK_FIELDS)


def same_digest(a: Thread, b: Thread) -> bool:
    """True when the two threads have the same :func:`record_digest`
    (every field but the source equal; the readers give exact types, so
    equal values have equal reprs), at a hundredth of the cost."""
    return a is b or _thread_values(a) == _thread_values(b)


class StageCache(Generic[V]):
    """One stage's remembered results: ``get``/``put`` by record digest,
    ``save`` at the end of a run.

    The file is JSON Lines: the converter's version, then ``<key> TAB
    <entry as JSON>`` per line, by key.  An entry is parsed only when asked
    for and saved again as the bytes it was read as, so a run that changed a
    few threads writes back 10,000 entries without encoding them again."""

    def __init__(self, root: Path, name: str, encode: Callable[[V], Any], decode: Callable[[Any], V]) -> None:
        self._relative = f"{CACHE_DIR}/{name}.jsonl"
        self._root = root
        self._encode, self._decode = encode, decode
        self._stored: dict[str, bytes] = self._load()
        self._kept: dict[str, bytes] = {}
        self._changed = False

    def _load(self) -> dict[str, bytes]:
        try:
            path = safe_destination(self._root, f"{STATE_DIR}/{self._relative}")
            if path.is_symlink() or not path.is_file():
                return {}
            header, _, body = path.read_bytes().partition(b"\n")
        except (OSError, WriteError):
            return {}
        if header != _version_line():
            return {}  # another converter's (or not a cache at all): start afresh
        stored: dict[str, bytes] = {}
        for line in body.split(b"\n"):
            key, tab, entry = line.partition(b"\t")
            if tab and key.isascii() and key.isalnum():
                stored[key.decode("ascii")] = entry
        return stored

    def get(self, key: str) -> V | None:
        raw = self._stored.get(key)
        if raw is None:
            return None
        try:
            value = self._decode(json.loads(raw))
        except Exception:  # noqa: BLE001 - any damaged entry is recomputed, never a traceback
            return None
        self._kept[key] = raw
        return value

    def put(self, key: str, value: V) -> None:
        self._kept[key] = json.dumps(self._encode(value), ensure_ascii=False, separators=(",", ":")).encode()
        self._changed = True

    def save(self) -> None:
        """Keep what this run used; nothing is written when that is exactly
        what was loaded (a rerun with nothing new rewrites no cache)."""
        if not self._changed and self._kept.keys() == self._stored.keys():
            return
        lines = [_version_line()]
        lines += [key.encode("ascii") + b"\t" + self._kept[key] for key in sorted(self._kept)]
        write_state_file(self._root, self._relative, b"\n".join(lines) + b"\n", durable=False)


def _version_line() -> bytes:
    return json.dumps(generator_version()).encode("ascii")


M = TypeVar("M")


class MemoFile(Generic[M]):
    """A stage's memo of the last run, one JSON value under ``relative``
    (generator/relatestate.py, generator/indexstate.py): ``memo`` is what
    was loaded (None when missing, of another version or not decodable)
    until the stage replaces it; ``save`` writes it unless it is the one
    loaded."""

    def __init__(self, root: Path, relative: str, encode: Callable[[M], Any], decode: Callable[[Any], M]) -> None:
        self._root, self._relative, self._encode = root, relative, encode
        self._loaded = decoded_or_none(load_state(root, relative), decode)
        self.memo: M | None = self._loaded

    def save(self) -> None:
        if self.memo is not None and self.memo is not self._loaded:
            save_state(self._root, self._relative, self._encode(self.memo))


def decoded_or_none(raw: Any, decode: Callable[[Any], M]) -> M | None:
    """``decode(raw)``, or None for a missing or damaged memo: it only
    means computing from scratch, never a traceback."""
    if raw is None:
        return None
    try:
        return decode(raw)
    except Exception:  # noqa: BLE001 - any damage at all
        return None


def load_state(root: Path, relative: str) -> Any:
    """What :func:`save_state` saved under ``relative`` with this converter,
    or None when the file is missing, unreadable, not JSON, nested too deep,
    or from another :func:`generator_version`."""
    try:
        path = safe_destination(root, f"{STATE_DIR}/{relative}")
        if path.is_symlink() or not path.is_file():
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError, WriteError):
        return None
    if not isinstance(data, dict) or data.get("version") != generator_version():
        return None
    return data.get("entries")


def save_state(root: Path, relative: str, entries: Any) -> None:
    """Write ``entries`` as JSON with the converter's version."""
    data = {"version": generator_version(), "entries": entries}
    write_state_file(root, relative, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), durable=False)


# -- encodings ------------------------------------------------------------------


# What JSON gives: exact types (``bool`` is not ``int`` here), checked a
# whole list at a time -- the caches hold millions of values.
_STR, _INT = frozenset({str}), frozenset({int})


def all_strings(values: Iterable[Any]) -> bool:
    return _STR.issuperset(map(type, values))


def all_integers(values: Iterable[Any]) -> bool:
    return _INT.issuperset(map(type, values))


def all_counts(values: Collection[Any], at_most: int | None = None) -> bool:
    """Every value an int >= 0 (JSON's ``true`` is not a count), and at most
    ``at_most`` when given."""
    if not _INT.issuperset(map(type, values)):
        return False
    return not values or (min(values) >= 0 and (at_most is None or max(values) <= at_most))


#: A count that goes into a score: ``10**400`` is valid JSON, and no float holds it.
SCORED_COUNT = 2**53


def _string(value: Any) -> str:
    if type(value) is not str:
        raise ValueError("expected a string")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is not list or not all_strings(value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("expected a count")
    return value


def encode_facts(facts: Facts) -> list[Any]:
    return [
        list(facts.apis), list(facts.platforms), list(facts.os_versions), list(facts.topics), list(facts.symbols),
        [[e.field, e.value, e.cue, e.where, e.weight] for e in facts.evidence],
    ]


def decode_facts(raw: Any) -> Facts:
    apis, platforms, os_versions, topics, symbols, evidence = raw
    if type(evidence) is not list:
        raise ValueError("expected a list of evidence")
    return Facts(
        apis=_strings(apis),
        platforms=_strings(platforms),
        os_versions=_strings(os_versions),
        topics=_strings(topics),
        symbols=_strings(symbols),
        evidence=tuple(map(_evidence, evidence)),
    )


# The same few thousand pieces of evidence recur across 10,000 threads (a
# cue in a title, a symbol in a body): each is built and checked once and
# then shared, which makes loading the facts cache three times faster.
# Evidence is frozen, so sharing one object is safe.
_EVIDENCE: dict[tuple[Any, ...], Evidence] = {}
_EVIDENCE_LIMIT = 100_000


def _evidence(raw: Any) -> Evidence:
    if type(raw) is not list or len(raw) != 5:
        raise ValueError("expected evidence")
    key = tuple(raw)
    known = _EVIDENCE.get(key)
    # A hit still checks the weight's type: JSON's true equals 1 as a key.
    if known is not None and type(key[4]) in (int, float):
        return known
    field, value, cue, where, weight = key
    if type(weight) not in (int, float) or not math.isfinite(weight):
        raise ValueError("expected a finite weight")
    made = Evidence(_string(field), _string(value), _string(cue), _string(where), float(weight))
    if len(_EVIDENCE) >= _EVIDENCE_LIMIT:
        _EVIDENCE.clear()
    _EVIDENCE[key] = made
    return made


#: What the page cache knows a page file by besides its bytes: ``lstat``'s
#: size, mtime, ctime and inode when the converter last wrote or read it.
Signature = tuple[int, int, int, int]
PageEntry = tuple[str, str, "Document | None", "Signature | None"]  # path, sha256 of the bytes, search record, signature


def file_signature(status: os.stat_result) -> Signature:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def encode_page(page: PageEntry) -> list[Any]:
    path, digest, document, signature = page
    shown = None if signature is None else list(signature)
    if document is None:
        return [path, digest, None, shown]
    d = document
    return [path, digest, [d.slug, d.title, d.path, list(d.families), d.last_active, {k: dict(v) for k, v in d.fields.items()}], shown]


def decode_page(raw: Any) -> PageEntry:
    path, digest, doc, shown = raw
    signature: Signature | None = None
    if shown is not None:
        if type(shown) is not list or len(shown) != 4 or not all_counts(shown):
            raise ValueError("expected a file signature")
        signature = tuple(shown)  # type: ignore[assignment]
    if doc is None:
        return _string(path), _string(digest), None, signature
    slug, title, doc_path, families, last_active, fields = doc
    if not isinstance(fields, dict) or set(fields) != set(FIELD_WEIGHTS):
        raise ValueError("expected the search fields")
    counted: dict[str, Counter[str]] = {}
    for name in FIELD_WEIGHTS:  # the analysis's own field order
        words = fields[name]
        if type(words) is not dict or not all_strings(words) or not all_counts(words.values(), SCORED_COUNT):
            raise ValueError("expected word counts")
        counted[name] = Counter(words)
    document = Document(_string(slug), _string(title), _string(doc_path), _strings(families), _string(last_active), counted)
    return _string(path), _string(digest), document, signature
