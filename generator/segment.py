"""Split a flattened post body into prose and code segments.

The forum scrape joins every line of a post with a space, so Swift classes,
plists, log lines and shell sessions run together with the prose around them.
Code is recognised by *structure*, never by one keyword:

* hard segments have an unambiguous extent — Swift declarations and flattened
  multi-line calls (balanced braces/parentheses), Objective-C ``@interface`` /
  ``@implementation`` … ``@end``, plist/XML (``<?xml`` … ``</plist>``) and
  Apple's old-style dictionaries (``{ key = value … }``);
* soft segments end where prose resumes — log lines (timestamps, ``[0x…]``,
  a process name repeated before ``[subsystem]``), shell sessions
  (``$ command``), ``key = value`` dumps and error descriptions
  (``Error Domain=… Code=…``, ``<FilterStatus: …>``).  A soft segment is cut
  where a hard one starts, and a short "Label:" just before that hard segment
  is given back to the prose.

Everything here is a pure function of the text and runs in linear time
(bounded regexes, one pass per detector), so pathological bodies stay fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from generator.gates import Gated

# Language tag of the fenced block for each kind of code.
LANGUAGE = {
    "swift": "swift",
    "objc": "objectivec",
    "plist": "xml",
    "dict": "text",
    "log": "text",
    "error": "text",
    "keyvalue": "text",
    "shell": "console",
    "verbatim": "text",
}


@dataclass(frozen=True)
class Segment:
    """A run of a body: ``kind`` is "prose" or "code"; ``flavor`` says which
    detector recognised code (a key of ``LANGUAGE``)."""

    kind: str
    text: str
    flavor: str = ""
    verbatim: bool = False  # code that arrived with its own line breaks

    @property
    def language(self) -> str:
        return LANGUAGE.get(self.flavor, "text") if self.kind == "code" else ""


@dataclass(frozen=True, order=True)
class _Span:
    start: int
    end: int
    flavor: str


# --------------------------------------------------------------------------
# Shared scanners
# --------------------------------------------------------------------------

_CLOSER = {"(": ")", "[": "]", "{": "}"}


def _skip_string(text: str, i: int, quote: str = '"') -> int:
    """Index just after the string literal that opens at ``text[i]``."""
    n = len(text)
    j = i + 1
    while j < n:
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == quote:
            return j + 1
        j += 1
    return n


_BRACKET_OR_QUOTE = re.compile(r'["()\[\]{}]')


def _brackets(text: str, start: int) -> Iterator[tuple[int, str]]:
    """Every bracket at or after ``start`` that is outside a string literal."""
    j = start
    while (match := _BRACKET_OR_QUOTE.search(text, j)) is not None:
        j = match.start()
        if match[0] == '"':
            j = _skip_string(text, j)
            continue
        yield j, match[0]
        j += 1


def _balanced_end(text: str, i: int) -> int:
    """Index just after the bracket that closes the one at ``text[i]``
    (``len(text)`` when it never closes: code cut off by the forum)."""
    depth = 0
    for j, ch in _brackets(text, i):
        depth += 1 if ch in "([{" else -1
        if depth <= 0 and ch in ")]}":
            return j + 1
    return len(text)


_WORD = re.compile(r"\S+")
_TITLE_WORD = re.compile(r"(?:[A-Z][a-z]+|I|A)[,]?")
_LOWER_WORD = re.compile(r"[a-z][a-z'’]*[,.?!]?")


def _prose_restart(text: str, pos: int, limit: int, skip_first: int = 0) -> int:
    """Where prose resumes after a soft code run that starts at ``pos``.

    Prose resumes at a plain capitalised word followed by a lower-case word
    ("Signature and …", "I assume …") outside brackets, unless the word before
    ends with ":" or "=" (then it is a value).  Returns ``limit`` if never.
    """
    depth = 0
    previous = ""
    words = _WORD.finditer(text, pos, limit)
    current = next(words, None)
    index = 0
    while current is not None:
        following = next(words, None)
        word = current.group(0)
        if (
            index >= skip_first
            and depth == 0
            and _TITLE_WORD.fullmatch(word)
            and following is not None
            and _LOWER_WORD.fullmatch(following.group(0))
            and not previous.endswith((":", "="))
        ):
            return current.start()
        depth = max(0, depth + sum(word.count(c) for c in "([{") - sum(word.count(c) for c in ")]}"))
        previous = word
        current = following
        index += 1
    return limit


# --------------------------------------------------------------------------
# Hard detectors: Swift, Objective-C, plist/XML, old-style dictionaries
# --------------------------------------------------------------------------

_MODIFIERS = r"(?:(?:public|private|internal|open|final|fileprivate|override|static|class|convenience|required|mutating|nonisolated)\s+)*"
_ATTRIBUTES = r"(?:@\w+(?:\([^()]{0,40}\))?\s+)*"
# Patterns that must start with a lookbehind are Gated (generator/gates.py);
# the others start with the character they need and look behind it, so the
# engine scans for that character instead of trying every position.
_SWIFT_ANCHOR = Gated(
    r"(?<![\w.@])(?:"
    # `import X` directly followed by a declaration (one import alone is prose)
    r"import\s+[A-Z]\w*(?=\s+(?:import\s|@\w|" + _MODIFIERS + r"(?:class|struct|enum|extension|protocol|actor|func)\s))"
    r"|" + _ATTRIBUTES + _MODIFIERS
    + r"(?:class|struct|enum|extension|protocol|actor)\s+[A-Z]\w*(?:<[^<>{}]{0,80}>)?(?:\s*:\s*[\w.,\s]{1,120}?)?\s*\{"
    r"|" + _ATTRIBUTES + _MODIFIERS + r"func\s+\w+\s*(?:<[^<>{}]{0,80}>)?\("
    r")",
    # Each alternative starts with its literal, so the gate is scanned fast.
    "|".join(rf"{word}\s+[A-Z]" for word in ("import", "class", "struct", "enum", "extension", "protocol", "actor"))
    + r"|func\s+\w",
)
# A call whose arguments were on their own lines: `Type.method( label: …`.
_SWIFT_CALL = Gated(r"(?<![\w.])[A-Z]\w*(?:\.\w+)*\(\s+\w+:\s", r"\(\s+\w+:\s")
# What may follow a closed top-level declaration and still be the same file.
_SWIFT_CONTINUE = re.compile(
    r"\s*(?:import\s|@\w|" + _MODIFIERS
    + r"(?:func|var|let|class|struct|enum|extension|protocol|actor|init|deinit|typealias)\b)"
)


def _swift_extent(text: str, start: int, bounded: bool = False) -> tuple[int, bool]:
    """End of the Swift code that starts at ``start``: through every balanced
    top-level block, as long as another declaration follows; and whether it
    closed.  A block that never closes (a snippet cut short) ends where a
    sentence plainly starts.  ``bounded``: a block of this text already
    never closed, so the brackets are followed only up to the next sentence
    (else every later anchor scanned to the end again: quadratic)."""
    limit = _sentence_start(text, start, len(text)) if bounded else len(text)
    depth = 0
    for j, ch in _brackets(text, start):
        if j >= limit:
            return limit, False
        depth += 1 if ch in "([{" else -1
        if depth <= 0 and ch == "}":
            if depth < 0 or not _SWIFT_CONTINUE.match(text, j + 1):
                return j + 1, True
            depth = 0
    return (limit if bounded else _sentence_start(text, start, len(text))), False


# A sentence: a capitalised word, then at least three plain lower-case words.
_SENTENCE = re.compile(r"(?<![\w.])(?:[A-Z][a-z]+|I)(?:\s+[a-z][a-z'’]*){3}(?![\w(.:=])")


def _sentence_start(text: str, start: int, limit: int) -> int:
    """Where plain prose starts after unclosed code begun at ``start``
    ("… return .allow() Thanks for any help with this"); ``limit`` if never.
    Code rarely holds four plain words in a row, except in a ``//`` comment,
    so a sentence within eight words after one is taken as the comment."""
    for match in _SENTENCE.finditer(text, start, limit):
        before = text[max(start, match.start() - 200) : match.start()].split()[-8:]
        if "//" in before or any(word.startswith("//") for word in before):
            continue
        if before and before[-1].endswith((":", "=", ",")):
            continue  # a value or an argument list going on
        return match.start()
    return limit


def _swift_spans(text: str) -> Iterator[_Span]:
    # Anchors inside an extent already found are skipped: they could not win
    # the overlap anyway, and rescanning them would be quadratic.
    covered = 0
    unclosed = False
    for match in _SWIFT_ANCHOR.finditer(text):
        if match.start() >= covered:
            covered, closed = _swift_extent(text, match.start(), bounded=unclosed)
            unclosed = unclosed or not closed
            yield _Span(match.start(), covered, "swift")
    covered = 0
    for match in _SWIFT_CALL.finditer(text):
        if match.start() >= covered:
            covered = _balanced_end(text, text.index("(", match.start()))
            yield _Span(match.start(), covered, "swift")


_OBJC_ANCHOR = Gated(
    r"(?<![\w@])(?:#import\s+[<\"][\w./+-]{1,120}[>\"]\s+)*@(?:interface|implementation|protocol)\s+[A-Z]\w*",
    r"@(?:interface|implementation|protocol)\s+[A-Z]",
)
_OBJC_CONTINUE = re.compile(r"\s*(?:@(?:interface|implementation|protocol)\s|#import\s)")
_OBJC_END = re.compile(r"@end\b")


def _objc_spans(text: str) -> Iterator[_Span]:
    covered = 0
    for match in _OBJC_ANCHOR.finditer(text):
        if match.start() < covered:
            continue
        end = match.end()
        while True:
            close = _OBJC_END.search(text, end)
            if close is None:
                end = len(text)
                break
            end = close.end()
            if not _OBJC_CONTINUE.match(text, end):
                break
        yield _Span(match.start(), end, "objc")


_XML_ANCHOR = re.compile(r"<\?xml\b|<!DOCTYPE\s+plist\b|<plist\b|<(?:dict|array)>\s*<(?:key|string|dict)>")
# A dangling end of a DOCTYPE line cut by the scrape: `"http://…dtd">`.
_DTD_TAIL = re.compile(r'"[^"\s]{1,200}\.dtd">\s*$')
_TAG_RUN = re.compile(r"\s*(?:<[^<>]{1,300}>|[^<>]{1,300}(?=</))")
_PLIST_CLOSE = re.compile(r"</plist\s*>")


def _plist_spans(text: str) -> Iterator[_Span]:
    covered = 0
    close: re.Match[str] | None = _PLIST_CLOSE.search(text)
    for match in _XML_ANCHOR.finditer(text):
        if match.start() < covered:
            continue
        start = match.start()
        tail = _DTD_TAIL.search(text, max(0, start - 220), start)
        if tail:
            start = tail.start()
        # One forward search per `</plist>`, not per anchor (linear time).
        while close is not None and close.start() < match.end():
            close = _PLIST_CLOSE.search(text, close.end())
        if close:
            end = close.end()
        else:
            end = match.start()
            while (step := _TAG_RUN.match(text, end)) and step.end() > end:
                end = step.end()
        covered = end
        yield _Span(start, end, "plist")


_DICT_ANCHOR = re.compile(r'\{(?<![\w$)\]]\{)\s*(?:"[^"\s]{1,80}"|[A-Za-z_][\w.-]{0,80})\s*(?:=>|=)\s')
_DICT_LEAD = re.compile(r'"[^"]{1,60}"\s*=>\s*$')


def _dict_spans(text: str) -> Iterator[_Span]:
    covered = 0
    for match in _DICT_ANCHOR.finditer(text):
        if match.start() < covered:
            continue
        start = match.start()
        lead = _DICT_LEAD.search(text, max(0, start - 70), start)
        if lead:
            start = lead.start()
        covered = _balanced_end(text, match.start())
        yield _Span(start, covered, "dict")


# --------------------------------------------------------------------------
# Soft detectors: logs, shell sessions, key = value dumps, errors
# --------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"\d(?<!\d\d)\d{3}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?")
# An address tag at the start of the text or of a sentence.
_ADDRESS_ENTRY = re.compile(r"\[(?:(?<=^\[)|(?<=[.:!?]\s\[))0x[0-9a-fA-F]{4,}\]")
# `sysextd [com.apple.sx:XPC] …` / `sysextd (Security) …`: a process name
# before a subsystem tag marks a log entry.
_PROCESS_TAG = Gated(
    r"(?<![\S])([a-z][\w.-]{1,40}) (?:\[[\w.]+(?::[\w.-]+)?\]|\([A-Z]\w{1,40}\)) ",
    r"\[[\w.]+(?::[\w.-]+)?\] |\([A-Z]\w{1,40}\) ",
)
_RUN_GAP = 400


def _log_spans(text: str) -> Iterator[_Span]:
    starts = sorted({m.start() for m in _TIMESTAMP.finditer(text)} | {m.start() for m in _ADDRESS_ENTRY.finditer(text)})
    yield from _entry_runs(text, starts, lambda start: True)
    # Process-name entries: a name tagged at least twice is a log source, and
    # a run of its entries counts only when two of them carry the tag.
    tagged: dict[str, int] = {}
    for m in _PROCESS_TAG.finditer(text):
        tagged[m.group(1)] = tagged.get(m.group(1), 0) + 1
    for name in sorted(name for name, count in tagged.items() if count >= 2):
        entries = [m.start() for m in re.finditer(_entry_pattern(name), text)]
        tag = re.compile(re.escape(name) + r" [\[(]")
        yield from _entry_runs(text, entries, lambda start: bool(tag.match(text, start)))


def _entry_pattern(name: str) -> str:
    """``name`` as a whole word followed by more of the entry (the name first,
    so the engine scans for it; the lookbehind then checks the word start)."""
    word = re.escape(name)
    return word + r"(?<!\S" + word + r") (?=\S)"


def _entry_runs(text: str, starts: list[int], is_tagged: Callable[[int], bool]) -> Iterator[_Span]:
    """Group log entries into runs.  Each entry ends at the next entry or where
    prose resumes, whichever is first; prose in between ends the run.  A run
    starts at a tagged entry and needs two tagged entries when only some are."""
    n = len(text)
    run: list[int] = []
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < len(starts) else n
        limit = min(limit, start + _RUN_GAP)
        end = _prose_restart(text, start, limit, skip_first=1)
        if run or is_tagged(start):
            run.append(start)
        joined = end >= limit and index + 1 < len(starts) and limit == starts[index + 1]
        if not joined:
            tagged_count = sum(1 for s in run if is_tagged(s))
            if run and (tagged_count >= 2 or tagged_count == len(run)):
                yield _Span(run[0], end, "log")
            run = []


_PROMPT = re.compile(r"\$(?:(?<=^\$)|(?<=\s\$)) (?=[A-Za-z./~])")
_OUTPUT_START = re.compile(r"\S+:|[A-Z][a-z]+")


def _shell_spans(text: str) -> Iterator[_Span]:
    n = len(text)
    prompts = [m.start() for m in _PROMPT.finditer(text)]
    run_start = previous = None
    for start in prompts + [None]:
        if start is not None and previous is not None and start - previous <= _RUN_GAP:
            previous = start
            continue
        if run_start is not None and previous is not None:
            yield _Span(run_start, _command_output_end(text, previous, n), "shell")
        run_start = previous = start


def _command_output_end(text: str, prompt: int, n: int) -> int:
    """End of the last command of a session: after its arguments, the output
    runs to the end of its first sentence or to where prose resumes."""
    words = list(_WORD.finditer(text, prompt + 2, min(n, prompt + 2000)))
    output = next((w for w in words[1:] if _OUTPUT_START.fullmatch(w.group(0))), None)
    if output is None:
        return words[-1].end() if words else n
    end = _prose_restart(text, output.start(), min(n, output.start() + 2000), skip_first=1)
    sentence = re.search(r"[.!?](?=\s+[A-Z])", text[output.start():end])
    return output.start() + sentence.end() if sentence else end


# `com.apple.developer.team-identifier = X`, `CODE_SIGN_IDENTITY = Y`.
_KV_EQ = Gated(
    r"(?<!\S)(?:[A-Za-z][\w-]*[._-][\w.-]*\w|[A-Z][A-Z0-9_]{2,})\s=\s(?:\[[^\[\]]{0,200}\]|\"[^\"]{0,200}\"|(?:[A-Z][a-zA-Z]*\s){0,2}\S+)",
    r"=(?<=\s=)\s",
)
# codesign's `Authority=Developer ID …`, `TeamIdentifier=…`.
_KV_TIGHT = Gated(r"(?<!\S)[A-Z]\w{2,40}=(?=\S)", r"=(?<=\w=)(?=\S)")


def _keyvalue_spans(text: str) -> Iterator[_Span]:
    yield from _pair_runs(text, list(_KV_EQ.finditer(text)), max_gap_words=3, min_pairs=2, stops=r"[.:?!]")
    # codesign values carry colons ("Developer ID Application: NAME (TEAM)").
    yield from _pair_runs(text, list(_KV_TIGHT.finditer(text)), max_gap_words=6, min_pairs=3, stops=r"[.?!]")


def _pair_runs(
    text: str, pairs: list[re.Match[str]], max_gap_words: int, min_pairs: int, stops: str
) -> Iterator[_Span]:
    """Runs of key-value pairs with only a few value words between them."""
    run: list[re.Match[str]] = []
    for pair in pairs + [None]:
        if pair is not None and run:
            gap = text[run[-1].end():pair.start()]
            if len(gap.split()) <= max_gap_words and not re.search(stops + r"(?:\s|$)", gap):
                run.append(pair)
                continue
        if len(run) >= min_pairs:
            end = run[-1].end()
            if run[-1].group(0).endswith("="):
                value = _WORD.match(text, end)
                end = value.end() if value else end
            yield _Span(run[0].start(), end, "keyvalue")
        run = [pair] if pair is not None else []


_ERROR_DOMAIN = re.compile(r"Error(?<!\wError) Domain=[\w.]+ Code=-?\d+(?: \"[^\"]{0,500}\")?")
_DESCRIPTION = re.compile(r"<[A-Z]\w{1,60}: ")
# A short lead-in such as "Received filter status change: " before a description.
_LEAD_IN = re.compile(r"(?:(?<=: )|^)[A-Z][\w ]{0,60}: $")


def _error_spans(text: str) -> Iterator[_Span]:
    for match in _ERROR_DOMAIN.finditer(text):
        end = match.end()
        user_info = re.match(r" UserInfo=\{", text[end:end + 11])
        if user_info:
            end = _balanced_end(text, end + 10)
        yield _Span(match.start(), end, "error")
    for match in _DESCRIPTION.finditer(text):
        end = _angle_end(text, match.start())
        if end is None:
            continue
        start = match.start()
        lead = _LEAD_IN.search(text, max(0, start - 64), start)
        if lead:
            start = lead.start()
        yield _Span(start, end, "error")


def _angle_end(text: str, i: int) -> int | None:
    """End of the ``<…>`` description at ``i``, honouring quotes; ``None`` if open."""
    depth = 0
    j = i
    n = min(len(text), i + 4000)
    while j < n:
        ch = text[j]
        if ch in "'\"":
            close = text.find(ch, j + 1, n)
            if close < 0:
                return None
            j = close + 1
            continue
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


# --------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------

_HARD_DETECTORS = (_objc_spans, _plist_spans, _swift_spans, _dict_spans)
_SOFT_DETECTORS = (_error_spans, _shell_spans, _log_spans, _keyvalue_spans)
# "Entitlements host application:" just before a code block is its caption.
_CAPTION = re.compile(r"(?:^|(?<=\s))(?:[^\s=\[\]()]+\s){0,4}[^\s=\[\]()]+:\s*$")


def _pick(spans: list[_Span], taken: list[_Span]) -> list[_Span]:
    """Earliest-first, longest-first spans that overlap nothing taken."""
    chosen = list(taken)
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.flavor)):
        if span.end <= span.start:
            continue
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen)


def _clip_soft(text: str, span: _Span, hard: list[_Span]) -> _Span:
    """Cut a soft span at the first hard span inside it, giving a trailing
    caption ("Entitlements Network Extension:") back to the prose."""
    cut = min((h.start for h in hard if span.start < h.start < span.end), default=span.end)
    if cut == span.end:
        return span
    caption = _CAPTION.search(text, max(span.start, cut - 120), cut)
    end = caption.start() if caption and caption.start() > span.start else cut
    return _Span(span.start, len(text[:end].rstrip()), span.flavor)


def find_code_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, flavor)`` of every code run in a flat body, in order."""
    hard = _pick([s for detect in _HARD_DETECTORS for s in detect(text)], [])
    soft_candidates = [_clip_soft(text, s, hard) for detect in _SOFT_DETECTORS for s in detect(text)]
    spans = _pick([s for s in soft_candidates if s.start < s.end], hard)
    return [(s.start, s.end, s.flavor) for s in spans]


