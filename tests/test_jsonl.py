"""Spec: the canonical JSON Lines thread record — writer, reader, validation."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.readers import jsonl
from generator.readers.errors import InputError
from generator.readers.jsonl import looks_like, read_jsonl, thread_to_record, write_jsonl
from generator.readers.rss import read_feed
from generator.records import Post, Source, Thread

FEEDS = Path(__file__).parent / "fixtures" / "feeds"

ANSWERED = Thread(
    key="id:812345",
    title="Validation error with Network Extension due to square brackets in Product Name",
    body="Hello, I am facing a validation error.\n\n    codesign --verify",
    forum="Network Extension",
    url="https://developer.apple.com/forums/thread/812345",
    thread_id="812345",
    replies=1,
    boosts=0,
    views=124,
    activity="3w",
    last_active="2026-02-10",
    scraped_on="2026-03-03",
    author="tk_dev",
    created="2026-02-09",
    tags=("Network Extension", "macOS"),
    posts=(
        Post(author="Quinn", role="DTS Engineer", date="2026-02-11", body="Rename the product.",
             accepted=True, post_id="871233022"),
        Post(author="tk_dev", date="2026-02-12", body="Thanks!", is_comment=True),
    ),
)
UNNUMBERED = Thread(key="title:Pinned: Resources", title="Pinned: Resources", views=38000)


class Warnings(list):
    def __call__(self, source: Source, message: str) -> None:
        self.append(f"{Path(source.path).name}:{source.line}: {message}")


def read(path: Path) -> tuple[list[Thread], Warnings]:
    warnings = Warnings()
    return list(read_jsonl(path, warn=warnings)), warnings


def write_lines(tmp_path: Path, *lines: str, name: str = "threads.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def without_source(thread: Thread) -> Thread:
    return dataclasses.replace(thread, source=Source(""))


# -- writing ----------------------------------------------------------------------


def test_thread_to_record_holds_every_field_in_documented_order() -> None:
    assert thread_to_record(ANSWERED) == {
        "schema": 1,
        "key": "id:812345",
        "id": "812345",
        "url": "https://developer.apple.com/forums/thread/812345",
        "forum": "Network Extension",
        "title": "Validation error with Network Extension due to square brackets in Product Name",
        "author": "tk_dev",
        "created": "2026-02-09",
        "body": "Hello, I am facing a validation error.\n\n    codesign --verify",
        "tags": ["Network Extension", "macOS"],
        "counts": {"replies": 1, "boosts": 0, "views": 124},
        "activity": "3w",
        "last_active": "2026-02-10",
        "scraped_on": "2026-03-03",
        "locked": False,
        "posts": [
            {"id": "871233022", "author": "Quinn", "role": "DTS Engineer", "date": "2026-02-11",
             "body": "Rename the product.", "accepted": True, "comment": False},
            {"id": "", "author": "tk_dev", "role": "", "date": "2026-02-12", "body": "Thanks!",
             "accepted": False, "comment": True},
        ],
    }
    assert list(thread_to_record(ANSWERED)) == [
        "schema", "key", "id", "url", "forum", "title", "author", "created", "body", "tags",
        "counts", "activity", "last_active", "scraped_on", "locked", "posts",
    ]


def test_write_jsonl_sorts_by_key_whatever_the_input_order() -> None:
    forward, backward = io.StringIO(), io.StringIO()
    assert write_jsonl([UNNUMBERED, ANSWERED], forward) == 2
    assert write_jsonl([ANSWERED, UNNUMBERED], backward) == 2
    assert forward.getvalue() == backward.getvalue()
    assert forward.getvalue().splitlines()[1] == (
        '{"schema":1,"key":"title:Pinned: Resources","id":"","url":"","forum":"","title":"Pinned: Resources",'
        '"author":"","created":"","body":"","tags":[],"counts":{"replies":0,"boosts":0,"views":38000},'
        '"activity":"","last_active":"","scraped_on":"","locked":false,"posts":[]}'
    )


def test_line_breaking_characters_and_lone_surrogates_are_escaped() -> None:
    thread = Thread(key="title:x", title="x", body="a\u2028b\u2029c\u0085d\ud800e\u2019\nf")
    out = io.StringIO()
    write_jsonl([thread], out)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert '"body":"a\\u2028b\\u2029c\\u0085d\\ud800e\u2019\\nf"' in text
    assert len(text.encode("utf-8").splitlines()) == 1
    assert len(text.splitlines()) == 1  # str.splitlines breaks on U+2028 too


# -- reading -----------------------------------------------------------------------


def test_a_minimal_record_needs_only_a_title(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"title": "Only a title"}')
    threads, warnings = read(path)
    assert threads == [Thread(key="title:Only a title", title="Only a title", source=Source(str(path), 1))]
    assert warnings == []


def test_an_integer_id_is_accepted_and_gives_the_key(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"id": 812345, "title": "t", "counts": {"views": 7}}')
    [thread], _ = read(path)
    assert (thread.key, thread.thread_id, thread.views) == ("id:812345", "812345", 7)


def test_ids_are_read_as_ascii_and_leading_zeros_name_the_same_thread(tmp_path: Path) -> None:
    """"00012" and "12" were two threads with two pages, and "١٢" a third."""
    path = write_lines(
        tmp_path,
        '{"id": "00012", "title": "t"}',
        '{"key": "id:0012", "title": "t"}',
        '{"id": "\u0661\u0662", "title": "u"}',
        '{"id": "12a", "title": "v"}',
    )
    threads, warnings = read(path)
    assert [(t.key, t.thread_id) for t in threads] == [("id:12", "12"), ("id:12", ""), ("id:12", "12")]
    assert len(warnings) == 1 and "'id' must be digits or empty" in warnings[0]


def test_a_slug_map_written_with_leading_zeros_keeps_the_published_path(tmp_path: Path) -> None:
    """A knowledge base converted before ids were read without leading zeros
    published thread 00012 under a slug of its own: the thread, now read as
    id 12, keeps it."""
    from generator.cli import main

    out = tmp_path / "content"
    scrape = write_lines(tmp_path, '{"id": "12", "title": "Tunnel drops"}')
    assert main(["convert", str(scrape), "--out", str(out), "-q"]) == 0
    slugs = out / ".forum-kb" / "slugs.json"
    published = json.loads(slugs.read_text(encoding="utf-8"))
    published.pop("id:12")
    slugs.write_text(json.dumps({"id:00012": "tunnel-drops-0a0b0c", **published}), encoding="utf-8")
    assert main(["convert", str(scrape), "--out", str(out), "-q"]) == 0
    assert json.loads(slugs.read_text(encoding="utf-8"))["id:12"] == "tunnel-drops-0a0b0c"
    assert (out / "threads" / "tunnel-drops-0a0b0c.md").is_file()


def test_bom_crlf_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"title": "one"}\r\n\r\n   \n{"title": "two"}\r\n')
    threads, warnings = read(path)
    assert [(t.title, t.source.line) for t in threads] == [("one", 1), ("two", 4)]
    assert warnings == []


def test_invalid_utf8_is_replaced_reported_and_the_line_kept(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"title": "Caf\xe9"}\n')
    threads, warnings = read(path)
    assert threads[0].title == "Caf\ufffd"
    assert warnings == ["latin1.jsonl:1: invalid UTF-8 bytes replaced with U+FFFD"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not valid JSON (Expecting value: line 1 column 1 (char 0))"),
        ('["title"]', "a record must be a JSON object, not a list"),
        ('{"title": "x"', "not valid JSON (Expecting ',' delimiter: line 1 column 14 (char 13))"),
        ('{"id": "1"}', "'title' is required and must not be blank"),
        ('{"title": "  "}', "'title' is required and must not be blank"),
        ('{"title": 5}', "'title' must be a string, got 5"),
        ('{"title": "x", "title": "y"}', "duplicate key 'title'"),
        ('{"title": "x", "counts": {"views": "1.2K"}}', "'counts.views' must be a whole number from 0 to 10**15, got \"1.2K\""),
        ('{"title": "x", "counts": {"views": 3.5}}', "'counts.views' must be a whole number from 0 to 10**15, got 3.5"),
        ('{"title": "x", "counts": {"replies": -1}}', "'counts.replies' must be a whole number from 0 to 10**15, got -1"),
        ('{"title": "x", "counts": {"views": 1000000000000001}}', "'counts.views' must be a whole number from 0 to 10**15, got 1000000000000001"),
        ('{"title": "x", "counts": {"boosts": true}}', "'counts.boosts' must be a whole number from 0 to 10**15, got true"),
        ('{"title": "x", "counts": {"views": NaN}}', "NaN is not a number a record may hold"),
        ('{"title": "x", "counts": [1, 2]}', "'counts' must be an object, got a list"),
        ('{"title": "x", "id": "81a"}', "'id' must be digits or empty, got \"81a\""),
        ('{"title": "x", "id": true}', "'id' must be digits or empty, got true"),
        ('{"title": "x", "id": -3}', "'id' must be digits or empty, got -3"),
        ('{"title": "x", "url": "javascript:alert(1)"}', "'url' must be an http(s) URL or empty"),
        ('{"title": "x", "key": "slug:x"}', "'key' must be 'id:<digits>' or 'title:<title>', got \"slug:x\""),
        ('{"title": "x", "id": "1", "key": "id:2"}', "'key' 'id:2' contradicts 'id' '1'"),
        ('{"title": "x", "tags": "macOS"}', "'tags' must be a list, got \"macOS\""),
        ('{"title": "x", "tags": ["ok", null]}', "'tags[1]' must be a string, got null"),
        ('{"title": "x", "locked": "no"}', "'locked' must be true or false, got \"no\""),
        ('{"title": "x", "posts": ["reply"]}', "'posts[0]' must be an object, not a string"),
        ('{"title": "x", "posts": [{"accepted": 1}]}', "'posts[0].accepted' must be true or false, got 1"),
        ('{"title": "x", "posts": [{"body": ["a"]}]}', "'posts[0].body' must be a string, got a list"),
        ('{"title": "x", "schema": 2}', "unsupported schema 2 (this reader understands 1)"),
        ('{"title": "x", "schema": true}', "unsupported schema True (this reader understands 1)"),
        ("[" * 100_000, "JSON nested too deeply"),
        ('{"title": "x", "counts": {"views": ' + "9" * 5000 + "}}",
         "not valid JSON (Exceeds the limit (4300 digits) for integer string conversion: "
         "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit)"),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_skipped(tmp_path: Path, line: str, message: str) -> None:
    path = write_lines(tmp_path, '{"title": "before"}', line, '{"title": "after"}')
    threads, warnings = read(path)
    assert [(t.title, t.source.line) for t in threads] == [("before", 1), ("after", 3)]
    assert warnings == [f"threads.jsonl:2: {message}; line skipped"]


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"title": "x", "x-tool": {"anything": [1]}}')
    assert [t.title for t in read(path)[0]] == ["x"]


def test_an_overlong_line_is_skipped_without_losing_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 64)
    path = write_lines(tmp_path, '{"title": "' + "x" * 500 + '"}', '{"title": "short"}')
    threads, warnings = read(path)
    assert [(t.title, t.source.line) for t in threads] == [("short", 2)]
    assert warnings == ["threads.jsonl:1: line longer than 64 bytes; skipped"]


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        list(read_jsonl(tmp_path / "absent.jsonl"))
    assert str(error.value) == f"{tmp_path / 'absent.jsonl'}: cannot read JSON Lines: No such file or directory"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('{"schema":1,"key":"id:1"', True),
        ('\ufeff\n  {"title": "x"}\n{"title": "y"}', True),
        ("{}\n", True),
        ('{\n  "title": "pretty-printed JSON document"\n}', False),
        ('[{"title": "x"}]', False),
        ('<?xml version="1.0"?><rss>', False),
        ("Network Extension\n\nRSS for tag", False),
        ("", False),
    ],
)
def test_looks_like(head: str, expected: bool) -> None:
    assert looks_like(head) is expected


# -- round trips --------------------------------------------------------------------


def test_round_trip_gives_back_equal_threads(tmp_path: Path) -> None:
    originals = [ANSWERED, UNNUMBERED] + [
        thread for feed in sorted(FEEDS.iterdir()) for thread in read_feed(feed)
    ]
    path = tmp_path / "export.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        assert write_jsonl(originals, out) == 9
    threads, warnings = read(path)
    assert warnings == []
    # ANSWERED and the RSS fixture share key id:812345: both are kept
    assert sorted(map(without_source, threads), key=repr) == sorted(map(without_source, originals), key=repr)
    assert all(t.source == Source(str(path), line) for line, t in enumerate(threads, 1))


def test_export_of_a_reread_export_is_byte_identical(tmp_path: Path) -> None:
    first = io.StringIO()
    write_jsonl([ANSWERED, UNNUMBERED], first)
    path = tmp_path / "first.jsonl"
    path.write_text(first.getvalue(), encoding="utf-8")
    second = io.StringIO()
    write_jsonl(read(path)[0], second)
    assert second.getvalue() == first.getvalue()


_TEXT = st.text(max_size=40)
_POSTS = st.builds(
    Post, author=_TEXT, role=_TEXT, date=_TEXT, body=st.text(max_size=200), accepted=st.booleans(),
    post_id=st.from_regex(r"\d{0,12}", fullmatch=True), is_comment=st.booleans(),
)


@st.composite
def threads(draw: st.DrawFn) -> Thread:
    title = draw(st.text(min_size=1, max_size=80).filter(str.strip))
    thread_id = draw(st.one_of(st.just(""), st.from_regex(r"[1-9][0-9]{0,9}", fullmatch=True)))
    counts = st.integers(min_value=0, max_value=10**12)
    return Thread(
        key=f"id:{thread_id}" if thread_id else draw(st.sampled_from([f"title:{title}", "title:raw " + title])),
        title=title,
        body=draw(st.text(max_size=300)),
        forum=draw(_TEXT),
        url=draw(st.sampled_from(["", "https://developer.apple.com/forums/thread/1", "http://x.example/a?b=c"])),
        thread_id=thread_id,
        replies=draw(counts),
        boosts=draw(counts),
        views=draw(counts),
        activity=draw(_TEXT),
        last_active=draw(_TEXT),
        scraped_on=draw(_TEXT),
        author=draw(_TEXT),
        created=draw(_TEXT),
        tags=tuple(draw(st.lists(_TEXT, max_size=4))),
        posts=tuple(draw(st.lists(_POSTS, max_size=3))),
        locked=draw(st.booleans()),
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(threads(), max_size=5))
def test_any_threads_survive_the_round_trip(tmp_path_factory: pytest.TempPathFactory, originals: list[Thread]) -> None:
    out = io.StringIO()
    write_jsonl(originals, out)
    path = tmp_path_factory.mktemp("rt") / "t.jsonl"
    path.write_bytes(out.getvalue().encode("utf-8"))
    threads_read, warnings = read(path)
    assert warnings == []
    assert sorted(map(without_source, threads_read), key=repr) == sorted(map(without_source, originals), key=repr)


@settings(max_examples=150, deadline=None)
@given(st.lists(threads(), max_size=5), st.randoms())
def test_written_file_is_independent_of_input_order(originals: list[Thread], rng) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(originals)
    rng.shuffle(shuffled)
    first, second = io.StringIO(), io.StringIO()
    write_jsonl(originals, first)
    write_jsonl(shuffled, second)
    assert first.getvalue() == second.getvalue()
    for line in first.getvalue().splitlines():
        json.loads(line)


def test_a_sidecar_or_as_of_date_fills_only_undated_records(tmp_path: Path) -> None:
    path = write_lines(tmp_path, '{"title": "undated"}', '{"title": "dated", "scraped_on": "2026-03-03"}')
    threads = list(read_jsonl(path, scraped_on="2026-03-05"))
    assert [(t.title, t.scraped_on) for t in threads] == [("undated", "2026-03-05"), ("dated", "2026-03-03")]
