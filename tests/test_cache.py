"""The converter's cache (generator/cache.py): a warm run gives exactly the
pages a cold run gives, does no work it remembers, and never trusts a page
or a cache file that changed behind its back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import pipeline
from generator.cache import CACHE_DIR
from generator.pipeline import convert
from generator.readers.listing import read_listing
from generator.write import STATE_DIR
from tests.conftest import SEED, SEED_DATE


def _content(root: Path) -> dict[str, bytes]:
    """Every file a reader or the site sees (not the lock, not the cache)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "lock" and f"{STATE_DIR}/{CACHE_DIR}" not in p.as_posix()
    }


def _entries(path: Path) -> dict[str, object]:
    """A stage cache's entries (JSON Lines: the version, then key TAB entry)."""
    lines = path.read_bytes().split(b"\n")[1:]
    return {key.decode(): json.loads(entry) for key, _, entry in (line.partition(b"\t") for line in lines if line)}


def _write_entries(path: Path, entries: dict[str, object]) -> None:
    header = path.read_bytes().split(b"\n", 1)[0]
    body = b"".join(f"{key}\t{json.dumps(entry)}\n".encode() for key, entry in entries.items())
    path.write_bytes(header + b"\n" + body)


def _changed_seed(tmp_path: Path) -> Path:
    """The seed with one thread's body and views changed."""
    text = SEED.read_text(encoding="utf-8")
    first = next(iter(read_listing(SEED)))
    changed = text.replace(first.body, first.body + " Same after updating to macOS 26.4.", 1)
    assert changed != text
    path = tmp_path / "seed-changed.txt"
    path.write_text(changed, encoding="utf-8")
    return path


@pytest.fixture
def count_work(monkeypatch):
    """How many threads were classified and rendered (not taken from the cache)."""
    done = {"classified": 0, "rendered": 0}
    classify, render = pipeline._classify_safely, pipeline._render_safely

    def counting_classify(thread):
        done["classified"] += 1
        return classify(thread)

    def counting_render(item):
        done["rendered"] += 1
        return render(item)

    monkeypatch.setattr(pipeline, "_classify_safely", counting_classify)
    monkeypatch.setattr(pipeline, "_render_safely", counting_render)
    return done


def test_a_rerun_with_nothing_new_classifies_and_renders_nothing(tmp_path, count_work):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    first = _content(out)
    assert count_work == {"classified": 20, "rendered": 20}
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert count_work == {"classified": 20, "rendered": 20}  # nothing more
    assert _content(out) == first
    assert not summary.report.written


def test_after_one_change_a_warm_run_writes_what_a_cold_run_writes(tmp_path, count_work):
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    changed = _changed_seed(tmp_path)
    convert([SEED], warm, as_of=SEED_DATE)
    convert([changed], warm, as_of=SEED_DATE)
    # One thread is new work; its neighbours' pages change only where their
    # related lists do, and are rendered again for that reason alone.
    assert count_work["classified"] == 21
    assert 21 <= count_work["rendered"] < 40
    convert([SEED], cold, as_of=SEED_DATE, use_cache=False)
    convert([changed], cold, as_of=SEED_DATE, use_cache=False)
    assert not (cold / STATE_DIR / CACHE_DIR).exists()
    assert _content(warm) == _content(cold)


def test_a_page_edited_by_hand_is_not_taken_from_the_cache(tmp_path):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    page = sorted((out / "threads").glob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("\n", "\nMy own note.\n", 3), encoding="utf-8")
    edited = page.read_bytes()
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert f"threads/{page.name}" in summary.report.protected
    assert page.read_bytes() == edited


@pytest.fixture
def page_reads(monkeypatch):
    """The thread pages read from disk (by any Path.read_bytes)."""
    read: list[str] = []
    real = Path.read_bytes

    def reading(self):
        if self.parent.name == "threads":
            read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reading)
    return read


def test_a_rerun_does_not_read_pages_whose_files_are_as_it_left_them(tmp_path, page_reads):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    page_reads.clear()
    assert not convert([SEED], out, as_of=SEED_DATE).report.written
    assert page_reads == []


def test_a_touched_page_is_read_once_and_kept(tmp_path, page_reads):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    page = sorted((out / "threads").glob("*.md"))[0]
    os.utime(page, ns=(1, 1))  # another mtime, the same bytes
    page_reads.clear()
    assert not convert([SEED], out, as_of=SEED_DATE).report.written
    assert page_reads == [page.name]
    page_reads.clear()
    convert([SEED], out, as_of=SEED_DATE)
    assert page_reads == []  # its new signature was remembered


def test_an_edit_of_the_same_size_with_the_old_mtime_is_still_noticed(tmp_path):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    page = sorted((out / "threads").glob("*.md"))[0]
    before = page.stat()
    data = page.read_bytes()
    edited = data.replace(b"e", b"E", 1)
    assert edited != data and len(edited) == len(data)
    page.write_bytes(edited)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # only the ctime tells
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert f"threads/{page.name}" in summary.report.protected
    assert page.read_bytes() == edited


