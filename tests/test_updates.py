"""Re-scrapes merged into an existing knowledge base without losing a page;
stable paths; JSON Lines round trip; prune; per-input scrape dates."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from generator.cli import main
from generator.readers.listing import read_listing
from tests.conftest import FIXTURES, SEED, SEED_DATE


def _listing(path: Path, entries: list[tuple[str, str, int, int, int, str]], forum: str = "Network Extension") -> Path:
    lines = [f"Posts under {forum} tag", "Post", "Replies", "Boosts", "Views", "Activity"]
    for title, body, replies, boosts, views, activity in entries:
        lines += [title, body, str(replies), str(boosts), str(views), activity]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pages(out: Path) -> dict[str, dict]:
    result = {}
    for page in sorted((out / "threads").glob("*.md")):
        _, meta = get_data(page.read_text(encoding="utf-8"))
        result[meta["title"]] = meta
    return result


def _convert(*args: str) -> int:
    return main(["convert", *args, "-q"])


def test_second_scrape_adds_updates_and_loses_nothing(tmp_path):
    out = tmp_path / "content"
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    seed = {t.title: t for t in read_listing(SEED)}
    titles = sorted(seed)
    kept = titles[2:]  # two threads are gone from the new scrape
    changed = kept[0]
    entries = [(t, seed[t].body, seed[t].replies, seed[t].boosts, seed[t].views, seed[t].activity) for t in kept]
    entries[0] = (changed, seed[changed].body, 42, 7, 5000, "2d")
    entries += [(f"New thread {n} about NEDNSProxyProvider", "A fresh question.", n, 0, 10 * n, "1d") for n in (1, 2, 3)]
    second = _listing(tmp_path / "second.txt", entries)
    assert _convert(str(second), "--out", str(out), "--as-of", "2026-03-23") == 0
    pages = _pages(out)
    assert len(pages) == 23
    assert set(titles) <= set(pages)
    assert (pages[changed]["replies"], pages[changed]["views"], pages[changed]["last_active"]) == (42, 5000, "2026-03-21")


def test_jsonl_round_trip_reproduces_content_byte_for_byte(tmp_path):
    first = tmp_path / "first"
    assert _convert(str(SEED), str(FIXTURES / "feeds"), "--out", str(first), "--as-of", SEED_DATE) == 0
    exported = tmp_path / "kb.jsonl"
    assert main(["export", "--jsonl", str(exported), "--content", str(first)]) == 0
    second = tmp_path / "second"
    assert _convert(str(exported), "--out", str(second)) == 0

    def files(root: Path) -> dict[str, bytes]:
        # The slug map also remembers the aliases the original inputs used
        # (title keys of threads later seen with an id); JSONL carries each
        # thread once, under its primary key.  Every page and the corpus match
        # (the caches remember the inputs each run cleaned, which differ).
        skip = {"lock", "slugs.json"}
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and p.name not in skip and "cache" not in p.relative_to(root).parts
        }

    assert files(second) == files(first)


def test_page_path_survives_a_new_id_and_a_corrected_title(tmp_path):
    out = tmp_path / "content"
    listing = _listing(tmp_path / "a.txt", [("VPN drops on wake", "It drops.", 1, 0, 5, "3w")])
    assert _convert(str(listing), "--out", str(out), "--as-of", SEED_DATE) == 0
    (original,) = (out / "threads").glob("*.md")
    feed = tmp_path / "b.jsonl"
    feed.write_text('{"id": "800001", "title": "VPN drops on wake", "body": "It drops."}\n', encoding="utf-8")
    assert _convert(str(feed), "--out", str(out)) == 0
    corrected = tmp_path / "c.jsonl"
    corrected.write_text('{"id": "800001", "title": "VPN drops after wake (fixed typo)", "counts": {"replies": 9}}\n', encoding="utf-8")
    assert _convert(str(corrected), "--out", str(out)) == 0
    (page,) = (out / "threads").glob("*.md")
    assert page.name == original.name
    _, meta = get_data(page.read_text(encoding="utf-8"))
    assert meta["url"] == "" or meta["url"].endswith("/800001")
    assert meta["replies"] == 9


def test_two_published_threads_found_to_be_one_leave_a_redirect(tmp_path):
    out = tmp_path / "content"
    first = tmp_path / "a.jsonl"
    first.write_text(
        '{"title": "DNS proxy stops"}\n{"id": "800002", "title": "DNS proxy stops after update"}\n', encoding="utf-8"
    )
    assert _convert(str(first), "--out", str(out), "--as-of", SEED_DATE) == 0
    before = {p.name for p in (out / "threads").glob("*.md")}
    assert len(before) == 2
    # A later scrape shows the id on the first title too: they are one thread.
    later = tmp_path / "b.jsonl"
    later.write_text('{"id": "800002", "title": "DNS proxy stops"}\n', encoding="utf-8")
    assert _convert(str(later), "--out", str(out)) == 0
    after = {p.name for p in (out / "threads").glob("*.md")}
    assert after == before  # the old path still exists...
    moved = [p for p in (out / "threads").glob("*.md") if "moved_to:" in p.read_text(encoding="utf-8")]
    assert len(moved) == 1  # ...as a page pointing to the surviving one
    target = get_data(moved[0].read_text(encoding="utf-8"))[1]["moved_to"]
    assert (out / "threads" / f"{target}.md").is_file()
    # Every later run keeps the old path: the merged record keeps only the
    # winner's key, and the redirect page used to be removed as stale.
    redirect = moved[0].read_bytes()
    for _ in range(2):
        assert _convert(str(later), "--out", str(out)) == 0
        assert {p.name for p in (out / "threads").glob("*.md")} == before
        assert moved[0].read_bytes() == redirect
    other = tmp_path / "c.jsonl"
    other.write_text('{"title": "Something else entirely"}\n', encoding="utf-8")
    assert _convert(str(other), "--out", str(out), "--as-of", SEED_DATE) == 0
    assert moved[0].read_bytes() == redirect


def test_prune_drops_old_threads_and_their_pages(tmp_path):
    out = tmp_path / "content"
    listing = _listing(
        tmp_path / "a.txt",
        [("Old one", "old", 1, 0, 5, "Mar 2024"), ("Recent one", "new", 1, 0, 5, "3w"), ("Feb one", "feb", 1, 0, 5, "Feb ’26")],
    )
    assert _convert(str(listing), "--out", str(out), "--as-of", SEED_DATE) == 0
    assert main(["prune", "--older-than", "2026-02-10", "--out", str(out)]) == 0
    assert set(_pages(out)) == {"Recent one", "Feb one"}
    # Pruned threads stay gone on the next conversion of other inputs.
    other = _listing(tmp_path / "b.txt", [("Another", "x", 0, 0, 1, "1d")])
    assert _convert(str(other), "--out", str(out), "--as-of", SEED_DATE) == 0
    assert set(_pages(out)) == {"Recent one", "Feb one", "Another"}


def test_each_input_resolves_against_its_own_scrape_date(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    _listing(folder / "march.txt", [("March scrape thread", "a", 1, 0, 1, "1w")])
    (folder / "march.meta.yaml").write_text("scraped_on: 2026-03-16\n", encoding="utf-8")
    _listing(folder / "june.txt", [("June scrape thread", "b", 1, 0, 1, "1w")], forum="Networking")
    (folder / "june.meta.yaml").write_text("scraped_on: 2026-06-10\n", encoding="utf-8")
    out = tmp_path / "content"
    assert _convert(str(folder), "--out", str(out)) == 0
    pages = _pages(out)
    assert pages["March scrape thread"]["last_active"] == "2026-03-09"
    assert pages["June scrape thread"]["last_active"] == "2026-06-03"
    assert {p["forum"] for p in pages.values()} == {"Network Extension", "Networking"}


def test_folder_reads_every_format_by_content(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for source in (SEED, *sorted((FIXTURES / "feeds").iterdir()), *sorted((FIXTURES / "threadpages").glob("*.txt"))):
        # Extensions are dropped on purpose: the format is chosen by content.
        (folder / source.name.replace(".", "_")).write_bytes(source.read_bytes())
    out = tmp_path / "content"
    assert _convert(str(folder), "--out", str(out), "--as-of", SEED_DATE) == 0
    pages = _pages(out)
    assert len(pages) > 20
    assert any(p["answered"] == "accepted" for p in pages.values())
    assert any(p["url"].startswith("https://developer.apple.com/forums/thread/") for p in pages.values())


# --- a damaged knowledge base loses nothing (QUALITY.md: a file that cannot be
# read at all gets exit 2 and nothing in content/ is lost) ----------------------


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.name != "lock"}


def _damage(path: Path, how: str) -> None:
    if how == "truncated":
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])
    elif how == "wrong shape":
        path.write_text("{}\n", encoding="utf-8")
    else:
        path.unlink()
        if how == "folder":
            path.mkdir()
        elif how == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(path.parent / "nowhere")


@pytest.mark.parametrize("how", ["truncated", "wrong shape", "folder", "fifo", "dangling link"])
@pytest.mark.parametrize("command", ["convert", "prune", "export"])
def test_a_damaged_corpus_file_stops_the_run_before_anything_changes(tmp_path, capsys, how, command):
    """It used to read as a smaller (or empty) knowledge base: the missing
    threads' pages were removed as stale and their records dropped (and
    ``export --jsonl`` said a folder there was no knowledge base yet)."""
    out = tmp_path / "content"
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    corpus = out / ".forum-kb" / "corpus.jsonl"
    _damage(corpus, how)
    before = _tree(out)
    capsys.readouterr()
    if command == "convert":
        code = _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE)
    elif command == "prune":
        code = main(["prune", "--older-than", "2000-01-01", "--out", str(out)])
    else:
        code = main(["export", "--jsonl", str(tmp_path / "threads.jsonl"), "--content", str(out)])
        assert not (tmp_path / "threads.jsonl").exists()
    assert code == 2
    assert _tree(out) == before
    error = capsys.readouterr().err
    assert "corpus.jsonl" in error and "restore it from git" in error and "Traceback" not in error


@pytest.mark.parametrize("slug", ["", "a" * 300 + "-abcdef", "a\x00b-abcdef", "x) <script>alert(1)</script> [y](javascript:alert(1)", "../up-abcdef", "ok-abcdef\n"])
def test_a_slug_map_entry_no_page_could_have_stops_the_run(tmp_path, capsys, slug):
    """A slug becomes a file name and a link target: one planted in the slug
    map must not become either."""
    out = tmp_path / "content"
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    slugs_file = out / ".forum-kb" / "slugs.json"
    published = json.loads(slugs_file.read_text(encoding="utf-8"))
    published[next(iter(published))] = slug
    slugs_file.write_text(json.dumps(published), encoding="utf-8")
    before = _tree(out)
    capsys.readouterr()
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 2
    assert _tree(out) == before
    assert "which no page can have" in capsys.readouterr().err


def test_a_folder_at_the_slug_maps_place_stops_the_run(tmp_path, capsys):
    out = tmp_path / "content"
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    slugs_file = out / ".forum-kb" / "slugs.json"
    slugs_file.unlink()
    slugs_file.mkdir()
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 2
    assert "not a regular file" in capsys.readouterr().err


def _index_files(out: Path) -> dict[str, bytes]:
    from generator.searchindex import INDEX_DIR

    return {path.name: path.read_bytes() for path in (out / INDEX_DIR).iterdir()}


@pytest.mark.parametrize("cached", [True, False])
def test_the_site_search_finds_pages_edited_or_added_by_hand_as_kb_search_does(tmp_path, cached):
    """The site shows a page edited by hand (the converter leaves it alone)
    and a page added to threads/; its search index held neither: the old
    title, and no word of the new page."""
    from generator.search import load_documents, search
    from generator.searchindex import search_files

    out = tmp_path / "content"
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    edited = sorted((out / "threads").glob("*-*.md"))[0]
    text = edited.read_text(encoding="utf-8")
    title = get_data(text)[1]["title"]
    edited.write_text(text.replace(f"title: {title}", "title: Zebracorn handbook", 1) if f"title: {title}" in text
                      else text.replace("title: ", "title: Zebracorn handbook ", 1), encoding="utf-8")
    (out / "threads" / "my-notes.md").write_text("---\ntitle: Quokka notes\nslug: my-notes\n---\nquokka platypus\n", encoding="utf-8")
    # Claims a converter page's slug: that page keeps it, in both searches.
    taken = get_data(sorted((out / "threads").glob("*-*.md"))[1].read_text(encoding="utf-8"))[1]["slug"]
    (out / "threads" / "impostor.md").write_text(f"---\ntitle: Impostor\nslug: {taken}\n---\nimpostor\n", encoding="utf-8")
    args = [str(SEED), "--out", str(out), "--as-of", SEED_DATE] + ([] if cached else ["--no-cache"])
    assert _convert(*args) == 0
    files = _index_files(out)
    assert [title for _, title, _ in search_files(files, "zebracorn")] == ["Zebracorn handbook"]
    assert [(location, title) for location, title, _ in search_files(files, "quokka")] == [("threads/my-notes.html", "Quokka notes")]
    assert search_files(files, "impostor") == []
    assert {hit.title for hit in search(load_documents(out), "zebracorn")} == {"Zebracorn handbook"}
    # A rerun with nothing changed leaves the index as it is.
    assert _convert(*args) == 0
    assert _index_files(out) == files
    # Removing the added page takes it out of the index again.
    (out / "threads" / "my-notes.md").unlink()
    assert _convert(*args) == 0
    assert search_files(_index_files(out), "quokka") == []


def test_the_redirect_page_of_a_moved_thread_shows_no_empty_thread_header(tmp_path):
    """It showed "replies", "boosts" and "views" with no number."""
    from tests.sitebuild import build

    out = tmp_path / "content"
    first = tmp_path / "a.jsonl"
    first.write_text('{"title": "DNS proxy stops"}\n{"id": "800002", "title": "DNS proxy stops after update"}\n', encoding="utf-8")
    assert _convert(str(first), "--out", str(out), "--as-of", SEED_DATE) == 0
    later = tmp_path / "b.jsonl"
    later.write_text('{"id": "800002", "title": "DNS proxy stops"}\n', encoding="utf-8")
    assert _convert(str(later), "--out", str(out)) == 0
    result = build(out, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "site" / "threads").glob("*.html")}
    moved = [html for html in pages.values() if "This thread now lives at" in html]
    assert len(moved) == 1 and "kb-thread-meta" not in moved[0]
    assert sum("kb-thread-meta" in html for html in pages.values()) == 1  # the thread's own page keeps it


def test_a_knowledge_base_inside_the_content_folder_keeps_its_pages(tmp_path):
    """A second knowledge base (or a copy of one) below --out lost every page:
    they carry the converter's marker, so they were removed as stale."""
    out = tmp_path / "content"
    inner = out / "network-extension"
    assert _convert(str(SEED), "--out", str(inner), "--as-of", SEED_DATE) == 0
    before = _tree(inner)
    other = tmp_path / "other.jsonl"
    other.write_text('{"title": "Packet tunnel stops after sleep"}\n', encoding="utf-8")
    assert _convert(str(other), "--out", str(out), "--as-of", SEED_DATE) == 0
    assert _tree(inner) == before


