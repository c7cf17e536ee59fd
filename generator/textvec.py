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

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

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


def specificity(df: int, scale: float) -> float:
    """How specific a term used by ``df`` threads is: ``ln(1 + scale/df)``.

    Depends on ``df`` only (not on the corpus size), so adding an unrelated
    thread changes no weight; 0 for ``df <= 0``.
    """
    if df <= 0:
        return 0.0
    return math.log1p(scale / df)


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
    for match in _ERROR.finditer(text):
        domain = ".".join(match["domain"].split(".")[-2:])
        if domain.lower() in {"error", "errordomain"}:
            continue  # a bare "Error 9" names no API
        code = match["code"]
        sep = "".join((match["sep"] or "").split()).lower()
        label = f"{domain} Code={code}" if sep == "code=" else f"{domain} {code}"
        key = f"{domain.lower()}:{code}"
        found.setdefault(key, ErrorCode(key, label))
    return tuple(found[key] for key in sorted(found))


class Tokenizer:
    """Counts weighted terms of texts, remembering each term's most common
    spelling so that a "why" can show ``SMB`` rather than ``smb``.

    One instance per corpus: its caches make a large corpus cheap (forum
    text reuses a small vocabulary).
    """

    def __init__(self) -> None:
        self._terms_of: dict[str, tuple[tuple[str, float], ...]] = {}
        self._token_counts: Counter[str] = Counter()
        self._phrase_counts: Counter[str] = Counter()
        self._spelling_of: dict[str, str] | None = None
        self._phrase_of: dict[tuple[str, str], str] = {}

    def term_counts(self, title: str, text: str) -> dict[str, float]:
        """Weighted term frequencies of a thread (title words boosted):
        words, identifiers and their parts, and two-word phrases."""
        return self.thread_terms(title, text)[0]

    def thread_terms(self, title: str, text: str) -> tuple[dict[str, float], frozenset[str]]:
        """:meth:`term_counts` and the set of terms the title alone has."""
        counts: dict[str, float] = {}
        title_terms: frozenset[str] = frozenset()
        for source, boost in ((text, 1.0), (title, TITLE_WEIGHT)):
            found: set[str] = set()
            tokens = Counter(_TOKEN.findall(source))
            self._token_counts.update(tokens)
            for token, n in tokens.items():
                terms = self._terms(token)
                for term, weight in terms:
                    counts[term] = counts.get(term, 0.0) + n * weight * boost
                    found.add(term)
            for pair, n in Counter(_PHRASE.findall(source)).items():
                phrase = self._phrase_of.get(pair)
                if phrase is None:
                    phrase = self._phrase_of[pair] = self._phrase(*pair)
                if phrase:
                    self._phrase_counts[" ".join(pair)] += n
                    counts[phrase] = counts.get(phrase, 0.0) + n * boost
                    found.add(phrase)
            title_terms = frozenset(found)
        return counts, title_terms

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

    def spelling(self, term: str) -> str:
        """The spelling of ``term`` seen most often (ties: the smallest).
        Ask only once every text is counted: the table is built on first use."""
        if self._spelling_of is None:
            best: dict[str, tuple[int, str]] = {}
            written = [(t, n) for t, n in self._token_counts.items() if self._terms_of.get(t)]
            written += [(p, n) for p, n in self._phrase_counts.items()]
            for word, n in written:
                key = self._terms_of[word][0][0] if " " not in word else self._phrase(*word.split(" "))
                if key and (key not in best or (-n, word) < (-best[key][0], best[key][1])):
                    best[key] = (n, word)
            self._spelling_of = {key: word for key, (_, word) in best.items()}
        return self._spelling_of.get(term, term)


def document_frequencies(docs: Iterable[Mapping[str, float]]) -> Counter[str]:
    """In how many documents each term occurs."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    return df


def idf_table(df: Mapping[str, int], scale: float = TEXT_IDF_SCALE) -> dict[str, float]:
    """:func:`specificity` of every term, computed once per corpus."""
    return {term: specificity(n, scale) for term, n in df.items()}


def tfidf_vector(
    counts: Mapping[str, float],
    df: Mapping[str, int],
    max_terms: int | None,
    idf: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Sublinear TF x IDF of one document, scaled by its full L2 norm.

    Only terms some other document also uses are kept (the others cannot
    match anything) and of those only the ``max_terms`` heaviest (all when
    None), heaviest first; the norm still counts every term, so a thread full
    of its own jargon is not made to look like its one common word.  The
    cosine of two such vectors is therefore the exact TF-IDF cosine when
    nothing is pruned and a lower bound of it when something is.  Ties in
    weight keep the alphabetically first term, so pruning is stable.
    ``idf`` (from :func:`idf_table`) saves recomputing logarithms.
    """
    if idf is None:
        idf = idf_table(df)
    weighted: list[tuple[str, float]] = []
    norm_sq = 0.0
    unique_idf = specificity(1, TEXT_IDF_SCALE)
    for term, tf in counts.items():
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
    """Dot product of two L2-normalised sparse vectors."""
    return sum(a[t] * b[t] for t in a.keys() & b.keys())


def shared_terms(a: Mapping[str, float], b: Mapping[str, float]) -> Sequence[str]:
    """Terms of both vectors, by contribution to their cosine (then by name)."""
    both = [(a[t] * b[t], t) for t in a.keys() & b.keys()]
    both.sort(key=lambda item: (-item[0], item[1]))
    return [t for _, t in both]
