"""content/ is committed (browsable and diff-able): it must be exactly what
the converter produces from data/.  Regenerate with `make content`."""

from pathlib import Path

from generator.cache import CACHE_DIR
from generator.cli import main
from generator.write import STATE_DIR
from tests.conftest import ROOT


# The run lock and the converter's cache (gitignored) are not content.
NOT_CONTENT = f"{STATE_DIR}/{CACHE_DIR}/"


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "lock" and not p.relative_to(root).as_posix().startswith(NOT_CONTENT)
    }


def test_committed_content_matches_the_converter(tmp_path):
    fresh = tmp_path / "content"
    assert main(["convert", str(ROOT / "data"), "--out", str(fresh), "-q"]) == 0
    committed, produced = _files(ROOT / "content"), _files(fresh)
    assert sorted(committed) == sorted(produced), "content/ drifted: run `make content` and commit"
    stale = [name for name in produced if committed[name] != produced[name]]
    assert not stale, f"content/ drifted from data/ in {stale[:5]}: run `make content` and commit"
