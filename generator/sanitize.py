"""Second line of defence: an allowlist sanitiser over the built site.

The converter escapes every scraped string (first layer, ``generator.escape``).
If one escape is ever missed, this pass still keeps the markup dead: after
``mkdocs build`` it runs nh3 (an html5ever-based allowlist sanitiser) over

* the page content of every HTML page — only inside Material's
  ``<article class="md-content__inner …">``, where converted Markdown lives, so
  the theme's own header, search box and scripts are never touched; and
* the ``title`` and ``text`` of every entry of ``search/search_index.json``
  (and of ``search_index.js``, its offline copy), which Material's search
  results insert as HTML.

The allowlists hold exactly what the enabled Markdown extensions, Pygments
and the theme's content partials emit; everything else (``<script>``,
``<iframe>``, ``<form>``, ``<svg>``, ``on*=`` attributes, ``javascript:`` and
``data:`` URLs, ``style`` other than table alignment) is removed.

A page is rewritten only when sanitising changes what it *means*: both
versions are compared as parsed events (tags, attributes, text), so a clean
build keeps the theme's bytes and ``sanitize_site`` returns 0.  A non-zero
count means the first layer missed something; the caller should say so.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import nh3

from generator.parallel import fork_map

# What converted Markdown renders to with the extensions in mkdocs.yml (toc,
# tables, admonition, superfences, highlight, escapeall), plus Material's
# content partials (tags, thread meta header).
ARTICLE_TAGS = frozenset({
    "a", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "li", "nav", "ol", "p", "pre", "span",
    "strong", "sub", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ARTICLE_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "aria-label", "aria-hidden"},
    "a": {"href", "rel"},
    "ol": {"start"},
    # The converter's "Original text" block and "Related threads" heading are
    # kept out of Material's search; its search-only terms are hidden.
    "details": {"open", "data-search-exclude"},
    "h2": {"data-search-exclude"},
    "div": {"hidden"},
    # Python-Markdown's tables align columns with an inline style.
    "th": {"style"},
    "td": {"style"},
}
ALLOWED_STYLE = {"text-align"}
# Only links the converter makes: relative, in-page, and http(s).
URL_SCHEMES = {"http", "https"}
# Material's search plugin keeps only these tags in the index (see
# material/plugins/search/plugin.py, ``Parser.keep``).
SEARCH_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})

SEARCH_INDEX = Path("search") / "search_index.json"
# Material's offline plugin (``kb export``) inlines the same index as a script.
OFFLINE_INDEX = Path("search") / "search_index.js"
OFFLINE_PREFIX = "var __index = "
_ARTICLE_START = re.compile(r'<article\b[^>]*\bclass="md-content__inner\b[^"]*"[^>]*>')
_ARTICLE_END = "</article>"


def sanitize_fragment(html: str) -> str:
    """Page content reduced to the allowlist."""
    return nh3.clean(
        html,
        tags=set(ARTICLE_TAGS),
        attributes={tag: set(names) for tag, names in ARTICLE_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        filter_style_properties=set(ALLOWED_STYLE),
        # rel is allowed as written: the converter's only external link
        # already says rel="nofollow noopener"; nh3 must not add one to every
        # internal link.
        link_rel=None,
        strip_comments=False,
    )


def sanitize_search_text(html: str) -> str:
    """A search-index title or text reduced to the tags Material keeps."""
    return nh3.clean(html, tags=set(SEARCH_TAGS), attributes={}, url_schemes=set(URL_SCHEMES), link_rel=None)


def _attribute_value(name: str, value: str | None) -> str:
    """nh3 rewrites ``style="text-align: right;"`` as ``text-align:right``."""
    value = value or ""
    if name == "style":
        return re.sub(r"\s+", "", value).rstrip(";").lower()
    return value


class _Events(HTMLParser):
    """Tags, sorted attributes and merged text of a fragment: what a page
    means, without serialisation details (quotes, ``<br />``, entity forms)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[object, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, tuple(sorted((k, _attribute_value(k, v)) for k, v in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            data = str(self.events[-1][1]) + data
            self.events.pop()
        self.events.append(("text", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    # Declarations and processing instructions never come from Markdown;
    # recording them makes any such construct count as a change.
    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("decl", data))


def _meaning(html: str) -> list[tuple[object, ...]]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    # Whitespace-only text between block tags carries no meaning, and html5ever
    # may drop the newline right after <pre>.
    return [
        (kind, re.sub(r"\s+", " ", str(rest[0]).strip()) if kind == "text" else rest[0], *rest[1:])
        for kind, *rest in parser.events
        if not (kind == "text" and not str(rest[0]).strip())
    ]


def same_meaning(original: str, sanitised: str) -> bool:
    """True when sanitising changed only how the fragment is written."""
    return original == sanitised or _meaning(original) == _meaning(sanitised)


def article_span(page: str) -> tuple[int, int] | None:
    """Start and end offsets of the article's content, or None.

    The end is the *last* ``</article>``: converted content sits before the
    theme's closing tag, so a stray ``</article>`` smuggled into the content
    cannot end the sanitised region early."""
    start = _ARTICLE_START.search(page)
    end = page.rfind(_ARTICLE_END)
    if not start or end < start.end():
        return None
    return start.end(), end


def sanitize_page(page: str) -> str:
    """The page with its article content sanitised; unchanged when clean."""
    span = article_span(page)
    if span is None:
        return page
    content = page[span[0] : span[1]]
    cleaned = sanitize_fragment(content)
    if same_meaning(content, cleaned):
        return page
    return page[: span[0]] + cleaned + page[span[1] :]


def sanitize_index(text: str) -> str:
    """The search index JSON with every entry's title and text sanitised;
    returned unchanged (same string) when nothing needed removing."""
    try:
        index = json.loads(text)
    except ValueError:
        # Not JSON: refuse the whole index rather than ship it unchecked.
        return json.dumps({"config": {}, "docs": []})
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(docs, list):
        return text
    changed = False
    for entry in docs:
        if not isinstance(entry, dict):
            continue
        for key in ("title", "text"):
            value = entry.get(key)
            if not isinstance(value, str):
                continue
            cleaned = sanitize_search_text(value)
            if not same_meaning(value, cleaned):
                entry[key] = cleaned
                changed = True
    if not changed:
        return text
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.sanitize")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _sanitize_file(path: Path) -> bool:
    """Sanitise one page in place; True when it had to change."""
    original = path.read_text(encoding="utf-8", errors="replace")
    cleaned = sanitize_page(original)
    if cleaned is original:
        return False
    _replace(path, cleaned)
    return True


def sanitize_site(site_dir: Path) -> int:
    """Sanitise every HTML page's article and the search index under
    ``site_dir`` in place; return how many files had to change (0 when the
    converter's escaping already kept everything literal)."""
    pages = [path for path in sorted(site_dir.rglob("*.html")) if path.is_file() and not path.is_symlink()]
    changed = sum(fork_map(_sanitize_file, pages))
    for relative, prefix in ((SEARCH_INDEX, ""), (OFFLINE_INDEX, OFFLINE_PREFIX)):
        index_path = site_dir / relative
        if not index_path.is_file() or index_path.is_symlink():
            continue
        original = index_path.read_text(encoding="utf-8", errors="replace")
        body = original[len(prefix) :] if original.startswith(prefix) else original
        cleaned = sanitize_index(body)
        if cleaned is not body:
            _replace(index_path, prefix + cleaned)
            changed += 1
    return changed
