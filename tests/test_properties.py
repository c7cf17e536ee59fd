"""Property tests (hypothesis, bounded so the suite stays fast).

* any string survives the frontmatter round trip through MkDocs' own parser;
* any scraped prose renders, through the real Markdown with the site's
  extensions, to exactly its literal text;
* any path the converter computes stays inside the content folder;
* converting twice is idempotent, and the input order does not matter.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from generator.body import render_body
from generator.clean import clean_body, clean_line, prepare
from generator.merge import merge_group, merge_ranked, merge_threads
from generator.records import Post, Source, Thread
from generator.cli import main
from generator.escape import escape_block, escape_inline, link_text
from generator.frontmatter import dump_frontmatter
from generator.render import thread_path
from generator.slugs import SLUG_PATTERN, make_slug
from generator.write import safe_destination
from tests.conftest import SEED_DATE
from tests.sitebuild import site_markdown

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Text as strangers type it: every Unicode character hypothesis knows (no
# surrogates: they cannot be UTF-8), weighted towards Markdown/HTML syntax.
SYNTAX = list("\\`*_[]()<>!#&;:=+-~^|{}%$\"'/.?@ \n\t")
scraped = st.text(alphabet=st.one_of(st.sampled_from(SYNTAX), st.characters(exclude_categories=("Cs",))), max_size=120)
words = st.text(alphabet=st.one_of(st.sampled_from(SYNTAX), st.characters(codec="ascii")), min_size=1, max_size=60)


def to_html(text: str) -> str:
    return site_markdown().convert(text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.parts.append(data)


def visible(html: str) -> tuple[str, set[str]]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), parser.tags


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- frontmatter ----------------------------------------------------------------


@FAST
@given(title=st.text(), why=st.text(), tags=st.lists(st.text(), max_size=3))
def test_any_string_survives_the_frontmatter_round_trip_through_mkdocs(title, why, tags):
    meta = {"title": title, "slug": "x-000000", "replies": 3, "related": [{"slug": "y", "title": title, "why": why}], "tags": tags}
    _, read_back = get_data(dump_frontmatter(meta) + "\n# Body\n")
    assert read_back == meta


@FAST
@given(title=scraped)
def test_any_cleaned_title_is_valid_utf8_yaml_that_reads_back_the_same(title):
    cleaned = clean_line(title)
    text = dump_frontmatter({"title": cleaned})
    text.encode("utf-8")
    assert get_data(text + "\nbody\n")[1]["title"] == cleaned


# --- scraped prose renders literally --------------------------------------------


@FAST
@given(text=scraped)
def test_escaped_prose_renders_to_exactly_its_literal_text(text):
    prose = clean_body(text)
    shown, tags = visible(to_html(escape_block(prose)))
    assert squash(shown) == squash(prose)
    assert tags <= {"p", "br"}


@FAST
@given(title=words)
@example(title="Swift or C#")  # a heading drops closing hashes
@example(title="#")
def test_an_escaped_title_is_exactly_the_heading_text(title):
    title = clean_line(title)
    shown, tags = visible(to_html(f"# {escape_inline(title)}"))
    assert shown.strip() == title.strip()
    assert tags == {"h1"}


LINK_CONTEXTS = {
    "paragraph": "{link}",
    "list item": "- {link} — similar question",
    "table cell": "| Thread | Views |\n|---|--:|\n| {link} | 3 |",
}


@FAST
@given(title=words, context=st.sampled_from(sorted(LINK_CONTEXTS)))
@example(title="]:", context="list item")  # the line would read as a reference definition
@example(title="a | b", context="table cell")
def test_escaped_link_text_is_exactly_the_link_text_where_the_converter_writes_links(title, context):
    title = clean_line(title)
    html = to_html(LINK_CONTEXTS[context].format(link=f"[{link_text(title)}](x-000000.md)"))
    anchors = re.findall(r'<a href="x-000000.md">(.*?)</a>', html, re.S)
    assert len(anchors) == 1 and html.count("<a ") == 1
    assert visible(anchors[0])[0].strip() == title.strip()


BODY_TAGS = {"p", "code", "pre", "span", "div", "ul", "ol", "li", "em", "strong", "br", "a"}


@settings(max_examples=100, deadline=None)
@given(text=scraped)
def test_the_body_renderer_shows_every_character_of_the_scraped_text(text):
    prose = clean_body(text)
    html = to_html(render_body(prose))
    shown, tags = visible(html)
    assert squash(shown) == squash(prose)
    assert tags <= BODY_TAGS
    # The only links are the converter's own, to Apple's documentation.
    assert all(href.startswith("https://developer.apple.com/") for href in re.findall(r'<a href="([^"]*)"', html))


# --- paths stay inside content/ -------------------------------------------------------


@FAST
@given(title=st.text(), key=st.text())
def test_any_title_gives_a_safe_path_inside_the_content_folder(title, key):
    slug = make_slug(title, "title:" + key)
    assert SLUG_PATTERN.match(slug) and slug.isascii()
    root = Path(tempfile.gettempdir()) / "kb-property-root"
    destination = safe_destination(root, thread_path(slug))
    assert destination.parent == root / "threads"


# --- converting twice; input order ---------------------------------------------------

LISTING_HEADER = "Network Extension\nPosts under Network Extension tag\nPost\nReplies\nBoosts\nViews\nActivity\n"
entry = st.tuples(
    st.text(alphabet=st.one_of(st.sampled_from(SYNTAX[:-2]), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))), min_size=1, max_size=50).filter(lambda t: t.strip() and clean_line(t)),
    st.text(alphabet=st.one_of(st.sampled_from(SYNTAX[:-2]), st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))), min_size=1, max_size=80).filter(lambda t: t.strip()),
    st.integers(0, 5000),
)


def write_listing(path: Path, entries) -> Path:
    text = LISTING_HEADER + "".join(f"{title.strip()}\n{body.strip()}\n{views % 7}\n0\n{views}\n3w\n" for title, body, views in entries)
    path.write_text(text, encoding="utf-8")
    return path


scraped_line = st.text(alphabet=st.one_of(st.sampled_from(SYNTAX + list("\r\u0085\u2028\u00ad\u202e\x00\x1b")), st.characters(exclude_categories=("Cs",))), max_size=40)
thread_records = st.builds(
    Thread,
    key=scraped_line.map(lambda t: "title:" + t),
    title=scraped_line,
    body=scraped,
    forum=scraped_line,
    thread_id=st.sampled_from(["", "101", "202"]),
    activity=scraped_line,
    author=scraped_line,
    tags=st.lists(scraped_line, max_size=3).map(tuple),
    posts=st.lists(st.builds(Post, author=scraped_line, body=scraped, date=scraped_line), max_size=2).map(tuple),
)


@FAST
@given(st.lists(thread_records, min_size=1, max_size=4))
# A control character hid mojibake from the repair until it was removed;
# a zero-width space kept an accent from composing.
@example([Thread(key="title:a", title="a", author="\x8d\u00c2\u00a1")])
@example([Thread(key="title:", title="", author="\u00c2\x1f\u00a1")])  # removed by ftfy itself
@example([Thread(key="title:a", title="e\u200b\u0301", body="caf\u00e9\x9f\u00c3\u00a9")])
# Collapsing the no-break space let ftfy see "Ã©" as "é" only on a second cleaning.
@example([Thread(key="title:a", title="DNS proxy\u00a0\u00c3\u00a9chec", author="x\u00a0\u00c3\u00a9")])
def test_cleaning_is_idempotent_and_merged_clean_threads_are_clean(threads):
    """What generator.pipeline.remember_clean relies on: a cleaned thread,
    and a thread merged from cleaned threads, clean to themselves."""
    cleaned = [prepare(thread) for thread in threads]
    assert [prepare(thread) for thread in cleaned] == cleaned
    for entry in merge_threads(cleaned):
        assert prepare(entry.thread) == entry.thread


@FAST
@given(thread_records, st.lists(st.sampled_from(["listing.txt:3", "a/b.txt:10", "corpus.jsonl:1", "", "listing.txt:3"]), min_size=2, max_size=4))
def test_merging_records_alike_but_for_their_source_is_the_ranked_merge(thread, places):
    """A thread scraped again unchanged (the usual group) is merged without
    ranking its records; the result must be exactly the ranked merge's."""
    # "" keeps the thread's own source; a repeated place makes two sources tie.
    records = [dataclasses.replace(thread, source=Source(*_path_line(place))) if place else thread for place in places]
    assert merge_group(records) == merge_ranked(records)  # MergedThread equality covers the source too


