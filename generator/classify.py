"""Classify a thread: API families, platforms, OS versions, topics, symbols.

A pure function from a :class:`Thread` to :class:`Facts`, driven entirely by
the taxonomy (``generator/taxonomy.yaml``), with the evidence for every
decision so that a page can say "Filed under content-filter because
NEFilterDataProvider (title)".

How a decision is made
----------------------
Every cue found in the thread scores ``place weight x strength x repeats``:
the title counts ``title_weight`` (the subject is stated there), the question
``body_weight``, replies ``answer_weight``; a cue repeated in one place adds
``repeat_bonus`` per repeat up to ``max_repeats``.

* **apis**: a family is kept when its score reaches ``family_min`` *and*
  ``family_ratio`` of the best family's score (``lone_mention_ratio`` for a
  family named just once, outside the title), so a class named in passing
  cannot outvote the subject; the family named first in the question gets
  ``first_mention_bonus`` (askers open with what they build).  Shared (ambiguous) cues only reinforce
  families that have evidence of their own, else go to their default family.
  A thread with no cue at all gets no family rather than a guess.
* **platforms**: the same rule with platform cues (literal names and hints
  such as "System Settings" or "sysextd").  When no platform is named and
  every kept family exists on one platform only, that platform is implied.
* **topics**: topics do not compete; each needs ``topic_min``.
* **os_versions**: "<platform> <version>" or a marketing name (Tahoe ->
  macOS 26); a bare major is dropped when a finer version of it is present;
  versions cited as a bound ("since iOS 15", "iOS 16 and later") are not the
  thread's environment and are skipped.
* **symbols**: taxonomy symbols, NetworkExtension-style class names, error
  codes (``NEFilterErrorDomain Code=1``, ``OSSystemExtensionError code 4``),
  feedback ids (``FB…``), tech notes (``TN…``), radars and entitlement keys.

Output order: ``apis``, ``platforms`` and ``topics`` follow the taxonomy's
order; ``os_versions`` by platform (taxonomy order) then version number;
``symbols`` alphabetically (case-insensitive); evidence by field, value,
place, cue.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from generator.records import Evidence, Facts, Thread
from generator.taxonomy import Scoring, Taxonomy, load_taxonomy

PLACES = ("title", "body", "answer")
FIELDS = ("apis", "platforms", "os_versions", "topics", "symbols")

# The characters a cue may not touch on either side (so "stall" does not fire
# inside "install", nor "NEFilter" inside "NEFilterDataProvider").  A hyphen
# after a cue is allowed ("iOS-only"); longer cues are tried first, so
# "dns-proxy-systemextension" still wins over "dns-proxy".  Apple's log
# subsystems ("com.apple.xpc:connection", "[com.apple.sx:XPC]") name
# plumbing, not the subject, and a negated cue ("No MDM installed") is not
# evidence for it.
_BEFORE = r"(?<![\w\-:])(?<!apple\.)(?<!\bno )(?<!\bnot )(?<!\bwithout )"
_AFTER = r"(?:s|es|ed|d|ing)?(?!\w)"


# --- the compiled form of a taxonomy -------------------------------------------


@dataclass(frozen=True)
class _Role:
    """What a cue says when it fires.  ``field`` is apis/platforms/topics;
    ``values`` are the ids it points at.  A shared cue (``shared=True``)
    points at several families and may fall back to ``default``."""

    field: str
    values: tuple[str, ...]
    weak: bool = False
    shared: bool = False
    default: str | None = None


@dataclass(frozen=True)
class _Cue:
    text: str  # canonical spelling, as written in the taxonomy
    roles: tuple[_Role, ...]
    is_symbol: bool  # a symbol when written without spaces ("dns-proxy", not "DNS proxy")


@dataclass(frozen=True)
class _Compiled:
    cues: tuple[_Cue, ...]
    by_key: dict[str, int]  # normalised cue text -> index in cues
    pattern: re.Pattern[str]
    versions: re.Pattern[str]
    version_platform: dict[str, str]  # lowercased version name -> platform id
    os_names: dict[str, tuple[str, str]]  # lowercased marketing name -> (platform, version)


# Which shared and topic cues are API symbols (family symbols are by
# declaration): class names, camelCase members, com.apple identifiers.
_SYMBOL_SHAPE = re.compile(
    r"^(?:[A-Z]{2,}[A-Z][a-z]\w*"  # NEFilterDataProvider, NSXPCConnection
    r"|[a-z]+[A-Z]\w*"  # handleNewTCPFlow, peekOutboundBytes
    r"|[a-z0-9]+(?:-[a-z0-9]+)*-(?:provider|systemextension)"  # app-proxy-provider
    r"|com\.apple\.[\w.-]+)$"
)


@lru_cache(maxsize=8)
def _compile(taxonomy: Taxonomy) -> _Compiled:
    roles: dict[str, list[_Role]] = defaultdict(list)
    spelling: dict[str, str] = {}
    symbols: set[str] = set()

    def add(cue: str, role: _Role, *, symbol: bool = False) -> None:
        key = _cue_pattern_key(cue)
        spelling.setdefault(key, cue)
        if role not in roles[key]:
            roles[key].append(role)
        if symbol:
            symbols.add(key)

    for family in taxonomy.families:
        for cue in family.symbols:
            add(cue, _Role("apis", (family.id,)), symbol=True)
        for cue in family.aliases:
            add(cue, _Role("apis", (family.id,)))
    for group in taxonomy.shared_cues:
        for cue in group.cues:
            role = _Role("apis", group.families, weak=True, shared=True, default=group.default)
            add(cue, role, symbol=bool(_SYMBOL_SHAPE.match(cue)))
    for platform in taxonomy.platforms:
        for cue in platform.cues:
            add(cue, _Role("platforms", (platform.id,)))
        for cue in platform.weak_cues:
            add(cue, _Role("platforms", (platform.id,), weak=True))
    for topic in taxonomy.topics:
        for cue in topic.cues:
            add(cue, _Role("topics", (topic.id,)), symbol=bool(_SYMBOL_SHAPE.match(cue)))
        for cue in topic.weak_cues:
            add(cue, _Role("topics", (topic.id,), weak=True), symbol=bool(_SYMBOL_SHAPE.match(cue)))

    keys = sorted(roles)
    cues = tuple(_Cue(spelling[k], tuple(roles[k]), k in symbols) for k in keys)
    pattern = re.compile(f"{_BEFORE}(?P<cue>{_trie_regex(keys)}){_AFTER}")

    version_platform = {name.lower(): p.id for p in taxonomy.platforms for name in p.version_names}
    os_names = {n.name.lower(): (n.platform, n.version) for n in taxonomy.os_names}
    by_key = {k: n for n, k in enumerate(keys)}
    return _Compiled(cues, by_key, pattern, _version_regex(version_platform, os_names), version_platform, os_names)


def _cue_pattern_key(cue: str) -> str:
    return re.sub(r"[\s\-]+", " ", cue.strip()).lower()


def _trie_regex(keys: Iterable[str]) -> str:
    """One pattern matching any of ``keys``, shaped as a prefix tree.

    A flat alternation of ~450 cues tried at every character took seconds on
    a 40 kB body; a tree rejects most positions at its first character.  The
    branches are greedy, so the longest cue that fits the boundaries wins.
    Text is lowercased before matching (no IGNORECASE needed); a space in a
    key stands for any run of spaces and hyphens."""
    tree: dict = {}
    for key in keys:
        node = tree
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(tree)


def _render(node: dict) -> str:
    branches = []
    for char in sorted(ch for ch in node if ch):
        head = r"[\s\-]+" if char == " " else re.escape(char)
        branches.append(head + _render(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a cue ends here; a longer one may continue
        return f"(?:{body})?"
    return body


def _version_regex(version_platform: dict[str, str], os_names: dict[str, tuple[str, str]]) -> re.Pattern[str]:
    def alternation(names: Iterable[str]) -> str:
        ordered = sorted(names, key=lambda n: (-len(n), n))
        return "|".join(r"\s*".join(re.escape(part) for part in n.split()) for n in ordered) or "(?!)"

    platform = alternation(version_platform)
    marketing = alternation(os_names)
    number = r"\d{1,2}(?:\.\d{1,2}){0,2}(?![\d.]*\d)"
    # Every match starts with the first letter of a platform or marketing
    # name: checking that letter first refuses most word starts before the
    # two alternations are tried (40% less time in this pattern; the same
    # matches: tests/test_fast_patterns.py).
    starts = "".join(sorted({name.split()[0][0].lower() for name in [*version_platform, *os_names] if name.split()}))
    first = rf"(?=[{re.escape(starts)}])" if starts else ""
    return re.compile(
        rf"(?<![\w-]){first}(?:"
        rf"(?P<platform>{platform})\s*[:\-–]?\s*(?:(?P<name>{marketing})\s*)?\(?\s*v?(?P<version>{number})"
        rf"|(?:(?P<platform2>{platform})\s*[:\-–]?\s*)?(?P<name2>{marketing})(?!\w)(?:\s*\(?\s*(?P<version2>{number}))?"
        rf")",
        re.IGNORECASE,
    )


# --- reading the thread ----------------------------------------------------------


def _places(thread: Thread, limit: int) -> Iterator[tuple[str, str]]:
    """(place, text) pairs: the title, the question, then every reply."""
    yield "title", _as_text(thread.title)[:limit]
    yield "body", _as_text(thread.body)[:limit]
    for post in thread.posts or ():
        yield "answer", _as_text(getattr(post, "body", ""))[:limit]


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _place_weight(place: str, scoring: Scoring) -> float:
    return {"title": scoring.title_weight, "body": scoring.body_weight}.get(place, scoring.answer_weight)


def _repeats(count: int, scoring: Scoring) -> float:
    return 1.0 + scoring.repeat_bonus * (min(count, max(scoring.max_repeats, 1)) - 1)


@dataclass(frozen=True)
class _Hit:
    """A cue found ``count`` times in one place; ``written`` is how the
    thread spelled it (shown as evidence)."""

    cue: _Cue
    place: str
    count: int
    written: str
    first: int  # offset of the first occurrence in its place
    as_symbol: bool  # written at least once without spaces

    @property
    def is_symbol(self) -> bool:
        return self.cue.is_symbol and self.as_symbol


def _find_cues(compiled: _Compiled, places: list[tuple[str, str]]) -> list[_Hit]:
    counts: dict[tuple[int, str], int] = defaultdict(int)
    written: dict[tuple[int, str], str] = {}
    first: dict[tuple[int, str], int] = {}
    as_symbol: set[tuple[int, str]] = set()
    for place, text in places:
        lowered = text.lower()
        # lower() keeps positions for all but a few exotic characters; when it
        # does not, show the taxonomy's spelling instead of the thread's.
        same_length = len(lowered) == len(text)
        for match in compiled.pattern.finditer(lowered):
            index = compiled.by_key.get(_cue_pattern_key(match.group("cue")), -1)
            if index < 0:
                continue
            key = (index, place)
            counts[key] += 1
            start, end = match.span("cue")
            if not any(ch.isspace() for ch in lowered[start:end]):
                as_symbol.add(key)
            spelled = " ".join(text[start:end].split()) if same_length else compiled.cues[index].text
            if key not in written:
                first[key] = start
            # Replies share one place: keep the smallest spelling so that the
            # evidence does not depend on the order of the replies.
            written[key] = min(written.get(key, spelled), spelled)
    return [
        _Hit(compiled.cues[i], place, n, written[(i, place)], first[(i, place)], (i, place) in as_symbol)
        for (i, place), n in sorted(counts.items())
    ]


# --- scoring ---------------------------------------------------------------------


class _Tally:
    """Scores and evidence for one field."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.scores: dict[str, float] = defaultdict(float)
        self.mentions: dict[str, int] = defaultdict(int)
        self.in_title: set[str] = set()
        self.evidence: dict[tuple[str, str, str], float] = defaultdict(float)

    def add(self, value: str, cue: str, place: str, weight: float, count: int = 1) -> None:
        self.scores[value] += weight
        self.mentions[value] += count
        if place == "title":
            self.in_title.add(value)
        self.evidence[(value, cue, place)] += weight

    def kept(self, minimum: float, ratio: float, lone_ratio: float | None = None) -> set[str]:
        """Values scoring at least ``minimum`` and ``ratio`` of the best; a
        value mentioned once outside the title needs ``lone_ratio``."""
        top = max(self.scores.values(), default=0.0)
        kept = set()
        for value, score in self.scores.items():
            lone = self.mentions[value] == 1 and value not in self.in_title
            needed = lone_ratio if lone and lone_ratio is not None else ratio
            if score > 0 and score >= minimum and score >= needed * top:
                kept.add(value)
        return kept

    def evidence_for(self, values: set[str]) -> list[Evidence]:
        return [
            Evidence(self.field, value, cue, place, round(weight, 3))
            for (value, cue, place), weight in self.evidence.items()
            if value in values
        ]


