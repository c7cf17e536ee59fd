"""Plain text -> weighted terms, for comparing threads with each other.

Forum posts mix prose with flattened code, so a term is either a word or an
identifier.  An identifier is kept whole *and* split at its camelCase /
snake_case joints, so ``NEFilterDataProvider`` yields ``nefilterdataprovider``
(matches only that class) plus ``filter``, ``data``, ``provider`` (match prose
about filters and providers).  Split parts count half: the whole identifier
is the stronger evidence.

Weights are TF-IDF (sublinear TF: the tenth mention adds less than the
second) with two choices made for stability rather than textbook
fidelity (see :func:`specificity`): the IDF depends on a term's document
frequency only, never on the corpus size, so one more thread that does not
use a term leaves that term's weight untouched.

Error codes (``NEFilterErrorDomain Code=1``, ``NEURLFilterManager.Error
error 9``, ``OSSystemExtensionError code 4``) are recognised separately:
"same error" is the strongest reason two threads belong together.

Everything here is pure and deterministic; caches are per call.
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

# A word or identifier: letters first, then letters, digits, underscores.
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Two words separated by whitespace only (a phrase: "system extension",
# "Developer ID", "URL filter"); the lookahead lets pairs overlap.
_PHRASE = re.compile(r"\b([A-Za-z][A-Za-z0-9]*)[ \t]+(?=([A-Za-z][A-Za-z0-9]*)\b)")
# camelCase joints: "NEFilterDataProvider" -> NE, Filter, Data, Provider.
_CAMEL_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+")
# "<Domain|Something.Error|SomethingError> [error|code|Code=|=|:] <number>".
_ERROR = re.compile(
    r"\b(?P<domain>(?:[A-Za-z][A-Za-z0-9_]*\.)*[A-Za-z0-9_]*(?:ErrorDomain|Error))"
    r"(?P<sep>\s*(?:[Cc]ode\s*=|[Ee]rror|[Cc]ode|=|:))?\s*(?P<code>-?\d{1,6})\b"
)

# Words that say nothing about the question: English function words plus the
# forum's own boilerplate (greetings, thanks, "issue", "question").
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could did didn do does doesn doing don
    down during each either else etc even ever every few for from further get gets got had has
    have having he her here hers him his how however i if in into is isn it its itself just
    let like ll may me might more most much must my myself need needs no nor not now of off on
    once one only or other our ours out over own per please re same seem seems she should so
    some still such than that the their them then there these they this those though through
    thus to too under until up upon us use used using ve very via was wasn we were weren what
    when where whether which while who whom why will with within without would yet you your
    yours hi hello hey thanks thank regards best dear anyone someone something anything
    question questions issue issues problem problems help appreciate advance guidance sure
    really able way ways thing things want wanted trying tried try know seeing see seen
    getting make makes made going currently however also following tell look looks looking
    """.split()
)

#: IDF scale: a term found in about this many threads weighs ln(2) ~ 0.7 of a
#: unique term's ln(1 + K).  Chosen so that on the 20-thread seed the ratio
#: between a unique term and a term in every thread (3.1) matches textbook
#: smoothed IDF (3.3), while on large corpora words in thousands of threads
#: fade out instead of drowning the specific ones.
TEXT_IDF_SCALE = 64.0
#: Title words count this many times: a title states the question.
TITLE_WEIGHT = 2.0
#: Split identifier parts count this much of a whole word.
PART_WEIGHT = 0.5


#: The document frequencies weights are computed from: every count up to 8,
#: then the lower bound of its quarter octave (9, 11, 13, 16, 19, 22, 26, 32,
#: 38, 45, 53, 64, …).  A term's weight changes only when its frequency
#: crosses a level, not with every thread that starts or stops using it, so
#: one changed thread leaves the vectors of the threads it shares common
#: words with untouched (generator/relatestate.py relies on it).  Rare terms
#: keep their exact weight; a common one weighs up to 19% more than its exact
#: frequency would give, which changes no ordering between rare and common.
DF_LEVELS = tuple(sorted({*range(1, 9), *(int(2 ** (k / 4)) for k in range(12, 4 * 40))}))


def df_level(df: int) -> int:
    """The level of a document frequency (see :data:`DF_LEVELS`)."""
    return DF_LEVELS[bisect.bisect_right(DF_LEVELS, df) - 1] if df >= 1 else 0


def specificity(df: int, scale: float) -> float:
    """How specific a term used by ``df`` threads is: ``ln(1 + scale/level)``
    with ``level`` the :func:`df_level` of ``df``.

    Depends on ``df`` only (not on the corpus size), so adding an unrelated
    thread changes no weight; 0 for ``df <= 0``.
    """
    if df <= 0:
        return 0.0
    return math.log1p(scale / df_level(df))


