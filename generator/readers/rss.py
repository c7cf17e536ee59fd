"""Reader for RSS 2.0 and Atom feeds of Apple Developer Forums threads.

The forums publish a feed per tag ("RSS for tag" in the listing header).
Each item / entry becomes one :class:`~generator.records.Thread`:

==============  ==========================================================
Thread field    taken from (RSS 2.0 item  |  Atom entry)
==============  ==========================================================
key, thread_id  ``/forums/thread/<id>`` in the link: ``key = "id:<id>"``;
                without one ``key = "title:<title>"`` and ``thread_id = ""``
url             ``https://developer.apple.com/forums/thread/<id>``; without
                an id the link itself when it is http(s), else ``""``
title           ``<title>`` (Atom ``type="html"``/``"xhtml"`` converted)
body            ``<content:encoded>`` or ``<description>``  |  ``<content>``
                or ``<summary>``, HTML converted by :func:`html_to_text`
author          ``<dc:creator>``, else the name in ``<author>``
                ``"mail (Name)"``  |  ``<author><name>``
created         date of ``<pubDate>``  |  ``<published>`` (``YYYY-MM-DD``)
last_active     the latest item date (``pubDate``, ``atom:updated``,
                ``dc:date``  |  ``published``, ``updated``)
tags            ``<category>`` texts  |  ``<category label|term>``, in
                document order without repeats
replies         ``<slash:comments>`` when present (RSS has no other count)
forum           the channel / feed title, with "Apple Developer Forums"
                and "Posts under ... tag/subtopic" wrapping removed
scraped_on      ``<lastBuildDate>``, else the channel ``<pubDate>`` or
                ``<dc:date>``  |  the feed's ``<updated>``; else the
                ``scraped_on`` argument (sidecar / ``--as-of``), else ``""``
source          ``Source(path, line of the <item>/<entry> start tag)``
==============  ==========================================================

Dates are converted to UTC before the day is taken, so a feed reads the same
on every machine; no date is ever resolved against today's clock.

Safety (the file is hostile until proven otherwise):

* Parsing uses the standard library's expat directly.  A document type
  declaration is refused as soon as it starts, so entity expansion ("billion
  laughs"), external entities and DTD fetches never happen; references to
  undeclared entities are a well-formedness error.
* Files over :data:`MAX_FEED_BYTES` and nesting deeper than
  :data:`MAX_DEPTH` are refused.
* Bytes that are not valid in the declared encoding are replaced with
  U+FFFD, and characters XML forbids (C0 controls other than tab/LF/CR,
  U+FFFE, U+FFFF) are removed before parsing, each with a warning, so one bad
  byte does not lose the whole feed.

A file that cannot be read or parsed at all raises
:class:`~generator.readers.errors.InputError` (before any thread is yielded);
an item that cannot become a thread is skipped and reported through
``warn(source, message)``.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from generator.html_text import html_to_text
from generator.readers.errors import InputError, Warn, ignore_warning
from generator.records import Source, Thread, canonical_thread_id

__all__ = ["MAX_DEPTH", "MAX_FEED_BYTES", "canonical_url", "looks_like", "read_feed", "thread_id_from_url"]

MAX_FEED_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64

FORUM_BASE = "https://developer.apple.com/"
_FORUM_HOSTS = frozenset({"developer.apple.com", "forums.developer.apple.com"})
_THREAD_PATH = re.compile(r"^(?:/forums)?/thread/0*(\d{1,15})(?:/|$)")

_ATOM = "http://www.w3.org/2005/Atom"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_SLASH = "http://purl.org/rss/1.0/modules/slash/"

# Characters that XML 1.0 forbids even as raw text.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# XML whitespace only: other control characters are left to the clean stage.
_SPACES = re.compile(r"[ \t\r\n]+")
_DECLARED_ENCODING = re.compile(
    rb"""^[ \t\r\n]*<\?xml[^>]{0,200}?encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._-]{1,40})["']"""
)


# --------------------------------------------------------------------------
# Format detection


def looks_like(head: str) -> bool:
    """True when ``head`` (the first 4 KB of a file, as text) starts an RSS
    or Atom document: after an optional BOM, XML declaration, comments,
    processing instructions and doctype, the root element is ``<rss>`` or
    ``<feed>`` (with or without a namespace prefix)."""
    text = head.lstrip("\ufeff \t\r\n")
    while True:
        for opener, closer in (("<?", "?>"), ("<!--", "-->"), ("<!", ">")):
            if text.startswith(opener):
                end = text.find(closer, len(opener))
                if end < 0:
                    return False
                text = text[end + len(closer):].lstrip(" \t\r\n")
                break
        else:
            break
    return re.match(r"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed)[\s/>]", text) is not None


# --------------------------------------------------------------------------
# Reading


