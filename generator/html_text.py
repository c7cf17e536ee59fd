"""Forum HTML -> the same clean plain text as listing bodies.

Feeds deliver a thread's question as HTML; the rest of the pipeline works on
plain text (the render stage escapes it and detects code itself), so this
module flattens HTML into text with a small, documented set of rules:

* Paragraphs, headings, ``<div>``, ``<blockquote>``, tables, ``<hr>`` and the
  other block elements become blocks separated by one blank line; ``<br>``
  is a line break.  Outside ``<pre>``, runs of HTML whitespace collapse to one
  space, as a browser would show them.
* List items become lines starting with ``"• "`` (``<ul>``) or ``"1. "``,
  ``"2. "`` ... (``<ol>``, honouring ``start``); a list is one block.  Nested
  lists are flattened rather than indented, because indented lines would look
  like code to the body renderer.
* ``<pre>`` (with or without ``<code>`` inside) keeps its content verbatim --
  newlines, indentation and blank lines -- as its own block; tags inside it
  (syntax-highlighting spans) contribute only their text.  Inline ``<code>``
  keeps just its text.
* A link keeps its text, followed by ``" (URL)"`` when the URL is http(s) and
  says more than the text; a link without text becomes its URL.  Relative
  URLs are resolved against ``base_url`` when one is given; ``javascript:``,
  ``data:`` and every other scheme are dropped (only the text stays).
* ``<script>``, ``<style>``, ``<iframe>`` and other non-text content
  (``noscript``, ``template``, ``object``, ``svg``, ``math``,
  ``canvas``, ``audio``, ``video``, ``head``, ``title``) are dropped with their
  content; images are dropped.
* Character references are decoded exactly once (``&amp;lt;`` becomes the
  text ``&lt;``), by :mod:`html.parser` itself.  Nothing else is cleaned:
  control characters and odd Unicode pass through to the clean stage.

Only :mod:`html.parser` from the standard library is used; it never raises
on malformed HTML, and unclosed elements are closed at the end of input.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import urljoin

__all__ = ["html_to_text"]

# Elements whose content is never text a reader should see.
_DROPPED = frozenset(
    {
        "script", "style", "iframe", "noscript", "template", "object", "svg", "math", "canvas", "audio", "video", "head", "title",
    }
)
# Elements that start and end a block (a blank line around them).
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "aside", "header", "footer", "main",
        "nav", "blockquote", "figure", "figcaption", "address", "details",
        "summary", "fieldset", "form", "table", "caption", "dl", "center",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    }
)
# Elements that only end the current line.
_LINES = frozenset({"tr", "dt", "dd", "thead", "tbody", "tfoot", "option"})
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
_CELLS = frozenset({"td", "th"})
# HTML's whitespace (not Unicode's: a no-break space is content).
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_HTTP = re.compile(r"^https?://\S+$", re.IGNORECASE)
# Cap on <ol start>, so a hostile value cannot make huge numbers.
_MAX_START = 1_000_000


def html_to_text(html: str, *, base_url: str = "") -> str:
    """Convert forum HTML to plain text (see the module docstring for rules).

    ``base_url`` resolves relative link targets (feeds pass the thread URL);
    without it, relative links keep only their text.
    """
    parser = _TextParser(base_url)
    parser.feed(_escape_stray_lt(html))
    parser.close()
    return parser.text()


class _List:
    """One open list: its kind and the number of the next ordered item."""

    def __init__(self, ordered: bool, start: int) -> None:
        self.ordered = ordered
        self.next_number = start

    def marker(self) -> str:
        if not self.ordered:
            return "• "
        number = self.next_number
        self.next_number += 1
        return f"{number}. "


class _Link:
    """An open ``<a>``: its resolved http(s) target and the text seen so far."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.text: list[str] = []


