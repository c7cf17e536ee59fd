"""The CLI's contract for bad paths and edge cases: exit 2 with a message,
never a traceback, and nothing written."""

from __future__ import annotations

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