def segment_flat(text: str) -> tuple[Segment, ...]:
    """Prose and code segments of a one-line body, in reading order."""
    segments: list[Segment] = []
    position = 0
    for start, end, flavor in find_code_spans(text):
        prose = text[position:start].strip()
        if prose:
            segments.append(Segment("prose", prose))
        code = text[start:end].strip()
        if code:
            segments.append(Segment("code", code, flavor))
        position = end
    rest = text[position:].strip()
    if rest:
        segments.append(Segment("prose", rest))
    return tuple(segments)


# --------------------------------------------------------------------------
# Multi-line bodies (RSS, saved pages)
# --------------------------------------------------------------------------

_BULLET = re.compile(r"\s*(?:[•*-]|\d{1,3}[.)])\s+\S")
_CODE_LINE = re.compile(r"""(?:[{};]\s*$|^\s*[}@#<]|^\s*(?:import|func|let|var|class|struct|override|return|if|guard)\b|^\s*[-+]\s*\()""")


def _looks_like_code_block(lines: list[str]) -> bool:
    """A multi-line block already carrying code structure (``<pre>`` text)."""
    if len(lines) < 2 or all(_BULLET.match(line) for line in lines):
        return False
    indented = sum(1 for line in lines if line[:1] in (" ", "\t") and line.strip())
    structured = sum(1 for line in lines if _CODE_LINE.search(line))
    return indented >= 1 and structured >= 1 or structured * 2 >= len(lines)


