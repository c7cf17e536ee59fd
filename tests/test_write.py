"""The write stage's promises (QUALITY.md cases 11-15): atomic pages,
unchanged files left alone, symlinks replaced not followed, one run at a time,
pages the converter does not own never touched, stale pages removed only
when the input was complete."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from generator import write as write_module
from generator.cli import main
from generator.records import PageDoc
from generator.write import (
    MARKER_PREFIX,
    WriteError,
    ownership,
    page_bytes,
    run_lock,
    safe_destination,
    write_pages,
    write_state_file,
)
from tests.conftest import SEED, SEED_DATE


def doc(path: str = "threads/a-123abc.md", title: str = "A", body: str = "# A\n") -> PageDoc:
    return PageDoc(path, {"title": title, "slug": Path(path).stem}, body)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != "lock"
    }


# --- ownership marker ----------------------------------------------------------


def test_a_generated_page_ends_with_a_marker_of_its_own_digest():
    data = page_bytes(doc())
    assert data.decode().splitlines()[-1].startswith(MARKER_PREFIX)
    assert ownership(data) == "owned"


def test_a_page_edited_by_a_person_is_edited_and_a_page_without_marker_is_foreign():
    data = page_bytes(doc())
    assert ownership(data.replace(b"# A", b"# A, fixed by hand")) == "edited"
    assert ownership(b"---\ntitle: mine\n---\n# Mine\n") == "foreign"
    assert ownership(b"\xff\xfe not utf-8") == "foreign"


# --- case 12 and 13: atomic, and unchanged files are not rewritten ---------------


def test_writing_the_same_pages_twice_rewrites_nothing(tmp_path):
    first = write_pages(tmp_path, [doc(), doc("index.md", "Home")], remove_stale=True)
    assert first.written == ["index.md", "threads/a-123abc.md"]
    page = tmp_path / "threads" / "a-123abc.md"
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    second = write_pages(tmp_path, [doc("index.md", "Home"), doc()], remove_stale=True)
    assert (second.written, second.unchanged) == ([], ["index.md", "threads/a-123abc.md"])
    assert page.stat().st_mtime_ns == 1_000_000_000


def test_an_interrupted_write_leaves_the_old_page_and_no_temporary_file(tmp_path, monkeypatch):
    write_pages(tmp_path, [doc(body="# Old\n")], remove_stale=False)
    old = tree(tmp_path)

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(write_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_pages(tmp_path, [doc(body="# New\n")], remove_stale=False)
    assert tree(tmp_path) == old
    assert [p.name for p in (tmp_path / "threads").iterdir()] == ["a-123abc.md"]


def test_a_page_is_moved_into_place_with_os_replace(tmp_path, monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(source, destination):
        calls.append((Path(source).name, Path(destination).name))
        real_replace(source, destination)

    monkeypatch.setattr(write_module.os, "replace", spy)
    write_pages(tmp_path, [doc()], remove_stale=False)
    assert len(calls) == 1
    temporary, final = calls[0]
    assert final == "a-123abc.md" and temporary != final and temporary.startswith(".")


# --- case 11: never outside the root; symlinks replaced, not followed --------------


def test_a_symlink_at_a_destination_is_replaced_and_its_target_untouched(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious", encoding="utf-8")
    root = tmp_path / "content"
    (root / "threads").mkdir(parents=True)
    (root / "threads" / "a-123abc.md").symlink_to(outside)
    report = write_pages(root, [doc()], remove_stale=False)
    assert report.written == ["threads/a-123abc.md"]
    assert outside.read_text(encoding="utf-8") == "precious"
    page = root / "threads" / "a-123abc.md"
    assert not page.is_symlink() and ownership(page.read_bytes()) == "owned"


@pytest.mark.parametrize("relative", ["../escape.md", "/etc/passwd.md", "threads/../../x.md", "", ".", "a/../../b.md"])
def test_a_path_that_leaves_the_root_is_refused(tmp_path, relative):
    with pytest.raises(WriteError):
        safe_destination(tmp_path / "content", relative)


def test_a_folder_on_the_way_that_links_outside_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = tmp_path / "content"
    root.mkdir()
    (root / "threads").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WriteError):
        write_pages(root, [doc()], remove_stale=False)
    assert list(outside.iterdir()) == []


def test_a_state_folder_that_links_outside_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    root = tmp_path / "content"
    root.mkdir()
    (root / ".forum-kb").symlink_to(outside, target_is_directory=True)
    with pytest.raises(WriteError):
        write_state_file(root, "nav.yml", b"nav: []\n")
    assert list(outside.iterdir()) == []


def test_the_lock_file_is_never_followed_out_of_the_root(tmp_path):
    # A planted symlink at content/.forum-kb/lock must not create or touch a
    # file elsewhere (QUALITY.md case 11).
    target = tmp_path / "victim"
    root = tmp_path / "content"
    (root / ".forum-kb").mkdir(parents=True)
    (root / ".forum-kb" / "lock").symlink_to(target)
    try:
        with run_lock(root):
            pass
    except WriteError:
        pass
    assert not target.exists()


def test_a_folder_where_a_page_should_be_is_reported_not_a_traceback(tmp_path):
    (tmp_path / "threads" / "a-123abc.md").mkdir(parents=True)
    try:
        report = write_pages(tmp_path, [doc()], remove_stale=False)
    except WriteError:
        return
    assert report.protected == ["threads/a-123abc.md"]


# --- the lock ------------------------------------------------------------------------


def test_a_second_run_fails_fast_while_the_first_holds_the_lock(tmp_path):
    with run_lock(tmp_path):
        with pytest.raises(WriteError, match="another kb run"):
            with run_lock(tmp_path):
                pass
    with run_lock(tmp_path):  # released afterwards
        pass


def test_kb_convert_exits_2_and_writes_nothing_while_another_run_holds_the_lock(tmp_path, capsys):
    out = tmp_path / "content"
    with run_lock(out):
        assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 2
    assert "another kb run" in capsys.readouterr().err
    assert not (out / "threads").exists()


# --- case 14: pages the converter does not own -----------------------------------


def test_a_foreign_file_at_a_destination_is_never_overwritten(tmp_path):
    page = tmp_path / "threads" / "a-123abc.md"
    page.parent.mkdir()
    page.write_text("# Written by a person\n", encoding="utf-8")
    report = write_pages(tmp_path, [doc()], remove_stale=True)
    assert report.protected == ["threads/a-123abc.md"]
    assert page.read_text(encoding="utf-8") == "# Written by a person\n"


def test_a_generated_page_edited_by_hand_is_never_overwritten(tmp_path):
    write_pages(tmp_path, [doc()], remove_stale=False)
    page = tmp_path / "threads" / "a-123abc.md"
    edited = page.read_bytes().replace(b"# A", b"# A (see my note)")
    page.write_bytes(edited)
    report = write_pages(tmp_path, [doc(body="# A, new text\n")], remove_stale=True)
    assert report.protected == ["threads/a-123abc.md"]
    assert page.read_bytes() == edited


# --- case 15: stale pages ---------------------------------------------------------


def test_a_stale_page_is_removed_only_when_owned_and_the_input_was_complete(tmp_path):
    stale, kept = doc("threads/gone-111111.md"), doc("threads/kept-222222.md")
    write_pages(tmp_path, [stale, kept], remove_stale=False)
    foreign = tmp_path / "threads" / "notes.md"
    foreign.write_text("# My notes\n", encoding="utf-8")
    edited = tmp_path / "threads" / "edited-333333.md"
    write_pages(tmp_path, [doc("threads/edited-333333.md")], remove_stale=False)
    edited.write_bytes(edited.read_bytes().replace(b"# A", b"# A edited"))

    incomplete = write_pages(tmp_path, [kept], remove_stale=False)
    assert incomplete.removed == []
    assert (tmp_path / "threads" / "gone-111111.md").exists()

    complete = write_pages(tmp_path, [kept], remove_stale=True)
    assert complete.removed == ["threads/gone-111111.md"]
    assert foreign.exists() and edited.exists()


def test_a_symlinked_page_is_never_removed_as_stale(tmp_path):
    target = tmp_path / "outside.md"
    target.write_bytes(page_bytes(doc("threads/x-444444.md")))
    root = tmp_path / "content"
    (root / "threads").mkdir(parents=True)
    (root / "threads" / "x-444444.md").symlink_to(target)
    write_pages(root, [doc()], remove_stale=True)
    assert target.exists() and (root / "threads" / "x-444444.md").is_symlink()


def _within(seconds: int, call):
    """``call()``, failing the test (not hanging the suite) if it blocks."""

    def expire(signum, frame):
        raise TimeoutError(f"blocked for {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        return call()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_folder_or_fifo_named_like_a_page_is_left_alone_when_stale_pages_go(tmp_path):
    """Neither is a page: reading the folder used to end the run with a
    traceback, and reading the FIFO would block it for ever."""
    stale, kept = doc("threads/gone-111111.md"), doc("threads/kept-222222.md")
    write_pages(tmp_path, [stale, kept], remove_stale=False)
    folder = tmp_path / "threads" / "drafts.md"
    (folder / "inside").mkdir(parents=True)
    fifo = tmp_path / "notes" / "pipe.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    report = _within(20, lambda: write_pages(tmp_path, [kept], remove_stale=True))
    assert report.removed == ["threads/gone-111111.md"]
    assert folder.is_dir() and fifo.is_fifo()


def test_stale_pages_are_removed_in_path_order_and_the_state_folder_is_not_searched(tmp_path):
    pages = [doc(path) for path in ("a.b/c.md", "a/b.md", "z.md", "threads/x-1.md")]
    write_pages(tmp_path, pages, remove_stale=False)
    state_copy = tmp_path / ".forum-kb" / "old.md"
    state_copy.parent.mkdir()
    state_copy.write_bytes(page_bytes(doc(".forum-kb/old.md")))
    report = write_pages(tmp_path, [], remove_stale=True)
    # Path order compares folder by folder: "a" sorts before "a.b".
    assert report.removed == ["a/b.md", "a.b/c.md", "threads/x-1.md", "z.md"]
    assert state_copy.exists()


def test_an_empty_input_deletes_nothing(tmp_path):
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    before = tree(out)
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["convert", str(empty), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 2
    assert tree(out) == before


def test_a_truncated_input_deletes_nothing(tmp_path):
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    pages = sorted(p.name for p in (out / "threads").glob("*.md"))
    lines = SEED.read_text(encoding="utf-8").split("\n")
    truncated = tmp_path / "network-extension-listing.txt"
    truncated.write_text("\n".join(lines[: len(lines) // 4]), encoding="utf-8")
    main(["convert", str(truncated), "--out", str(out), "--as-of", SEED_DATE, "-q"])
    assert sorted(p.name for p in (out / "threads").glob("*.md")) == pages


def test_a_link_planted_at_a_temporary_name_is_never_written_through(tmp_path):
    """Temporaries used to be named ``.<page>.<pid>.tmp``: a link planted at
    each name the next run's pid could give made the write land outside."""
    victim = tmp_path / "victim.txt"
    victim.write_text("mine\n", encoding="utf-8")
    root = tmp_path / "content"
    (root / "threads").mkdir(parents=True)
    for pid in {os.getpid(), *range(1, 400)}:
        (root / "threads" / f".a-123abc.md.{pid}.tmp").symlink_to(victim)
    report = write_pages(root, [doc()], remove_stale=False)
    assert report.written == ["threads/a-123abc.md"]
    page = root / "threads" / "a-123abc.md"
    assert not page.is_symlink() and ownership(page.read_bytes()) == "owned"
    assert victim.read_text(encoding="utf-8") == "mine\n"


