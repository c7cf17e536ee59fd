"""Merge: duplicates -> one thread with a deterministic winner."""

from __future__ import annotations

import itertools

from generator.merge import merge_threads
from generator.clean import prepare
from generator.records import Source, Thread


def _thread(**fields) -> Thread:
    base = dict(key="title:VPN drops", title="VPN drops", body="text", source=Source("a.txt", 1))
    base.update(fields)
    return Thread(**base)


def test_seed_merges_into_20_threads(seed_threads):
    merged = merge_threads(prepare(t) for t in seed_threads)
    assert len(merged) == 20
    assert sum(m.sources for m in merged) == 38


def test_highest_counts_and_newest_activity_win_whatever_the_order():
    old = _thread(replies=2, views=100, activity="Feb ’26", last_active="2026-02", source=Source("a.txt", 1))
    new = _thread(replies=5, views=240, boosts=1, activity="3w", last_active="2026-02-23", source=Source("b.txt", 9))
    for order in itertools.permutations([old, new]):
        (merged,) = merge_threads(order)
        assert (merged.thread.replies, merged.thread.views, merged.thread.boosts) == (5, 240, 1)
        assert (merged.thread.activity, merged.thread.last_active) == ("3w", "2026-02-23")


def test_same_thread_with_different_text_is_one_thread_with_a_stable_choice():
    a = _thread(body="short", views=10)
    b = _thread(body="a longer body of the same question", views=10)
    results = {merge_threads(order)[0].thread for order in itertools.permutations([a, b])}
    assert len(results) == 1
    assert results.pop().body == "a longer body of the same question"


def test_record_with_id_absorbs_listing_entry_with_same_title():
    listing = _thread(replies=9, views=900)
    feed = _thread(key="id:812345", thread_id="812345", url="https://developer.apple.com/forums/thread/812345", replies=3, tags=("VPN",))
    (merged,) = merge_threads([listing, feed])
    assert merged.thread.key == "id:812345"
    assert merged.thread.url.endswith("/812345")
    assert merged.thread.replies == 9
    assert merged.keys == ("id:812345", "title:VPN drops")


def test_titles_differing_in_case_are_different_threads():
    merged = merge_threads([_thread(), _thread(key="title:vpn drops", title="vpn drops")])
    assert len(merged) == 2


def test_result_order_is_independent_of_input_order(seed_threads):
    prepared = [prepare(t) for t in seed_threads]
    forward = merge_threads(prepared)
    backward = merge_threads(list(reversed(prepared)))
    assert forward == backward
