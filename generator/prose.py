"""Structure the prose of a post and mark up what it names.

Input is prose as scraped (one line, or bullet lines); output is Markdown in
which every scraped character went through ``generator.escape``.  The only
live syntax is what this module makes itself:

* paragraphs where the author started one ("Steps to reproduce", "Questions:",
  "Environment", a short "Label:" after a sentence), the label in bold;
* numbered/bulleted lists when a section enumerates (sentences of steps,
  questions, "1. … 2. …", fragments like "Wi-Fi excludeAPNS = true - …");
* inline code for symbols, paths, bundle ids, entitlement keys and commands;
* links for NE symbols, Tech Notes, WWDC sessions and bare http(s) URLs
  (``doclinks``/``escape.safe_url``); Feedback ids as a badge.
"""

from __future__ import annotations

import re
from typing import Iterator

from generator import doclinks
from generator.escape import code_span, escape_inline, escape_line_start, link_text, safe_url

# --------------------------------------------------------------------------
# Inline markup
# --------------------------------------------------------------------------

_COMMANDS = (
    "xcodebuild|codesign|spctl|xcrun|security|log|systemextensionsctl|sudo|defaults|plutil|"
    "lsregister|pluginkit|launchctl|networksetup|scutil|pfctl|tcpdump|nettop|dig|curl|profiles"
)
# What inline markup recognises, one named group per kind.  A command takes
# at most 12 words before its first flag: unbounded, the search for that flag
# ran on to the end of the text from every command name ("dig " * 10,000 took
# 9 s), and a plain "log" in a sentence could swallow the sentence.  A
# relative path does not start inside a run of its own characters (after "@",
# "+" or "-"): from there it matches only if it matched from the run's start,
# and "1@" * 20,000 tried every such place (4 s).
_INLINE_KINDS = (
    r"""
    (?P<url>https?://[^\s<>"'`]+)
  | (?P<wwdc>\bWWDC\s?(?P<year>\d{4}|\d{2})\s*(?:[:,-]\s*)?[Ss]ession\s+(?P<session>\d{2,5})\b
      | \bwwdc(?P<year2>\d{4})/(?P<session2>\d{2,5})\b)
  | (?P<technote>\bTN\d{4}\b)
  | (?P<feedback>\bFB\d{5,12}\b)
  | (?P<command>(?<![\w./-])(?:"""
    + _COMMANDS
    + r""")(?:\s+(?:stream|show|cms|stapler|list|validate|import|find-identity))?(?:\s+(?:-{1,2}[\w-]+(?:=\S+)?|'[^']{0,120}'|[^\s'"-][^\s'"]*(?<=[\w*]))){0,12}?\s+-{1,2}[\w-]+(?:\s+'[^']{0,120}'|\s+(?!-)[A-Z\w][\w./*-]*)?)
  | (?P<assign>(?<![\w.])[a-z]\w*[A-Z]\w*\s=\s(?:true|false|YES|NO|nil|\d+)\b)
  | (?P<symbol>(?<![\w.])(?:NE[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*|NW(?:HostEndpoint|BonjourServiceEndpoint|TCPConnection|UDPSession))(?:\.\w+)*(?:\(\))?)
  | (?P<path>(?<![\w/.])(?:~?/(?:Applications|Library|System|Users|usr|var|tmp|private|etc|bin|sbin|opt|dev|Volumes)\b(?:/[\w.@+-]+)*/?
      | (?<![@+-])(?:[\w.@+-]+/){2,}[\w.@+-]*
      | (?<![@+-])[\w@+-]+/[\w@+-]+\.[A-Za-z]\w{0,15}))
  | (?P<bundle>(?<![\w.-])(?:[A-Z][A-Z0-9_]{3,}\.)?[a-z][\w-]*\.[a-z][\w-]*(?:\.[\w*-]+)+)
  | (?P<entitlement>(?<![\w-])(?:(?:packet-tunnel|app-proxy|content-filter|url-filter|hotspot)-provider|dns-proxy|dns-settings|keychain-access-groups)(?:-systemextension)?(?![\w-]))
  | (?P<file>(?<![\w./-])[\w-]+\.(?:plist|entitlements|swift|mm|m|h|c|json|mobileconfig|provisionprofile|app|appex|systemextension|dylib|framework|xcodeproj)\b)
  | (?P<call>(?<![\w.])[A-Za-z_]\w*(?:\.\w+)*\(\))
  | (?P<camel>(?<![\w.])(?:[a-z]+[A-Z]\w*|(?:CF|NS|OS|Sec|SC|UI|UN|xpc_)[A-Z]\w*[a-z]\w*)(?![\w(]))
    """
)
# Every kind but ``url`` starts a word (its lookbehind refuses a word
# character before it); the leading guard says so once, so the alternation
# is not tried at every character of the text (half the time of this
# pattern).  Most words of prose are plain: lower-case letters and digits,
# at most one capital first, then a space, a comma, a closing quote, or a
# full stop or colon that ends the sentence.  No kind can match there (each
# needs a second capital, or one of ``. / ( - _ @ +`` inside the word, or
# "://"), except a command name, so such a word is refused at once instead
# of by every kind in turn (2.3x faster again on the synthetic corpus).
# Same matches as the kinds tried everywhere: tests/test_fast_patterns.py.
_PLAIN_WORD = r"(?!(?:" + _COMMANDS + r")\b)[A-Z]?[a-z0-9]++(?:[\s,;!?\"')\]]|[.:](?:\s|\Z)|\Z)"
_INLINE = re.compile(
    r"(?:(?<!\w)(?=[\w~/.@+-])(?!" + _PLAIN_WORD + r")|(?=https?://))(?:" + _INLINE_KINDS + ")", re.X
)
# lowerCamel words that are names, not symbols.
_NOT_SYMBOLS = re.compile(r"i[A-Z]\w*|\w+OS|eSIM|mDNS|macOS|tvOS|watchOS|visionOS|iPadOS|iOS")
_TRAILING = ".,;:!?)'\"”’"


