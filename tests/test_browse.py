"""Browse pages, sidebar nav and `kb stats` from the classified seed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.taxonomy import load_taxonomy
from tests.conftest import SEED, SEED_DATE


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browse") / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    return out


def _linked_threads(page: Path) -> set[str]:
    return set(re.findall(r"threads/([a-z0-9-]+)\.md", page.read_text(encoding="utf-8")))


def test_every_family_platform_and_topic_has_a_page(content):
    taxonomy = load_taxonomy()
    for family in taxonomy.families:
        assert (content / "apis" / f"{family.id}.md").is_file()
    for platform in taxonomy.platforms:
        assert (content / "platforms" / f"{platform.id.lower()}.md").is_file()
    for topic in taxonomy.topics:
        assert (content / "topics" / f"{topic.id}.md").is_file()


def test_content_filter_page_lists_the_smb_threads_with_doc_link(content):
    page = content / "apis" / "content-filter.md"
    text = page.read_text(encoding="utf-8")
    assert "https://developer.apple.com/documentation/networkextension" in text
    linked = _linked_threads(page)
    assert any(slug.startswith("network-is-not-working-when-upload-smb") for slug in linked)
    assert any(slug.startswith("question-regarding-peekoutboundbytes") for slug in linked)


def test_callkit_thread_is_unclassified_and_nowhere_else(content):
    unclassified = _linked_threads(content / "unclassified.md")
    callkit = {slug for slug in unclassified if slug.startswith("about-audio-playback-panel")}
    assert callkit
    for page in (content / "apis").glob("*.md"):
        assert not callkit & _linked_threads(page)


def test_every_thread_is_on_a_family_shelf_or_unclassified(content):
    shelved = set().union(*(_linked_threads(p) for p in (content / "apis").glob("*.md")))
    shelved |= _linked_threads(content / "unclassified.md")
    assert shelved == {p.stem for p in (content / "threads").glob("*.md")}


def test_home_matrix_counts_link_to_lists(content):
    home = (content / "index.md").read_text(encoding="utf-8")
    assert "| API | iOS | iPadOS | macOS | tvOS | visionOS | watchOS | All |" in home
    row = next(line for line in home.splitlines() if line.startswith("| [Content filter provider]"))
    assert "(apis/content-filter.md)" in row
    # Each count links to a list of exactly those threads (it linked to the
    # whole platform's list, which held every family's threads).
    cells = re.findall(r"\[(\d+)\]\((apis/content-filter/[a-z]+\.md)\)", row)
    assert cells and ("apis/content-filter/macos.md" in dict((path, n) for n, path in cells))
    for count, path in cells:
        assert len(_linked_threads(content / path)) == int(count), path


def test_sidebar_nav_lists_shelves_not_threads(content):
    nav = yaml.safe_load((content / ".forum-kb" / "site.yml").read_text(encoding="utf-8"))["nav"]
    flat = yaml.safe_dump(nav)
    assert "threads/" not in flat
    sections = [next(iter(entry)) for entry in nav]
    assert sections == ["Home", "All threads", "APIs", "Platforms", "Topics", "Answers", "Unclassified"]


def test_thread_page_says_why_it_was_filed(content):
    page = next((content / "threads").glob("question-regarding-peekoutboundbytes-*.md")).read_text(encoding="utf-8")
    line = next(row for row in page.splitlines() if row.startswith("*Filed under:*"))
    assert "[Content filter provider](../apis/content-filter.md)" in line
    assert "in the title" in line


def test_stats_counts_families(content, capsys):
    assert main(["stats", str(content)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("20 threads (2 without an API family)")
    assert re.search(r"^  content-filter\s+\d+$", out, re.M)
    assert re.search(r"^  macOS\s+\d+$", out, re.M)


def test_stats_without_content_is_a_clear_error(tmp_path, capsys):
    assert main(["stats", str(tmp_path)]) == 2
    assert "run `kb convert` first" in capsys.readouterr().err


def test_only_taxonomy_ids_are_allowed_as_tags(content):
    generated = yaml.safe_load((content / ".forum-kb" / "site.yml").read_text(encoding="utf-8"))
    allowed = generated["plugins"]["tags"]["tags_allowed"]
    taxonomy = load_taxonomy()
    assert set(allowed) == {*taxonomy.family_ids, *taxonomy.platform_ids, *taxonomy.topic_ids}


def test_a_tag_outside_the_taxonomy_fails_the_build(content, tmp_path):
    import shutil

    from tests.sitebuild import build

    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    page = next((copy / "threads").glob("*.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("tags:\n", "tags:\n- content-filtre\n", 1), encoding="utf-8")
    result = build(copy, tmp_path / "site")
    assert result.returncode != 0
    assert "content-filtre" in result.stderr


def test_long_lists_are_cut_into_linked_pages(tmp_path, monkeypatch):
    import generator.site_pages as site_pages

    monkeypatch.setattr(site_pages, "PAGE_SIZE", 7)
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    pages = [out / "all.md", out / "all-page-2.md", out / "all-page-3.md"]
    assert all(page.is_file() for page in pages) and not (out / "all-page-4.md").exists()
    listed = [_linked_threads(page) for page in pages]
    assert [len(threads) for threads in listed] == [7, 7, 6]
    assert set().union(*listed) == {p.stem for p in (out / "threads").glob("*.md")}
    second = pages[1].read_text(encoding="utf-8")
    assert "Page 2 of 3 · [← newer](all.md) · [older →](all-page-3.md)" in second


def test_answer_lists_are_cut_into_pages_and_list_each_thread_once(tmp_path, monkeypatch):
    """Grouped by family, Unanswered listed a thread once per family on one
    page: 2,250 rows (459 KB) at 8,000 threads, under a count of fewer."""
    import json

    import generator.site_pages as site_pages

    monkeypatch.setattr(site_pages, "PAGE_SIZE", 4)
    scrape = tmp_path / "unanswered.jsonl"
    scrape.write_text("".join(
        json.dumps({"title": f"NEFilterDataProvider and NEPacketTunnelProvider question {i}",
                    "body": "NEFilterDataProvider NEPacketTunnelProvider both fail", "activity": f"{i + 1}d"}) + "\n"
        for i in range(9)
    ), encoding="utf-8")
    out = tmp_path / "content"
    assert main(["convert", str(scrape), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    pages = [out / "answers" / name for name in ("unanswered.md", "unanswered-page-2.md", "unanswered-page-3.md")]
    assert all(page.is_file() for page in pages) and not (out / "answers" / "unanswered-page-4.md").exists()
    listed = [re.findall(r"\]\(\.\./threads/([^)]+)\.md\)", page.read_text(encoding="utf-8")) for page in pages]
    assert [len(links) for links in listed] == [4, 4, 1]
    assert len({slug for links in listed for slug in links}) == 9
    assert "9 threads, newest activity first." in pages[0].read_text(encoding="utf-8")
    assert "No thread" in (out / "answers" / "accepted.md").read_text(encoding="utf-8")
