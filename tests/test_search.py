"""Search: the shared word cutting (generator/searchterms.py), the terms the
converter adds to a page, and `kb search` (generator/search.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.search_quality import Score, load_queries
from generator.cli import main as kb_main
from generator.records import Enriched, Facts, Post, Thread
from generator.search import body_text, load_documents, make_document, search
from generator.search import main as search_main
from generator.searchterms import (
    SEPARATOR,
    identifier_forms,
    is_identifier,
    search_boost,
    search_phrases,
    search_terms,
    tokens,
)
from generator.siteconfig import read_config
from generator.taxonomy import load_taxonomy
from tests.conftest import ROOT, SEED, SEED_DATE

TAXONOMY = load_taxonomy()


# --- the separator ------------------------------------------------------------


def test_mkdocs_search_separator_is_the_converters_separator():
    search = read_config(ROOT / "mkdocs.yml")["plugins"]["search"]
    assert search["separator"] == SEPARATOR


def test_separator_is_a_valid_javascript_style_regex_without_flags():
    # Material compiles it with `new RegExp(separator)`: no inline flags, no \p{}.
    assert "(?i" not in SEPARATOR and "\\p{" not in SEPARATOR
    re.compile(SEPARATOR)


def test_error_string_keeps_symbols_whole_and_splits_punctuation_and_stop_words():
    text = "saveToPreferences fails with NEFilterErrorDomain Code=1 (“Configuration invalid or read/write failed”)."
    assert tokens(text) == [
        "saveToPreferences", "fails", "NEFilterErrorDomain", "Code", "1",
        "Configuration", "invalid", "read", "write", "failed",
    ]


def test_versions_stay_whole_and_dotted_names_split():
    assert tokens("macOS 26.2. com.apple.developer.networking.networkextension") == [
        "macOS", "26.2", "com", "apple", "developer", "networking", "networkextension",
    ]


def test_paths_entities_and_feedback_ids_as_written():
    assert tokens("outside /Applications &lt;key&gt; FB21649104 xpc_error=[3: No such process]") == [
        "outside", "Applications", "key", "FB21649104", "xpc", "error", "3", "such", "process",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_tokens_are_never_empty_and_never_contain_spaces(text):
    for token in tokens(text):
        assert token and not any(ch.isspace() for ch in token)


# --- identifiers and terms ----------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "forms"),
    [
        ("NEPacketTunnelProvider", ["ne", "packet", "tunnel", "provider", "packettunnelprovider", "tunnelprovider"]),
        ("writePacketObjects", ["write", "packet", "objects", "packetobjects"]),
        ("NEIPv4Settings", ["ne", "ipv4", "settings", "ipv4settings"]),
        ("NEURLFilterManager", ["neurl", "filter", "manager", "filtermanager"]),
    ],
)
def test_identifier_forms_are_its_words_and_tails(identifier, forms):
    assert is_identifier(identifier)
    assert identifier_forms(identifier) == forms


@pytest.mark.parametrize("word", ["iOS", "iPhone", "NEXT", "FB21649104", "R65679C4F3", "Code", "tunnel"])
def test_words_and_ids_are_not_identifiers(word):
    assert not is_identifier(word)


def _item(title: str, body: str = "", apis: tuple[str, ...] = (), symbols: tuple[str, ...] = (), **counts) -> Enriched:
    thread = Thread(key="id:1", title=title, body=body, posts=(Post(body="Try writePacketObjects."),), **counts)
    return Enriched(thread=thread, slug="s", facts=Facts(apis=apis, symbols=symbols))


def test_url_filter_thread_gets_family_aliases_identifier_words_and_quoted_errors():
    item = _item(
        "Remove URL Filter configurations?",
        'NEURLFilterManager says "configuration is stale" when removed.',
        apis=("url-filter",),
        symbols=("NEURLFilterManager",),
    )
    assert search_phrases(item, TAXONOMY) == [
        "URL filter", "URL filters", "URL filtering", "Bloom filter", "PIR server", "private information retrieval",
        "NEURLFilterManager", "neurl filter manager filtermanager",
        "writePacketObjects", "write packet objects packetobjects",
        "configuration is stale",
    ]


def test_search_terms_is_a_hidden_escaped_raw_html_block():
    item = _item("A <script>", 'Got "<img src=x onerror=alert(1)> failed" from NEFilterManager', symbols=("NEFilterManager",))
    html = search_terms(item, TAXONOMY)
    assert html == (
        '<div class="kb-search-terms" hidden><sub>NEFilterManager · ne filter manager filtermanager · '
        "writePacketObjects · write packet objects packetobjects · "
        "&lt;img src=x onerror=alert(1)&gt; failed</sub></div>\n"
    )
    assert "\n\n" not in html


def test_search_terms_is_empty_for_a_thread_with_nothing_to_add():
    assert search_terms(Enriched(Thread(key="k", title="Hello there"), "s"), TAXONOMY) == ""


def test_unknown_family_id_is_skipped_not_fatal():
    assert search_phrases(Enriched(Thread(key="k", title="x"), "s", Facts(apis=("no-such-family",))), TAXONOMY) == []


def test_search_boost_prefers_on_topic_and_engaged_threads_within_bounds():
    off_topic = search_boost(_item("Audio panel"))
    on_topic = search_boost(_item("Filter", apis=("content-filter",)))
    popular = search_boost(_item("Filter", apis=("content-filter",), replies=30, views=5000))
    assert off_topic == 1.0
    assert 1.0 <= off_topic < on_topic < popular <= 2.0
    assert search_boost(_item("x", replies=-5, views=-1)) == 1.0


# --- kb search over pages -----------------------------------------------------


def _page(slug: str, title: str, body: str, apis: list[str], symbols: list[str]) -> str:
    meta = {"title": title, "slug": slug, "last_active": "2026-02", "apis": apis, "symbols": symbols, "topics": []}
    return "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n" + body


@pytest.fixture
def small_content(tmp_path) -> Path:
    pages = {
        "tunnel-mtu": _page("tunnel-mtu", "Large DNS responses dropped", "# Large DNS responses dropped\n\n## Question\n\n"
                            "`writePacketObjects()` on NEPacketTunnelFlow drops 900 byte packets.\n", ["packet-tunnel"],
                            ["NEPacketTunnelFlow", "writePacketObjects"]),
        "filter-smb": _page("filter-smb", "SMB stalls", "# SMB stalls\n\n## Question\n\nNEFilterDataProvider stalls SMB uploads.\n\n"
                            "## Related threads\n\n- [Large DNS responses dropped](tunnel-mtu.md) — packet tunnel\n",
                            ["content-filter"], ["NEFilterDataProvider"]),
        "audio": _page("audio", "Audio panel after call", "# Audio panel after call\n\nCallKit shows a panel.\n\n"
                       '<details class="kb-original" data-search-exclude><summary>Original</summary>'
                       "<pre>packet tunnel packet tunnel</pre></details>\n", [], []),
    }
    folder = tmp_path / "content" / "threads"
    folder.mkdir(parents=True)
    for slug, text in pages.items():
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    (tmp_path / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    return tmp_path / "content"


def test_plain_english_finds_the_family_through_its_aliases(small_content):
    hits = search(load_documents(small_content), "content filter")
    assert [hit.slug for hit in hits] == ["filter-smb"]


def test_identifier_part_and_prefix_and_typo_find_the_thread(small_content):
    documents = load_documents(small_content)
    assert [hit.slug for hit in search(documents, "TunnelFlow")] == ["tunnel-mtu"]
    assert [hit.slug for hit in search(documents, "writePacket")] == ["tunnel-mtu"]
    assert [hit.slug for hit in search(documents, "callkt panel")] == ["audio"]


def test_original_text_and_related_titles_are_not_searched(small_content):
    # "packet tunnel" appears only in the audio page's excluded original text
    # and in filter-smb's related list: only the real packet-tunnel thread matches.
    assert [hit.slug for hit in search(load_documents(small_content), "packet tunnel")] == ["tunnel-mtu"]


def test_body_text_drops_link_targets_tags_and_escapes():
    assert body_text(r"See [the docs](https://x.test/a_b) \*now\* <b>bold</b>").split() == ["See", "[the", "docs]", "*now*", "bold"]


def test_a_page_without_frontmatter_slug_is_not_a_thread():
    assert make_document("x.md", "# Just a page\n", TAXONOMY) is None


def test_json_output_is_slug_title_score(small_content, capsys):
    assert search_main(["--json", "--content", str(small_content), "-n", "1", "SMB", "stalls"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [sorted(entry) for entry in result] == [["score", "slug", "title"]]
    assert result[0]["slug"] == "filter-smb" and result[0]["title"] == "SMB stalls"


def test_text_output_shows_title_families_activity_and_path(small_content, capsys):
    assert search_main(["--content", str(small_content), "NEFilterDataProvider"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == " 1. SMB stalls"
    assert lines[1].startswith("    content-filter · last active 2026-02 · ")
    assert lines[1].split(" · ")[2].split("  (score")[0].endswith("content/threads/filter-smb.md")


def test_no_match_prints_so_and_exits_zero(small_content, capsys):
    assert search_main(["--content", str(small_content), "zzzzqqq"]) == 0
    assert capsys.readouterr().out.strip() == "no threads match"


def test_missing_content_is_exit_2_with_a_message(tmp_path, capsys):
    assert search_main(["--content", str(tmp_path / "nowhere"), "x"]) == 2
    assert "run `kb convert` first" in capsys.readouterr().err


_ORDER_DOCUMENTS = [
    make_document(f"{slug}.md", _page(slug, title, f"# {title}\n\nfilter packet text\n", apis, []), TAXONOMY)
    for slug, title, apis in [("tunnel-mtu", "DNS packet dropped", ["packet-tunnel"]),
                              ("filter-smb", "SMB filter stalls", ["content-filter"]),
                              ("audio", "Audio panel", []),
                              ("twin", "Audio panel", [])]
]


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(4)), query=st.sampled_from(["filter", "packet", "audio panel", "dns smb", "pannel"]))
def test_ranking_does_not_depend_on_document_order(order, query):
    shuffled = [_ORDER_DOCUMENTS[n] for n in order]
    assert search(shuffled, query) == search(_ORDER_DOCUMENTS, query)


# --- the seed: the issue's targets --------------------------------------------


@pytest.fixture(scope="module")
def seed_content(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("search-seed") / "content"
    assert kb_main(["convert", str(SEED), "--out", str(content), "--as-of", SEED_DATE, "-q"]) == 0
    return content


def test_kb_search_meets_the_issue_targets_on_the_query_set(seed_content):
    queries = load_queries()
    assert len(queries) >= 25
    documents = load_documents(seed_content)
    score = Score()
    for query in queries:
        score.add(query, [hit.title for hit in search(documents, query.query, limit=3)])
    assert score.first >= 0.9 * score.total, score.misses
    assert score.top3 >= score.total - 1, score.misses


def test_issue_examples_find_their_thread_first(seed_content):
    documents = load_documents(seed_content)
    first = {query: search(documents, query, limit=1)[0].slug for query in
             ["NEFilterErrorDomain Code=1", "writePacketObjects", "OSSystemExtensionError", "FB21649104"]}
    assert first == {
        "NEFilterErrorDomain Code=1": "nefiltermanager-fails-with-nefiltererrordomain-code-1-d57c36",
        "writePacketObjects": "nepackettunnelflow-large-udp-dns-responses-893-bytes-5ba6df",
        "OSSystemExtensionError": "sysextd-rejects-new-nefilterdataprovider-activation-with-no-706178",
        "FB21649104": "possible-26-2-memory-leak-regression-in-network-when-317051",
    }


# --- pages edited by hand, queries pasted whole ----------------------------------


@pytest.fixture
def edited_content(tmp_path):
    out = tmp_path / "content"
    assert kb_main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    return out


def _alias_bomb() -> str:
    lines = ["---", "a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    return "\n".join([*lines, "title: *a8", "last_active: *a8", "slug: bomb-abcdef", "---", "body", ""])


def test_a_page_whose_title_is_an_alias_bomb_is_searched_without_expanding_it(edited_content, capsys):
    """Loading the YAML is cheap (aliases are shared); turning the title into
    a string expanded 10^8 items."""
    (edited_content / "threads" / "bomb-abcdef.md").write_text(_alias_bomb(), encoding="utf-8")
    documents = {doc.slug: doc for doc in load_documents(edited_content)}
    assert documents["bomb-abcdef"].title == "bomb-abcdef" and documents["bomb-abcdef"].last_active == ""
    assert kb_main(["search", "--content", str(edited_content), "packet", "-n", "1"]) == 0


def test_only_the_first_words_of_a_pasted_log_count(edited_content):
    documents = load_documents(edited_content)
    noise = " ".join(f"zq{i}xv" for i in range(5000))
    pasted = [hit.slug for hit in search(documents, f"NEFilterDataProvider {noise}")]
    assert pasted and pasted == [hit.slug for hit in search(documents, "NEFilterDataProvider")]


def test_the_worker_counts_as_many_query_words_as_kb_search():
    from generator.search import MAX_QUERY_WORDS

    worker = (ROOT / "overrides" / "assets" / "kb-search" / "worker.js").read_text(encoding="utf-8")
    assert re.search(r"var MAX_QUERY_WORDS = (\d+);", worker)[1] == str(MAX_QUERY_WORDS)


def test_stats_count_thread_pages_only_and_a_hand_written_label_whole(edited_content, capsys):
    threads = edited_content / "threads"
    (threads / "note.md").write_text("---\ntitle: Hand-written note\nslug: note-abcdef\napis: packet-tunnel\n---\nbody\n", encoding="utf-8")
    (threads / "readme.md").write_text("just a note without frontmatter\n", encoding="utf-8")
    (threads / "latin1.md").write_bytes(b"---\ntitle: caf\xe9\nslug: cafe-abcdef\napis: 5\n---\nbody\n")
    (threads / "folder.md").mkdir()
    (threads / "bomb-abcdef.md").write_text(_alias_bomb(), encoding="utf-8")
    capsys.readouterr()
    assert kb_main(["stats", str(edited_content)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("23 threads")  # the seed's 20, the note, the latin-1 page and the bomb
    assert re.search(r"^  packet-tunnel +(\d+)$", out, re.M) and not re.search(r"^  [a-z-] +\d+$", out, re.M)


# ESC ] 0 ; retitles the terminal window, ESC [ 2 J clears it, a carriage
# return or newline forges a line, U+202E reverses what follows.
_TERMINAL_TRICKS = "\x1b]0;pwned\x07\x1b[2J\r\n 1. fake\u202eresult\x9b31m"


def test_kb_search_and_stats_show_control_characters_from_edited_pages_as_escapes(edited_content, capsys):
    page = (
        "---\n"
        f"title: {json.dumps('NEFilterDataProvider ' + _TERMINAL_TRICKS)}\n"
        "slug: tricks-abcdef\n"
        f"apis: [{json.dumps('label' + _TERMINAL_TRICKS)}]\n"
        f"last_active: {json.dumps('2026' + _TERMINAL_TRICKS)}\n"
        "---\nNEFilterDataProvider NEFilterDataProvider body\n"
    )
    (edited_content / "threads" / "tricks-abcdef.md").write_text(page, encoding="utf-8")
    capsys.readouterr()
    assert kb_main(["search", "--content", str(edited_content), "NEFilterDataProvider", "-n", "50"]) == 0
    searched = capsys.readouterr().out
    assert kb_main(["stats", str(edited_content)]) == 0
    counted = capsys.readouterr().out
    for out in (searched, counted):
        assert "\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x0a 1. fake\\u202eresult\\x9b31m" in out
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", out)
    assert not re.search(r"^ 1\. fake", searched, re.M)


def test_an_error_quoting_a_file_name_shows_its_control_characters_as_escapes(tmp_path, capsys):
    scrapes = tmp_path / "scrapes"
    scrapes.mkdir()
    (scrapes / "evil\x1b[2J.json").write_text("{not json", encoding="utf-8")
    (scrapes / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code = kb_main(["convert", str(scrapes), "--out", str(tmp_path / "content"), "--as-of", SEED_DATE])
    err = capsys.readouterr().err
    assert code == 2 and "evil\\x1b[2J.json: unrecognised input format" in err and "\x1b" not in err


def test_a_warning_quoting_a_file_name_and_scraped_text_shows_control_characters_as_escapes(tmp_path, capsys):
    scrapes = tmp_path / "scrapes"
    scrapes.mkdir()
    garbage = "garbage entry \x1b]0;pwned\x07 without structure\n"
    (scrapes / "a\x1b[2J.txt").write_text(SEED.read_text(encoding="utf-8") + "\n\n" + garbage, encoding="utf-8")
    assert kb_main(["convert", str(scrapes), "--out", str(tmp_path / "content"), "--as-of", SEED_DATE]) == 0
    err = capsys.readouterr().err
    assert "a\\x1b[2J.txt:" in err and "garbage entry \\x1b]0;pwned\\x07" in err and "\x1b" not in err


@settings(max_examples=400)
@given(text=st.lists(st.sampled_from(["](", ")", "]", "(", "<", ">", "<>", " ", "\n", "x", "é", "\u2003", "a(b)"]), max_size=24).map("".join))
def test_link_targets_and_tags_are_dropped_as_the_plain_patterns_drop_them(text):
    from generator import search as module

    assert module._drop_link_targets(text) == module._LINK_TARGET.sub("]", text)
    assert module._drop_tags(text) == module._TAG.sub(" ", text)


@pytest.mark.parametrize("line", [
    "<h2 data-search-exclude>never closed\n",
    "<div data-search-exclude>never closed ",
    "<div ",
    "<a ",
    "](",
])
def test_a_hand_edited_page_of_unclosed_markup_is_searched_at_once(edited_content, line):
    """Each line used to make the patterns scan to the end of the page again:
    150,000 "<a " took 22 s, and 20,000 unclosed headings 35 s."""
    import time

    body = line * 150_000
    (edited_content / "threads" / "unclosed-abcdef.md").write_text(
        f"---\ntitle: Unclosed\nslug: unclosed-abcdef\n---\nNEFilterDataProvider\n{body}", encoding="utf-8"
    )
    started = time.perf_counter()
    hits = search(load_documents(edited_content), "NEFilterDataProvider", limit=50)
    assert time.perf_counter() - started < 5
    assert "unclosed-abcdef" in {hit.slug for hit in hits}


def test_an_excluded_block_left_open_by_hand_excludes_the_rest_of_the_page():
    text = "kept words\n<details data-search-exclude>\nhidden words\n"
    assert "kept" in body_text(text) and "hidden" not in body_text(text)


def test_a_fifo_or_link_named_like_a_page_is_skipped_not_waited_on(edited_content, capsys):
    """Opening a FIFO for reading waits for a writer that never comes."""
    import os
    import threading

    threads = edited_content / "threads"
    os.mkfifo(threads / "fifo-abcdef.md")
    (threads / "link-abcdef.md").symlink_to(next(threads.glob("*-*.md")))
    outcome: dict[str, object] = {}

    def run() -> None:
        outcome["search"] = kb_main(["search", "--content", str(edited_content), "NEFilterDataProvider"])
        outcome["stats"] = kb_main(["stats", str(edited_content)])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive() and outcome == {"search": 0, "stats": 0}
    assert capsys.readouterr().out.count("20 threads") == 1  # neither the FIFO nor the link counted


@pytest.mark.parametrize(("typed", "meant"), [
    ("ＮＥＰａｃｋｅｔＴｕｎｎｅｌＰｒｏｖｉｄｅｒ", "NEPacketTunnelProvider"),
    ("ＶＰＮ　ｏｎ　ｄｅｍａｎｄ", "VPN on demand"),
    ("Ｃｏｄｅ＝１", "Code=1"),
    ("nai\u0308ve packet", "na\u00efve packet"),
    ("ｃａｆｅ\u0301 ＶＰＮ", "caf\u00e9 VPN"),
])
def test_a_full_width_or_decomposed_query_finds_what_its_plain_form_finds(seed_content, typed, meant):
    """An input method's full-width letters, or an accent typed as its own
    character, found nothing: the pages are NFC and half-width."""
    documents = load_documents(seed_content)
    expected = [hit.slug for hit in search(documents, meant)]
    assert expected and [hit.slug for hit in search(documents, typed)] == expected



@pytest.mark.parametrize("n", ["0", "-1", "x"])
def test_a_result_count_below_1_is_a_usage_error_not_no_match(small_content, capsys, n):
    """-n 0 printed "no threads match" with exit 0."""
    with pytest.raises(SystemExit) as stopped:
        kb_main(["search", "--content", str(small_content), "packet", "-n", n])
    assert stopped.value.code == 2
    assert "-n" in capsys.readouterr().err


def test_json_output_writes_direction_and_c1_characters_as_escapes(edited_content, capsys):
    page = "---\ntitle: \"NEFilterDataProvider \\u202Eevil\\x9b\"\nslug: bidi-abcdef\n---\nNEFilterDataProvider\n"
    (edited_content / "threads" / "bidi-abcdef.md").write_text(page, encoding="utf-8")
    capsys.readouterr()
    assert kb_main(["search", "--content", str(edited_content), "--json", "-n", "50", "NEFilterDataProvider"]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\x9b" not in out and "\\u202e" in out
    assert "NEFilterDataProvider \u202eevil\x9b" in {hit["title"] for hit in json.loads(out)}


def test_a_redirect_page_is_not_a_thread_for_kb_search_or_kb_stats(edited_content, capsys):
    """A moved thread's old path stays for good; it is not a second thread."""
    (edited_content / "threads" / "old-abcdef.md").write_text(
        "---\ntitle: 'Moved: NEFilterDataProvider stops'\nslug: old-abcdef\nmoved_to: new-abcdef\n---\n"
        "# Moved: NEFilterDataProvider stops\n\nThis thread now lives at [x](new-abcdef.md).\n",
        encoding="utf-8",
    )
    assert "old-abcdef" not in {doc.slug for doc in load_documents(edited_content)}
    capsys.readouterr()
    assert kb_main(["stats", str(edited_content)]) == 0
    assert capsys.readouterr().out.startswith("20 threads")