def _trim_url(url: str) -> tuple[str, str]:
    """Split trailing sentence punctuation off a URL (keeping balanced ``)``)."""
    tail = ""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        tail = url[-1] + tail
        url = url[:-1]
    return url, tail


def _markup(match: re.Match[str]) -> tuple[str, str]:
    """``(markdown, trailing scraped text)`` for one recognised piece."""
    kind = match.lastgroup or ""
    raw = match.group(0)
    if kind == "url":
        url, tail = _trim_url(raw)
        safe = safe_url(url)
        if safe is None:
            return escape_inline(url), tail
        return f"[{link_text(url)}]({safe})", tail
    if kind == "wwdc":
        year = match.group("year") or match.group("year2")
        session = match.group("session") or match.group("session2")
        url = doclinks.wwdc_url(year, session)
        return (f"[{link_text(raw)}]({url})" if url else escape_inline(raw)), ""
    if kind == "technote":
        return f"[{link_text(raw)}]({doclinks.technote_url(raw)})", ""
    if kind == "feedback":
        return doclinks.feedback_badge(raw) or escape_inline(raw), ""
    if kind == "symbol":
        url = doclinks.symbol_doc_url(raw)
        return (f"[{code_span(raw)}]({url})" if url else code_span(raw)), ""
    if kind == "camel" and _NOT_SYMBOLS.fullmatch(raw):
        return escape_inline(raw), ""
    if kind in ("bundle", "path", "command"):
        core = raw.rstrip(".,;:)")
        if kind == "command":
            core = core.rstrip("):")
        return code_span(core), raw[len(core):]
    return code_span(raw), ""


def _wwdc_titles(text: str) -> list[tuple[int, int, str]]:
    """Session titles the link table knows ("Filter and tunnel network … ")."""
    found = []
    lowered = text.lower()
    for title in doclinks.known_wwdc_titles():
        start = lowered.find(title)
        while start >= 0:
            url = doclinks.wwdc_url_for_title(title)
            if url:
                found.append((start, start + len(title), url))
            start = lowered.find(title, start + len(title))
    return found


