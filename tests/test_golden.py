"""The 20 seed pages, pinned.  When a change is intended: `make golden`,
then review `git diff tests/golden` like any other change."""

from __future__ import annotations

import difflib

from tests.golden import GOLDEN, convert_seed


def test_seed_pages_match_the_golden_files(tmp_path):
    produced = {p.name: p.read_text(encoding="utf-8") for p in convert_seed(tmp_path / "content").glob("*.md")}
    expected = {p.name: p.read_text(encoding="utf-8") for p in (GOLDEN / "threads").glob("*.md")}
    assert len(expected) == 20
    assert sorted(produced) == sorted(expected), "pages added or removed: run `make golden` and review"
    for name, text in sorted(expected.items()):
        if produced[name] != text:
            diff = "".join(difflib.unified_diff(text.splitlines(True), produced[name].splitlines(True), "golden", "now", n=1))
            raise AssertionError(f"{name} changed (run `make golden` if intended):\n{diff[:3000]}")
