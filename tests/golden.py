"""Golden pages of the seed: `make golden` (python -m tests.golden) rewrites
tests/golden/ from data/; review the change with `git diff tests/golden`."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from generator.cli import main as kb

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SEED = ROOT / "data" / "network-extension-listing.txt"
SEED_DATE = "2026-03-16"


def convert_seed(out: Path) -> Path:
    if kb(["convert", str(SEED), "--out", str(out), "--as-of", SEED_DATE, "-q"]) != 0:
        raise SystemExit("kb convert failed on the seed")
    return out / "threads"


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        threads = convert_seed(Path(scratch) / "content")
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        shutil.copytree(threads, GOLDEN / "threads")
    count = len(list((GOLDEN / "threads").glob("*.md")))
    print(f"golden: wrote {count} pages to {GOLDEN.relative_to(ROOT)}; review with `git diff tests/golden`")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