def _render_run(text: str) -> str:
    """Inline markup for text that holds no linked session title."""
    pieces: list[str] = []
    pending = ""  # scraped text not yet escaped (escaped in one go, see below)
    position = 0
    for match in _INLINE.finditer(text):
        markdown, tail = _markup(match)
        # Escaping whole runs, never single characters, keeps doubled
        # markers ("==", "{{") recognisable to ``escape_inline``.
        pieces.append(escape_inline(pending + text[position:match.start()]))
        pieces.append(markdown)
        pending = tail
        position = match.end()
    pieces.append(escape_inline(pending + text[position:]))
    return "".join(pieces)


def render_inline(text: str) -> str:
    """Scraped prose → inline Markdown: escaped text plus the converter's own
    code spans, links and badges.  Line starts are not neutralised here
    (see :func:`_line`)."""
    pieces: list[str] = []
    position = 0
    for start, end, url in sorted(_wwdc_titles(text)):
        if start < position:
            continue
        pieces.append(_render_run(text[position:start]))
        pieces.append(f"[{link_text(text[start:end])}]({url})")
        position = end
    pieces.append(_render_run(text[position:]))
    return "".join(pieces)


def _line(text: str) -> str:
    """One line of Markdown from scraped text: inline markup, and block
    syntax at the start of the line neutralised."""
    rendered = render_inline(text.strip())
    if rendered and rendered[0] not in "[`<":  # our own link/code/badge is fine
        rendered = escape_line_start(rendered)
    elif rendered.startswith("`") and rendered.startswith("```"):
        rendered = "\\" + rendered
    return rendered


# --------------------------------------------------------------------------
# Paragraphs and lists
# --------------------------------------------------------------------------

# Headings without a colon that authors use to start a section.
_KNOWN_HEADINGS = (
    "Steps to reproduce",
    "Sequence to reproduce the issue",
    "What I've tried and ruled out",
    "What I’ve tried and ruled out",
    "What I've tried",
    "What I’ve tried",
    "What I have tried",
    "What I have verified",
    "Approaches tried",
    "Questions",
    "Question",
    "Our question",
    "Environment",
    "Observed behavior",
    "Expected behavior",
    "Actual behavior",
    "Sample Project",
    "Key observation",
    "Signing & Verification",
    "System-level checks",
    "My setup",
    "TLDR",
    "TL;DR",
)
_LIST_HEADINGS = re.compile(r"steps|sequence|tried|verified|approaches|question|observed|environment|checks|setup", re.I)
_KNOWN_PATTERN = "|".join(re.escape(h) for h in sorted(_KNOWN_HEADINGS, key=len, reverse=True))
# Where a section may start: a known heading followed by a colon wherever it
# is; without a colon, or a short "Label:", only after a sentence.
_HEADING_BODY = (
    r"(?P<colon>(?i:" + _KNOWN_PATTERN + r")):(?=\s)"
    r"|(?:^|(?<=[.!?]\s)|(?<=[.!?][)\"”’]\s))(?:"
    r"(?P<known>(?i:" + _KNOWN_PATTERN + r"))(?=\s)"
    r"|(?P<label>[A-Z][\w'’&-]*(?: [\w'’&()-]+){0,2}):(?=\s)"
    r")"
)
# Every section starts the text or follows whitespace.  Matching that
# whitespace (instead of looking behind for it at every character) lets the
# engine scan for whitespace only; the match then starts one character
# early, which _sections strips like the rest of the gap.
_HEADING_AT_START = re.compile(_HEADING_BODY)
_HEADING_AFTER_SPACE = re.compile(r"\s(?:" + _HEADING_BODY + ")")


def _heading_matches(text: str) -> Iterator[re.Match[str]]:
    """The section starts of ``text``, in order, as one finditer would give
    them (tests/test_fast_patterns.py)."""
    position = 0
    first = _HEADING_AT_START.match(text)
    if first:
        yield first
        position = first.end()
    yield from _HEADING_AFTER_SPACE.finditer(text, position)


