"""``kb search QUERY``: find threads from a terminal, over the converted content.

BM25 over each thread page (``content/threads/*.md``) with three weighted
fields (BM25F): the title, the thread's keys (symbols, API family names and
aliases, topics) and the body text.  Text is cut into words exactly like the
site's search (``generator.searchterms``: same separator, same stop words,
identifiers kept whole plus their words and tails), so a pasted symbol, an
error string or "packet tunnel" finds the same threads in both places.

Beyond the site's search: a query word that matches no word of the content
falls back to words it starts (``writePacket`` -> writepacketobjects) and then
to words one or two edits away (``polcy`` -> policy), each at half weight.

Reading pages is the only I/O (:func:`load_documents`); ranking is pure and
deterministic (ties broken by slug).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import operator
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from mkdocs.utils.meta import get_data

from generator.searchterms import family_phrases, identifier_forms, is_identifier, tokens
from generator.taxonomy import Taxonomy, load_taxonomy
from generator.terminal import json_terminal_safe, terminal_safe
from generator.write import read_regular

THREADS_DIR = "threads"
# Field weights: a word in the title says more about the thread than one in
# the body; keys (symbols, families) sit between.  Same order as the site's
# search (title and tags 5x the text), tuned on tests/fixtures/queries.yaml.
FIELD_WEIGHTS: Mapping[str, float] = {"title": 3.0, "keys": 2.0, "body": 1.0}
K1 = 1.2
B = 0.75
FALLBACK_WEIGHT = 0.5
MIN_PREFIX = 3
DEFAULT_LIMIT = 10

# Parts of a page that are not about the thread itself: the scraped original
# (a second copy of the question), other threads' titles, the hidden
# search-terms element (its forms are recomputed here from the words).
# A tag's attributes stop at "<" as well as ">" and an excluded block that is
# never closed runs to the end: otherwise every "<div" of a hand-edited page
# without a "</div>" after it scanned to the end again (20,000 of them took
# 35 s).  The converter's own tags never hold a "<" and are always closed.
_EXCLUDED_HTML = re.compile(
    r"<(details|div|section|aside)\b[^<>]*(?:data-search-exclude|kb-search-terms)[^<>]*>(?:.*?</\1>|.*)", re.S | re.I
)
# (Both start at a line start: written as the first character, then a
# lookbehind for the line start, so the engine scans for "#", "<" or "!"
# instead of testing every position; tests/test_fast_patterns.py.)
_EXCLUDED_SECTION = re.compile(
    r"(?:#(?<=^#)#{1,5}\s*(?:Related threads|Asked before[^\n]*)"
    r"|<(?<=^<)h[2-6][^<>]*data-search-exclude[^<>]*>(?:.*?</h[2-6]>(?=\s*$)|.*\Z))\s*$"
    r".*?(?=^#{1,6}\s|^<h[1-6]\b|\Z)",
    re.S | re.M | re.I,
)
_ADMONITION_ASKED = re.compile(r'!(?<=^!)!! \w+ "Asked before[^\n]*\n(?:\n|    [^\n]*\n)*', re.M)
# What _drop_link_targets and _drop_tags remove; each, applied as a plain
# re.sub, is tried again at every "](" or "<" and scans on to the same far
# end when the match fails there (40,000 "](" without ")" took 6 s), so each
# is applied where it can succeed only (tests/test_search.py: the same text).
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_LINK_TARGET_END = re.compile(r"[)\s]")
_TAG = re.compile(r"<[^>]+>")
_MARKDOWN_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = operator.itemgetter(1)
_ENTITY = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#10;": "\n"}


@dataclass(frozen=True)
class Document:
    """One thread page, analysed: per field, its words (lowercase) with counts."""

    slug: str
    title: str
    path: str
    families: tuple[str, ...]
    last_active: str
    fields: Mapping[str, Counter[str]]


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    score: float
    families: tuple[str, ...]
    last_active: str
    path: str


# --- analysis -----------------------------------------------------------------


def word_counts(text: str) -> Counter[str]:
    """Words of ``text`` as both engines index them, with their counts:
    lowercase tokens, and for every identifier its words and tails
    (``NEPacketTunnelFlow`` -> also ne, packet, tunnel, flow,
    packettunnelflow, tunnelflow).  Each distinct token is looked at once."""
    counts: Counter[str] = Counter()
    for token, times in Counter(tokens(text)).items():
        counts[token.lower()] += times
        if is_identifier(token):
            for form in identifier_forms(token):
                counts[form] += times
    return counts


def body_text(markdown: str) -> str:
    """The searchable text of a page body: what a reader reads about this
    thread, without the excluded parts, link targets, tags and escapes."""
    text = _EXCLUDED_HTML.sub(" ", markdown)
    text = _ADMONITION_ASKED.sub(" ", text)
    text = _EXCLUDED_SECTION.sub(" ", text)
    text = _drop_tags(_drop_link_targets(text))
    for entity, character in _ENTITY.items():
        text = text.replace(entity, character)
    # itemgetter(1) is match[1] without a Python call per escape (a "\\1"
    # template is expanded in Python for every match).
    return _MARKDOWN_ESCAPE.sub(_ESCAPED, text)


def _drop_link_targets(text: str) -> str:
    """``_LINK_TARGET.sub("]", text)`` in one pass: a "](" whose target
    meets white space before ")" fails, and so does every "](" before that
    white space (the same scan ends there)."""
    parts: list[str] = []
    copied = scan = 0
    while (start := text.find("](", scan)) >= 0:
        end = _LINK_TARGET_END.search(text, start + 2)
        if end is None:
            break  # no ")" or white space after: no later "](" matches either
        if text[end.start()] == ")":
            parts += (text[copied:start], "]")
            copied = end.end()
        scan = end.end()
    return text if not parts else "".join(parts) + text[copied:]


def _drop_tags(text: str) -> str:
    """``_TAG.sub(" ", text)``, tried only up to the last ">": after it no
    "<" can match, and before it every "<" but one of "<>" does."""
    last = text.rfind(">")
    return text if last < 0 else _TAG.sub(" ", text[: last + 1]) + text[last + 1 :]


def _strings(value: object) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if isinstance(item, (str, int, float)) and not isinstance(item, bool)]
    return []


def _text(value: object) -> str:
    """A frontmatter scalar as text (YAML reads ``010`` or a date unquoted
    as a number or date); anything else -- a list, a mapping -- as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return str(value)
    return ""