def test_temporaries_a_killed_run_left_are_removed_by_the_next(tmp_path):
    """kill -9 between writing the temporaries and moving them into place
    left thousands of .<page>.<random>.tmp files that no run removed."""
    out = tmp_path / "content"
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    planted = [
        out / "threads" / ".some-thread-abcdef.md.k3j_9x2a.tmp",
        out / "assets" / "kb-search" / "index" / ".t6170.js.abcdefgh.tmp",
        out / ".forum-kb" / ".corpus.jsonl.zz9_8y7x.tmp",
        out / ".forum-kb" / "cache" / ".pages.jsonl.a1b2c3d4.tmp",
    ]
    for path in planted:
        path.write_bytes(b"half a page")
    mine = [out / "threads" / "notes.tmp", out / "threads" / ".backup.20240101.tmp"]
    for path in mine:
        path.write_text("my notes", encoding="utf-8")
    assert _convert(str(SEED), "--out", str(out), "--as-of", SEED_DATE) == 0
    assert not any(path.exists() for path in planted)
    assert all(path.read_text(encoding="utf-8") == "my notes" for path in mine)


def test_a_title_only_record_joins_the_thread_it_was_merged_into_after_a_retitle(tmp_path):
    """The slug map knew the title record belonged to thread 5; once thread 5
    was retitled, the same listing again made a second, duplicate thread."""
    out = tmp_path / "content"
    listing, first, second = (tmp_path / name for name in ("listing.jsonl", "export1.jsonl", "export2.jsonl"))
    listing.write_text('{"title": "Alpha question about NEFilterDataProvider", "counts": {"replies": 1, "views": 10}}\n', encoding="utf-8")
    first.write_text('{"id": "5", "title": "Alpha question about NEFilterDataProvider", "counts": {"replies": 2, "views": 20}}\n', encoding="utf-8")
    second.write_text('{"id": "5", "title": "Alpha question about NEFilterDataProvider (solved)", "counts": {"replies": 3, "views": 30}}\n', encoding="utf-8")
    for scrape in (listing, first, second, listing):
        assert _convert(str(scrape), "--out", str(out), "--as-of", SEED_DATE) == 0
    assert len(list((out / "threads").glob("*-*.md"))) == 1
    (record,) = [json.loads(line) for line in (out / ".forum-kb" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (record["key"], record["title"], record["counts"]["replies"]) == ("id:5", "Alpha question about NEFilterDataProvider (solved)", 3)