def _path_line(place: str) -> tuple[str, int]:
    path, line = place.split(":")
    return path, int(line)


def without_caches(found: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in found.items() if not path.startswith(".forum-kb/cache/")}


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != "lock"}


@SLOW
@given(first=st.lists(entry, min_size=1, max_size=4), second=st.lists(entry, min_size=1, max_size=4))
def test_converting_twice_is_idempotent_and_input_order_does_not_matter(first, second):
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        a = write_listing(tmp / "a.txt", first)
        b = write_listing(tmp / "b.txt", second)
        out, reversed_out = tmp / "content", tmp / "reversed"
        common = ["--as-of", SEED_DATE, "-q"]
        assert main(["convert", str(a), str(b), "--out", str(out), *common]) in (0, 1)
        once = files(out)
        mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}
        assert main(["convert", str(a), str(b), "--out", str(out), *common]) in (0, 1)
        assert files(out) == once
        assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes
        assert main(["convert", str(b), str(a), "--out", str(reversed_out), *common]) in (0, 1)
        # The caches remember the page files' signatures, different in every folder.
        assert without_caches(files(reversed_out)) == without_caches(once)
        for name in once:
            assert ".." not in name.split("/")


@settings(max_examples=300)
@given(text=st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_cleans_as_if_ftfy_had_seen_it(text):
    """ASCII text skips ftfy (speed); the result must be what ftfy gives."""
    import ftfy

    from generator import clean

    unfixed = clean._LINE_BREAKS.sub("\n", text)
    expected = clean._INVISIBLE.sub("", ftfy.fix_text(unfixed, clean._NO_ENCODING_FIX))
    assert clean._fix(text) == expected


@settings(max_examples=500)
@given(
    text=st.lists(
        st.sampled_from(["Error", "ErrorDomain", "NE", "URLFilter", ".", "_", "é", " ", "\n", "Code=", "code",
                         "error", ":", "=", "-", "1", "23", "1234567", "x"]),
        max_size=12,
    ).map("".join)
)
def test_error_codes_are_found_exactly_where_the_pattern_matches(text):
    """The fast error-code scan yields the regex's own matches, in order."""
    from generator.textvec import _ERROR, _error_matches

    expected = [(m.span(), m.groupdict()) for m in _ERROR.finditer(text)]
    assert [(m.span(), m.groupdict()) for m in _error_matches(text)] == expected


@settings(max_examples=400)
@given(
    text=st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(["the", "The", "a", "in", "IN", "lt", "gt", "amp", "quot", "&", ";", ".", "5", "9.1",
                             "NE", "Filter", "é", "’", "\u00a0", " ", "\n", "_", "-", "/", "=", "&lt;", "&amp;",
                             "tis", "ab", "…", "ß", "\t"]),
            max_size=14,
        ).map("".join),
    )
)
def test_search_tokens_are_exactly_the_separator_split(text):
    """searchterms.tokens cuts without running the separator over the whole
    text (speed); the words must be the ones Material's separator gives."""
    from generator.searchterms import _SEPARATOR, tokens

    assert tokens(text) == [token for token in _SEPARATOR.split(text) if token]



plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300)
@given(meta=st.dictionaries(st.text(max_size=12), plain_values, max_size=8), share=st.booleans())
def test_frontmatter_dumper_writes_what_safe_dump_writes(meta, share):
    """frontmatter._PlainDumper takes a shorter path for plain values (speed);
    the YAML must be byte for byte PyYAML's safe dumper's, aliases included."""
    import yaml

    from generator import frontmatter

    if share and meta:
        shared = ["a", 1]
        meta = {**meta, "first": shared, "second": shared}
    options = dict(sort_keys=False, allow_unicode=True, width=2**31 - 1, default_flow_style=False)
    assert yaml.dump(meta, Dumper=frontmatter._DUMPER, **options) == yaml.dump(meta, Dumper=frontmatter._SAFE_DUMPER, **options)