def test_a_deleted_page_is_written_again(tmp_path):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    page = sorted((out / "threads").glob("*.md"))[0]
    data = page.read_bytes()
    page.unlink()
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert summary.report.written == [f"threads/{page.name}"]
    assert page.read_bytes() == data


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json",
        b"[1, 2, 3]",
        b'{"version": "0", "entries": {}}',
        None,  # right version, entries of the wrong shape
    ],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(tmp_path, damage):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    first = _content(out)
    for cache in (out / STATE_DIR / CACHE_DIR).glob("*.json*"):
        if damage is None and cache.suffix == ".jsonl":
            _write_entries(cache, {key: ["wrong", {"shape": 1}] for key in _entries(cache)})
        elif damage is None:
            data = json.loads(cache.read_text(encoding="utf-8"))
            data["entries"] = {key: ["wrong", {"shape": 1}] for key in data["entries"]}
            cache.write_text(json.dumps(data), encoding="utf-8")
        else:
            cache.write_bytes(damage)
    for page in (out / "threads").glob("*.md"):
        page.unlink()
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert not summary.warnings
    assert _content(out) == first
    assert _entries(out / STATE_DIR / CACHE_DIR / "pages.jsonl")


def test_the_cache_keeps_only_what_the_last_run_used(tmp_path):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    convert([_changed_seed(tmp_path)], out, as_of=SEED_DATE)
    for name in ("facts", "pages"):
        assert len(_entries(out / STATE_DIR / CACHE_DIR / f"{name}.jsonl")) == 20, name


def _tamper(entry: list, how: str) -> None:
    if how == "page path":
        entry[0] = "index.md"  # a real, owned page -- but not this thread's
    elif how == "search path":
        entry[2][2] = "javascript:alert(1).md"
    elif how == "search title":
        entry[2][1] = "<img src=x onerror=alert(1)>"
    elif how == "search families":
        entry[2][3] = ["../../etc/passwd"]
    elif how == "unknown search field":
        entry[2][5]["bogus"] = {"x": 1}
    elif how == "infinite count":
        entry[2][5]["body"] = {"w": 1e999}
    elif how == "fields not a mapping":
        entry[2][5] = ["body"]
    elif how == "words not a mapping":
        entry[2][5]["body"] = ["w"]


TAMPERING = ["page path", "search path", "search title", "search families", "unknown search field",
             "infinite count", "fields not a mapping", "words not a mapping"]


@pytest.mark.parametrize("how", TAMPERING)
def test_a_tampered_page_entry_is_not_used(tmp_path, how):
    """The cache lives in the content folder; an entry rewritten to name some
    other file, or whose search record is not this thread's (a link or a
    title in the search results) or not an analysis at all, is not used:
    the run gives exactly a cold run's output, without a traceback."""
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    first = _content(out)
    cache = out / STATE_DIR / CACHE_DIR / "pages.jsonl"
    entries = _entries(cache)
    for entry in entries.values():
        _tamper(entry, how)
    _write_entries(cache, entries)
    for _ in range(2):  # and the next run again: the bad entries were replaced
        summary = convert([SEED], out, as_of=SEED_DATE)
        assert not summary.warnings
        assert _content(out) == first


@pytest.mark.parametrize("how", ["unknown family", "infinite weight", "weight not a number", "deep nesting"])
def test_tampered_facts_are_not_used(tmp_path, how):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    first = _content(out)
    cache = out / STATE_DIR / CACHE_DIR / "facts.jsonl"
    if how == "deep nesting":
        header = cache.read_bytes().split(b"\n", 1)[0]
        nested = "[" * 100_000 + "]" * 100_000
        cache.write_bytes(header + b"\n" + "".join(f"{key}\t{nested}\n" for key in _entries(cache)).encode())
    else:
        entries = _entries(cache)
        for entry in entries.values():
            if how == "unknown family":
                entry[0] = ["](javascript:alert(1))"]
            elif entry[5]:
                entry[5][0][4] = 10**400 if how == "infinite weight" else "heavy"
        _write_entries(cache, entries)
    for page in (out / "threads").glob("*.md"):
        page.unlink()  # so that every page is rendered from the facts
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert not summary.warnings
    assert _content(out) == first


def test_a_fifo_where_a_page_was_does_not_hang_the_run(tmp_path):
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    page = sorted((out / "threads").glob("*.md"))[0]
    page.unlink()
    os.mkfifo(page)
    summary = convert([SEED], out, as_of=SEED_DATE)
    assert summary.report.protected == [f"threads/{page.name}"]


def test_a_hand_edited_corpus_file_is_written_back_canonical(tmp_path):
    """Unchanged threads are written back as their lines only while the
    corpus file is the one the converter wrote: lines someone reformatted
    (the same records) come back in the converter's own form."""
    out = tmp_path / "content"
    convert([SEED], out, as_of=SEED_DATE)
    corpus = out / STATE_DIR / "corpus.jsonl"
    canonical = corpus.read_bytes()
    reformatted = b"".join(json.dumps(json.loads(line), indent=None, separators=(", ", ": ")).encode() + b"\n"
                           for line in canonical.splitlines())
    assert reformatted != canonical
    corpus.write_bytes(reformatted)
    convert([SEED], out, as_of=SEED_DATE)
    assert corpus.read_bytes() == canonical


def test_a_rerun_writes_the_corpus_file_a_cold_run_writes(tmp_path):
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    changed = _changed_seed(tmp_path)
    for source in (SEED, changed, SEED):
        convert([source], warm, as_of=SEED_DATE)
        convert([source], cold, as_of=SEED_DATE, use_cache=False)
        assert (warm / STATE_DIR / "corpus.jsonl").read_bytes() == (cold / STATE_DIR / "corpus.jsonl").read_bytes()


def test_a_count_no_float_can_hold_is_not_a_count():
    """A page cache entry with word counts of 10**400 (valid JSON) ended the
    run with an OverflowError when the search index scored it."""
    from generator.cache import SCORED_COUNT, all_counts

    assert all_counts([0, 3, 2**53], SCORED_COUNT) and not all_counts([1, 10**400], SCORED_COUNT)
    assert all_counts([1, 10**400]) and not all_counts([-1]) and not all_counts([True])  # a file signature is no score
