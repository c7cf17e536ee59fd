"""`kb convert` end to end on the seed: pages, frontmatter, idempotence,
order independence, bad input and exit codes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from generator.cli import main
from tests.conftest import SEED, SEED_DATE

FRONTMATTER_KEYS = [
    "title", "slug", "forum", "url", "replies", "boosts", "views", "activity", "last_active",
    "apis", "platforms", "os_versions", "topics", "symbols", "related", "tags",
]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def output(root: Path) -> dict[str, bytes]:
    """What a run produced: every file but the lock and the caches (which
    remember the page files' signatures, different in every folder)."""
    return {
        path: data
        for path, (data, _) in snapshot(root).items()
        if not path.startswith(".forum-kb/cache/")
    }


@pytest.fixture
def converted(tmp_path) -> Path:
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    return out


def test_seed_gives_exactly_20_thread_pages(converted):
    pages = sorted((converted / "threads").glob("*.md"))
    assert len(pages) == 20


def test_frontmatter_round_trips_through_mkdocs_with_types(converted):
    for page in (converted / "threads").glob("*.md"):
        _, meta = get_data(page.read_text(encoding="utf-8"))
        assert list(meta)[: len(FRONTMATTER_KEYS)] == FRONTMATTER_KEYS
        for key in ("replies", "boosts", "views"):
            assert type(meta[key]) is int, (page.name, key)
        assert isinstance(meta["title"], str) and meta["title"]
        assert meta["slug"] == page.stem
        for key in ("apis", "platforms", "os_versions", "topics", "symbols", "related", "tags"):
            assert isinstance(meta[key], list)


def test_merged_page_keeps_highest_counts_and_resolved_date(converted):
    page = next((converted / "threads").glob("push-notifications-*.md"))
    _, meta = get_data(page.read_text(encoding="utf-8"))
    assert (meta["replies"], meta["boosts"], meta["views"]) == (5, 1, 240)
    assert (meta["activity"], meta["last_active"]) == ("3w", "2026-02-23")
    feb = next((converted / "threads").glob("ondemand-vpn-*.md"))
    _, meta = get_data(feb.read_text(encoding="utf-8"))
    assert (meta["activity"], meta["last_active"]) == ("Feb ’26", "2026-02")


def test_converting_twice_rewrites_nothing(converted, capsys):
    before = snapshot(converted)
    assert main(["convert", str(SEED), "--out", str(converted), "--as-of", SEED_DATE]) == 0
    assert snapshot(converted) == before
    assert " 0 written," in capsys.readouterr().out


def test_reversed_entries_give_byte_identical_content(converted, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    header, _, entries = text.partition("Activity\n\n")
    blocks = entries.strip("\n").split("\n")
    # Reverse the order of whole entries (each bare-layout entry is 6 lines,
    # each labelled entry 10); the reader does the splitting for us.
    from generator.readers.listing import read_listing

    threads = list(read_listing(SEED))
    lines = []
    for t in reversed(threads):
        lines += [t.title, t.body, str(t.replies), str(t.boosts), str(t.views), t.activity]
    reversed_seed = tmp_path / "reversed.txt"
    reversed_seed.write_text(header + "Activity\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    other = tmp_path / "other"
    assert main(["convert", str(reversed_seed), "--out", str(other), "--as-of", SEED_DATE, "-q"]) == 0
    assert output(other) == output(converted)
    assert blocks  # the seed really had entries to reverse


def test_unreadable_input_exits_2_and_changes_nothing(converted, tmp_path, capsys):
    before = snapshot(converted)
    bad = tmp_path / "bad.txt"
    bad.write_text("this is not a listing\n", encoding="utf-8")
    assert main(["convert", str(SEED), str(bad), "--out", str(converted)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: not a forum listing" in err
    assert snapshot(converted) == before


def test_missing_input_exits_2(tmp_path, capsys):
    assert main(["convert", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "c")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["fifo", "dangling link"])
def test_a_fifo_or_dangling_link_named_as_input_is_named_for_what_it_is(tmp_path, capsys, kind):
    """Both used to be reported as "no such file or folder"."""
    named = tmp_path / "scrape.txt"
    if kind == "fifo":
        os.mkfifo(named)
    else:
        named.symlink_to(tmp_path / "gone.txt")
    assert main(["convert", str(named), "--out", str(tmp_path / "c")]) == 2
    expected = "a FIFO, not a regular file or a folder" if kind == "fifo" else "a link to nothing"
    assert f"{named}: {expected}" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_a_fifo_or_dangling_link_inside_an_input_folder_is_a_warning(tmp_path, capsys):
    """Both used to be passed over in silence: one may be the scrape the
    user meant to convert."""
    scrapes = tmp_path / "scrapes"
    scrapes.mkdir()
    (scrapes / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(scrapes / "pipe.txt")
    (scrapes / "moved.txt").symlink_to(tmp_path / "gone.txt")
    assert main(["convert", str(scrapes), "--out", str(tmp_path / "content"), "--as-of", SEED_DATE]) == 0
    captured = capsys.readouterr()
    assert f"{scrapes / 'pipe.txt'}: not read: a FIFO, not a regular file or a folder" in captured.err
    assert f"{scrapes / 'moved.txt'}: not read: a link to nothing" in captured.err
    assert "merged into 20 threads" in captured.out and "2 warning(s)" in captured.out


def test_malformed_entry_warns_and_strict_exits_1(tmp_path, capsys):
    path = tmp_path / "one-bad.txt"
    path.write_text(
        "Posts under Network Extension tag\nGood\nbody\n1\n0\n10\n3w\nBroken\nbody\nGood two\nbody\n2\n0\n3\n3w\n",
        encoding="utf-8",
    )
    out = tmp_path / "c"
    assert main(["convert", str(path), "--out", str(out), "--as-of", SEED_DATE]) == 0
    assert f"{path}:8: skipped" in capsys.readouterr().err
    assert len(list((out / "threads").glob("*.md"))) == 2
    assert main(["convert", str(path), "--out", str(out), "--as-of", SEED_DATE, "--strict"]) == 1


def test_summary_line_counts_the_run(tmp_path, capsys):
    assert main(["convert", str(SEED), "--out", str(tmp_path / "c"), "--as-of", SEED_DATE, "-q"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("kb convert: read 38 entries from 1 file(s), merged into 20 threads;")


def test_help_shows_examples(capsys):
    with pytest.raises(SystemExit):
        main(["convert", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_scrape_date_comes_from_the_sidecar(tmp_path):
    out = tmp_path / "c"
    assert main(["convert", str(SEED.parent), "--out", str(out), "-q"]) == 0
    page = next((out / "threads").glob("push-notifications-*.md"))
    assert "last_active: '2026-02-23'" in page.read_text(encoding="utf-8")


def test_hand_edited_page_is_not_overwritten(converted, capsys):
    page = next((converted / "threads").glob("push-notifications-*.md"))
    page.write_text(page.read_text(encoding="utf-8").replace("## Question", "## Question (my notes)"), encoding="utf-8")
    edited = page.read_bytes()
    assert main(["convert", str(SEED), "--out", str(converted), "--as-of", SEED_DATE]) == 0
    assert page.read_bytes() == edited
    assert "edited by hand" in capsys.readouterr().err


def test_classifying_and_rendering_on_two_processes_gives_the_same_content(tmp_path, monkeypatch):
    import generator.parallel as parallel

    serial = tmp_path / "serial"
    assert main(["convert", str(SEED), "--out", str(serial), "--as-of", SEED_DATE, "-q"]) == 0
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    forked = tmp_path / "forked"
    assert main(["convert", str(SEED), "--out", str(forked), "--as-of", SEED_DATE, "-q"]) == 0
    assert output(forked) == output(serial)


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    """Byte-identical pages whatever PYTHONHASHSEED a run gets: set order
    must never reach a page (relate sums floats; a different order could
    change a rounded score, and with it a related list)."""
    import os
    import subprocess
    import sys

    from bench.synth import listing_text, make_threads

    scrape = tmp_path / "synthetic.txt"
    scrape.write_text(listing_text(make_threads(300, seed=3)), encoding="utf-8")
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"content-{hash_seed}"
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        subprocess.run(
            [sys.executable, "-m", "generator", "convert", str(SEED), str(scrape), "--out", str(out),
             "--as-of", SEED_DATE, "-q"],
            check=True, env=env, capture_output=True,
        )
        outputs.append({
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "lock" and ".forum-kb/cache" not in p.as_posix()
        })
    assert len(outputs[0]) > 300
    assert outputs[0] == outputs[1]