def test_a_written_page_has_the_mode_a_plain_create_gives(tmp_path):
    write_pages(tmp_path, [doc()], remove_stale=False)
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "threads" / "a-123abc.md").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_huge_file_named_like_a_page_is_not_read_whole(tmp_path):
    """A sparse 1 TB notes file takes no disk; reading it to see whose it is
    ended the run with a MemoryError."""
    notes = tmp_path / "notes.md"
    with open(notes, "wb") as handle:
        handle.truncate(2**40)
    wanted = tmp_path / "threads" / "a-123abc.md"
    wanted.parent.mkdir()
    with open(wanted, "wb") as handle:
        handle.truncate(2**40)
    report = write_pages(tmp_path, [doc()], remove_stale=True)
    assert report.protected == ["threads/a-123abc.md"] and report.removed == []
    assert notes.stat().st_size == wanted.stat().st_size == 2**40


def test_folders_nested_deeper_than_pythons_stack_do_not_stop_stale_removal(tmp_path, monkeypatch):
    write_pages(tmp_path, [doc("threads/gone-111111.md")], remove_stale=False)
    (tmp_path / "deep").mkdir()
    monkeypatch.chdir(tmp_path / "deep")  # one short name at a time (restored after the test)
    for _ in range(1200):
        os.mkdir("d")
        os.chdir("d")
    try:
        monkeypatch.chdir(tmp_path)
        report = write_pages(tmp_path, [], remove_stale=True)
        assert report.removed == ["threads/gone-111111.md"]
    finally:
        # Removed from the bottom up: pytest's own clean-up (shutil.rmtree)
        # recurses once per level and would fail on later runs.
        monkeypatch.chdir(tmp_path / "deep")
        for _ in range(1200):
            os.chdir("d")
        for _ in range(1200):
            os.chdir("..")
            os.rmdir("d")
