"""The canonical thread record in JSON Lines: reader, writer and schema.

``kb export --jsonl`` writes one record per thread with :func:`write_jsonl`;
``kb convert`` reads such files back with :func:`read_jsonl`, so the
knowledge base can be handed to other tools and rebuilt from them.  The same
text lives in ``generator/JSONL.md`` for people who never open this file.

File format
-----------

UTF-8 text, one JSON object per line, lines separated by ``\\n`` (a ``\\r``
before it and a BOM at the start are tolerated; blank lines are skipped).
Inside strings, U+2028, U+2029, U+0085 and lone surrogates are written as
``\\uXXXX`` escapes so that no tool splits a line in the middle.

Record (keys in this order when written; only ``title`` is required)::

    {"schema": 1,                     # int, optional; only 1 is understood
     "key": "id:812345",              # "id:<digits>" | "title:<text>"; default
                                      #   derived from id, else title
     "id": "812345",                  # forum thread id: digits ("" = unknown);
                                      #   a JSON integer is accepted on read
     "url": "https://developer.apple.com/forums/thread/812345",  # "" or http(s)
     "forum": "Network Extension",    # tag or subtopic the thread was listed under
     "title": "Validation error ...", # required, not blank
     "author": "tk_dev",
     "created": "2026-02-09",         # dates are strings: YYYY-MM-DD, YYYY-MM or ""
     "body": "Hello, I am ...",       # the question, plain text (never HTML/Markdown)
     "tags": ["Network Extension", "macOS"],
     "counts": {"replies": 1, "boosts": 0, "views": 124},  # ints >= 0
     "activity": "3w",                # the listing's raw activity label
     "last_active": "2026-02-10",     # that label resolved, or a feed date
     "scraped_on": "2026-03-03",      # day of the scrape the record came from
     "locked": false,
     "posts": [                       # replies and comments after the question
       {"id": "871233022", "author": "DTS Engineer name", "role": "DTS Engineer",
        "date": "2026-02-11", "body": "plain text", "accepted": true,
        "comment": false}]}

Every key but ``title`` may be left out and then takes the default shown by
its type: ``""``, ``0``, ``false``, ``[]``.  Unknown keys are ignored, so a
newer writer may add fields without breaking older readers; a record whose
``schema`` is not 1 is refused.

Validation: a line that is not a JSON object, has a duplicate key, ``NaN`` or
``Infinity``, a wrong type (a string count, a float count, a boolean id, a
non-http(s) url, ...), or no title is skipped and reported through
``warn(Source(path, line_number), message)`` with the field named.  Invalid
UTF-8 is replaced with U+FFFD, with a warning, and the line is still read.
Lines longer than :data:`MAX_LINE_BYTES` are skipped without being held in
memory.  A file that cannot be opened raises
:class:`~generator.readers.errors.InputError`.

``thread_to_record`` -> JSON -> ``read_jsonl`` gives back an equal
:class:`~generator.records.Thread` (apart from ``source``, which names the
JSONL file and line).  ``write_jsonl`` sorts records by key, then by their
text, so the same threads give the same file in any input order.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import IO, Iterable, Iterator

from generator.readers.errors import InputError, Warn, ignore_warning
from generator.records import MAX_COUNT, Post, Source, Thread, canonical_thread_id

__all__ = [
    "MAX_LINE_BYTES",
    "SCHEMA_VERSION",
    "RecordError",
    "looks_like",
    "read_jsonl",
    "record_to_thread",
    "thread_to_record",
    "write_jsonl",
]

SCHEMA_VERSION = 1
MAX_LINE_BYTES = 32 * 1024 * 1024

# Digits, written as ASCII with leading zeros dropped, as from a thread URL
# (generator/readers/rss.py): "00012" and "12" are one thread, and so are
# "١٢" and "12" (a knowledge base may already hold either).
_THREAD_ID = re.compile(r"\d{1,20}")
_KEY = re.compile(r"(id):(\d{1,20})|(title):(.+)", re.DOTALL)
_HTTP_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# Characters some tools treat as line breaks, and lone surrogates that are
# not valid UTF-8: always written as \\u escapes.
_UNSAFE_IN_LINE = re.compile("[\u0085\u2028\u2029\ud800-\udfff]")
_FIRST_RECORD = re.compile(r'\{\s*("|\})')


class RecordError(ValueError):
    """A record that breaks the schema; the message names the field."""


# --------------------------------------------------------------------------
# Writing


def thread_to_record(thread: Thread) -> dict[str, object]:
    """The canonical record of a thread (see the module docstring)."""
    return {
        "schema": SCHEMA_VERSION,
        "key": thread.key,
        "id": thread.thread_id,
        "url": thread.url,
        "forum": thread.forum,
        "title": thread.title,
        "author": thread.author,
        "created": thread.created,
        "body": thread.body,
        "tags": list(thread.tags),
        "counts": {"replies": thread.replies, "boosts": thread.boosts, "views": thread.views},
        "activity": thread.activity,
        "last_active": thread.last_active,
        "scraped_on": thread.scraped_on,
        "locked": thread.locked,
        "posts": [
            {
                "id": post.post_id,
                "author": post.author,
                "role": post.role,
                "date": post.date,
                "body": post.body,
                "accepted": post.accepted,
                "comment": post.is_comment,
            }
            for post in thread.posts
        ],
    }


def record_line(record: dict[str, object]) -> str:
    """One JSON line (without the newline), readable UTF-8 where safe."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    # json.dumps emits these characters only inside strings, so escaping
    # them here cannot break the JSON.
    return _UNSAFE_IN_LINE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def write_jsonl(threads: Iterable[Thread], out: IO[str]) -> int:
    """Write one record per thread to ``out``; return how many were written."""
    lines = sorted((thread.key, record_line(thread_to_record(thread))) for thread in threads)
    for _, line in lines:
        out.write(line + "\n")
    return len(lines)


