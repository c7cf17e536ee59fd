"""The conversion pipeline: inputs -> pages under the content root.

    read -> clean -> merge -> slugs -> enrich -> relate -> render -> write

Every stage but ``write`` is pure; the pipeline only wires them together and
collects warnings.  One bad thread never stops the others: a thread whose
enrichment or rendering raises is reported and set aside.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from generator.browse import browse_pages, sidebar_nav
from generator.cache import (
    PageEntry,
    Signature,
    StageCache,
    decode_facts,
    decode_page,
    encode_facts,
    encode_page,
    enriched_digest,
    file_signature,
    record_digest,
    same_digest,
)
from generator.classify import classify
from generator.clean import prepare
from generator.merge import MergedThread, merge_threads
from generator.parallel import collector_paused, fork_map
from generator.readers import read_inputs
from generator.records import Enriched, Facts, Related, Source, Thread
from generator.relate import RelateItem, relate_and_group
from generator.relatestate import RelateCache
from generator.render import THREADS_DIR, display_title, redirect_pages, render_thread, thread_path
from generator.search import Document, body_text, corpus_stats, document_from, thread_frontmatter
from generator.indexstate import IndexCache
from generator.searchindex import index_from_postings, page_document, score_postings, sorted_documents, teaser_bodies, write_index
from generator.siteconfig import SITE_CONFIG, generated_config
from generator.state import (
    CORPUS,
    SLUGS,
    CorpusMemo,
    SlugPlan,
    corpus_bytes,
    load_corpus,
    known_thread_ids,
    load_slugs,
    plan_slugs,
    slugs_bytes,
)
from generator.taxonomy import Taxonomy, load_taxonomy
from generator.write import (
    STATE_DIR,
    WriteError,
    WriteReport,
    page_bytes,
    read_regular,
    remove_leftover_temporaries,
    run_lock,
    safe_destination,
    write_files,
    write_state_files,
)

# Warnings that start with this count as skipped threads in the summary, and
# so do readers' warnings about entries they skipped (which say "skipped").
SET_ASIDE = "thread set aside"


@dataclasses.dataclass
class RunSummary:
    files: int = 0
    entries: int = 0
    threads: int = 0
    pages: int = 0
    skipped: int = 0
    pruned: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)
    report: WriteReport = dataclasses.field(default_factory=WriteReport)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)

    def line(self) -> str:
        r = self.report
        return (
            f"read {self.entries} entries from {self.files} file(s), merged into {self.threads} threads; "
            f"pages: {len(r.written)} written, {len(r.unchanged)} unchanged, {len(r.removed)} removed, "
            f"{len(r.protected)} protected; {self.skipped} skipped, "
            + (f"{self.pruned} pruned, " if self.pruned else "")
            + f"{len(self.warnings)} warning(s)"
        )


class _Timer:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.started = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.started
        self.started = now


def _classify_safely(thread: Thread) -> Facts | str:
    """Facts, or the reason classification failed (worker-safe: no callback)."""
    try:
        return classify(thread)
    except Exception as error:  # one bad thread never stops the others
        return f"{type(error).__name__}: {error}"


def enrich(
    merged: Sequence[MergedThread],
    slugs: dict[str, str],
    warn: Callable[[Source, str], None],
    cache: StageCache[Facts] | None = None,
    digests: Sequence[str] | None = None,
) -> list[Enriched]:
    """Classify every thread (on every core); with a ``cache``, only the
    threads it does not already know.  ``digests`` are the threads'
    :func:`record_digest`, when already taken."""
    threads = [entry.thread for entry in merged]
    keys = [] if cache is None else list(digests) if digests is not None else [record_digest(t) for t in threads]
    known = [cache.get(key) for key in keys] if cache is not None else [None] * len(threads)
    if cache is not None:
        ids = _taxonomy_ids(load_taxonomy())
        known = [facts if facts is None or _known_ids(facts, *ids) else None for facts in known]
    missing = [thread for thread, facts in zip(threads, known) if facts is None]
    computed = iter(fork_map(_classify_safely, missing))
    items: list[Enriched] = []
    for index, (thread, facts) in enumerate(zip(threads, known)):
        if facts is None:
            facts = next(computed)
            if isinstance(facts, str):
                warn(thread.source, f"{SET_ASIDE}: classification failed ({facts})")
                continue
            if cache is not None:
                cache.put(keys[index], facts)
        items.append(Enriched(thread=thread, slug=slugs[thread.key], facts=facts))
    return items


def _taxonomy_ids(taxonomy: Taxonomy) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    return frozenset(taxonomy.family_ids), frozenset(taxonomy.platform_ids), frozenset(taxonomy.topic_ids)


def _known_ids(facts: Facts, families: frozenset[str], platforms: frozenset[str], topics: frozenset[str]) -> bool:
    """Remembered facts name only the taxonomy's ids (they become link
    targets); anything else in the cache file is not the classifier's."""
    return families.issuperset(facts.apis) and platforms.issuperset(facts.platforms) and topics.issuperset(facts.topics)