def thread_frontmatter(markdown: str) -> tuple[str, dict] | None:
    """A page's body and frontmatter as MkDocs reads them, or None when it is
    not a thread page (no frontmatter naming a slug, or none MkDocs could
    read).  kb search and kb stats count the same pages."""
    try:
        body, meta = get_data(markdown)
    except Exception:  # a page MkDocs itself could not read is skipped, not fatal
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("slug"), str) or "moved_to" in meta:
        return None  # a redirect page is not a thread (its thread's page is)
    return body, meta


def read_page(path: Path) -> str | None:
    """The text of a page file (undecodable bytes replaced), or None for one
    not read: a FIFO named like a page (it would block for ever), a link, a
    file far larger than any page the converter writes, an unreadable one."""
    try:
        return read_regular(path).decode("utf-8", errors="replace")
    except OSError:
        return None


def make_document(path: str, markdown: str, taxonomy: Taxonomy) -> Document | None:
    """Analyse one page's text; ``None`` when it is not a thread page."""
    page = thread_frontmatter(markdown)
    return None if page is None else document_from(path, page[1], page[0], taxonomy)


def document_from(path: str, meta: object, body: str, taxonomy: Taxonomy) -> Document | None:
    """The Document of a page from its frontmatter and Markdown body (read
    back from disk by kb search, or as rendered by the converter); ``None``
    when the frontmatter names no slug."""
    if not isinstance(meta, dict) or not isinstance(meta.get("slug"), str):
        return None
    # Only strings are taken from a page someone may have edited by hand: a
    # YAML alias "bomb" is cheap to load and a list of 10^8 items to str().
    title = _text(meta.get("title")) or meta["slug"]
    apis = _strings(meta.get("apis"))
    keys = [*_strings(meta.get("symbols")), *family_phrases(apis, taxonomy), *_strings(meta.get("topics"))]
    fields = {
        "title": word_counts(title),
        "keys": word_counts(" · ".join(keys)),
        "body": word_counts(body_text(body)),
    }
    return Document(
        slug=meta["slug"],
        title=title,
        path=path,
        families=tuple(apis),
        last_active=_text(meta.get("last_active")),
        fields=fields,
    )