# --------------------------------------------------------------------------
# Reading


def looks_like(head: str) -> bool:
    """True when the first non-blank line of ``head`` (the first 4 KB of a
    file, as text) opens a JSON object with a key, as a record line does; a
    pretty-printed JSON document (``{`` alone on a line) is not JSON Lines."""
    text = head.lstrip("\ufeff \t\r\n")
    first_line = text.split("\n", 1)[0]
    return _FIRST_RECORD.match(first_line) is not None


def read_jsonl(path: Path, *, warn: Warn | None = None, scraped_on: str = "") -> Iterator[Thread]:
    """Yield a thread per valid line; report and skip each invalid line.

    ``scraped_on`` (from a sidecar or ``--as-of``) fills only records that
    carry no ``scraped_on`` of their own."""
    report = warn if warn is not None else ignore_warning
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise InputError(name, 0, f"cannot read JSON Lines: {error.strerror or error}") from None
    with handle:
        for number, raw in _numbered_lines(handle, name):
            source = Source(name, number)
            if raw is None:
                report(source, f"line longer than {MAX_LINE_BYTES} bytes; skipped")
                continue
            text = _decode_line(raw, number, source, report)
            if not text.strip():
                continue
            try:
                thread = record_to_thread(_load(text), source)
            except RecordError as error:
                report(source, f"{error}; line skipped")
                continue
            if scraped_on and not thread.scraped_on:
                thread = dataclasses.replace(thread, scraped_on=scraped_on)
            yield thread