def block_flavor(block: str) -> str:
    """The flavor of a verbatim multi-line code block, from its content."""
    spans = find_code_spans(" ".join(block.split()))
    if spans:
        longest = max(spans, key=lambda s: (s[1] - s[0], s[2]))
        return longest[2]
    return _guess_language(block)


_SWIFT_LINE = re.compile(r"^\s*(?:import|func|let|var|guard|struct|extension|override|@\w+)\b", re.M)
_OBJC_LINE = re.compile(r"^\s*(?:[-+]\s*\(|@(?:interface|implementation|end)\b|#import\b)|\[\w+ \w+[^\]]*\];", re.M)


def _guess_language(block: str) -> str:
    """Flavor of a verbatim block that no flat detector claimed."""
    if re.search(r"^\s*\$ ", block, re.M):
        return "shell"
    if _OBJC_LINE.search(block):
        return "objc"
    if _SWIFT_LINE.search(block):
        return "swift"
    if block.lstrip().startswith("<"):
        return "plist"
    return "verbatim"


def segment(text: str) -> tuple[Segment, ...]:
    """Prose and code segments of a body, flat or multi-line.

    A multi-line body is split at blank lines; a block whose lines already
    carry code structure is one code segment keeping its line breaks; other
    blocks are segmented as flat text, except bullet blocks, which stay one
    prose segment with their lines (the prose renderer makes them a list).
    """
    if not isinstance(text, str):
        return ()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" not in text.strip():
        return segment_flat(text.strip())
    segments: list[Segment] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if _looks_like_code_block(lines):
            code = "\n".join(lines)
            segments.append(Segment("code", code, block_flavor(code), verbatim=True))
        elif len(lines) > 1 and any(_BULLET.match(line) for line in lines):
            segments.append(Segment("prose", "\n".join(line.strip() for line in lines)))
        else:
            segments.extend(segment_flat(" ".join(line.strip() for line in lines)))
    return tuple(segments)