def load_documents(content: Path, taxonomy: Taxonomy | None = None) -> list[Document]:
    """Every thread page under ``content/threads``, sorted by slug.  Raises
    FileNotFoundError when the folder has no thread pages."""
    taxonomy = taxonomy or load_taxonomy()
    folder = content / THREADS_DIR
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if not paths:
        raise FileNotFoundError(f"no thread pages in {folder}; run `kb convert` first or pass --content")
    documents = []
    for path in paths:
        text = read_page(path)
        document = None if text is None else make_document(path.as_posix(), text, taxonomy)
        if document is not None:
            documents.append(document)
    return sorted(documents, key=lambda document: document.slug)


# --- ranking ------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusStats:
    count: float  # documents, on the grid of :func:`corpus_grid`
    frequency: Mapping[str, int]  # documents containing the word
    average_length: float  # weighted words per document, on the grid
    vocabulary: tuple[str, ...]


#: Steps per octave of :func:`corpus_grid` (1.1% apart).
GRID_STEPS = 64


def corpus_grid(value: float) -> float:
    """``value`` rounded to a 1/64-octave grid.  BM25 reads two corpus-wide
    figures, the number of documents and their average length; exact, they
    move with every thread added or edited and so does every score of every
    word.  On the grid they stay put, so only the words a changed thread
    uses get new scores and the converter rewrites only their index shards
    (generator/indexstate.py); a score moves by at most about half a percent."""
    if value <= 0:
        return 0.0
    return 2.0 ** (round(math.log2(value) * GRID_STEPS) / GRID_STEPS)


def corpus_stats(documents: Sequence[Document]) -> CorpusStats:
    frequency: Counter[str] = Counter()
    total = 0.0
    for document in documents:
        words: set[str] = set()
        for name, counts in document.fields.items():
            words.update(counts)
            total += FIELD_WEIGHTS[name] * sum(counts.values())
        frequency.update(words)
    count = len(documents)
    return CorpusStats(corpus_grid(count), frequency, corpus_grid(total / max(1, count)), tuple(sorted(frequency)))


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def expand(word: str, stats: CorpusStats) -> dict[str, float]:
    """The content words a query word stands for, with weights: itself; else
    words it begins; else words one (two, for long words) edits away."""
    if word in stats.frequency:
        return {word: 1.0}
    if len(word) >= MIN_PREFIX:
        prefixed = [candidate for candidate in stats.vocabulary if candidate.startswith(word)]
        if prefixed:
            return {candidate: FALLBACK_WEIGHT for candidate in prefixed}
    if len(word) >= 4:
        limit = 2 if len(word) >= 8 else 1
        near = [candidate for candidate in stats.vocabulary if _edit_distance_at_most(word, candidate, limit)]
        return {candidate: FALLBACK_WEIGHT for candidate in near}
    return {}


def _weighted_length(document: Document) -> float:
    return sum(FIELD_WEIGHTS[name] * sum(counts.values()) for name, counts in document.fields.items())


def _bm25(document: Document, word: str, stats: CorpusStats, length: float | None = None) -> float:
    """BM25F of ``word`` in ``document``; pass the document's
    :func:`_weighted_length` when scoring many words of one document."""
    weighted_tf = sum(FIELD_WEIGHTS[name] * counts.get(word, 0) for name, counts in document.fields.items())
    if not weighted_tf:
        return 0.0
    if length is None:
        length = _weighted_length(document)
    return _idf(word, stats) * weighted_tf * (K1 + 1) / (weighted_tf + _norm(length, stats))


def _idf(word: str, stats: CorpusStats) -> float:
    df = stats.frequency.get(word, 0)
    return math.log(1 + max(0.0, stats.count - df + 0.5) / (df + 0.5))  # the grid may put count below df


def _norm(length: float, stats: CorpusStats) -> float:
    """BM25's length normalisation of a document of weighted ``length``."""
    return K1 * (1 - B + B * length / max(1e-9, stats.average_length))


def bm25_all(document: Document, stats: CorpusStats, idf: dict[str, float]) -> dict[str, float]:
    """:func:`_bm25` of every word of ``document`` at once, to the same
    float: a word's weighted count is summed over the fields in the same
    order (a field without it adds 0.0, which changes nothing), and its idf
    is the same expression, kept in ``idf`` for the next document.  The
    index scores a million (document, word) pairs at 10,000 threads;
    this does once per document what _bm25 does once per pair."""
    weighted: dict[str, float] = {}
    get = weighted.get
    for name, counts in document.fields.items():
        weight = FIELD_WEIGHTS[name]
        for word, count in counts.items():
            weighted[word] = get(word, 0) + weight * count
    norm = _norm(_weighted_length(document), stats)
    scores: dict[str, float] = {}
    for word, weighted_tf in weighted.items():
        if not weighted_tf:
            scores[word] = 0.0
            continue
        word_idf = idf.get(word)
        if word_idf is None:
            word_idf = idf[word] = _idf(word, stats)
        # _bm25's last line, inline: it runs once per (document, word).
        scores[word] = word_idf * weighted_tf * (K1 + 1) / (weighted_tf + norm)
    return scores