def _numbered_lines(handle: IO[bytes], name: str) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line over the limit,
    whose rest is read in chunks and dropped rather than held in memory."""
    number = 0
    while True:
        try:
            raw = handle.readline(MAX_LINE_BYTES + 1)
        except OSError as error:
            raise InputError(name, number + 1, f"read failed: {error.strerror or error}") from None
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = handle.readline(MAX_LINE_BYTES)
            yield number, None
        else:
            yield number, raw


def _decode_line(raw: bytes, number: int, source: Source, warn: Warn) -> str:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    raw = raw.rstrip(b"\r\n")  # so JSON error positions say "line 1"
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warn(source, "invalid UTF-8 bytes replaced with U+FFFD")
        return raw.decode("utf-8", errors="replace")


def _load(text: str) -> object:
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_refuse_constant)
    except RecordError:
        raise
    except RecursionError:
        raise RecordError("JSON nested too deeply") from None
    except ValueError as error:  # JSONDecodeError, and ints too long to convert
        raise RecordError(f"not valid JSON ({error})") from None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    record: dict[str, object] = {}
    for key, value in pairs:
        if key in record:
            raise RecordError(f"duplicate key {key!r}")
        record[key] = value
    return record


def _refuse_constant(name: str) -> object:
    raise RecordError(f"{name} is not a number a record may hold")


# --------------------------------------------------------------------------
# Validation: record -> Thread


def record_to_thread(record: object, source: Source = Source("")) -> Thread:
    """Validate one decoded record and build its thread.

    Raises :class:`RecordError` naming the first field that breaks the
    schema."""
    if not isinstance(record, dict):
        raise RecordError(f"a record must be a JSON object, not {_kind(record)}")
    schema = record.get("schema", SCHEMA_VERSION)
    if type(schema) is not int or schema != SCHEMA_VERSION:  # not true, not 1.0
        raise RecordError(f"unsupported schema {schema!r} (this reader understands {SCHEMA_VERSION})")
    title = _string(record, "title")
    if not title.strip():
        raise RecordError("'title' is required and must not be blank")
    thread_id = _thread_id(record)
    url = _string(record, "url")
    if url and not _HTTP_URL.fullmatch(url):
        raise RecordError("'url' must be an http(s) URL or empty")
    counts = _object(record, "counts")
    return Thread(
        key=_key(record, thread_id, title),
        title=title,
        body=_string(record, "body"),
        forum=_string(record, "forum"),
        url=url,
        thread_id=thread_id,
        replies=_count(counts, "replies"),
        boosts=_count(counts, "boosts"),
        views=_count(counts, "views"),
        activity=_string(record, "activity"),
        last_active=_string(record, "last_active"),
        scraped_on=_string(record, "scraped_on"),
        author=_string(record, "author"),
        created=_string(record, "created"),
        tags=tuple(_strings(record, "tags")),
        posts=tuple(_post(item, index) for index, item in enumerate(_list(record, "posts"))),
        locked=_flag(record, "locked"),
        source=source,
    )


def _post(item: object, index: int) -> Post:
    where = f"posts[{index}]"
    if not isinstance(item, dict):
        raise RecordError(f"'{where}' must be an object, not {_kind(item)}")
    return Post(
        author=_string(item, "author", where),
        role=_string(item, "role", where),
        date=_string(item, "date", where),
        body=_string(item, "body", where),
        accepted=_flag(item, "accepted", where),
        post_id=_string(item, "id", where),
        is_comment=_flag(item, "comment", where),
    )


def _thread_id(record: dict[str, object]) -> str:
    value = record.get("id", "")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or value and not _THREAD_ID.fullmatch(value):
        raise RecordError(f"'id' must be digits or empty, got {_preview(value)}")
    return canonical_thread_id(value) if value else ""


def _key(record: dict[str, object], thread_id: str, title: str) -> str:
    if "key" not in record:
        return f"id:{thread_id}" if thread_id else f"title:{title}"
    key = _string(record, "key")
    match = _KEY.fullmatch(key)
    if not match:
        raise RecordError(f"'key' must be 'id:<digits>' or 'title:<title>', got {_preview(key)}")
    if match.group(1):
        key = f"id:{canonical_thread_id(match.group(2))}"
        if thread_id and key != f"id:{thread_id}":
            raise RecordError(f"'key' {match.group(0)!r} contradicts 'id' {thread_id!r}")
    return key


def _string(record: dict[str, object], name: str, where: str = "") -> str:
    value = record.get(name, "")
    if not isinstance(value, str):
        raise RecordError(f"'{_field(where, name)}' must be a string, got {_preview(value)}")
    return value


def _strings(record: dict[str, object], name: str) -> list[str]:
    values = _list(record, name)
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise RecordError(f"'{name}[{index}]' must be a string, got {_preview(value)}")
    return values  # type: ignore[return-value]  # checked above


def _list(record: dict[str, object], name: str) -> list[object]:
    value = record.get(name, [])
    if not isinstance(value, list):
        raise RecordError(f"'{name}' must be a list, got {_preview(value)}")
    return value


def _object(record: dict[str, object], name: str) -> dict[str, object]:
    value = record.get(name, {})
    if not isinstance(value, dict):
        raise RecordError(f"'{name}' must be an object, got {_preview(value)}")
    return value


def _count(counts: dict[str, object], name: str) -> int:
    value = counts.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise RecordError(f"'counts.{name}' must be a whole number from 0 to 10**15, got {_preview(value)}")
    return value


def _flag(record: dict[str, object], name: str, where: str = "") -> bool:
    value = record.get(name, False)
    if not isinstance(value, bool):
        raise RecordError(f"'{_field(where, name)}' must be true or false, got {_preview(value)}")
    return value


def _field(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _preview(value: object) -> str:
    """A short, single-line rendering of a bad value for a warning."""
    if isinstance(value, (dict, list)):
        return _kind(value)
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + "..."
