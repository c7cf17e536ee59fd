"""The clean stage: untrusted text -> normalised plain text.

Rules, applied in this order to every title, body, author and label
(QUALITY.md cases 8 and 18).  The text is *never* interpreted as Markdown or
HTML here: escaping is the renderer's job.

1. Line breaks: CRLF, lone CR, U+0085 (NEL), U+2028 and U+2029 become LF.
2. Mojibake is repaired with ``ftfy`` (``Itâ€™s`` -> ``It’s``), but only
   in text that shows the classic signs of UTF-8 read as Windows-1252
   (``â€``, ``Ã``+letter, ``Â``+symbol): ftfy's own detector also fires on
   real text such as German "ßª", which it would turn into another script.
   Terminal escapes are always dropped.  Curly quotes, ligatures and full-width forms are
   kept as written.  HTML entities are *not* decoded: ``&lt;b&gt;`` and
   ``&amp;amp;`` in a text scrape are what the author typed and are shown as
   written; feeds decode their HTML exactly once in their reader.
3. Unicode NFC.
4. Removed: C0/C1 control characters (NUL included) except LF and TAB, lone
   surrogates, bidi embeddings/overrides/isolates (U+202A–U+202E,
   U+2066–U+2069, U+200E, U+200F, U+061C), and invisible zero-width
   characters (U+200B, U+2060, U+FEFF, U+00AD).  ZWJ/ZWNJ stay: emoji and
   several scripts need them.
5. Titles and other one-line fields: every run of whitespace becomes one
   space, trimmed.  Bodies: trailing spaces trimmed per line, TAB kept
   (code), at most one blank line in a row, no leading/trailing blank lines.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

import ftfy

from generator.records import Post, Thread

_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_encoding=True,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)
_LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029]")
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u200b\u2060\ufeff\u00ad]"
)
_NO_ENCODING_FIX = _FTFY._replace(fix_encoding=False)
# UTF-8 decoded as Windows-1252: "â€" + one more byte (’ “ ” – —), "Ã" + a
# continuation character (é ü ß), "Â" before a symbol or no-break space.
_MOJIBAKE = re.compile("â€[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"\s+")
# ftfy's own limit on how much text it examines per call, with headroom: a
# 5 MB body is fixed in slices so that it finishes in bounded time.
_FTFY_SLICE = 200_000
# Each round removes at least one character, and one removal rarely unblocks
# more than one repair.
_FIX_ROUNDS = 4


def _fix(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    if text.isascii() and "\x1b" not in text:
        # Nothing for ftfy to do: no mojibake, NFC is the identity, and the
        # control characters it would drop are dropped below anyway (only a
        # terminal escape sequence needs ftfy, to go as a whole).  Most
        # scraped text is ASCII, and ftfy was half of a large conversion.
        return _INVISIBLE.sub("", text)
    # Lone surrogates cannot reach ftfy's encoder; drop them first.
    text = re.sub("[\ud800-\udfff]", "", text)
    # Removing a character (ours or ftfy's own control-character pass) can
    # unblock a repair or a composition it stood in the way of ("\x8dÂ¡" and
    # "Â\x1f¡": the control character kept ftfy from seeing the mojibake;
    # "e\u200b\u0301" composes once the ZWSP is gone), so the text is fixed
    # again until it stops changing: cleaning a cleaned text must leave it as
    # it is (the converter remembers cleaned threads).
    for _ in range(_FIX_ROUNDS):
        config = _FTFY if _MOJIBAKE.search(text) else _NO_ENCODING_FIX
        fixed = _INVISIBLE.sub("", "".join(
            ftfy.fix_text(text[i : i + _FTFY_SLICE], config) for i in range(0, len(text), _FTFY_SLICE)
        ))
        if fixed == text:
            break
        text = fixed
    return text


def clean_line(text: str) -> str:
    """A one-line field: normalised, whitespace collapsed, trimmed."""
    return _settled(text, lambda fixed: _SPACES.sub(" ", fixed.replace("\t", " ")).strip())


def clean_body(text: str) -> str:
    """A multi-line field: normalised, lines right-trimmed, blank runs folded."""
    return _settled(text, lambda fixed: _BLANK_RUNS.sub("\n\n", "\n".join(line.rstrip() for line in fixed.split("\n"))).strip("\n"))


def _settled(text: str, tidy: Callable[[str], str]) -> str:
    """``tidy(_fix(text))`` again until it stops changing: tidying can unblock
    a repair ftfy passed over ("proxy\xa0Ã©chec": once the no-break space is
    a space, "Ã©" is seen as the mojibake of "é"), and a text cleaned twice
    must read as it did once (the converter remembers cleaned threads; a
    warm run kept "Ã©chec" where a cold one wrote "échec")."""
    cleaned = tidy(_fix(text))
    for _ in range(_MAX_PASSES):
        again = tidy(_fix(cleaned))
        if again == cleaned:
            break
        cleaned = again
    return cleaned


_MAX_PASSES = 4


def identity_title(title: str) -> str:
    """The title as an identity: invisible characters and whitespace runs
    removed, but *not* NFC-normalised or repaired, so that titles differing
    only in Unicode normal form stay distinct threads (QUALITY.md case 10)
    while a stray BOM, CR or bidi mark does not split one thread in two."""
    without = _INVISIBLE.sub("", _LINE_BREAKS.sub(" ", title))
    return _SPACES.sub(" ", without.replace("\t", " ")).strip()


def clean_post(post: Post) -> Post:
    return dataclasses.replace(
        post,
        author=clean_line(post.author),
        role=clean_line(post.role),
        date=clean_line(post.date),
        body=clean_body(post.body),
        post_id=clean_line(post.post_id),
    )


def clean_thread(thread: Thread) -> Thread:
    """Every scraped string of a thread, cleaned.  A title key is rebuilt
    with :func:`identity_title`; an id key is kept."""
    key = thread.key
    if key.startswith("title:"):
        key = "title:" + identity_title(key[len("title:") :])
    return dataclasses.replace(
        thread,
        key=key,
        title=clean_line(thread.title),
        body=clean_body(thread.body),
        forum=clean_line(thread.forum),
        url=clean_line(thread.url),
        thread_id=clean_line(thread.thread_id),
        activity=clean_line(thread.activity),
        author=clean_line(thread.author),
        created=clean_line(thread.created),
        tags=tuple(tag for tag in (clean_line(t) for t in thread.tags) if tag),
        posts=tuple(clean_post(post) for post in thread.posts),
    )


UNTITLED = "Untitled thread"


def prepare(thread: Thread) -> Thread:
    """Clean one thread; a title that cleans to nothing gets a placeholder
    (its slug still differs from other untitled threads: it hashes the key)."""
    cleaned = clean_thread(thread)
    if not cleaned.title:
        cleaned = dataclasses.replace(cleaned, title=UNTITLED)
    return cleaned