def add_relations(items: list[Enriched], k: int = 5, cache: RelateCache | None = None) -> list[Enriched]:
    relate_items = [
        RelateItem(
            slug=item.slug,
            title=item.thread.title,
            text="\n".join([item.thread.body, *(post.body for post in item.thread.posts)]),
            facts=item.facts,
        )
        for item in items
    ]
    related, groups = relate_and_group(relate_items, k=k) if cache is None else cache.relate_and_group(relate_items, k)
    by_slug = {item.slug: item for item in items}
    asked: dict[str, tuple[Related, ...]] = {}
    for group in groups:
        for slug in group:
            others = [by_slug[other] for other in group if other != slug and other in by_slug]
            asked[slug] = tuple(
                Related(slug=other.slug, title=other.thread.title, why="asks the same question")
                for other in others
            )
    return [
        dataclasses.replace(item, related=related.get(item.slug, ()), asked_before=asked.get(item.slug, ()))
        for item in items
    ]


@dataclasses.dataclass(frozen=True)
class RenderedPage:
    """A thread page as it will be written, and what search needs of it."""

    path: str
    data: bytes | None  # None: on disk, known by its signature, not read
    document: Document | None
    on_disk: bool = False  # on disk with exactly these bytes (read back, or its signature unchanged)
    digest: str = ""  # sha256 of the bytes (what the caches know the page by)
    key: str = ""  # the page cache's key for it
    signature: Signature | None = None  # the file's, when the page cache has it right


def _render_safely(item: Enriched) -> RenderedPage | str:
    """Render, serialise and analyse one thread page in a worker: the YAML
    dump and the search analysis cost as much as the rendering itself, and
    like it they depend on the page alone."""
    try:
        page = render_thread(item)
        data = page_bytes(page)
        return RenderedPage(page.path, data, page_document(page, load_taxonomy()), digest=hashlib.sha256(data).hexdigest())
    except Exception as error:  # one bad thread never stops the others
        return f"{type(error).__name__}: {error}"


def render_all(
    items: Sequence[Enriched],
    warn: Callable[[Source, str], None],
    cache: StageCache[PageEntry] | None = None,
    root: Path | None = None,
    thread_digests: Mapping[str, str] | None = None,
) -> tuple[list[RenderedPage], list[Enriched]]:
    """Render every thread page (on every core).  With a ``cache`` and the
    content ``root``, a page the cache knows is taken from disk instead,
    provided the file there still has exactly the bytes rendered last time.
    ``thread_digests`` (thread key -> :func:`record_digest` of the thread)
    are given by the pipeline, whose items' facts are the classification
    of exactly those threads."""
    keys: list[str] = []
    if cache is not None:
        keys = [
            enriched_digest(item, thread_digests[item.thread.key])
            if thread_digests is not None and item.thread.key in thread_digests
            else record_digest(item)
            for item in items
        ]
    known: list[RenderedPage | None] = [None] * len(items)
    if cache is not None and root is not None:
        resolved: dict[Path, str] = {}
        for index, key in enumerate(keys):
            known[index] = _from_disk(root, key, cache.get(key), items[index], resolved)
    missing = [item for item, page in zip(items, known) if page is None]
    computed = iter(fork_map(_render_safely, missing))
    pages: list[RenderedPage] = []
    kept: list[Enriched] = []
    for index, (item, page) in enumerate(zip(items, known)):
        if page is None:
            page = next(computed)
            if isinstance(page, str):
                warn(item.thread.source, f"{SET_ASIDE}: rendering failed ({page})")
                continue
            if cache is not None:
                page = dataclasses.replace(page, key=keys[index])
                cache.put(page.key, (page.path, page.digest, page.document, None))
        pages.append(page)
        kept.append(item)
    return pages, kept


