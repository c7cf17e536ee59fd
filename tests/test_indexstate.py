"""Scoring the search index again from the last run's memo gives exactly
the postings of scoring from scratch, and scores only what changed."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from generator import indexstate
from generator.indexstate import IndexCache, decode_memo, encode_memo, postings_with_memo
from generator.search import FIELD_WEIGHTS, Document, _bm25, bm25_all, corpus_stats
from generator.searchindex import encode_postings, patch_postings, score_postings

WORDS = [f"w{n}" for n in range(300)]


def document(slug: str, rng: random.Random) -> Document:
    fields = {}
    for name in FIELD_WEIGHTS:
        picked = rng.choices(WORDS, weights=[1 / (1 + n) for n in range(len(WORDS))], k=rng.randint(3, 40))
        fields[name] = Counter(picked)
    return Document(slug, slug.upper(), f"threads/{slug}.md", ("content-filter",), "2026-01-01", fields)


def digest(doc: Document) -> str:
    return hashlib.sha256(repr(sorted((k, sorted(v.items())) for k, v in doc.fields.items())).encode()).hexdigest()


def corpus(n: int = 150, seed: int = 0) -> list[Document]:
    rng = random.Random(seed)
    return [document(f"t{i:04d}", rng) for i in range(n)]


def with_memo(docs, memo):
    docs = sorted(docs, key=lambda d: d.slug)
    return postings_with_memo(docs, [digest(d) for d in docs], memo)


def cold(docs):
    docs = sorted(docs, key=lambda d: d.slug)
    return score_postings(docs, corpus_stats(docs))


def edit(docs: list[Document], rng: random.Random, edits: int) -> list[Document]:
    docs = list(docs)
    for _ in range(edits):
        kind = rng.choice(["words", "words", "add", "remove"])
        i = rng.randrange(len(docs))
        if kind == "words":
            fields = {name: Counter(counts) for name, counts in docs[i].fields.items()}
            fields["body"][rng.choice(WORDS)] += rng.randint(1, 3)
            gone = rng.choice(list(fields["body"]))
            del fields["body"][gone]
            docs[i] = Document(docs[i].slug, docs[i].title, docs[i].path, docs[i].families, docs[i].last_active, fields)
        elif kind == "add":
            docs.append(document(f"n{rng.randrange(10**6):06d}", rng))
        elif kind == "remove" and len(docs) > 10:
            del docs[i]
    return docs


@pytest.mark.parametrize("seed", range(10))
def test_postings_from_the_memo_equal_a_cold_scoring(seed: int) -> None:
    rng = random.Random(seed)
    docs = corpus()
    _, memo = with_memo(docs, None)
    for _ in range(3):  # each round starts from the memo the last one left
        docs = edit(docs, rng, rng.choice([1, 1, 3, 8]))
        got, memo = with_memo(docs, memo)
        assert dict(got) == cold(docs)


@pytest.mark.parametrize("seed", range(30))
def test_a_posting_patched_as_text_is_the_patched_posting_encoded(seed: int) -> None:
    rng = random.Random(seed)
    span = rng.choice([50, 5000, 200_000])  # ids and scores past the three-digit codes too
    postings = {i: rng.randrange(span) for i in rng.sample(range(span), rng.randint(0, 40))}
    updates: dict[int, int | None] = {}
    for _ in range(rng.randint(1, 8)):
        doc = rng.choice(list(postings)) if postings and rng.random() < 0.6 else rng.randrange(span)
        updates[doc] = None if rng.random() < 0.4 else rng.randrange(span)
    expected = dict(postings)
    for doc, score in updates.items():
        if score is None:
            expected.pop(doc, None)
        else:
            expected[doc] = score
    text = encode_postings(sorted(postings.items()))
    assert patch_postings(text, updates) == encode_postings(sorted(expected.items()))


def test_a_posting_not_written_by_the_index_is_refused() -> None:
    with pytest.raises(ValueError):
        patch_postings("not a posting!", {1: 2})


def test_a_small_edit_scores_only_its_words(monkeypatch) -> None:
    docs = corpus(400)
    _, memo = with_memo(docs, None)
    edited = edit(docs, random.Random(5), 1)
    assert edited != docs
    monkeypatch.setattr(indexstate, "score_postings", lambda *a: pytest.fail("scored everything again"))
    scored: list[str] = []
    real = indexstate.word_score
    monkeypatch.setattr(indexstate, "word_score", lambda doc, word, *rest: scored.append(word) or real(doc, word, *rest))
    got, _ = with_memo(edited, memo)
    monkeypatch.undo()
    assert dict(got) == cold(edited)
    assert 0 < len(set(scored)) < 60, "only the edited document's words are scored again"


def test_nothing_changed_is_the_same_memo() -> None:
    docs = corpus()
    _, memo = with_memo(docs, None)
    assert with_memo(docs, memo)[1] is memo


def test_the_memo_survives_its_json_form() -> None:
    docs = corpus()
    _, memo = with_memo(docs, None)
    decoded = decode_memo(json.loads(json.dumps(encode_memo(memo))))
    edited = edit(docs, random.Random(1), 2)
    assert dict(with_memo(edited, decoded)[0]) == cold(edited)


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: e.update(postings={word: "!!" for word in e["postings"]}),  # not postings at all
        lambda e: e.update(frequency={}),
        lambda e: e.update(count="many"),
    ],
)
def test_a_damaged_memo_means_scoring_from_scratch(tmp_path: Path, damage) -> None:
    docs = sorted(corpus(60), key=lambda d: d.slug)
    cache = IndexCache(tmp_path)
    cache.postings(docs, [digest(d) for d in docs])
    cache.save()
    path = tmp_path / ".forum-kb" / IndexCache.FILE
    data = json.loads(path.read_bytes())
    damage(data["entries"])
    path.write_text(json.dumps(data))
    assert indexstate._decoded(data["entries"]) is None
    edited = sorted(edit(docs, random.Random(3), 2), key=lambda d: d.slug)
    assert IndexCache(tmp_path).postings(edited, [digest(d) for d in edited]) == cold(edited)


def test_scoring_a_document_at_once_gives_each_words_own_score_exactly() -> None:
    # The index is scored cold by bm25_all and patched by word_score; a
    # last-bit difference between the two would rewrite shards on every run.
    docs = corpus(120, seed=3)
    stats = corpus_stats(docs)
    idf: dict[str, float] = {}
    for doc in docs:
        scores = bm25_all(doc, stats, idf)
        assert set(scores) == {word for counts in doc.fields.values() for word in counts}
        for word, score in scores.items():
            assert score == _bm25(doc, word, stats)
