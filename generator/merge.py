"""The merge stage: every record of the same thread -> one thread.

A thread is identified by its forum id when any record knows it, else by its
title as scraped.  A record without an id joins the id-bearing group that has
exactly the same cleaned title.  Within a group the result keeps the best of
each record, whatever the input order:

* counts (replies, boosts, views): the highest of each;
* activity and last_active: from the record with the newest ``last_active``;
* title: from the record with the highest counts and newest activity (the
  *winner*), ties broken by the text itself so the choice never depends on
  input order;
* body: the longest non-empty body (a listing excerpt loses to a full post);
* url, thread_id, author, created, forum: the first non-empty value in
  winner order; tags: the union, sorted; posts: the record with most posts.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable, Mapping

from generator.cache import same_digest
from generator.records import Thread


@dataclasses.dataclass(frozen=True)
class MergedThread:
    """A merged thread and every identity key it was seen under."""

    thread: Thread
    keys: tuple[str, ...]
    sources: int


def _rank(thread: Thread) -> tuple:
    """Sort key: best record first.  Every field takes part, so two different
    records never tie and the order is total."""
    return (
        -(thread.replies + thread.views + thread.boosts),
        _negated(thread.last_active),
        -len(thread.posts),
        -len(thread.body),
        thread.title,
        thread.body,
        thread.key,
        str(thread.source),
    )


def _negated(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text) + (1,)


def _group(threads: Iterable[Thread], known_ids: Mapping[str, str] | None = None) -> list[list[Thread]]:
    by_id: dict[str, list[Thread]] = {}
    by_title: dict[str, list[Thread]] = {}
    for thread in threads:
        if thread.thread_id:
            by_id.setdefault(thread.thread_id, []).append(thread)
        else:
            by_title.setdefault(thread.key, []).append(thread)
    id_for_title: dict[str, str] = {}
    # A title joins the smallest id it was seen with (every title of one id
    # maps to that id, so the order within a group does not matter).
    for thread_id in sorted(by_id):
        for thread in by_id[thread_id]:
            id_for_title.setdefault(thread.title, thread_id)
    groups = {f"id:{thread_id}": records for thread_id, records in by_id.items()}
    for key, records in by_title.items():
        target = id_for_title.get(records[0].title)
        if target is None and known_ids:
            target = known_ids.get(key)
            target = target if target in by_id else None
        if target is not None:
            groups[f"id:{target}"].extend(records)
        else:
            groups[key] = records
    return [groups[key] for key in sorted(groups)]


def merge_group(records: list[Thread]) -> MergedThread:
    # Alike but for where they were read from: the usual group, a thread the
    # knowledge base holds scraped again unchanged.
    if len(records) > 1 and all(same_digest(records[0], record) for record in records[1:]):
        return _merge_alike(records)
    return merge_ranked(records)


def merge_ranked(records: list[Thread]) -> MergedThread:
    """The merge, ranking every record (the rules of the module docstring)."""
    # Each record's rank is taken once (it spells out the record's date
    # backwards): every run merges each of 10,000 known threads again.
    ranked = sorted(((_rank(t), t) for t in records), key=lambda pair: pair[0])
    ordered = [t for _, t in ranked]
    winner = ordered[0]
    newest = max(ranked, key=lambda pair: (pair[1].last_active, pair[1].activity, pair[0][2:]))[1]
    body = max((t.body for t in ordered), key=lambda b: (len(b), b))
    most_posts = min(ranked, key=lambda pair: (-len(pair[1].posts), pair[0]))[1]

    def first(field: str) -> str:
        return next((getattr(t, field) for t in ordered if getattr(t, field)), "")

    thread_id = first("thread_id")
    merged = dataclasses.replace(
        winner,
        key=f"id:{thread_id}" if thread_id else winner.key,
        body=body,
        replies=max(t.replies for t in ordered),
        boosts=max(t.boosts for t in ordered),
        views=max(t.views for t in ordered),
        activity=newest.activity,
        last_active=newest.last_active,
        scraped_on=max(t.scraped_on for t in ordered),
        url=first("url"),
        thread_id=thread_id,
        author=first("author"),
        created=first("created"),
        forum=first("forum"),
        tags=tuple(sorted({tag for t in ordered for tag in t.tags})),
        posts=most_posts.posts,
        locked=any(t.locked for t in ordered),
    )
    keys = tuple(sorted({t.key for t in ordered} | {merged.key}))
    return MergedThread(merged, keys, len(ordered))


def _merge_alike(records: list[Thread]) -> MergedThread:
    """What :func:`merge_group` gives for records alike but for their
    source, without ranking them: their ranks differ only in the source, so
    the winner is the record read first by source, every best-of field is
    its own, and only the key and the tags are put in canonical form
    (tests/test_properties.py checks it gives what :func:`merge_ranked` gives)."""
    winner = min(records, key=lambda thread: str(thread.source))
    key = f"id:{winner.thread_id}" if winner.thread_id else winner.key
    tags = tuple(sorted(set(winner.tags)))
    merged = winner if key == winner.key and tags == winner.tags else dataclasses.replace(winner, key=key, tags=tags)
    return MergedThread(merged, tuple(sorted({winner.key, key})), len(records))


def merge_threads(threads: Iterable[Thread], known_ids: Mapping[str, str] | None = None) -> list[MergedThread]:
    """Merge duplicates; the result is sorted by key, independent of input
    order.  ``known_ids`` (title key -> thread id, from the slug map: see
    :func:`generator.state.known_thread_ids`) joins a title-only record to
    the thread it was merged into before, even after that thread's title
    changed (it came back as a second thread)."""
    return [merge_group(group) for group in _group(threads, known_ids)]
