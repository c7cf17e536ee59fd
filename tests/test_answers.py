"""Whole threads: a saved thread page merged with the listing, the answer
first and once, answered status, answer lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from generator.answers import order_answers
from generator.cli import main
from generator.records import Post, Thread
from tests.conftest import FIXTURES, SEED, SEED_DATE


@pytest.fixture(scope="module")
def enriched(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("answers") / "content"
    page = FIXTURES / "answers" / "sysextd-thread.txt"
    assert main(["convert", str(SEED), str(page), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    return out


def test_thread_page_and_listing_entry_become_one_page(enriched):
    pages = list((enriched / "threads").glob("sysextd-*.md"))
    assert len(pages) == 1
    assert len(list((enriched / "threads").glob("*.md"))) == 20
    _, meta = get_data(pages[0].read_text(encoding="utf-8"))
    assert (meta["replies"], meta["views"]) == (5, 180)  # the listing's counts
    assert meta["url"] == "https://developer.apple.com/forums/thread/815501"
    assert (meta["answered"], meta["answer_author_role"], meta["posts"]) == ("accepted", "DTS Engineer", 5)


def test_accepted_answer_comes_first_once_with_its_role(enriched):
    text = next((enriched / "threads").glob("sysextd-*.md")).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    answer = body.index("## Answer")
    assert body.index("## Question") < answer < body.index("## Other replies")
    assert "### Accepted answer: DTS Engineer · 2026-02-20" in body
    assert body.count("container app was not launched from") == 1
    assert "eskimo" not in body  # the signature is not part of the answer
    first_reply = body.index("Here is the log stream output")
    assert first_reply > answer


def _post(role: str = "", accepted: bool = False, comment: bool = False) -> Post:
    return Post(author="someone", role=role, body="text", accepted=accepted, is_comment=comment)


@pytest.mark.parametrize(
    ("posts", "replies", "status", "first_role"),
    [
        ((_post(), _post("DTS Engineer"), _post(accepted=True)), 3, "accepted", ""),
        ((_post(), _post("Apple Staff")), 2, "apple-replied", "Apple Staff"),
        ((_post(), _post()), 2, "replied", None),
        ((), 4, "replied", None),  # the listing counts replies the scrape lacks
        ((), 0, "unanswered", None),
    ],
)
def test_answered_status(posts, replies, status, first_role):
    order = order_answers(Thread(key="title:x", title="x", posts=posts, replies=replies))
    assert order.status == status
    if first_role is None:
        assert order.first is None
    else:
        assert order.first is not None and order.first.role == first_role
        assert order.first not in order.rest


def test_accepted_answer_from_a_non_apple_author_is_first():
    posts = (_post("DTS Engineer"), Post(author="peer", body="the fix", accepted=True))
    order = order_answers(Thread(key="title:x", title="x", posts=posts))
    assert order.first.author == "peer" and order.status == "accepted"


def test_answer_lists_group_threads(enriched):
    accepted = (enriched / "answers" / "accepted.md").read_text(encoding="utf-8")
    assert "sysextd" in accepted and "## System extension" not in accepted
    unanswered = (enriched / "answers" / "unanswered.md").read_text(encoding="utf-8")
    assert "sysextd" not in unanswered
    all_threads = (enriched / "all.md").read_text(encoding="utf-8")
    assert "✅ accepted" in all_threads


def test_a_query_only_the_answer_contains_finds_the_thread(enriched, capsys):
    # "container app" appears in the accepted answer only, never in the question.
    page = next((enriched / "threads").glob("sysextd-*.md"))
    question = page.read_text(encoding="utf-8").split("## Answer", 1)[0]
    assert "container" not in question
    assert main(["search", "container app not launched", "--json", "--content", str(enriched)]) == 0
    import json

    hits = json.loads(capsys.readouterr().out)
    assert hits and hits[0]["slug"] == page.stem
    # The browser's engine (its executable specification) agrees.
    from generator.searchindex import search_files

    index = enriched / "assets" / "kb-search" / "index"
    files = {path.name: path.read_bytes() for path in index.glob("*.js")}
    ranked = search_files(files, "container app not launched")
    assert ranked and ranked[0][0] == f"threads/{page.stem}.html"
