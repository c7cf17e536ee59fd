"""Search terms: what the converter adds to a thread page so that search finds
identifiers both whole and by their parts, and API families by their plain
English names.

Material's search (lunr) cuts text into tokens with one separator regex, the
same for pages and queries, and tokens never overlap.  So a separator either
keeps ``NEPacketTunnelProvider`` whole (found when pasted, missed by "packet
tunnel") or splits it (found by "packet tunnel", but a pasted symbol then
matches every page that says "packet" or "provider").  We keep identifiers
whole (:data:`SEPARATOR` splits on punctuation and spaces only) and the
converter writes the other forms into a hidden element of the page
(:func:`search_terms`): the words of each camelCase identifier, its tails
("tunnelprovider", so a partial paste like ``TunnelProvider`` still matches as
a prefix), and the family's aliases ("content filter" for
``NEFilterDataProvider`` threads).  ``kb search`` (generator/search.py) uses the
same functions, so the terminal and the browser agree.

Everything here is pure: text in, text out.
"""

from __future__ import annotations

import math
from functools import lru_cache
import re
from typing import Iterable

from generator.escape import escape_html
from generator.records import Enriched
from generator.taxonomy import Taxonomy

# lunr's English stop words (the list in Material's search worker): the index
# never holds them, but Material appends "*" to every query word and a
# wildcard skips the stop-word filter, so "in" in a pasted error message
# becomes "in*" and matches "includeAllNetworks", "install", "internet"...
# Making them separators drops them from queries (and, harmlessly, from text).
STOP_WORDS = (
    "a able about across after all almost also am among an and any are as at be because been but by can "
    "cannot could dear did do does either else ever every for from get got had has have he her hers him his "
    "how however i if in into is it its just least let like likely may me might most must my neither no nor "
    "not of off often on only or other our own rather said say says she should since so some than that the "
    "their them then there these they this tis to too twas us wants was we were what when where which while "
    "who whom why will with would yet you your"
).split()


def _any_case(word: str) -> str:
    """``in`` -> ``[Ii][Nn]``: Material builds the separator without the ``i`` flag."""
    return "".join(f"[{ch.upper()}{ch}]" for ch in word)


def _build_separator(stop_words: tuple[str, ...] | list[str]) -> str:
    words = "|".join(_any_case(word) for word in sorted(stop_words, key=lambda w: (-len(w), w)))
    stop = f"|(?<![A-Za-z0-9])(?:{words})(?![A-Za-z0-9])" if words else ""
    return (
        r"(?:&(?:lt|gt|amp|quot);"
        r"|[\s!-\-/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f\u2190-\u22ff]"
        f"{stop})+"
        r"|\.(?!\d)"
    )


# The token separator of the site's search (mkdocs.yml `plugins.search.separator`
# must be this exact string; tests/test_search.py checks it).  It is valid both
# as a JavaScript and as a Python regex.  Splits on:
# * HTML entities the search index keeps escaped (&lt; &gt; &amp; &quot;);
# * whitespace, every ASCII punctuation character but "." (so `Code=1`,
#   `/Applications`, `url-filter-provider`, `xpc_connection` and `look-up`
#   match as typed, because a query is split the same way), and Latin-1,
#   typographic, arrow and math punctuation (“ ” ’ — … → ≤);
# * stop words (see STOP_WORDS);
# * "." unless a digit follows, so versions (26.2, 10.15) stay one token while
#   `com.apple.developer.networking.networkextension` and sentence ends split.
# camelCase is deliberately *not* split: see the module docstring.
SEPARATOR = _build_separator(STOP_WORDS)
_SEPARATOR = re.compile(SEPARATOR)

# A boundary inside an identifier: lower/digit -> Upper ("packetTunnel"), and
# the end of an acronym before a capitalised word ("NEPacket" -> NE|Packet).
# "IPv4"/"IPv6" stay one word ("NEIPv4Settings" -> NE|IPv4|Settings).
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])(?!Pv\d)|(?<=[A-Z])(?=IPv\d)")
_ALNUM = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
# Shorter names ("iOS", "tvOS") are words people type whole.
MIN_IDENTIFIER_LENGTH = 5

# How many identifiers of one thread get expanded: the thread's symbols first,
# then identifiers of the title and the body in reading order.  Bounds the
# index (DESIGN.md: budget the index) for a thread that pastes a whole log.
MAX_IDENTIFIERS = 40
MAX_TEXT_CHARS = 40_000
# Quoted runs in a post are usually the error message people will paste
# ("no policy, cannot allow apps outside /Applications"); they go into the
# terms so that the page itself, not only its question section, matches them.
MAX_QUOTES = 8
_QUOTED = re.compile(r'["“”„«»]([^"“”„«»\n]{6,100})["“”„«»]')

TERMS_CLASS = "kb-search-terms"


