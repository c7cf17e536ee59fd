"""Before/after measurements of proposed convert speed-ups, without editing generator/.

    .venv/bin/python -m bench.experiments N [--patches baseline relate_once ...]

Each patch runs ``generator.pipeline.convert`` on the same synthetic corpus
(bench/synth.py, N threads) into a fresh content folder, in its own child
process, with the generator monkeypatched as the proposal says.  Prints
seconds and the RunSummary stage timings per patch, and checks that the
written content is byte-identical to the baseline's (a speed-up that
changes the output is reported as such).  Writes
bench/results/experiments-<N>.json.  Not a test: nothing asserts.

Patches (combine with '+', e.g. ``relate_once+batch_fsync``):

* ``baseline``     -- the generator as it is.
* ``relate_once``  -- pipeline.add_relations calls relate.relate_and_group
  (one prepare + one ranking) instead of relate() and near_duplicates()
  (each prepares the corpus and ranks it again).
* ``batch_fsync``  -- write.py: no fsync per page; one os.sync() after all
  pages are written (the real change: write every temp file, sync once, then
  rename them all -- each page still old or new after a crash).
* ``cyaml``        -- frontmatter.dump_frontmatter through libyaml's
  CSafeDumper (same options).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AS_OF = "2026-03-16"


def _relate_once() -> None:
    import dataclasses

    from generator import pipeline
    from generator.records import Related
    from generator.relate import RelateItem, relate_and_group

    def add_relations(items, k: int = 5):
        relate_items = [
            RelateItem(
                slug=item.slug,
                title=item.thread.title,
                text="\n".join([item.thread.body, *(post.body for post in item.thread.posts)]),
                facts=item.facts,
            )
            for item in items
        ]
        related, groups = relate_and_group(relate_items, k=k)
        by_slug = {item.slug: item for item in items}
        asked = {}
        for group in groups:
            for slug in group:
                others = [by_slug[other] for other in group if other != slug and other in by_slug]
                asked[slug] = tuple(
                    Related(slug=other.slug, title=other.thread.title, why="asks the same question") for other in others
                )
        return [
            dataclasses.replace(item, related=related.get(item.slug, ()), asked_before=asked.get(item.slug, ()))
            for item in items
        ]

    pipeline.add_relations = add_relations


def _batch_fsync() -> None:
    from generator import pipeline, write

    class _OS:
        """os for generator.write, with fsync a no-op."""

        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def fsync(fd):
            return None

    write.os = _OS()
    original = pipeline.write_pages

    def write_pages(*args, **kwargs):
        report = original(*args, **kwargs)
        os.sync()
        return report

    pipeline.write_pages = write_pages


def _cyaml() -> None:
    import yaml

    from generator import frontmatter

    def safe_dump(data, **kwargs):
        return yaml.dump(data, Dumper=yaml.CSafeDumper, **kwargs)

    class _Yaml:
        def __getattr__(self, name):
            return safe_dump if name == "safe_dump" else getattr(yaml, name)

    frontmatter.yaml = _Yaml()


PATCHES = {
    "baseline": lambda: None,
    "relate_once": _relate_once,
    "batch_fsync": _batch_fsync,
    "cyaml": _cyaml,
}


def _child(patch: str, listing: Path, out: Path) -> None:
    for name in patch.split("+"):
        PATCHES[name]()
    from generator.pipeline import convert

    start = time.perf_counter()
    summary = convert([listing], out, as_of=AS_OF)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "timings": summary.timings, "line": summary.line()}))


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "lock"):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.experiments")
    parser.add_argument("threads", type=int)
    parser.add_argument("--patches", nargs="+", default=["baseline", "relate_once", "batch_fsync", "cyaml",
                                                          "relate_once+batch_fsync+cyaml"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0

    from bench.synth import listing_text, make_threads

    work = Path(tempfile.mkdtemp(prefix="forum-kb-exp-"))
    rows = []
    try:
        listing = work / "listing.txt"
        listing.write_text(listing_text(make_threads(args.threads, args.seed)), encoding="utf-8")
        baseline_digest = None
        for patch in args.patches:
            out = work / patch.replace("+", "_")
            done = subprocess.run(
                [sys.executable, "-m", "bench.experiments", "0", "--child", patch, str(listing), str(out)],
                capture_output=True, text=True, cwd=ROOT,
            )
            if done.returncode != 0:
                print(f"{patch}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
                continue
            data = json.loads(done.stdout.strip().splitlines()[-1])
            digest = _digest(out)
            if patch == "baseline":
                baseline_digest = digest
            same = None if baseline_digest is None else digest == baseline_digest
            row = {"patch": patch, "threads": args.threads, "seconds": round(data["seconds"], 2),
                   "timings": {k: round(v, 2) for k, v in data["timings"].items()}, "same_output_as_baseline": same}
            rows.append(row)
            print(f"{patch:40} {row['seconds']:8.2f} s  {row['timings']}  same output: {same}", flush=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"experiments-{args.threads}.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