def remember_signatures(root: Path, pages: Sequence[RenderedPage], report: WriteReport, cache: StageCache[PageEntry]) -> None:
    """After writing: the signature of every page file that now holds its
    page's bytes and whose signature the cache does not have yet."""
    holding = set(report.written) | set(report.unchanged)
    resolved: dict[Path, str] = {}
    for page in pages:
        if page.signature is not None or not page.key or page.path not in holding:
            continue
        try:
            status = os.lstat(safe_destination(root, page.path, resolved))
        except (OSError, WriteError):
            continue
        if stat.S_ISREG(status.st_mode):
            cache.put(page.key, (page.path, page.digest, page.document, file_signature(status)))


def _from_disk(
    root: Path, key: str, entry: PageEntry | None, item: Enriched, resolved: dict[Path, str]
) -> RenderedPage | None:
    """The remembered page, if the file is still exactly what was written.

    The cache sits in the content folder, so an entry is checked against
    what it must say: the thread's own path, and a search record whose
    slug, title, path, families and date are the thread's (only its word
    counts are taken on trust, as the pages beside it are)."""
    if entry is None:
        return None
    path, digest, document, signature = entry
    expected = thread_path(item.slug)
    if path != expected or document is None or not _is_expected_document(document, item, expected):
        return None
    try:
        destination = safe_destination(root, path, resolved)
        status = os.lstat(destination)
        if not stat.S_ISREG(status.st_mode):
            return None  # a link, a folder or a FIFO is never read as a page
        if signature is not None and file_signature(status) == signature:
            return RenderedPage(path, None, document, on_disk=True, digest=digest, key=key, signature=signature)
        data = destination.read_bytes()
    except (OSError, WriteError):
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        return None
    return RenderedPage(path, data, document, on_disk=True, digest=digest, key=key)


def _is_expected_document(document: Document, item: Enriched, path: str) -> bool:
    """Every field of ``document`` the page's frontmatter decides is the
    thread's own (as generator.searchindex.page_document sets them)."""
    return (
        document.slug == item.slug
        and document.path == path
        and document.families == tuple(item.facts.apis)
        and document.last_active == item.thread.last_active
        and document.title == (display_title(item.thread.title) or item.slug)
    )


def prepare_remembered(
    threads: Iterable[Thread], cache: StageCache[bool] | None, digested: dict[str, list[tuple[Thread, str]]] | None = None
) -> Iterator[Thread]:
    """:func:`generator.clean.prepare` of each thread, skipped for a thread
    the cache knows cleaning leaves as it is.  Every run cleans the whole
    knowledge base again (the corpus file may have been edited), and most of
    it is text this converter cleaned and merged before: a digest costs a
    fifth of a cleaning.  Each clean thread and its digest are added to
    ``digested`` under the thread's key, for :func:`remember_clean`."""
    for thread in threads:
        if cache is None:
            yield prepare(thread)
            continue
        key = record_digest(thread)
        if cache.get(key):
            if digested is not None:
                digested.setdefault(thread.key, []).append((thread, key))
            yield thread
            continue
        cleaned = prepare(thread)
        if cleaned == thread:
            cache.put(key, True)
            if digested is not None:
                digested.setdefault(cleaned.key, []).append((cleaned, key))
        yield cleaned


def remember_clean(
    merged: Iterable[MergedThread], cache: StageCache[bool], digested: Mapping[str, list[tuple[Thread, str]]] | None = None
) -> list[str]:
    """Remember the merged threads as clean: they are what the corpus file
    will hold, and merging cleaned threads gives a thread cleaning leaves as
    it is (``tests/test_properties.py`` checks both halves of that).
    Returns their digests; a merged thread equal to one of the clean
    threads ``digested`` under its key (a thread the new scrape did not
    change) has that thread's digest."""
    keys = []
    for entry in merged:
        candidates = digested.get(entry.thread.key, ()) if digested is not None else ()
        known = next((digest for thread, digest in candidates if same_digest(thread, entry.thread)), None)
        keys.append(known or record_digest(entry.thread))
    for key in keys:
        if not cache.get(key):
            cache.put(key, True)
    return keys


def _encode_clean(value: bool) -> int:
    return 1


def _decode_clean(raw: object) -> bool:
    if raw != 1 or type(raw) is not int:
        raise ValueError("expected 1")
    return True


@dataclasses.dataclass(frozen=True)
class Caches:
    """What the last run computed (generator/cache.py), one cache per stage."""

    clean: StageCache[bool]
    facts: StageCache[Facts]
    pages: StageCache[PageEntry]
    relate: RelateCache
    index: IndexCache
    corpus: CorpusMemo

    @classmethod
    def under(cls, out: Path) -> Caches:
        return cls(
            clean=StageCache(out, "clean", _encode_clean, _decode_clean),
            facts=StageCache(out, "facts", encode_facts, decode_facts),
            pages=StageCache(out, "pages", encode_page, decode_page),
            relate=RelateCache(out),
            index=IndexCache(out),
            corpus=CorpusMemo(out),
        )

    def save(self) -> None:
        for cache in (self.clean, self.facts, self.pages, self.relate, self.index, self.corpus):
            cache.save()