def _weight(hit: _Hit, role: _Role, scoring: Scoring) -> float:
    strength = scoring.weak_strength if role.weak else 1.0
    return _place_weight(hit.place, scoring) * strength * _repeats(hit.count, scoring)


def _score_apis(hits: list[_Hit], scoring: Scoring) -> _Tally:
    tally = _Tally("apis")
    shared: list[tuple[_Hit, _Role]] = []
    for hit in hits:
        for role in hit.cue.roles:
            if role.field != "apis":
                continue
            if role.shared:
                shared.append((hit, role))
            else:
                tally.add(role.values[0], hit.written, hit.place, _weight(hit, role, scoring), hit.count)
    # The question usually opens with what the asker builds: the family named
    # first in the body gets a small bonus over ones named later in passing.
    opening = min(
        (h for h in hits if h.place == "body" and any(r.field == "apis" and not r.shared for r in h.cue.roles)),
        key=lambda h: (h.first, h.cue.text),
        default=None,
    )
    if opening is not None and scoring.first_mention_bonus > 0:
        family = next(r.values[0] for r in opening.cue.roles if r.field == "apis" and not r.shared)
        tally.add(family, opening.written, "body", scoring.first_mention_bonus, 0)
    # Shared cues only after every family's own evidence is known, so the
    # result does not depend on the order cues were found in.
    own = {family for family, score in tally.scores.items() if score > 0}
    for hit, role in shared:
        targets = [f for f in role.values if f in own] or ([role.default] if role.default else [])
        for family in targets:
            tally.add(family, hit.written, hit.place, _weight(hit, role, scoring), hit.count)
    return tally