_NOT_LABELS = frozenset({"So", "Note", "Hi", "Hello", "Also", "But", "And", "Or"})
_SIGN_OFF = re.compile(r"(?<=[.!?]\s)(?=(?:Thank you|Thanks|Best regards|Best Regards|Kind regards|Regards)\b)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
_CLAUSE_PUNCTUATION = re.compile(r"[.,;:!?](?:\s|$)")
_STOP_WORDS = frozenset(
    "and or the a an of to in on for with via from by at as is are was were than over under between "
    "into when if that using but not no".split()
)
_ENUMERATION = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s+(?=\S)")


def _sections(text: str) -> list[tuple[str, str]]:
    """``(heading, body)`` pairs; the first heading may be ``""``."""
    sections: list[tuple[str, str]] = []
    heading = ""
    position = 0
    for match in _heading_matches(text):
        label = match.group("colon") or match.group("known") or match.group("label") or ""
        if label in _NOT_LABELS:
            continue
        body = text[position:match.start()].strip()
        if heading or body:
            sections.append((heading, body))
        heading = match.group(0).strip()
        position = match.end()
    sections.append((heading, text[position:].strip()))
    return [(h, b) for h, b in sections if h or b]


def _fragments(body: str) -> list[str]:
    """Unpunctuated enumerations ("… are correct UDP length …") split where a
    capitalised word follows a lower-case one that does not join phrases."""
    words = body.split(" ")
    pieces: list[list[str]] = [[]]
    for index, word in enumerate(words):
        previous = words[index - 1] if index else ""
        title_case = re.fullmatch(r"[A-Z][a-z][\w’'-]*", word) is not None
        capital = word[:1].isupper()
        starts_item = (
            bool(previous)
            and previous.lower() not in _STOP_WORDS
            and previous[-1:] not in ",:;—–-(/&+="
            and (title_case or (capital and re.search(r"[a-z0-9)]$", previous) is not None))
        )
        if starts_item and pieces[-1]:
            pieces.append([])
        pieces[-1].append(word)
    return [" ".join(p) for p in pieces if p]


_ITEM_LABEL = re.compile(r"(?:^|(?<=[a-z0-9)\]] ))[A-Z][\w-]*(?: [\w-]+){0,3}:(?=\s)")


def _labelled_items(body: str) -> list[str]:
    """Items that each open with a short "Label:" ("On Device: Wait …")."""
    starts = [m.start() for m in _ITEM_LABEL.finditer(body)]
    if len(starts) < 2 or starts[0] != 0:
        return []
    return [body[a:b].strip() for a, b in zip(starts, starts[1:] + [len(body)])]


def _list_items(heading: str, body: str) -> tuple[list[str], str]:
    """Items of a list section and the prose that follows them."""
    labelled = _labelled_items(body)
    if labelled:
        return labelled, ""
    if re.search(r"question", heading, re.I):
        sentences = _SENTENCE_END.split(body)
        items = []
        for sentence in sentences:
            if not sentence.rstrip("\"”’'").endswith("?"):
                break
            items.append(sentence)
        return items, " ".join(sentences[len(items):])
    sentences = _SENTENCE_END.split(body)
    if len(sentences) >= 3 and all(len(s) < 400 for s in sentences):
        return sentences, ""
    fragments = _fragments(body)
    items = []
    for fragment in fragments:
        if _CLAUSE_PUNCTUATION.search(fragment) or len(fragment) > 160:
            break
        items.append(fragment)
    if len(items) < 2 or any(len(item.split()) < 3 for item in items):
        return [], body
    consumed = sum(len(f) + 1 for f in items)
    return items, body[consumed:].strip()


def _enumerated(body: str) -> tuple[str, list[str]] | None:
    """An inline "1. … 2. … 3. …" enumeration: (lead-in, items)."""
    marks = list(_ENUMERATION.finditer(body))
    expected = 1
    chosen = []
    for mark in marks:
        if int(mark.group(1)) == expected:
            chosen.append(mark)
            expected += 1
    if len(chosen) < 2:
        return None
    lead = body[: chosen[0].start()].strip()
    items = [body[m.end(): (chosen[i + 1].start() if i + 1 < len(chosen) else len(body))].strip() for i, m in enumerate(chosen)]
    return lead, items


# Python-Markdown slows down sharply as escapes pile up in one paragraph
# (50,000 escaped "[" take 13.6 s as one paragraph, 0.19 s as 100): a long
# paragraph dense with Markdown-significant characters is split into pieces
# of at most this many characters, preferably after a sentence, else at a
# space (QUALITY.md case 19).  Ordinary prose, however long, is left whole.
MAX_PARAGRAPH_CHARS = 1_000
MAX_ESCAPES_PER_PARAGRAPH = 100
_SIGNIFICANT = re.compile(r"[\\`*_\[\]|<>&#!{}$:=~^+-]")


def _split_long(paragraph: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    if len(paragraph) <= limit or len(_SIGNIFICANT.findall(paragraph)) <= MAX_ESCAPES_PER_PARAGRAPH:
        return [paragraph]
    pieces: list[str] = []
    while len(paragraph) > limit:
        window = paragraph[:limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        cut = cut + 1 if cut > limit // 2 else window.rfind(" ")
        if cut <= 0:
            cut = limit
        pieces.append(paragraph[:cut].strip())
        paragraph = paragraph[cut:].strip()
    pieces.append(paragraph)
    return [piece for piece in pieces if piece]


def _paragraphs(text: str) -> list[str]:
    return [piece for p in _SIGN_OFF.split(text) if p.strip() for piece in _split_long(p.strip())]


def _list_block(items: list[str], numbered: bool) -> str:
    lines = []
    for number, item in enumerate(items, start=1):
        marker = f"{number}." if numbered else "-"
        lines.append(f"{marker} {_line(item)}")
    return "\n".join(lines)


def _bold(label: str) -> str:
    return f"**{escape_inline(label)}**"


def _flat_blocks(text: str) -> list[str]:
    blocks: list[str] = []
    for heading, body in _sections(text):
        enumeration = _enumerated(body)
        if enumeration:
            lead, items = enumeration
            head = " ".join(part for part in (_bold(heading) if heading else "", _line(lead) if lead else "") if part)
            if head:
                blocks.append(head)
            blocks.append(_list_block(items, numbered=True))
            continue
        items, rest = _list_items(heading, body) if heading and _LIST_HEADINGS.search(heading) else ([], body)
        if items:
            blocks.append(_bold(heading))
            numbered = re.search(r"steps|sequence", heading, re.I) is not None
            blocks.append(_list_block(items, numbered))
            blocks.extend(_line(p) for p in _paragraphs(rest))
            continue
        paragraphs = _paragraphs(body)
        if heading:
            first = paragraphs.pop(0) if paragraphs else ""
            blocks.append(_bold(heading) + (" " + render_inline(first) if first else ""))
        blocks.extend(_line(p) for p in paragraphs)
    return blocks


_BULLET_LINE = re.compile(r"\s*(?:(?P<bullet>[•*-])|(?P<number>\d{1,3})[.)])\s+(?P<item>.*)")


def _multiline_blocks(text: str) -> list[str]:
    """Lines kept by the source: bullet lines become list items, other lines
    are joined into paragraphs."""
    blocks: list[str] = []
    items: list[str] = []
    numbered = False
    paragraph: list[str] = []

    def flush() -> None:
        nonlocal items, paragraph
        if paragraph:
            blocks.extend(_flat_blocks(" ".join(paragraph)))
            paragraph = []
        if items:
            blocks.append(_list_block(items, numbered))
            items = []

    for line in text.split("\n"):
        bullet = _BULLET_LINE.fullmatch(line)
        if bullet:
            if paragraph or (items and numbered != bool(bullet.group("number"))):
                flush()
            numbered = bool(bullet.group("number"))
            items.append(bullet.group("item"))
        elif line.strip():
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return blocks


def render_prose(text: str) -> str:
    """Markdown blocks (separated by blank lines) for a prose segment."""
    if not isinstance(text, str) or not text.strip():
        return ""
    blocks = _multiline_blocks(text) if "\n" in text.strip() else _flat_blocks(" ".join(text.split()))
    return "\n\n".join(b for b in blocks if b)