def read_feed(path: Path, *, warn: Warn | None = None, scraped_on: str = "") -> Iterator[Thread]:
    """Yield one thread per feed item, in document order.

    ``scraped_on`` (``YYYY-MM-DD``, from a sidecar or ``--as-of``) is used
    only when the feed itself carries no build date.

    Raises :class:`InputError` when the file cannot be read, is not
    well-formed XML, carries a DTD, or is neither RSS nor Atom.
    """
    report = warn if warn is not None else ignore_warning
    name = str(path)
    root = _parse(_decode(_read_bytes(path), name, report), name)
    if _local(root.tag) == "rss":
        feed = _rss_feed(root)
    elif _local(root.tag) == "feed":
        feed = _atom_feed(root)
    else:
        raise InputError(name, root.line, f"root element <{_local(root.tag)}> is not <rss> or <feed>")
    scraped_on = _day(feed.scraped_on, Source(name), "feed date", report) or scraped_on
    for entry in feed.entries:
        thread = _thread(entry, feed, scraped_on, name, report)
        if thread is not None:
            yield thread


def _read_bytes(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FEED_BYTES + 1)
    except OSError as error:
        raise InputError(path, 0, f"cannot read feed: {error.strerror or error}") from None
    if len(data) > MAX_FEED_BYTES:
        raise InputError(path, 0, f"feed is larger than {MAX_FEED_BYTES} bytes")
    return data


def _decode(data: bytes, name: str, warn: Warn) -> str:
    """Bytes -> text in the BOM's or the declared encoding (UTF-8 by
    default); undecodable bytes and XML-illegal characters are repaired with
    a warning rather than losing the whole feed."""
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        declared = _DECLARED_ENCODING.match(data)
        if declared:
            encoding = declared.group(1).decode("ascii").lower()
    try:
        codecs.lookup(encoding)
    except LookupError:
        warn(Source(name, 1), f"unknown encoding {encoding!r}; reading as UTF-8")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        label = "UTF-8" if encoding in ("utf-8", "utf8") else encoding
        warn(Source(name, line), f"invalid {label} bytes replaced with U+FFFD")
        text = data.decode(encoding, errors="replace")
    text = text.lstrip("\ufeff")
    illegal = _XML_ILLEGAL.search(text)
    if illegal:
        line = text.count("\n", 0, illegal.start()) + 1
        count = len(_XML_ILLEGAL.findall(text))
        warn(Source(name, line), f"removed {count} control character(s) that XML does not allow")
        text = _XML_ILLEGAL.sub("", text)
    return text


# --------------------------------------------------------------------------
# A minimal, safe XML tree