def _score_simple(field: str, hits: list[_Hit], scoring: Scoring) -> _Tally:
    tally = _Tally(field)
    for hit in hits:
        for role in hit.cue.roles:
            if role.field == field:
                for value in role.values:
                    tally.add(value, hit.written, hit.place, _weight(hit, role, scoring), hit.count)
    return tally


def _implied_platform(
    taxonomy: Taxonomy, apis: set[str], api_tally: _Tally, scoring: Scoring
) -> list[Evidence]:
    """When no platform is named: a family that exists on one platform only
    (e.g. transparent-proxy on macOS) implies it."""
    if not apis:
        return []
    only = {taxonomy.family(f).platforms for f in apis}
    if len(only) != 1:
        return []
    (platforms,) = only
    if len(platforms) != 1:
        return []
    best = max(
        ((w, value, cue, place) for (value, cue, place), w in api_tally.evidence.items() if value in apis),
        key=lambda item: (item[0], item[1], item[2], item[3]),
    )
    _, _, cue, place = best
    return [Evidence("platforms", platforms[0], cue, place, scoring.weak_strength)]


# --- OS versions -----------------------------------------------------------------

# A version cited as a bound is not the environment the thread is about.
_BOUND_BEFORE = re.compile(
    r"(?:\bsince|\bbefore|\bprior to|\buntil|\btill|\bpre|\baround|\bas of|\bstarting(?: with| in| from)?"
    r"|\bintroduced in|\bavailable (?:in|on|from|since)|\bearlier than|\bolder than|\blater than"
    r"|\bnewer than|\brequires|\brequired|\bminimum|\bdeployment target)\s*[:\-]?\s*$",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(
    r"^\s*(?:\+|and (?:later|above|newer|up|earlier|below)|or (?:later|above|newer|higher|earlier))", re.IGNORECASE
)


@dataclass(frozen=True)
class _Version:
    platform: str
    number: str
    cue: str
    place: str

    @property
    def label(self) -> str:
        return f"{self.platform} {self.number}"


def _find_versions(compiled: _Compiled, places: list[tuple[str, str]]) -> list[_Version]:
    found: list[_Version] = []
    for place, text in places:
        for match in compiled.versions.finditer(text):
            version = _version_from_match(compiled, match)
            if version is None:
                continue
            before = text[max(0, match.start() - 30) : match.start()]
            after = text[match.end() : match.end() + 20]
            if _BOUND_BEFORE.search(before) or _BOUND_AFTER.match(after):
                continue
            platform, number = version
            found.append(_Version(platform, number, " ".join(match.group(0).split()), place))
    return found


def _version_from_match(compiled: _Compiled, match: re.Match[str]) -> tuple[str, str] | None:
    written_platform = match.group("platform") or match.group("platform2")
    name = match.group("name") or match.group("name2")
    number = match.group("version") or match.group("version2")
    if name and not name[0].isupper():
        return None  # "tahoe" in running text is not the OS name
    named = compiled.os_names.get(" ".join(name.lower().split())) if name else None
    if written_platform:
        platform = compiled.version_platform.get(" ".join(written_platform.lower().split()))
    else:
        platform = named[0] if named else None
    if platform is None:
        return None
    if number is None:
        if named is None or named[0] != platform:
            return None
        number = named[1]
    if not _plausible(platform, number):
        return None
    return platform, number


def _plausible(platform: str, number: str) -> bool:
    major = int(number.split(".")[0])
    if platform == "macOS":
        return (major == 10 and "." in number) or 11 <= major <= 40
    return 1 <= major <= 40


def _version_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _select_versions(versions: list[_Version]) -> set[str]:
    """Drop a bare major ("macOS 26") when a finer version of it is present."""
    distinct = {(v.platform, v.number) for v in versions}
    return {
        f"{platform} {number}"
        for platform, number in distinct
        if not any(p == platform and n.startswith(number + ".") for p, n in distinct)
    }


# --- symbols ---------------------------------------------------------------------

_ERROR_CODE = re.compile(
    r"(?<![\w.])(?:NetworkExtension\.)?(?P<domain>(?:[A-Z]\w*\.)*(?:[A-Z]\w*?)?(?:ErrorDomain|Error))"
    r"\s*\(?\s*[,:]?\s*(?:code|error)\s*[=:]?\s*(?P<code>-?\d{1,6})(?!\d)",
    re.IGNORECASE,
)
# Each pattern starts with the letters it needs and only then looks behind
# them (a leading lookbehind would be tried at every character of every post;
# tests/test_fast_patterns.py checks the matches are those of the plain forms).
_CLASS_NAME = re.compile(
    "(?:"
    + "|".join(
        rf"{prefix}(?<![\w.]{prefix}){rest}"
        for prefix, rest in (
            ("NE", ""), ("NW", ""), ("OSSystemExtension", ""), ("NSXPC", ""),
            ("Sec", "(?:Trust|Key|Code|StaticCode|Item|Certificate|Identity|Policy)"),
        )
    )
    + r")[A-Z]?[A-Za-z0-9]*[a-z][A-Za-z0-9]*(?!\w)"
)
_FEEDBACK = re.compile(r"FB(?<!\wFB)(\d{6,10})(?!\w)")
_TECH_NOTE = re.compile(r"TN(?<!\wTN)\s?(\d{4})(?!\w)")
_RADAR = re.compile(r"r(?<!\wr)(?:dar://(?:problem/)?|\.\s?)(\d{6,10})(?!\w)")
_ENTITLEMENT_KEY = re.compile(r"com\.apple\.(?<![\w.]com\.apple\.)(?:developer|security)\.[A-Za-z0-9.-]*[A-Za-z0-9]")


# What follows the domain of every error code, in lower case: a post
# without it skips the case-insensitive scan (tried at every word start).
# Only for ASCII text, where lower() and IGNORECASE agree letter for letter.
_ERROR_CODE_GATE = re.compile(r"error(?:domain)?\s*\(?\s*[,:]?\s*(?:code|error)\s*[=:]?\s*-?\d")


def _error_code_matches(text: str) -> Iterable[re.Match[str]]:
    if text.isascii() and _ERROR_CODE_GATE.search(text.lower()) is None:
        return ()
    return _ERROR_CODE.finditer(text)


def _find_symbols(places: list[tuple[str, str]], hits: list[_Hit]) -> list[tuple[str, str, str]]:
    """(symbol, cue as written, place) for every symbol mentioned."""
    found: list[tuple[str, str, str]] = [(h.cue.text, h.written, h.place) for h in hits if h.is_symbol]
    for place, text in places:
        for match in _error_code_matches(text):
            domain = match.group("domain")
            if not domain[0].isupper() or domain.lower() in ("error", "errordomain"):
                continue  # a bare "Error code 4" names no domain to search for
            joiner = " Code=" if domain.endswith("ErrorDomain") else " code "
            found.append((f"{domain}{joiner}{int(match.group('code'))}", match.group(0), place))
        for match in _CLASS_NAME.finditer(text):
            found.append((match.group(0), match.group(0), place))
        for regex, prefix in ((_FEEDBACK, "FB"), (_TECH_NOTE, "TN"), (_RADAR, "rdar://")):
            for match in regex.finditer(text):
                found.append((prefix + match.group(1), match.group(0), place))
        for match in _ENTITLEMENT_KEY.finditer(text):
            found.append((match.group(0), match.group(0), place))
    return found


def _symbol_order(symbol: str) -> tuple[str, str]:
    return (symbol.casefold(), symbol)


# --- the classifier --------------------------------------------------------------


def classify(thread: Thread, taxonomy: Taxonomy | None = None) -> Facts:
    """What ``thread`` is about, with the evidence for each decision.

    Pure: reads only its arguments; the same thread always gives the same
    Facts, whatever the order of its replies."""
    taxonomy = taxonomy or load_taxonomy()
    scoring = taxonomy.scoring
    compiled = _compile(taxonomy)
    places = list(_places(thread, max(scoring.max_chars, 0)))
    hits = _find_cues(compiled, places)

    api_tally = _score_apis(hits, scoring)
    apis = api_tally.kept(scoring.family_min, scoring.family_ratio, scoring.lone_mention_ratio)

    platform_tally = _score_simple("platforms", hits, scoring)
    platforms = platform_tally.kept(scoring.platform_min, scoring.platform_ratio)
    evidence = api_tally.evidence_for(apis) + platform_tally.evidence_for(platforms)
    if not platforms:
        implied = _implied_platform(taxonomy, apis, api_tally, scoring)
        platforms = {e.value for e in implied}
        evidence += implied

    topic_tally = _score_simple("topics", hits, scoring)
    topics = topic_tally.kept(scoring.topic_min, 0.0)
    evidence += topic_tally.evidence_for(topics)

    versions = _find_versions(compiled, places)
    os_versions = _select_versions(versions)
    evidence += _version_evidence(versions, os_versions, scoring)

    symbol_mentions = _find_symbols(places, hits)
    symbols = {symbol for symbol, _, _ in symbol_mentions}
    evidence += _symbol_evidence(symbol_mentions, scoring)

    platform_order = {p: n for n, p in enumerate(taxonomy.platform_ids)}
    return Facts(
        apis=tuple(f for f in taxonomy.family_ids if f in apis),
        platforms=tuple(p for p in taxonomy.platform_ids if p in platforms),
        os_versions=tuple(sorted(os_versions, key=lambda label: _label_order(label, platform_order))),
        topics=tuple(t for t in taxonomy.topic_ids if t in topics),
        symbols=tuple(sorted(symbols, key=_symbol_order)),
        evidence=tuple(sorted(set(evidence), key=_evidence_order)),
    )


def _label_order(label: str, platform_order: dict[str, int]) -> tuple[int, tuple[int, ...], str]:
    platform, _, number = label.partition(" ")
    return (platform_order.get(platform, len(platform_order)), _version_key(number), label)


def _version_evidence(versions: list[_Version], kept: set[str], scoring: Scoring) -> list[Evidence]:
    weights: dict[tuple[str, str, str], float] = defaultdict(float)
    for v in versions:
        if v.label in kept:
            weights[(v.label, v.cue, v.place)] += _place_weight(v.place, scoring)
    return [Evidence("os_versions", label, cue, place, w) for (label, cue, place), w in weights.items()]


def _symbol_evidence(mentions: list[tuple[str, str, str]], scoring: Scoring) -> list[Evidence]:
    weights: dict[tuple[str, str, str], float] = defaultdict(float)
    for symbol, cue, place in mentions:
        weights[(symbol, cue, place)] = _place_weight(place, scoring)
    return [Evidence("symbols", symbol, cue, place, w) for (symbol, cue, place), w in weights.items()]


def _evidence_order(e: Evidence) -> tuple[int, str, int, str, float]:
    place = PLACES.index(e.where) if e.where in PLACES else len(PLACES)
    return (FIELDS.index(e.field), e.value.casefold() + e.value, place, e.cue, e.weight)