#: Words of a query that count; the rest are ignored.  A pasted log is
#: not a query: past the first words each unknown word costs a scan of the
#: whole vocabulary (a 1 MB query never finished).
MAX_QUERY_WORDS = 32


# Full-width ASCII (what an East Asian input method types) as ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalized_query(query: str) -> str:
    """The query as the pages spell it: NFC (the cleaned pages are; a
    decomposed "cafe\u0301" found nothing) and full-width letters, digits
    and punctuation as ASCII ("ＶＰＮ" is "VPN").  worker.js normalizes the
    same way."""
    return unicodedata.normalize("NFC", query.translate(_FULL_WIDTH))


def query_words(query: str) -> list[str]:
    """The first :data:`MAX_QUERY_WORDS` distinct analysed words of the
    query, in order (identifiers whole only: their parts would match every
    page that says "provider")."""
    return list(dict.fromkeys(token.lower() for token in tokens(normalized_query(query))))[:MAX_QUERY_WORDS]


def search(documents: Sequence[Document], query: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """The best ``limit`` threads for ``query``, best first; [] for a query
    with no searchable word.  A thread matching more of the query's words
    ranks above one matching fewer, more strongly."""
    words = query_words(query)
    if not words or not documents or limit <= 0:
        return []
    stats = corpus_stats(documents)
    expansions = [expand(word, stats) for word in words]
    hits = []
    for document in documents:
        score, matched = 0.0, 0
        for expansion in expansions:
            part = sum(weight * _bm25(document, candidate, stats) for candidate, weight in expansion.items())
            score += part
            matched += part > 0
        if score > 0:
            coverage = matched / len(words)
            final = score * (1 + coverage**2)
            hits.append(Hit(document.slug, document.title, round(final, 4), document.families, document.last_active, document.path))
    hits.sort(key=lambda hit: (-hit.score, hit.slug))
    return hits[:limit]


# --- command line -------------------------------------------------------------


def format_hits(hits: Sequence[Hit]) -> str:
    if not hits:
        return "no threads match"
    lines = []
    for rank, hit in enumerate(hits, 1):
        # Every field was read from a page anyone may have edited.
        families = terminal_safe(", ".join(hit.families)) or "unclassified"
        when, path = terminal_safe(hit.last_active) or "unknown", terminal_safe(hit.path)
        lines.append(f"{rank:>2}. {terminal_safe(hit.title)}")
        lines.append(f"    {families} · last active {when} · {path}  (score {hit.score:.2f})")
    return "\n".join(lines)


def hits_json(hits: Sequence[Hit]) -> str:
    """The hits as JSON; the characters terminal_safe escapes are written as
    JSON's \\u escapes (the same strings to a JSON reader, inert in a terminal)."""
    text = json.dumps([{"slug": hit.slug, "title": hit.title, "score": hit.score} for hit in hits], ensure_ascii=False)
    return json_terminal_safe(text)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``kb search`` (the CLI adds this sub-command)."""
    parser.add_argument("query", nargs="+", metavar="QUERY", help="words, a symbol or an error string")
    parser.add_argument("--json", action="store_true", help='print [{"slug", "title", "score"}]')
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content/)")
    parser.add_argument("-n", type=_result_count, default=DEFAULT_LIMIT, metavar="N", help=f"at most N results (default: {DEFAULT_LIMIT})")


def _result_count(text: str) -> int:
    """``-n``: 1 or more ("no threads match" for -n 0 said nothing matched)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"N must be 1 or more, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    """Exit 0 (also when nothing matches); 2 when there is no content to search."""
    try:
        documents = load_documents(args.content)
    except (FileNotFoundError, ValueError) as error:
        print(f"kb: error: {terminal_safe(str(error))}", file=sys.stderr)
        return 2
    hits = search(documents, " ".join(args.query), limit=args.n)
    print(hits_json(hits) if args.json else format_hits(hits))
    return 0


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb search", description="Find threads in the converted content.")
    configure_parser(parser)
    return run(parser.parse_args(None if argv is None else list(argv)))


if __name__ == "__main__":
    sys.exit(main())
