"""Post-build checks over the generated site.

Fails the build when any page references another host for something the
browser loads by itself (script, style, font, image, frame, media), so the
site and its offline copy never call out; when a page carries live markup
that neither the converter nor the theme creates; and when the search index
(whose entries Material inserts as HTML) holds more than plain text tags.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

from generator.parallel import fork_map

# Attributes that make the browser fetch something on its own.
_LOADING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
    # SVG fetches through href/xlink:href; old HTML through background/lowsrc.
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
    "body": ("background",),
    "table": ("background",),
    "td": ("background",),
}
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|livescript|data):", re.I)
# Browsers drop ASCII whitespace and control characters inside a URL's
# scheme ("jav&#x09;ascript:" runs), so the check does too.
_URL_NOISE = re.compile(r"[\x00-\x20]")
_FORBIDDEN_TAGS = {"iframe", "frame", "form", "base", "object", "embed", "input", "button", "textarea", "select"}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*((?:[a-z][a-z0-9+.-]*:)?//[^)'\"]+)", re.I)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?((?:[a-z][a-z0-9+.-]*:)?//[^)'\";]+)", re.I)


_URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data",
    "background", "lowsrc", "dynsrc", "ping", "cite", "longdesc", "manifest", "icon",
}
# Material's search results insert an entry's title and text as HTML; its
# search plugin keeps only these tags, without attributes.
SEARCH_INDEX = "search/search_index.json"
OFFLINE_INDEX = "search/search_index.js"  # the offline plugin's inlined copy
OFFLINE_PREFIX = "var __index = "
SEARCH_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})


class _PageScanner(HTMLParser):
    """Scans one page.  Elements that only the theme may create (scripts,
    forms: Material's search box is a <form>) are forbidden inside the page's
    article, where converted content lives."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems: list[str] = []
        self.article_depth = 0
        self.in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.article_depth:
            self.article_depth -= 1
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        # A <style> element can load from another host as well as a file can.
        if self.in_style:
            self._check_css(data, f"{self.name}:{self.getpos()[0]}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        where = f"{self.name}:{self.getpos()[0]}"
        if tag == "article":
            self.article_depth += 1
        if tag == "style":
            self.in_style = True
        if self.article_depth and (tag in _FORBIDDEN_TAGS or tag in {"script", "style", "meta", "link"}):
            self.problems.append(f"{where}: <{tag}> element in page content")
        elif tag in {"iframe", "frame", "base", "object", "embed"}:
            self.problems.append(f"{where}: <{tag}> element")
        if tag == "meta" and "http-equiv" in values:
            self.problems.append(f"{where}: <meta http-equiv>")
        for attribute in _LOADING.get(tag, ()):
            if _EXTERNAL.match(values.get(attribute, "")):
                self.problems.append(f"{where}: <{tag} {attribute}> loads {values[attribute]!r} from another host")
        if tag == "link" and _EXTERNAL.match(values.get("href", "")):
            rel = values.get("rel", "").lower()
            if any(word in rel for word in ("stylesheet", "icon", "preload", "prefetch", "preconnect", "modulepreload", "manifest", "dns-prefetch")):
                self.problems.append(f"{where}: <link rel={rel}> loads {values['href']!r} from another host")
        for key, value in values.items():
            if key.startswith("on"):
                self.problems.append(f"{where}: event-handler attribute {key}= on <{tag}>")
            if key in _URL_ATTRIBUTES and _BAD_SCHEME.match(_URL_NOISE.sub("", value)):
                self.problems.append(f"{where}: {key}={value[:40]!r} on <{tag}>")
            if key == "style":
                self._check_css(value, where)

    def _check_css(self, css: str, where: str) -> None:
        for match in list(_CSS_URL.finditer(css)) + list(_CSS_IMPORT.finditer(css)):
            self.problems.append(f"{where}: CSS loads {match[1]!r} from another host")


def check_html(name: str, text: str) -> list[str]:
    scanner = _PageScanner(name)
    scanner.feed(text)
    scanner.close()
    return scanner.problems


def check_css(name: str, text: str) -> list[str]:
    return [f"{name}: CSS loads {m[1]!r} from another host" for m in list(_CSS_URL.finditer(text)) + list(_CSS_IMPORT.finditer(text))]


class _SearchEntryScanner(HTMLParser):
    def __init__(self, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where = where
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SEARCH_TAGS or attrs:
            self.problems.append(f"{self.where}: <{tag}{' ' + attrs[0][0] if attrs else ''}> in the search index")


def check_search_index(name: str, text: str) -> list[str]:
    """The search index holds only the plain tags Material's plugin keeps."""
    try:
        index = json.loads(text)
    except ValueError as error:
        return [f"{name}: not valid JSON ({error})"]
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(docs, list):
        return [f"{name}: no 'docs' list"]
    problems: list[str] = []
    for number, doc in enumerate(docs):
        if not isinstance(doc, dict):
            problems.append(f"{name}: entry {number} is not an object")
            continue
        for key in ("title", "text"):
            value = doc.get(key, "")
            if not isinstance(value, str):
                problems.append(f"{name}: entry {number} {key} is not a string")
                continue
            scanner = _SearchEntryScanner(f"{name}: entry {number} {key} ({doc.get('location', '')})")
            scanner.feed(value)
            scanner.close()
            problems += scanner.problems
        tags = doc.get("tags", [])
        if not isinstance(tags, list) or any(not isinstance(tag, str) or "<" in tag for tag in tags):
            problems.append(f"{name}: entry {number} has markup in its tags")
    return problems


def check_file(site_dir: Path, path: Path) -> list[str]:
    """The problems of one file of the site (none for kinds it does not read)."""
    name = path.relative_to(site_dir).as_posix()
    if path.suffix == ".html":
        return check_html(name, path.read_text(encoding="utf-8", errors="replace"))
    if path.suffix == ".css":
        return check_css(name, path.read_text(encoding="utf-8", errors="replace"))
    if name == SEARCH_INDEX:
        return check_search_index(name, path.read_text(encoding="utf-8", errors="replace"))
    if name == OFFLINE_INDEX:
        text = path.read_text(encoding="utf-8", errors="replace")
        return check_search_index(name, text.removeprefix(OFFLINE_PREFIX))
    if name.startswith(SHARDED_INDEX) and path.suffix == ".js":
        return check_index_shard(name, path.read_bytes())
    return []


# The converter's sharded search index (generator/searchindex.py) stores every
# string as ASCII JSON with <, > and & escaped: a shard holding any of them
# raw, or any non-ASCII byte, was not written by the converter.
SHARDED_INDEX = "assets/kb-search/index/"


def check_index_shard(name: str, data: bytes) -> list[str]:
    if any(byte > 0x7F for byte in data) or any(ch in data for ch in b"<>&"):
        return [f"{name}: search index shard holds raw markup or non-ASCII bytes"]
    return []


def _check_one(job: tuple[Path, Path]) -> list[str]:
    return check_file(*job)


def check_site(site_dir: Path) -> list[str]:
    """Every problem of every file under ``site_dir``, in path order (the
    pages are parsed on both cores for a large site)."""
    files: list[tuple[Path, Path]] = []
    links: list[str] = []
    # os.walk does not follow links: a link in the site is itself the problem
    # (a web server may follow it out of the site).
    # (os.walk lists a link to a folder among the folders.)
    for folder, folders, names in os.walk(site_dir):
        for is_file, name in [*((False, name) for name in folders), *((True, name) for name in names)]:
            path = Path(folder, name)
            if path.is_symlink():
                links.append(f"{path.relative_to(site_dir).as_posix()}: a link in the built site (it may lead out of it)")
            elif is_file and path.is_file():
                files.append((site_dir, path))
    files.sort(key=lambda job: job[1])
    return sorted(links) + [problem for problems in fork_map(_check_one, files) for problem in problems]