def build_corpus(
    threads: Sequence[Thread],
    published: dict[str, str],
    warn: Callable[[Source, str], None],
    keep: Callable[[Thread], bool] = lambda thread: True,
    caches: Caches | None = None,
    lap: Callable[[str], None] = lambda stage: None,
) -> tuple[list[MergedThread], SlugPlan, list[Enriched], dict[str, str]]:
    """Everything from cleaned, unmerged threads to enriched, related items;
    merged threads that ``keep`` refuses (pruned) go no further.  ``lap``
    is told when each stage ends.  The last value maps each merged thread's
    key to its :func:`record_digest` (empty without ``caches``, which are
    what digests are for)."""
    digested: dict[str, list[tuple[Thread, str]]] = {}
    remembered = prepare_remembered(threads, caches and caches.clean, digested)
    merged = [m for m in merge_threads(remembered, known_thread_ids(published)) if keep(m.thread)]
    digests = remember_clean(merged, caches.clean, digested) if caches is not None else None
    plan = plan_slugs([(m.thread.key, m.keys, m.thread.title) for m in merged], published)
    lap("clean+merge")
    enriched = enrich(merged, plan.slugs, warn, caches and caches.facts, digests)
    lap("enrich")
    related = add_relations(enriched, cache=caches and caches.relate)
    lap("relate")
    by_key = {} if digests is None else {m.thread.key: digest for m, digest in zip(merged, digests)}
    return merged, plan, related, by_key


def _index(
    rendered: Sequence[RenderedPage], items: Sequence[Enriched], cache: IndexCache | None, on_disk: Sequence[PageOnDisk] = ()
) -> dict[str, bytes]:
    """The search index files of the thread pages as the site shows them:
    the converter's, and in place of (or beside) them the ``on_disk`` pages
    it did not write (the memo scores only what changed)."""
    replaced = {page.document.path for page in on_disk}
    ours = [page for page in rendered if page.document is not None and page.path not in replaced]
    taken = {page.document.slug for page in ours}
    theirs: list[PageOnDisk] = []
    for page in on_disk:  # a slug the converter's pages hold stays theirs
        if page.document.slug not in taken:
            taken.add(page.document.slug)
            theirs.append(page)
    documents = sorted_documents(page.document for page in [*ours, *theirs])
    digest_of = {page.document.slug: page.digest for page in [*ours, *theirs]}
    bodies = teaser_bodies(items) | {page.document.slug: page.body for page in theirs}
    if cache is None:
        return index_from_postings(documents, bodies, score_postings(documents, corpus_stats(documents)))
    return index_from_postings(documents, bodies, cache.postings(documents, [digest_of[doc.slug] for doc in documents]))


@dataclasses.dataclass(frozen=True)
class PageOnDisk:
    """A thread page the converter did not write, as search reads it."""

    document: Document
    digest: str  # sha256 of the file
    body: str  # its searchable text, for the result's teaser


def pages_not_written(root: Path, protected: Iterable[str], converter_paths: Iterable[str]) -> list[PageOnDisk]:
    """The thread pages under ``root`` whose file is not the converter's:
    pages it left alone because they were edited by hand (``protected``),
    and pages added to the threads folder by hand.  The site shows them, so
    its search must find them as ``kb search`` does (the same analysis);
    anything that is not a readable thread page is left out, as there."""
    taxonomy = load_taxonomy()
    ours = set(converter_paths)
    paths = {path for path in protected if path.startswith(f"{THREADS_DIR}/")}
    try:
        with os.scandir(root / THREADS_DIR) as entries:
            paths.update(
                f"{THREADS_DIR}/{entry.name}" for entry in entries
                if entry.name.endswith(".md") and entry.name != "index.md" and f"{THREADS_DIR}/{entry.name}" not in ours
            )
    except OSError:
        pass
    found: list[PageOnDisk] = []
    for path in sorted(paths):
        try:
            data = read_regular(root / path)
        except OSError:
            continue  # a folder, a link, a FIFO: never a page
        page = thread_frontmatter(data.decode("utf-8", errors="replace"))
        document = None if page is None else document_from(path, page[1], page[0], taxonomy)
        if document is not None:
            found.append(PageOnDisk(document, hashlib.sha256(data).hexdigest(), body_text(page[0])))
    return found