@dataclass
class _Node:
    """An element: ``tag`` is ``"{namespace}local"`` or ``"local"``;
    ``parts`` keeps text and child elements in document order."""

    tag: str
    attrs: dict[str, str]
    line: int
    parts: list["str | _Node"] = field(default_factory=list)

    def children(self) -> Iterator["_Node"]:
        return (part for part in self.parts if isinstance(part, _Node))

    def find(self, local: str, namespace: str | None = None) -> "_Node | None":
        return next(self.find_all(local, namespace), None)

    def find_all(self, local: str, namespace: str | None = None) -> Iterator["_Node"]:
        """Children by local name; with ``namespace``, only in that one."""
        for child in self.children():
            if _local(child.tag) == local and (namespace is None or _namespace(child.tag) == namespace):
                yield child

    def text(self) -> str:
        """All character data inside, descendants included."""
        return "".join(part if isinstance(part, str) else part.text() for part in self.parts)

    def markup(self) -> str:
        """The content re-serialised as HTML (for Atom ``type="xhtml"``)."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(html.escape(part, quote=False))
                continue
            attrs = "".join(f' {_local(k)}="{html.escape(v)}"' for k, v in part.attrs.items())
            out.append(f"<{_local(part.tag)}{attrs}>{part.markup()}</{_local(part.tag)}>")
        return "".join(out)


class _Refused(Exception):
    """Raised from an expat handler to stop parsing at once."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _parse(text: str, name: str) -> _Node:
    parser = expat.ParserCreate(encoding="utf-8", namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[_Node] = []
    roots: list[_Node] = []

    def refuse(*_: object) -> None:
        raise _Refused(
            parser.CurrentLineNumber,
            "document type declarations and entities are refused "
            "(they can expand without limit or read other files)",
        )

    def start(tag: str, attrs: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            raise _Refused(parser.CurrentLineNumber, f"elements nested deeper than {MAX_DEPTH}")
        node = _Node(_clark(tag), {_clark(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        (stack[-1].parts if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.NotationDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(text.encode("utf-8", errors="replace"), True)
    except _Refused as refused:
        raise InputError(name, refused.line, refused.message) from None
    except expat.ExpatError as error:
        raise InputError(name, error.lineno, f"not well-formed XML: {expat.ErrorString(error.code)}") from None
    if not roots:
        raise InputError(name, 0, "no root element")
    return roots[0]


def _clark(name: str) -> str:
    """expat's ``"namespace}local"`` -> ElementTree's ``"{namespace}local"``."""
    return "{" + name if "}" in name else name


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""




# --------------------------------------------------------------------------
# Feed structure -> neutral entries


@dataclass(frozen=True)
class _Entry:
    """One item or entry, reduced to what a thread needs."""

    line: int
    title: str
    link: str
    body: str
    body_is_html: bool  # False for an Atom type="text" body
    author: str
    published: str  # raw date strings, parsed later with warnings
    updated: tuple[str, ...]
    tags: tuple[str, ...]
    replies: str


@dataclass(frozen=True)
class _Feed:
    forum: str
    scraped_on: str  # raw date string
    base: str
    entries: tuple[_Entry, ...]


def _rss_feed(root: _Node) -> _Feed:
    # RSS 2.0 keeps items in <channel>; RSS 0.9x-style feeds sometimes
    # put them directly under the root.
    channel = root.find("channel", "")
    items = list(root.find_all("item", ""))
    if channel is not None:
        items = list(channel.find_all("item", "")) + items
    else:
        channel = root
    base = _clean(_text(channel.find("link", ""))) or FORUM_BASE
    built = (
        _text(channel.find("lastBuildDate", ""))
        or _text(channel.find("pubDate", ""))
        or _text(channel.find("date", _DC))
    )
    entries = tuple(_rss_entry(item) for item in items)
    return _Feed(_forum_name(_text(channel.find("title", ""))), built, base, entries)


def _rss_entry(item: _Node) -> _Entry:
    link = _clean(_text(item.find("link", "")))
    if not link:
        link = _atom_link(item) or _permalink_guid(item)
    encoded = item.find("encoded", _CONTENT)
    body = _text(encoded) if encoded is not None else _text(item.find("description", ""))
    author = _clean(_text(item.find("creator", _DC))) or _name_in_mailbox(_text(item.find("author", "")))
    updated = tuple(
        _text(node) for node in (item.find("updated", _ATOM), item.find("date", _DC)) if node is not None
    )
    return _Entry(
        line=item.line,
        title=_clean(_text(item.find("title", ""))),
        link=link,
        body=body,
        body_is_html=True,
        author=author,
        published=_text(item.find("pubDate", "")),
        updated=updated,
        tags=_unique(_clean(node.text()) for node in item.find_all("category", "")),
        replies=_text(item.find("comments", _SLASH)),
    )


def _atom_feed(root: _Node) -> _Feed:
    base = root.attrs.get("{http://www.w3.org/XML/1998/namespace}base", "") or _atom_link(root) or FORUM_BASE
    entries = tuple(_atom_entry(entry) for entry in root.find_all("entry"))
    return _Feed(_forum_name(_atom_text(root.find("title"))), _text(root.find("updated")), base, entries)


def _atom_entry(entry: _Node) -> _Entry:
    content = entry.find("content")
    if content is None or not content.text().strip():  # absent, empty or src=...
        content = entry.find("summary")
    body, is_html = _atom_body(content)
    author = entry.find("author")
    return _Entry(
        line=entry.line,
        title=_atom_text(entry.find("title")),
        link=_atom_link(entry) or _clean(_text(entry.find("id"))),
        body=body,
        body_is_html=is_html,
        author=_clean(_text(author.find("name"))) if author is not None else "",
        published=_text(entry.find("published")),
        updated=(_text(entry.find("updated")),),
        tags=_unique(
            _clean(node.attrs.get("label", "")) or _clean(node.attrs.get("term", ""))
            for node in entry.find_all("category")
        ),
        replies="",
    )


def _atom_link(node: _Node) -> str:
    """The ``rel="alternate"`` (default rel) href of an Atom ``<link>``."""
    for link in node.find_all("link"):
        if link.attrs.get("rel", "alternate") == "alternate" and link.attrs.get("href", "").strip():
            return link.attrs["href"].strip()
    return ""


def _atom_body(content: _Node | None) -> tuple[str, bool]:
    """(content, is_html) of an Atom text construct."""
    if content is None:
        return "", False
    kind = content.attrs.get("type", "text").lower()
    if kind == "xhtml":
        return content.markup(), True
    if kind in ("html", "text/html"):
        return content.text(), True
    return content.text(), False


def _atom_text(node: _Node | None) -> str:
    if node is None:
        return ""
    body, is_html = _atom_body(node)
    return _clean(html_to_text(body) if is_html else body)


def _permalink_guid(item: _Node) -> str:
    guid = item.find("guid")
    if guid is None or guid.attrs.get("isPermaLink", "true").lower() == "false":
        return ""
    return _clean(guid.text())


def _text(node: _Node | None) -> str:
    return node.text() if node is not None else ""


def _clean(text: str) -> str:
    """Collapse whitespace runs (titles, names, tags are one line)."""
    return _SPACES.sub(" ", text).strip(" ")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def _name_in_mailbox(author: str) -> str:
    """RSS ``<author>`` is ``"mail@example.com (Display Name)"``."""
    author = _clean(author)
    match = re.fullmatch(r"\S+@\S+\s+\((.+)\)", author)
    return match.group(1).strip() if match else author


_FORUM_SITE = r"(?:Apple\s+)?Developer\s+Forums"
_FORUM_WRAPPERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_FORUM_SITE}\s*[-–—|:»]\s*", re.IGNORECASE), ""),
    (re.compile(rf"\s*[-–—|:»]\s*{_FORUM_SITE}$", re.IGNORECASE), ""),
    (re.compile(r"^(?:Latest\s+)?Posts\s+under\s+(.+?)\s+(?:tag|subtopic|topic)$", re.IGNORECASE), r"\1"),
)


def _forum_name(title: str) -> str:
    """The tag or subtopic a feed is about: "Apple Developer Forums - Posts
    under Network Extension tag" -> "Network Extension"."""
    name = _clean(title)
    for pattern, replacement in _FORUM_WRAPPERS:
        name = pattern.sub(replacement, name)
    return name.strip()


# --------------------------------------------------------------------------
# Entry -> Thread


def _thread(entry: _Entry, feed: _Feed, scraped_on: str, name: str, warn: Warn) -> Thread | None:
    source = Source(name, entry.line)
    if not entry.title:
        warn(source, "item has no title; skipped")
        return None
    link = _absolute(entry.link, feed.base)
    thread_id = thread_id_from_url(link)
    url = canonical_url(thread_id) if thread_id else link
    if entry.body_is_html:
        body = html_to_text(entry.body, base_url=url or FORUM_BASE)
    else:
        body = entry.body.strip()
    published = _day(entry.published, source, "publication date", warn)
    updated = [_day(raw, source, "update date", warn) for raw in entry.updated]
    return Thread(
        key=f"id:{thread_id}" if thread_id else f"title:{entry.title}",
        title=entry.title,
        body=body,
        forum=feed.forum,
        url=url,
        thread_id=thread_id,
        replies=_count(entry.replies, source, warn),
        last_active=max([published, *updated]),
        scraped_on=scraped_on,
        author=entry.author,
        created=published,
        tags=entry.tags,
        source=source,
    )


def _absolute(link: str, base: str) -> str:
    if not link:
        return ""
    try:
        link = urljoin(base, link)
    except ValueError:
        return ""
    return link if re.match(r"^https?://\S+$", link, re.IGNORECASE) else ""


def thread_id_from_url(url: str) -> str:
    """The numeric thread id of a forum thread URL, or ``""``.

    Only the forums' own hosts count (``developer.apple.com/forums/thread/N``
    and the old ``forums.developer.apple.com/thread/N``); leading zeros are
    dropped so that every spelling gives the same key."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or (parts.hostname or "") not in _FORUM_HOSTS:
        return ""
    match = _THREAD_PATH.match(parts.path)
    return canonical_thread_id(match.group(1)) if match else ""


def canonical_url(thread_id: str) -> str:
    return f"https://developer.apple.com/forums/thread/{thread_id}"


def _day(raw: str, source: Source, what: str, warn: Warn) -> str:
    """RFC 822 (RSS) or RFC 3339 (Atom) date -> UTC ``YYYY-MM-DD``; ``""``
    (with a warning) when it cannot be read, ``""`` silently when absent."""
    raw = _clean(raw)
    if not raw:
        return ""
    moment = _parse_date(raw)
    if moment is None:
        warn(source, f"unreadable {what} {raw[:80]!r}; left empty")
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc).date().isoformat()
    except OverflowError:  # e.g. year 1 with a positive offset
        warn(source, f"{what} {raw[:80]!r} is out of range; left empty")
        return ""


def _parse_date(raw: str) -> datetime | None:
    parsers: tuple[Callable[[str], datetime], ...] = (
        parsedate_to_datetime,
        lambda value: datetime.fromisoformat(value.replace("z", "Z")),
    )
    for parse in parsers:
        try:
            return parse(raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
    return None


def _count(raw: str, source: Source, warn: Warn) -> int:
    raw = _clean(raw).replace(",", "")
    if not raw:
        return 0
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        return int(raw)
    warn(source, f"unreadable reply count {raw[:40]!r}; counted as 0")
    return 0
