"""Escaping scraped text for the Markdown the converter writes.

The converter is the first line of defence (QUALITY.md, markup cases 1-6):
every string it did not create goes through one of these functions before it
reaches a page.  The Markdown extensions enabled in ``mkdocs.yml`` decide what
is significant; ``pymdownx.escapeall`` is enabled so that a backslash makes
*any* punctuation literal, which keeps these rules short and uniform.

Rules (kept readable: only what Markdown would interpret is escaped):

* ``&``, ``<`` and ``>`` become entities everywhere, so raw HTML, entity
  tricks (``&lt;script&gt;`` stays visible as written) and autolinks are dead.
* Inline syntax characters (backslash, backtick, ``*``, ``_``, ``[``, ``]``,
  ``|``, ``{``, ``}``, ``!`` before ``[``) get a backslash.  Braces matter
  because Material's tags plugin switches ``attr_list`` on whatever
  mkdocs.yml says: ``Title {0}`` or ``{ onclick=… }`` at the end of a block
  would otherwise become attributes.  Also escaped: and so do ``#`` characters that
  end a line (a heading would drop them: ``# Swift or C#`` shows "C"), and
  ``:`` after ``]`` (``[text]:](page.md)`` would be a reference definition).
* Block syntax at the start of a line (headings, lists, quotes, fences,
  admonitions ``!!!``/``???``, tables, setext underlines, snippets ``--8<--``,
  indented code) gets a backslash before its first character.
* Extension syntax that the site does not enable (``==mark==``, ``++kbd++``,
  ``:emoji:``, ``$math$``, critic marks, attribute lists ``{: }``) is plain
  text already; its characters are still escaped when doubled so that turning
  such an extension on later cannot bring it to life.
"""

from __future__ import annotations

import re

# Characters that start inline Markdown constructs in the enabled extensions
# get a backslash, and the three that make HTML live become entities: one
# pass of str.translate (no character it writes is one it replaces).
_INLINE_CHARACTERS = "\\`*_[]|{}"
# Every character escaping may write as a backslash escape or an entity
# (the pymdownx markers and colons only in some places): each is an inline
# node for Python-Markdown, which is what a markup-dense body costs.
ESCAPED_CHARACTERS = _INLINE_CHARACTERS + "&<>$=+^~:#"
_INLINE_TABLE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{ch: "\\" + ch for ch in _INLINE_CHARACTERS}})
# Doubled markers of pymdownx inline extensions (mark, insert, caret, tilde,
# critic) and math: escape each character (braces are in _INLINE_CHARACTERS).
_DOUBLED = re.compile(r"(==|\+\+|\^\^|~~|\$)")
# Escaped pairs (skipped whole, so an escaped character is never escaped
# twice) or a colon; ``_NAME_AHEAD`` spots the emoji shortcode ``:name:``.
_PAIR_OR_COLON = re.compile(r"\\.|:", re.S)
_NAME_AHEAD = re.compile(r"[A-Za-z0-9_+-]+:")
# Hashes ending a line: in a heading Python-Markdown strips them as the
# closing sequence (even without a space: "# C#" shows "C").
_TRAILING_HASHES = re.compile(r"#+(?=[ \t]*$)", re.M)
# A line that Markdown would treat as block syntax.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=~!?/:|]|\d+[.)]|\*|`{3,}|\[)")


def escape_html(text: str) -> str:
    """Entity-escape the three characters that make HTML live."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_each(match: re.Match[str]) -> str:
    return "".join("\\" + ch for ch in match.group(0))


def escape_inline(text: str) -> str:
    """Escape a run of scraped text for use inside a Markdown paragraph.

    Newlines are kept; use :func:`escape_block` for multi-line text so that
    each line's start is also neutralised.
    """
    text = text.translate(_INLINE_TABLE)
    # Each pass below only runs when its character is there at all.
    if "$" in text or "==" in text or "++" in text or "^^" in text or "~~" in text:
        text = _DOUBLED.sub(_escape_each, text)
    if "#" in text:
        text = _TRAILING_HASHES.sub(_escape_each, text)
    return _escape_colons(text) if ":" in text else text


def _escape_colons(text: str) -> str:
    """Escape a colon that starts an emoji shortcode ``:name:``, and one right
    after an escaped ``]``: ``[text\\]:](page.md)``, a link the converter
    writes, would otherwise read as a reference definition and vanish."""
    previous_end, previous = -1, ""

    def replace(match: re.Match[str]) -> str:
        nonlocal previous_end, previous
        token = match.group(0)
        if token == ":" and (
            (previous == "\\]" and previous_end == match.start()) or _NAME_AHEAD.match(text, match.end())
        ):
            token = "\\:"
        previous_end, previous = match.end(), match.group(0)
        return token

    return _PAIR_OR_COLON.sub(replace, text)


def escape_line_start(line: str) -> str:
    """Neutralise block syntax at the start of one already-escaped line."""
    stripped = line.lstrip(" \t")
    match = _BLOCK_START.match(stripped)
    if match:
        stripped = "\\" + stripped
    return stripped


def escape_block(text: str) -> str:
    """Escape multi-line scraped prose: every line inline- and start-escaped.

    Leading indentation is dropped (four spaces would start a code block).
    """
    lines = escape_inline(text).split("\n")
    return "\n".join(escape_line_start(line) for line in lines)


def code_span(text: str) -> str:
    """An inline code span holding ``text`` literally, whatever backticks it has."""
    text = text.replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def code_fence(code: str, language: str = "text") -> str:
    """A fenced code block holding ``code`` literally.

    The fence is one backtick longer than the longest backtick run inside the
    code, so ``` or ~~~ or ``</code></pre>`` in the code cannot close it.
    """
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    language = re.sub(r"[^a-z0-9+-]", "", language.lower()) or "text"
    body = code.rstrip("\n")
    return f"{fence}{language}\n{body}\n{fence}"


def link_text(text: str) -> str:
    """Escape text that the converter puts inside ``[...]`` of a link it made."""
    return escape_inline(text.replace("\n", " "))


_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\()\[\]{}|^]+$", re.IGNORECASE)


def safe_url(url: str) -> str | None:
    """Return ``url`` when it is a plain http(s) URL safe to emit as a link
    destination, else ``None``.  Scraped ``javascript:``/``data:`` URLs and any
    URL with characters that could break out of ``(...)`` are refused."""
    url = url.strip()
    if _SAFE_URL.match(url):
        return url
    return None
