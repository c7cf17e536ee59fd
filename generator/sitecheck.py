"""Post-build checks over the generated site.

Fails the build when any page references another host for something the
browser loads by itself (script, style, font, image, frame, media), so the
site and its offline copy never call out; and when a page carries live markup
that neither the converter nor the theme creates.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

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
}
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_BAD_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)
_FORBIDDEN_TAGS = {"iframe", "frame", "form", "base", "object", "embed", "input", "button", "textarea", "select"}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*((?:[a-z][a-z0-9+.-]*:)?//[^)'\"]+)", re.I)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?((?:[a-z][a-z0-9+.-]*:)?//[^)'\";]+)", re.I)


class _PageScanner(HTMLParser):
    """Scans one page.  Elements that only the theme may create (scripts,
    forms: Material's search box is a <form>) are forbidden inside the page's
    article, where converted content lives."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems: list[str] = []
        self.article_depth = 0

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.article_depth:
            self.article_depth -= 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        where = f"{self.name}:{self.getpos()[0]}"
        if tag == "article":
            self.article_depth += 1
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
            if key in {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"} and _BAD_SCHEME.match(value):
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


def check_site(site_dir: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site_dir).as_posix()
        if path.suffix == ".html":
            problems += check_html(name, path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".css":
            problems += check_css(name, path.read_text(encoding="utf-8", errors="replace"))
    return problems
