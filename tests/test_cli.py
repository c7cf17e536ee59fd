"""The CLI's contract for bad paths and edge cases: exit 2 with a message,
never a traceback, and nothing written."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from generator import cli, pipeline
from generator.cli import main
from tests.conftest import SEED, SEED_DATE


def test_build_with_an_unusable_config_exits_2_before_converting(tmp_path, capsys):
    out = tmp_path / "content"
    assert main(["build", str(SEED), "--out", str(out), "--config", str(tmp_path / "none.yml")]) == 2
    assert "cannot read the MkDocs config" in capsys.readouterr().err
    assert not out.exists()


def test_prune_needs_a_knowledge_base(tmp_path, capsys):
    assert main(["prune", "--older-than", "2020-01-01", "--out", str(tmp_path / "empty")]) == 2
    assert "no knowledge base to prune" in capsys.readouterr().err
    assert not (tmp_path / "empty").exists()


def test_pruning_every_thread_removes_every_thread_page(tmp_path):
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    assert main(["prune", "--older-than", "2030-01-01", "--out", str(out)]) == 0
    assert list((out / "threads").glob("*.md")) == []


def test_export_jsonl_to_a_missing_folder_exits_2(tmp_path, capsys):
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 0
    target = tmp_path / "nodir" / "x.jsonl"
    assert main(["export", "--jsonl", str(target), "--content", str(out)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_convert_into_a_file_exits_2(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["convert", str(SEED), "--out", str(target), "-q"]) == 2
    assert "is a file, not a content folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_a_skipped_jsonl_line_counts_as_skipped(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text('{"title": "Good"}\n{not json\n', encoding="utf-8")
    assert main(["convert", str(source), "--out", str(tmp_path / "c"), "-q"]) == 0
    assert "1 skipped" in capsys.readouterr().out


def _seed_into(out, *extra):
    return main(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q", *extra])


@pytest.mark.parametrize("in_the_way", [".forum-kb/site.yml", ".forum-kb/cache/relate.json", "assets/kb-search/index/meta.js"])
def test_a_folder_where_a_state_or_index_file_goes_exits_2_naming_it(tmp_path, capsys, in_the_way):
    out = tmp_path / "content"
    assert _seed_into(out) == 0
    target = out / in_the_way
    target.unlink()
    (target / "inside").mkdir(parents=True)
    capsys.readouterr()
    assert _seed_into(out) == 2
    error = capsys.readouterr().err
    assert f"{in_the_way}: Is a directory" in error and "Traceback" not in error


def test_a_run_stopped_after_the_knowledge_base_is_written_orphans_no_page(tmp_path, monkeypatch):
    """The corpus is written before the pages: a run that stops in between
    leaves records the next run writes pages for.  (Written after them, the
    pages of a stopped run had no record, and the next run removed them.)"""
    out = tmp_path / "content"
    extra = tmp_path / "extra.txt"
    extra.write_text("\n".join(["Posts under Network Extension tag", "Post", "Replies", "Boosts", "Views", "Activity",
                                "A brand new thread", "Its body", "0", "0", "3", "1d"]) + "\n", encoding="utf-8")
    assert _seed_into(out) == 0

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "write_files", stop)
    assert main(["convert", str(extra), "--out", str(out), "--as-of", SEED_DATE, "-q"]) == 130
    monkeypatch.undo()
    assert _seed_into(out) == 0
    titles = [page.read_text(encoding="utf-8") for page in (out / "threads").glob("*.md")]
    assert any("A brand new thread" in text for text in titles)


def test_a_fifo_at_the_lock_exits_2(tmp_path, capsys):
    out = tmp_path / "content"
    (out / ".forum-kb").mkdir(parents=True)
    os.mkfifo(out / ".forum-kb" / "lock")
    assert _seed_into(out) == 2
    assert "lock is not a file" in capsys.readouterr().err


def test_a_scrape_date_with_no_date_before_it_leaves_activity_unresolved(tmp_path, capsys):
    out = tmp_path / "content"
    assert main(["convert", str(SEED), "--out", str(out), "--as-of", "0001-01-01", "-q"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_sidecar_nested_too_deep_is_an_input_error(tmp_path, capsys):
    listing = tmp_path / "scrape.txt"
    listing.write_bytes(SEED.read_bytes())
    (tmp_path / "scrape.meta.yaml").write_text("[" * 20_000, encoding="utf-8")
    assert main(["convert", str(listing), "--out", str(tmp_path / "content"), "-q"]) == 2
    assert "unreadable sidecar" in capsys.readouterr().err


@pytest.mark.parametrize(("sidecar", "expected"), [
    ("scraped_on: 2026-02-30\n", "a day that exists"),
    ("scraped_on: 2026-13-01\n", "a day that exists"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"a{i}: &a{i} [" + ",".join(["*a" if i == 1 else f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9)) + "scraped_on: *a8\n",
     "sidecar needs 'scraped_on: YYYY-MM-DD'"),
    ("# " + "x" * 70_000 + "\nscraped_on: 2026-03-16\n", "a sidecar is a few lines"),
])
def test_a_sidecar_with_no_real_scrape_date_is_an_input_error(tmp_path, capsys, sidecar, expected):
    """A day that does not exist was a traceback (PyYAML builds the date);
    a date that is a YAML alias bomb was spelled out in full."""
    listing = tmp_path / "scrape.txt"
    listing.write_bytes(SEED.read_bytes())
    (tmp_path / "scrape.meta.yaml").write_text(sidecar, encoding="utf-8")
    assert main(["convert", str(listing), "--out", str(tmp_path / "content"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "scrape.meta.yaml" in err and expected in err and "Traceback" not in err
    assert not (tmp_path / "content").exists()


def test_export_jsonl_needs_a_file_name(tmp_path, capsys):
    assert main(["export", "--jsonl", "", "--content", str(tmp_path)]) == 2
    assert "--jsonl needs a file name" in capsys.readouterr().err


def test_a_failed_jsonl_export_leaves_the_previous_one_whole(tmp_path, monkeypatch, capsys):
    out, export = tmp_path / "content", tmp_path / "threads.jsonl"
    assert _seed_into(out) == 0
    assert main(["export", "--jsonl", str(export), "--content", str(out)]) == 0
    before = export.read_bytes()

    def full(destination, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli, "write_temporary", full)
    assert main(["export", "--jsonl", str(export), "--content", str(out)]) == 2
    assert export.read_bytes() == before
    assert "No space left on device" in capsys.readouterr().err


def test_a_full_standard_output_exits_2_with_a_message(tmp_path):
    out = tmp_path / "content"
    assert _seed_into(out) == 0
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "generator", "stats", str(out)], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 2
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