# A run of characters the separator never splits off: anything but
# whitespace and the separator's punctuation, "." only before a digit.
# (Runs of plain characters are taken whole by the inner ``+``: a third faster
# than one alternation per character, same runs.)
_TOKEN_RUN = re.compile(r"(?:[^\s!-\-/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f\u2190-\u22ff.]+|\.(?=\d))+")
_STOP_WORD_SET = frozenset(STOP_WORDS)
# The separator's first alternative: these entities are cut out whole.
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot);")


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the site's search cuts them (case kept):
    exactly ``SEPARATOR``'s split, without running that pattern (a hundred
    stop-word alternatives tried at every word start) over the whole text.

    The entities the separator takes whole (``&lt;`` …) become spaces; then a
    run of plain ASCII letters and digits between separator characters is
    one word unless it is a stop word; any other run (a dot before a digit,
    non-ASCII letters, next to which a stop word can still match) is cut by
    the pattern itself.  tests/test_properties.py checks the two agree."""
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    found: list[str] = []
    append = found.append
    for run in _TOKEN_RUN.findall(text):
        if run.isalnum() and run.isascii():
            if run.lower() not in _STOP_WORD_SET:
                append(run)
        else:
            found.extend(token for token in _SEPARATOR.split(run) if token)
    return found


def identifier_parts(identifier: str) -> list[str]:
    """``NEPacketTunnelProvider`` -> ``["NE", "Packet", "Tunnel", "Provider"]``;
    a word without a case change comes back alone."""
    return [part for part in _CAMEL_BOUNDARY.split(identifier) if part]


@lru_cache(maxsize=65536)
def is_identifier(token: str) -> bool:
    """True for a camelCase / PascalCase name such as ``writePacketObjects``.
    Cached: the same tokens recur across thousands of threads."""
    if len(token) < MIN_IDENTIFIER_LENGTH or not _ALNUM.match(token):
        return False
    # Two real words at least: "iPhone" and ids like "R65679C4F3" are not names.
    return sum(1 for part in identifier_parts(token) if len(re.sub(r"[^A-Za-z]", "", part)) >= 2) >= 2


def identifier_forms(identifier: str) -> list[str]:
    """The extra forms one identifier is found by, lowercase: its words, then
    its tails of two or more words (``NEPacketTunnelFlow`` -> ne packet tunnel
    flow packettunnelflow tunnelflow).  Searches match a prefix of a token, so
    the tails make any run of words (``TunnelFlow``, ``PacketTunnel``) findable."""
    parts = [part.lower() for part in identifier_parts(identifier)]
    if len(parts) < 2:
        return []
    tails = ["".join(parts[start:]) for start in range(1, len(parts) - 1)]
    return parts + tails


def identifiers_in(texts: Iterable[str], limit: int = MAX_IDENTIFIERS) -> list[str]:
    """Distinct identifiers in reading order (first spelling wins), at most ``limit``."""
    found: dict[str, str] = {}
    for text in texts:
        for token in tokens(text[:MAX_TEXT_CHARS]):
            if len(found) >= limit:
                return list(found.values())
            if is_identifier(token):
                found.setdefault(token.lower(), token)
    return list(found.values())


def quoted_phrases(texts: Iterable[str], limit: int = MAX_QUOTES) -> list[str]:
    """Distinct quoted phrases of two to twelve words, in reading order."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _QUOTED.finditer(text[:MAX_TEXT_CHARS]):
            phrase = " ".join(match.group(1).split())
            if 2 <= len(phrase.split()) <= 12:
                found.setdefault(phrase.casefold(), phrase)
                if len(found) >= limit:
                    return list(found.values())
    return list(found.values())


def family_phrases(api_ids: Iterable[str], taxonomy: Taxonomy) -> list[str]:
    """Plain-English names of the thread's API families: name and aliases.
    An id the taxonomy does not know is skipped (the page still renders)."""
    phrases: list[str] = []
    for api_id in api_ids:
        try:
            family = taxonomy.family(api_id)
        except KeyError:
            continue
        phrases.append(family.name)
        phrases.extend(family.aliases)
    return phrases


def search_phrases(item: Enriched, taxonomy: Taxonomy) -> list[str]:
    """The synonyms and identifier forms for one thread, deduplicated
    case-insensitively, in a stable order: family names, then per identifier
    its whole spelling followed by its forms."""
    thread = item.thread
    phrases = family_phrases(item.facts.apis, taxonomy)
    texts = [" ".join(item.facts.symbols), thread.title, thread.body, *(post.body for post in thread.posts)]
    for identifier in identifiers_in(texts):
        phrases.append(identifier)
        phrases.append(" ".join(identifier_forms(identifier)))
    phrases.extend(quoted_phrases(texts[1:]))
    seen: set[str] = set()
    unique: list[str] = []
    for phrase in phrases:
        key = " ".join(phrase.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            unique.append(" ".join(phrase.split()))
    return unique


def search_terms(item: Enriched, taxonomy: Taxonomy) -> str:
    """The raw HTML block the renderer puts right after a thread's ``# title``
    (so the terms belong to the page's own search entry, which ranks above
    its sections).  Empty string when there is nothing to add.

    * ``hidden``: never displayed on the page, skipped by screen readers; the
      search indexer still reads every text node.
    * ``<sub>``: one of the few tags Material's indexer keeps in the index
      text, and one the converter's Markdown never produces otherwise, so the
      rule ``.md-search-result__article sub { display: none }``
      (overrides/assets/kb-search.css) keeps the terms out of result teasers.
    * The text is entity-escaped (it carries scraped identifiers and quotes)
      and has no blank line, so Python-Markdown keeps it as one raw HTML block."""
    phrases = search_phrases(item, taxonomy)
    if not phrases:
        return ""
    text = escape_html(" · ".join(phrases))
    return f'<div class="{TERMS_CLASS}" hidden><sub>{text}</sub></div>\n'


def search_boost(item: Enriched) -> float:
    """The page's ``search.boost``: threads that carry their API's vocabulary
    (a family or a symbol) rank a little above off-topic ones, and a thread
    people engaged with (replies, views) a little above an unanswered one.
    Kept within [1.0, 2.0] so relevance, not popularity, decides the order."""
    facts, thread = item.facts, item.thread
    on_topic = 0.25 if (facts.apis or facts.symbols) else 0.0
    engagement = min(0.25, 0.05 * math.log10(1 + max(0, thread.replies)) + 0.05 * math.log10(1 + max(0, thread.views)))
    return round(1.0 + on_topic + engagement, 2)