class _TextParser(HTMLParser):
    """Collects text into blocks; each handler only moves the cursor."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self._base_url = base_url
        self._blocks: list[str] = []  # finished blocks
        self._lines: list[str] = []  # finished lines of the current block
        self._words: list[str] = []  # the current line, already spaced
        self._prefix = ""  # list marker waiting for the line's first word
        self._space = False  # a collapsed space is pending before next word
        self._dropped: list[str] = []  # open elements whose content is dropped
        self._lists: list[_List] = []
        self._links: list[_Link] = []
        self._pre_depth = 0
        self._pre: list[str] = []
        self._cells_in_row = 0

    # -- result ------------------------------------------------------------

    def text(self) -> str:
        self._end_pre(force=True)
        self._end_block()
        return "\n\n".join(self._blocks)

    # -- HTMLParser callbacks ---------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropped:
            if tag in _DROPPED:
                self._dropped.append(tag)
            return
        if tag in _DROPPED:
            self._dropped.append(tag)
        elif tag == "pre":
            self._start_pre()
        elif self._pre_depth:
            if tag == "br":
                self._pre.append("\n")
        elif tag == "br":
            self._end_line(keep_blank=True)
        elif tag in _LISTS:
            self._break()
            self._lists.append(_List(tag == "ol", _ol_start(attrs)))
        elif tag == "li":
            self._end_line()
            self._prefix = self._lists[-1].marker() if self._lists else "• "
        elif tag in _BLOCKS:
            self._break()
        elif tag in _LINES:
            self._end_line()
            self._cells_in_row = 0
        elif tag in _CELLS:
            if self._cells_in_row:
                self._space = True
                self._add_word("|")
                self._space = True
            self._cells_in_row += 1
        elif tag == "a":
            self._links.append(_Link(self._link_target(dict(attrs).get("href"))))

    def handle_endtag(self, tag: str) -> None:
        if self._dropped:
            if tag == self._dropped[-1]:
                self._dropped.pop()
            return
        if tag == "pre":
            self._end_pre()
        elif self._pre_depth:
            return
        elif tag in _LISTS:
            if self._lists:
                self._lists.pop()
            self._break()
        elif tag == "li":
            self._end_line()
        elif tag in _BLOCKS:
            self._break()
        elif tag in _LINES:
            self._end_line()
        elif tag == "a" and self._links:
            self._close_link(self._links.pop())

    def handle_data(self, data: str) -> None:
        if self._dropped:
            return
        if self._pre_depth:
            self._pre.append(data)
            return
        for link in self._links:
            link.text.append(data)
        collapsed = _HTML_SPACE.sub(" ", data)
        if collapsed.startswith(" "):
            self._space = True
        words = collapsed.strip(" ")
        if words:
            self._add_word(words)
            self._space = collapsed.endswith(" ")

    # -- blocks and lines -------------------------------------------------

    def _add_word(self, words: str) -> None:
        if not self._words:
            self._words.append(self._prefix)
            self._prefix = ""
        elif self._space:
            self._words.append(" ")
        self._words.append(words)
        self._space = False

    def _end_line(self, keep_blank: bool = False) -> None:
        """Finish the current line.  A ``<br>`` on an empty line makes a
        blank line inside the block (once); other line ends do not."""
        line = "".join(self._words).rstrip(" ")
        if not _is_blank(line):
            self._lines.append(line)
        elif keep_blank and self._lines and self._lines[-1]:
            self._lines.append("")
        self._words = []
        self._space = False

    def _end_block(self) -> None:
        self._end_line()
        while self._lines and not self._lines[-1]:
            self._lines.pop()
        if self._lines:
            self._blocks.append("\n".join(self._lines))
        self._lines = []
        self._prefix = ""

    def _break(self) -> None:
        """A block boundary; inside a list it only ends the line, so that a
        ``<p>`` in an ``<li>`` keeps the list together and its marker."""
        if self._lists:
            prefix = self._prefix
            self._end_line()
            self._prefix = prefix
        else:
            self._end_block()

    # -- preformatted text --------------------------------------------------

    def _start_pre(self) -> None:
        if self._pre_depth == 0:
            self._end_block()
            self._pre = []
        self._pre_depth += 1

    def _end_pre(self, force: bool = False) -> None:
        if self._pre_depth == 0:
            return
        self._pre_depth = 0 if force else self._pre_depth - 1
        if self._pre_depth:
            return
        code = "".join(self._pre)
        # HTML drops one newline right after <pre>; blank edge lines and
        # trailing spaces carry nothing, inner blank lines and indentation do.
        code = re.sub(r"\A(?:[ \t\r]*\n)+", "", code).rstrip()
        if code:
            self._blocks.append(code)
        self._pre = []

    # -- links ----------------------------------------------------------------

    def _link_target(self, href: str | None) -> str:
        href = (href or "").strip()
        if self._base_url and href:
            try:
                href = urljoin(self._base_url, href)
            except ValueError:  # e.g. a malformed IPv6 host
                return ""
        return href if _HTTP.match(href) else ""

    def _close_link(self, link: _Link) -> None:
        if not link.url:
            return
        text = _HTML_SPACE.sub(" ", "".join(link.text)).strip()
        if not text:
            self._add_word(link.url)
        elif _same_target(text, link.url):
            return
        else:
            self._space = True
            self._add_word(f"({link.url})")


# A closed comment, a "<...>" run that could be a tag, or a "<" that cannot start one.
_LT_TOKEN = re.compile(r"<!--.*?-->|<[^<>]*>|<", re.DOTALL)
# After the last "-->": a "<!--" is a token of its own (no comment can close).
_LT_TOKEN_NO_CLOSE = re.compile(r"<!--|<[^<>]*>|<")
# What ends a marked section ("<![CDATA[ ... ]]>") for html.parser.
_SECTION_END = re.compile(r"\]\s*>")


def _escape_stray_lt(html: str) -> str:
    """Turn each ``<`` that has another ``<`` (or the end) before its ``>``
    into ``&lt;``, and so each ``<!--`` and ``<![`` that nothing closes.

    Why: :mod:`html.parser` rescans to the end of the input for every such
    ``<`` when it gives up on it, which is quadratic (``"<a" * 100_000`` took
    15 s, ``"<!--" * 100_000`` minutes, ``"<![CDATA[ x >" * 40_000`` 3 s).
    Such a ``<`` is text for html.parser anyway; the one case that changes
    is a quoted attribute value containing ``<``, which forum HTML writes as
    ``&lt;``.  After the last ``-->`` (or ``]>``) no comment (or marked
    section) can close, so there each opening is text too.  Each ``<`` is
    judged as one token, in one pass: escaping the openings first turned
    the stray ``<`` before one into the start of a "tag" html.parser dropped.
    """
    last_close = html.rfind("-->")
    comments_end = last_close + 3 if last_close >= 0 else 0
    sections_end = max((m.end() for m in _SECTION_END.finditer(html)), default=0)

    def token(match: re.Match[str]) -> str:
        text = match.group(0)
        if text == "<" or text == "<!--" or (text.startswith("<![") and match.start() >= sections_end):
            return "&lt;" + text[1:]
        return text

    return _LT_TOKEN.sub(token, html[:comments_end]) + _LT_TOKEN_NO_CLOSE.sub(token, html[comments_end:])


def _is_blank(line: str) -> bool:
    """True for a line of spaces only -- HTML whitespace or Unicode space
    separators such as the no-break space of a ``<p>&nbsp;</p>`` spacer.
    Control characters are content here: the clean stage decides on them."""
    return all(ch in " \t\n\r\f" or unicodedata.category(ch) == "Zs" for ch in line)


def _same_target(text: str, url: str) -> bool:
    """True when the link text already says the URL (scheme, ``www.`` and a
    trailing slash aside), so repeating it would add nothing."""

    def bare(value: str) -> str:
        value = re.sub(r"^https?://(www\.)?", "", value.strip(), flags=re.IGNORECASE)
        return value.rstrip("/").lower()

    return bare(text) == bare(url)


def _ol_start(attrs: list[tuple[str, str | None]]) -> int:
    value = (dict(attrs).get("start") or "").strip()
    if re.fullmatch(r"-?\d{1,9}", value):
        return max(-_MAX_START, min(int(value), _MAX_START))
    return 1