def _older_than(thread: Thread, cutoff: str) -> bool:
    """True when the thread's last activity is surely before ``cutoff``; a
    month-precision date counts as the month's last day, unknown dates are kept."""
    if not thread.last_active:
        return False
    padded = (thread.last_active + "-99-99")[:10]
    return padded < cutoff


def convert(
    inputs: Sequence[Path],
    out: Path,
    *,
    as_of: str = "",
    prune_before: str = "",
    warn: Callable[[Source, str], None] | None = None,
    use_cache: bool = True,
) -> RunSummary:
    """Merge ``inputs`` into the knowledge base under ``out`` and write its
    pages.  Raises InputError (before anything is written) when an input
    cannot be read at all.  ``prune_before`` (YYYY-MM-DD) drops threads whose
    last activity is older."""
    summary = RunSummary()

    def collect(source: Source, message: str) -> None:
        summary.warnings.append(f"{source}: {message}")
        if message.startswith(SET_ASIDE) or "skipped" in message:
            summary.skipped += 1
        if warn:
            warn(source, message)

    with collector_paused():
        return _convert(inputs, out, summary, collect, as_of=as_of, prune_before=prune_before, use_cache=use_cache)


def _convert(
    inputs: Sequence[Path],
    out: Path,
    summary: RunSummary,
    collect: Callable[[Source, str], None],
    *,
    as_of: str,
    prune_before: str,
    use_cache: bool,
) -> RunSummary:
    timer = _Timer(summary.timings)
    files, threads = read_inputs(inputs, warn=collect, as_of=as_of)
    summary.files, summary.entries = len(files), len(threads)
    read_problems = bool(summary.warnings)
    with run_lock(out):
        # A run killed mid-write (kill -9) leaves its temporaries: those of
        # the state files go here, those of the pages in write_files' walk.
        remove_leftover_temporaries(out / STATE_DIR)
        previous = load_corpus(out)
        published = load_slugs(out)
        timer.lap("read")
        pruned: set[str] = set()

        def keep(thread: Thread) -> bool:
            if prune_before and _older_than(thread, prune_before):
                pruned.add(thread.key)
                return False
            return True

        # What the last run classified and rendered (generator/cache.py).
        caches = Caches.under(out) if use_cache else None
        merged, plan, items, digests = build_corpus([*previous, *threads], published, collect, keep, caches, timer.lap)
        summary.pruned = len(pruned)
        rendered, items = render_all(items, collect, caches and caches.pages, out, digests)
        timer.lap("render")
        others = [*browse_pages(items), *redirect_pages(plan.redirects, {item.slug: item for item in items})]
        # A page on disk is reported unchanged without its bytes (write_files
        # never reads or writes an ``on_disk`` path), so it may not have them.
        files = [(page.path, page.data or b"") for page in rendered] + [(page.path, page_bytes(page)) for page in others]
        summary.threads, summary.pages = len(items), len(files)
        timer.lap("browse")
        # Stale pages (pruned or merged away) are removed only when every
        # input was read cleanly and the knowledge base is not empty.
        # A prune may empty the knowledge base on purpose.
        complete = (bool(merged) or bool(prune_before)) and not read_problems
        on_disk = frozenset(page.path for page in rendered if page.on_disk)
        # The knowledge base first, then its pages: a run stopped in between
        # leaves records whose pages the next run writes, never pages no
        # record holds (a later run would remove those as stale).
        corpus = corpus_bytes([m.thread for m in merged], caches and caches.corpus.written_lines(previous))
        write_state_files(out, {
            SITE_CONFIG: generated_config(sidebar_nav()),
            CORPUS: corpus,
            SLUGS: slugs_bytes(plan.published),
        })
        timer.lap("state")
        summary.report = write_files(out, files, remove_stale=complete, on_disk=on_disk)
        if caches is not None:
            remember_signatures(out, rendered, summary.report, caches.pages)
        timer.lap("write")
        hand_made = pages_not_written(out, summary.report.protected, (path for path, _ in files))
        write_index(out, _index(rendered, items, caches and caches.index, hand_made), remove_stale=complete)
        timer.lap("index")
        if caches is not None:
            caches.corpus.remember(corpus)
            caches.save()
    timer.lap("state")
    for path in summary.report.protected:
        collect(Source(str(out / path)), "not overwritten: the file was edited by hand or not generated by kb")
    return summary
