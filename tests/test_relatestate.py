"""Relating again from the last run's memo gives exactly what relating from
scratch gives, re-ranks only a few threads after a small change, and
never trusts a memo it cannot read."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from bench.synth import make_threads, synthetic_facts
from generator import relatestate
from generator.relate import RelateItem, ranking_depth, related_and_groups, relate_and_group, unique_by_slug
from generator.relatestate import RelateCache, RelateMemo, decode_memo, encode_memo, rank_with_memo

SIZE = 300


def base_items(n: int = SIZE, seed: int = 3) -> list[RelateItem]:
    return [
        RelateItem(slug=f"t{i:05d}", title=t.title, text=t.body, facts=synthetic_facts(t))
        for i, t in enumerate(make_threads(n, seed))
    ]


def with_memo(items: list[RelateItem], memo: RelateMemo | None, k: int = 5):
    relation, new = rank_with_memo(unique_by_slug(items), ranking_depth(k), k, memo)
    return related_and_groups(relation.corpus, relation.results, k, edges=relation.edges), new


def cold(items: list[RelateItem], k: int = 5):
    return with_memo(items, None, k)


def named(memo: RelateMemo) -> dict:
    """The memo with term numbers replaced by terms (numbering depends on
    the runs before; what they stand for must not)."""
    v = memo.vocabulary
    return {
        "edges": sorted(memo.edges),
        "threads": {
            slug: (
                m.digest,
                sorted(v[t] for t in m.term_ids),
                [(v[t], w) for t, w in zip(m.vector_ids, m.vector_weights)],
                sorted(v[t] for t in m.title_ids),
                sorted((v[t], n, form) for t, n, form in m.spellings),
                m.keys,
                m.candidates,
                m.ranked,
                m.reasons,
            )
            for slug, m in memo.threads.items()
        },
    }


def mutate(items: list[RelateItem], rng: random.Random, edits: int) -> list[RelateItem]:
    """Edits of the kinds a new scrape brings: a reply (new words, maybe
    another thread's symbols), a retitled thread, reclassified facts, a
    thread gone, a new thread (sometimes a copy of another question)."""
    items = list(items)
    for _ in range(edits):
        kind = rng.choice(["reply", "reply", "title", "facts", "remove", "add", "copy"])
        i = rng.randrange(len(items))
        item = items[i]
        donor = items[rng.randrange(len(items))]
        if kind == "reply":
            words = donor.text.split()
            start = rng.randrange(max(1, len(words) - 12))
            reply = " ".join(words[start : start + rng.randint(3, 12)])
            facts = dataclasses.replace(item.facts, symbols=tuple(sorted({*item.facts.symbols, *donor.facts.symbols[:1]})))
            items[i] = dataclasses.replace(item, text=item.text + "\n" + reply, facts=facts)
        elif kind == "title":
            items[i] = dataclasses.replace(item, title=donor.title + " again")
        elif kind == "facts":
            items[i] = dataclasses.replace(item, facts=dataclasses.replace(item.facts, apis=donor.facts.apis, platforms=donor.facts.platforms))
        elif kind == "remove" and len(items) > 10:
            del items[i]
        elif kind == "add":
            items.append(dataclasses.replace(donor, slug=f"n{rng.randrange(10**6):06d}", title=donor.title + " (new)", text=item.text))
        elif kind == "copy":
            items.append(dataclasses.replace(donor, slug=f"c{rng.randrange(10**6):06d}"))
    return items


@pytest.fixture(scope="module")
def base() -> tuple[list[RelateItem], RelateMemo]:
    items = base_items()
    return items, cold(items)[1]


@pytest.mark.parametrize("seed", range(8))
def test_incremental_relate_equals_a_cold_run_after_random_edits(base, seed: int) -> None:
    items, memo = base
    rng = random.Random(seed)
    edited = mutate(items, rng, edits=rng.choice([1, 1, 2, 5, 12]))
    expected, expected_memo = cold(edited)
    got, got_memo = with_memo(edited, memo)
    assert got == expected
    assert got == relate_and_group(edited)
    assert named(got_memo) == named(expected_memo)  # candidates and all: the next run starts right
    # and a second round of edits from the incremental memo
    again = mutate(edited, rng, edits=3)
    assert with_memo(again, got_memo)[0] == cold(again)[0]


def test_the_memo_survives_its_json_form(base) -> None:
    items, memo = base
    decoded = decode_memo(json.loads(json.dumps(encode_memo(memo))))
    assert named(decoded) == named(memo) and encode_memo(decoded) == encode_memo(memo)
    edited = mutate(items, random.Random(99), edits=2)
    assert with_memo(edited, decoded)[0] == cold(edited)[0]


def test_one_changed_thread_re_ranks_few_threads(base, monkeypatch) -> None:
    """The point of the memo: a reply to one thread re-ranks that thread
    and the few whose lists can move, not all 300 (here about 35: in a
    small corpus most words are rare, and the reply's words move a dozen
    vectors; at 10,000 threads it is about 15)."""
    items, memo = base
    ranked: list[int] = []
    real = relatestate.rank_among
    monkeypatch.setattr(relatestate, "rank_among", lambda corpus, index, *rest: ranked.append(index) or real(corpus, index, *rest))
    edited = list(items)
    edited[SIZE // 2] = dataclasses.replace(items[SIZE // 2], text=items[SIZE // 2].text + "\nUpdate: same on macOS 26.4.")
    expected = cold(edited)[0]
    ranked.clear()
    assert with_memo(edited, memo)[0] == expected
    assert SIZE // 2 in ranked
    assert 0 < len(ranked) <= SIZE // 6, f"{len(ranked)} of {SIZE} threads re-ranked"
    ranked.clear()
    assert with_memo(items, memo)[0] == cold(items)[0] and ranked == []  # nothing changed: nothing ranked


def test_a_memo_for_another_depth_is_not_used(base) -> None:
    items, memo = base
    got, new = with_memo(items, memo, k=7)
    assert got == cold(items, k=7)[0] and new.depth == 7


def _out_of_range(entries: dict) -> None:
    """A candidate number past the last thread."""
    count = len(relatestate._unpack("I", entries["candidates"]))
    entries["candidates"] = relatestate._pack("I", [10**6] * count)


def _not_finite(entries: dict) -> None:
    count = len(relatestate._unpack("d", entries["vector_weights"]))
    entries["vector_weights"] = relatestate._pack("d", [float("nan")] * count)


def _wrong_shape(entries: dict) -> None:
    entries["rest"][0][5] = "ranked"


@pytest.mark.parametrize("damage", [b"not json", b'{"version": "other", "entries": {}}', _out_of_range, _not_finite, _wrong_shape])
def test_a_damaged_memo_file_means_a_cold_run(tmp_path: Path, damage) -> None:
    items = base_items(40)
    cache = RelateCache(tmp_path)
    first = cache.relate_and_group(items)
    cache.save()
    path = tmp_path / ".forum-kb" / RelateCache.FILE
    if isinstance(damage, bytes):
        path.write_bytes(damage)
    else:
        data = json.loads(path.read_bytes())
        damage(data["entries"])
        path.write_text(json.dumps(data))
    assert relatestate._decoded(json.loads(path.read_bytes()).get("entries") if damage != b"not json" else None) is None
    assert RelateCache(tmp_path).relate_and_group(items) == first == relate_and_group(items)


def test_the_relate_cache_writes_nothing_when_nothing_changed(tmp_path: Path) -> None:
    items = base_items(40)
    cache = RelateCache(tmp_path)
    cache.relate_and_group(items)
    cache.save()
    path = tmp_path / ".forum-kb" / RelateCache.FILE
    before = path.stat().st_mtime_ns
    again = RelateCache(tmp_path)
    assert again.relate_and_group(items) == relate_and_group(items)
    again.save()
    assert path.stat().st_mtime_ns == before