def _singular(word: str) -> str:
    """A light plural fold ("filters" -> "filter", "proxies" -> "proxy");
    no stemming beyond that, so terms stay recognisable in a "why"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def identifier_terms(token: str) -> tuple[tuple[str, float], ...]:
    """Terms (with weights) of one token.

    >>> identifier_terms("NEFilterDataProvider")
    (('nefilterdataprovider', 1.0), ('filter', 0.5), ('data', 0.5), ('provider', 0.5))
    """
    parts = _CAMEL_PART.findall(token)
    whole = token.lower()
    if len(parts) <= 1 and "_" not in token:
        word = _singular(whole)
        if len(word) < 2 or word in STOPWORDS or whole in STOPWORDS:
            return ()
        return ((word, 1.0),)
    terms: list[tuple[str, float]] = [(whole, 1.0)]
    for part in parts:
        word = _singular(part.lower())
        if len(word) >= 3 and word not in STOPWORDS and word != whole:
            terms.append((word, PART_WEIGHT))
    return tuple(terms)


# Characters a domain (``NetworkExtension.NEURLFilterManager.Error``) is made of.
_DOMAIN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")


def _error_matches(text: str) -> Iterator[re.Match[str]]:
    """``_ERROR.finditer(text)``, without running the pattern at every word.

    Every match contains the literal ``Error`` and starts inside the run of
    domain characters just before it, so the pattern is tried only at the
    word starts of those runs (a few per text instead of every word: the
    relate stage reads every thread's whole text).  Same matches, in order.
    """
    pos = 0
    while (found := text.find("Error", pos)) >= 0:
        start = found
        while start > pos and text[start - 1] in _DOMAIN_CHARS:
            start -= 1
        match = None
        for begin in range(start, found + 1):
            match = _ERROR.match(text, begin)  # fails at once where no \b is
            if match:
                break
        if match is None:
            pos = found + 1
            continue
        yield match
        pos = match.end()


@dataclass(frozen=True)
class ErrorCode:
    """An error code seen in text: ``key`` compares, ``label`` is shown."""

    key: str  # "nefiltererrordomain:1"
    label: str  # "NEFilterErrorDomain Code=1"


def error_codes(text: str) -> tuple[ErrorCode, ...]:
    """Error codes mentioned in ``text``, sorted by key, each once.

    The domain keeps its last two dotted components, so
    ``NetworkExtension.NEURLFilterManager.Error error 9`` is
    ``NEURLFilterManager.Error 9``.
    """
    found: dict[str, ErrorCode] = {}
    for match in _error_matches(text):
        domain = ".".join(match["domain"].split(".")[-2:])
        if domain.lower() in {"error", "errordomain"}:
            continue  # a bare "Error 9" names no API
        code = match["code"]
        sep = "".join((match["sep"] or "").split()).lower()
        label = f"{domain} Code={code}" if sep == "code=" else f"{domain} {code}"
        key = f"{domain.lower()}:{code}"
        found.setdefault(key, ErrorCode(key, label))
    return tuple(found[key] for key in sorted(found))


@dataclass(frozen=True)
class ThreadTerms:
    """What one thread's text gives the relate stage: weighted term
    frequencies (title words boosted), the terms its title alone has, and how
    this thread writes each title term (``SMB`` rather than ``smb``).

    The frequencies are two parallel sequences, not a dict: at 100,000
    threads a dict and its float objects per thread cost four times the
    memory, and the arrays cross between processes as plain bytes.
    """

    terms: tuple[str, ...]
    weights: array  # array("d"), one per term
    title_terms: frozenset[str]
    spellings: dict[str, tuple[int, str]]  # title term -> (times written, most common form)


class Tokenizer:
    """Counts weighted terms of texts.

    Its caches are pure functions of a token (forum text reuses a small
    vocabulary), so a thread's terms never depend on which threads were
    counted before: tokenising in several processes, or only the threads that
    changed, gives the same result.
    """

    def __init__(self) -> None:
        self._terms_of: dict[str, tuple[tuple[str, float], ...]] = {}
        self._phrase_of: dict[tuple[str, str], str] = {}

    def thread_terms(self, title: str, text: str) -> ThreadTerms:
        """Weighted term frequencies (title words boosted): words,
        identifiers and their parts, and two-word phrases; the set of terms
        the title alone has; and the thread's own spelling of each of those."""
        counts: dict[str, float] = {}
        title_terms: frozenset[str] = frozenset()
        # Spellings are kept for title terms only (the only ones a "why"
        # shows); the title is short, so its possible terms are known first.
        wanted = {t for token in _TOKEN.findall(title) for t, _ in self._terms(token)}
        wanted.update(self._phrase(*pair) for pair in _PHRASE.findall(title))
        written: dict[str, dict[str, int]] = {}
        for source, boost in ((text, 1.0), (title, TITLE_WEIGHT)):
            found: set[str] = set()
            tokens = Counter(_TOKEN.findall(source))
            for token, n in tokens.items():
                terms = self._terms(token)
                for term, weight in terms:
                    counts[term] = counts.get(term, 0.0) + n * weight * boost
                    found.add(term)
                if terms and terms[0][0] in wanted:
                    forms = written.setdefault(terms[0][0], {})
                    forms[token] = forms.get(token, 0) + n
            for pair, n in Counter(_PHRASE.findall(source)).items():
                phrase = self._phrase_of.get(pair)
                if phrase is None:
                    phrase = self._phrase_of[pair] = self._phrase(*pair)
                if phrase:
                    counts[phrase] = counts.get(phrase, 0.0) + n * boost
                    found.add(phrase)
                    if phrase in wanted:
                        forms = written.setdefault(phrase, {})
                        form = " ".join(pair)
                        forms[form] = forms.get(form, 0) + n
            title_terms = frozenset(found)
        spellings: dict[str, tuple[int, str]] = {}
        for term in title_terms:
            forms = written.get(term)
            if forms:
                form, n = min(forms.items(), key=lambda e: (-e[1], e[0]))
                spellings[term] = (n, form)
        return ThreadTerms(tuple(counts), array("d", counts.values()), title_terms, spellings)

    def _terms(self, token: str) -> tuple[tuple[str, float], ...]:
        terms = self._terms_of.get(token)
        if terms is None:
            terms = self._terms_of[token] = identifier_terms(token)
        return terms

    def _phrase(self, first: str, second: str) -> str:
        """``"system extension"`` for two plain words; "" when either is a
        stopword or an identifier (code is not prose)."""
        a, b = self._terms(first), self._terms(second)
        if len(a) != 1 or len(b) != 1 or a[0][1] != 1.0 or b[0][1] != 1.0:
            return ""
        return a[0][0] + " " + b[0][0]


def spelling(term: str, *spellings: Mapping[str, tuple[int, str]]) -> str:
    """How the given threads write ``term`` most often (ties: the smallest
    form); the term itself when none of them does."""
    best: tuple[int, str] | None = None
    for table in spellings:
        found = table.get(term)
        if found and (best is None or (-found[0], found[1]) < (-best[0], best[1])):
            best = found
    return best[1] if best else term


def document_frequencies(docs: Iterable[Iterable[str]]) -> Counter[str]:
    """In how many documents each term occurs (each document given by its
    distinct terms)."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc)
    return df


def idf_table(df: Mapping[str, int], scale: float = TEXT_IDF_SCALE) -> dict[str, float]:
    """:func:`specificity` of every term, computed once per corpus."""
    return {term: specificity(n, scale) for term, n in df.items()}


def tfidf_vector(
    counts: Iterable[tuple[str, float]],
    df: Mapping[str, int],
    max_terms: int | None,
    idf: Mapping[str, float],
) -> dict[str, float]:
    """Sublinear TF x IDF of one document (its (term, frequency) pairs),
    scaled by its full L2 norm.

    Only terms some other document also uses are kept (the others cannot
    match anything) and of those only the ``max_terms`` heaviest (all when
    None), heaviest first; the norm still counts every term, so a thread full
    of its own jargon is not made to look like its one common word.  The
    cosine of two such vectors is therefore the exact TF-IDF cosine when
    nothing is pruned and a lower bound of it when something is.  Ties in
    weight keep the alphabetically first term, so pruning is stable.
    ``idf`` is :func:`idf_table` of ``df``, computed once per corpus.
    """
    weighted: list[tuple[str, float]] = []
    norm_sq = 0.0
    unique_idf = specificity(1, TEXT_IDF_SCALE)
    for term, tf in counts:
        weight = (1.0 + math.log(tf) if tf >= 1.0 else tf) * idf.get(term, unique_idf)
        norm_sq += weight * weight
        if df.get(term, 0) > 1:
            weighted.append((term, weight))
    if norm_sq == 0.0 or not weighted:
        return {}
    weighted.sort(key=lambda item: (-item[1], item[0]))
    if max_terms is not None:
        del weighted[max_terms:]
    norm = math.sqrt(norm_sq)
    return {term: weight / norm for term, weight in weighted}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two L2-normalised sparse vectors.  ``fsum`` rounds
    the exact sum once, so the result does not depend on the order a set
    intersection happens to yield (which varies with the hash seed)."""
    return math.fsum(a[t] * b[t] for t in a.keys() & b.keys())


def shared_terms(a: Mapping[str, float], b: Mapping[str, float]) -> Sequence[str]:
    """Terms of both vectors, by contribution to their cosine (then by name)."""
    both = [(a[t] * b[t], t) for t in a.keys() & b.keys()]
    both.sort(key=lambda item: (-item[0], item[1]))
    return [t for _, t in both]
