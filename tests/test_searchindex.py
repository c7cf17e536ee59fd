"""The sharded search index (generator/searchindex.py): what the converter
writes for the browser's search worker.  Pure unit tests on the seed: the
same ranking as `kb search`, deterministic bytes, small shards, inert text.
The worker itself runs in tests/test_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.search_quality import load_queries
from generator.cli import main as kb_main
from generator.pipeline import build_corpus, convert
from generator.render import render_thread
from generator.readers import read_inputs
from generator.records import PageDoc
from generator.search import load_documents, make_document, search
from generator.searchindex import (
    INDEX_DIR,
    TERM_SHARD_BYTES,
    decode_numbers,
    decode_postings,
    encode_numbers,
    encode_postings,
    index_files,
    key_for,
    page_document,
    search_files,
    shard_keys,
    shard_name,
    write_index,
)
from generator.taxonomy import load_taxonomy
from generator.write import page_bytes
from tests.conftest import ROOT, SEED, SEED_DATE

TAXONOMY = load_taxonomy()


def _ignore(*_: object) -> None:
    pass


@pytest.fixture(scope="module")
def seed_pages():
    _, threads = read_inputs([SEED], warn=_ignore, as_of=SEED_DATE)
    _, _, items, _ = build_corpus(threads, {}, _ignore)
    return [render_thread(item) for item in items], items


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("index") / "content"
    assert kb_main(["convert", str(SEED), "--out", str(content), "--as-of", SEED_DATE, "-q"]) == 0
    return content


def _files(content: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (content / INDEX_DIR).iterdir()}


# --- the same analysis and ranking as kb search -------------------------------


def test_documents_are_the_ones_kb_search_reads_from_the_written_pages(seed_pages):
    pages, _ = seed_pages
    threads = [page for page in pages if page.path.startswith("threads/")]
    assert threads
    for page in threads:
        assert page_document(page, TAXONOMY) == make_document(page.path, page_bytes(page).decode("utf-8"), TAXONOMY)


def test_ranking_is_kb_search_ranking_on_the_whole_query_set(converted):
    documents = load_documents(converted)
    files = _files(converted)
    for query in [q.query for q in load_queries()] + ["polcy", "writePacket", "packet tun", "nefilterdataprovder"]:
        expected = [(hit.title, hit.score) for hit in search(documents, query)]
        got = [(title, score) for _, title, score in search_files(files, query)]
        assert [title for title, _ in got] == [title for title, _ in expected], query
        assert all(abs(a - b) <= 0.02 for (_, a), (_, b) in zip(got, expected)), query


def test_the_pipeline_writes_the_index_and_thread_pages_leave_materials_index(converted):
    assert (converted / INDEX_DIR / "meta.js").is_file()
    page = next((converted / "threads").glob("*.md")).read_text(encoding="utf-8")
    assert "search:\n  exclude: true\n" in page


def test_locations_point_at_the_built_thread_pages(converted):
    files = _files(converted)
    location, title, _ = search_files(files, "writePacketObjects")[0]
    assert location.startswith("threads/nepackettunnelflow-") and location.endswith(".html")
    assert (converted / location.replace(".html", ".md")).is_file()
    assert title.startswith("NEPacketTunnelFlow: large UDP DNS responses")


# --- bytes --------------------------------------------------------------------


def test_same_pages_give_the_same_bytes_in_any_order(seed_pages):
    pages, items = seed_pages
    first = index_files(pages, items, TAXONOMY)
    assert index_files(list(reversed(pages)), list(reversed(items)), TAXONOMY) == first


def test_every_file_is_one_inert_ascii_script_call(seed_pages):
    pages, items = seed_pages
    files = index_files(pages, items, TAXONOMY)
    assert {"meta.js", "d0.js"} <= set(files)
    for name, data in files.items():
        text = data.decode("ascii")
        assert re.fullmatch(r'self\.__kbShard\("[a-z0-9]+",.*\);\n', text, re.S), name
        assert "<" not in text and ">" not in text and "&" not in text, name
        json.loads(text[len(f'self.__kbShard("{name[:-3]}",') : -3])


def test_scraped_markup_is_stored_as_plain_text_never_as_markup():
    page = PageDoc(
        "threads/x.md",
        {"title": "<script>alert(1)</script> & co", "slug": "x", "apis": [], "symbols": [], "topics": []},
        "# title\n\n<img src=x onerror=alert(1)>\n",
    )
    files = index_files([page], (), TAXONOMY)
    assert b"<script" not in b"".join(files.values())
    (location, title, _), = search_files(files, "script")
    assert (location, title) == ("threads/x.html", "<script>alert(1)</script> & co")


def test_empty_site_has_a_valid_index():
    files = index_files([], (), TAXONOMY)
    assert set(files) == {"meta.js"}
    assert search_files(files, "anything") == []


# --- sharding -----------------------------------------------------------------


def test_shards_split_by_longer_prefixes_until_small():
    sizes = {f"ne{chr(97 + i)}{j}": 100 for i in range(10) for j in range(10)} | {"ne": 50, "big": 5000, "b": 10}
    keys = shard_keys(sizes, limit=1000)
    key_set = set(keys)
    shards: dict[str, int] = {}
    for word, size in sizes.items():
        key = key_for(word, key_set)
        assert key is not None and word.startswith(key)
        shards[key] = shards.get(key, 0) + size
    assert all(total <= 1000 or key == "big" or key == "b" for key, total in shards.items()), shards
    assert "ne" in keys and "nea" in keys


def test_a_word_thousands_of_characters_long_gets_a_short_key():
    """A pasted hex dump is one word: splitting it a character at a time
    overflowed the stack, and its key names a file (shard_name)."""
    dump = (bytes(range(256)) * 30).hex()[:12_000]
    sizes = {dump: 40_000, dump[:-1] + "x": 40_000, "abc": 10, dump[:30]: 5}
    keys = set(shard_keys(sizes, limit=1000))
    assert all(len(key) <= 24 for key in keys)
    for word in sizes:
        key = key_for(word, keys)
        assert key is not None and word.startswith(key)
    assert len(shard_name(max(keys, key=len)) + ".js") < 255


def test_a_thread_holding_a_huge_token_is_indexed_and_found(tmp_path):
    dump = (bytes(range(256)) * 30).hex()[:12_000]
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "\n".join(["Posts under Network Extension tag", "Post", "Replies", "Boosts", "Views", "Activity",
                   "Tunnel drops packets", f"Packet dump: {dump} then NEPacketTunnelProvider stops", "1", "0", "5", "3w"]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "content"
    summary = convert([listing], out, as_of="2026-03-16")
    assert summary.threads == 1 and not summary.skipped
    files = {p.name: p.read_bytes() for p in (out / INDEX_DIR).iterdir()}
    assert [title for _, title, _ in search_files(files, "NEPacketTunnelProvider")] == ["Tunnel drops packets"]


def test_seed_term_shards_stay_under_the_size_limit(seed_pages):
    pages, items = seed_pages
    files = index_files(pages, items, TAXONOMY)
    meta = json.loads(files["meta.js"].decode()[len('self.__kbShard("meta",') : -3])
    for key in meta["keys"]:
        data = json.loads(files[shard_name(key) + ".js"].decode()[len(f'self.__kbShard("{shard_name(key)}",') : -3])
        assert len(data) == 1 or sum(len(w) + len(p) for w, p in data.items()) <= TERM_SHARD_BYTES


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 40_000), st.integers(min_value=0, max_value=2**40)), max_size=30))
def test_numbers_round_trip(numbers):
    assert decode_numbers(encode_numbers(numbers)) == numbers


@pytest.mark.parametrize("text", ["!", "0!", "W", "0W", "ab"])
def test_text_that_is_not_encoded_numbers_is_refused(text):
    with pytest.raises(ValueError):
        decode_numbers(text)


def test_zero_padded_digits_decode_to_their_value():
    assert decode_numbers("W0X1") == [0, 33]


@pytest.mark.parametrize("numbers", [[-1], [5, -3], [2**40, -1]])
def test_a_negative_number_is_refused(numbers):
    with pytest.raises(ValueError):
        encode_numbers(numbers)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50_000), st.integers(1, 100_000)), max_size=30, unique_by=lambda p: p[0]))
def test_postings_round_trip(postings):
    postings = sorted(postings)
    assert decode_postings(encode_postings(postings)) == postings


# --- writing ------------------------------------------------------------------


def test_write_index_skips_unchanged_files_and_removes_only_stale_index_files(tmp_path):
    assert write_index(tmp_path, {"meta.js": b"a", "t61.js": b"b"}) == 2
    other = tmp_path / INDEX_DIR / "README.txt"
    other.write_text("not ours")
    assert write_index(tmp_path, {"meta.js": b"a", "t62.js": b"c"}) == 1
    assert sorted(p.name for p in (tmp_path / INDEX_DIR).iterdir()) == ["README.txt", "meta.js", "t62.js"]


def test_the_theme_points_materials_search_at_the_kb_worker():
    main = (ROOT / "overrides" / "main.html").read_text(encoding="utf-8")
    assert '"search": "assets/kb-search/worker.js" | url' in main
    worker = (ROOT / "overrides" / "assets" / "kb-search" / "worker.js").read_text(encoding="utf-8")
    assert "importScripts" in worker and "__kbShard" in worker
