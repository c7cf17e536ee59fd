"""The forum-kb benchmark runner (issue 9): one run, one synthetic corpus per size.

    .venv/bin/python -m bench.run --quick            # 1,000 threads (make bench), < 2 minutes
    .venv/bin/python -m bench.run --full             # 1,000 and 10,000 threads (make bench-full)
    .venv/bin/python -m bench.run --sizes 3000 --profile   # any sizes; cProfile of convert

For each size, on the same corpus (bench/synth.py, seeded):

* ``kb convert`` (``generator.pipeline.convert`` in a fresh child process) into
  an empty temporary content folder: wall seconds, threads/s, the per-stage
  timings of its RunSummary, and the child's peak RSS (``os.wait4``);
* the same convert again with nothing changed, and again after one thread
  changed (longer body, more views): the incremental cost (issue 9, part 4);
* the stages alone, without writing (read, clean+merge, slugs, enrich,
  relate, render, browse, serialize) in another child: ``related_s`` is the
  relate stage (``add_relations``) alone;
* the site build: ``mkdocs build --strict`` with the project's mkdocs.yml
  pointed at the temporary content (as tests/sitebuild.py does), then the
  post-build check (``generator.sitecheck``) timed separately;
* the floor: a bare ``mkdocs build`` of the same Markdown with Material and
  nothing else (no plugins, no overrides, no extensions, no extra CSS; the
  same nav and not_in_nav); with ``--pairs N`` (2 with ``--full``) the build
  and the floor run N times, alternating which goes first, and the ratio is
  the fastest build over the fastest floor (every run is in the JSON);
* the offline export, when ``generator.export.export_offline`` exists;
* bytes: HTML per thread page, search index per thread (Material's
  ``site/search/`` plus the sharded thread index ``site/assets/kb-search/index/``),
  the whole site.

Prints a table, writes ``bench/results/<YYYY-MM-DD>.json`` and
``bench/results/latest.json`` (a list, one object per corpus size), and ends
with one line that sums up the figures against the targets.  Benchmarks are
not tests: nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from generator.siteconfig import SITE_CONFIG, config_for

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
AS_OF = "2026-03-16"  # the synthetic corpus's scrape date (activity labels resolve against it, never today)

TARGETS = {
    "convert_s_at_10k": 10.0,
    "build_over_floor": 1.2,
    "html_kb_per_page": 30.0,
    "build_ratio_10k_1k": 11.0,
    "peak_rss_mb": 2048.0,
    "incremental_convert_s": 2.0,
}


# -- children -----------------------------------------------------------------
# Each measurement that allocates runs in its own interpreter so that its peak
# RSS is its own; the parent reads it with os.wait4.


def run_child(command: Sequence[str], log: Path, *, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``command``; return wall seconds, exit code, peak RSS (MB) and stdout."""
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "rc": process.returncode,
        "peak_rss_mb": usage.ru_maxrss / 1024.0,  # KiB on Linux
        "stdout": out_path.read_text(encoding="utf-8", errors="replace"),
        "stderr": err_path.read_text(encoding="utf-8", errors="replace"),
    }


def _child_convert(listing: Path, out: Path, profile: Path | None) -> None:
    from generator.pipeline import convert

    start = time.perf_counter()
    if profile is None:
        summary = convert([listing], out, as_of=AS_OF)
    else:
        import cProfile

        profiler = cProfile.Profile()
        summary = profiler.runcall(convert, [listing], out, as_of=AS_OF)
        profiler.dump_stats(profile)
    seconds = time.perf_counter() - start
    report = summary.report
    print(json.dumps({
        "seconds": seconds,
        "timings": summary.timings,
        "threads": summary.threads,
        "pages": summary.pages,
        "written": len(report.written),
        "unchanged": len(report.unchanged),
        "removed": len(report.removed),
        "warnings": len(summary.warnings),
        "line": summary.line(),
    }))


def _child_stages(listing: Path) -> None:
    """The pure stages one by one, nothing written: where convert's time goes."""
    from generator import pipeline
    from generator.browse import browse_pages
    from generator.clean import prepare
    from generator.merge import merge_threads
    from generator.readers import read_inputs
    from generator.state import plan_slugs
    from generator.write import page_bytes

    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[name] = now - clock
        clock = now

    def warn(source: object, message: str) -> None:
        pass

    _, threads = read_inputs([listing], warn=warn, as_of=AS_OF)
    lap("read")
    merged = merge_threads(prepare(thread) for thread in threads)
    lap("clean+merge")
    plan = plan_slugs([(m.thread.key, m.keys, m.thread.title) for m in merged], {})
    lap("slugs")
    items = pipeline.enrich(merged, plan.slugs, warn)
    lap("enrich")
    items = pipeline.add_relations(items)
    lap("relate")
    rendered, items = pipeline.render_all(items, warn)  # pages serialised and analysed for search
    lap("render")
    pages = browse_pages(items)
    lap("browse")
    total = sum(len(page.data) for page in rendered) + sum(len(page_bytes(page)) for page in pages)
    pages = [*rendered, *pages]
    lap("serialize")
    print(json.dumps({"stages": times, "threads": len(items), "pages": len(pages), "bytes": total}))


def _child_check(site: Path) -> None:
    from generator.sitecheck import check_site

    start = time.perf_counter()
    problems = check_site(site)
    print(json.dumps({"seconds": time.perf_counter() - start, "problems": len(problems), "first": problems[:5]}))


def _child_export(config: Path, site: Path, dist: Path) -> None:
    from generator.export import export_offline

    start = time.perf_counter()
    path = export_offline(config, site, dist)
    print(json.dumps({"seconds": time.perf_counter() - start, "zip": str(path), "bytes": Path(path).stat().st_size}))


# -- configs ------------------------------------------------------------------


def project_config(content: Path, site: Path, where: Path) -> Path:
    """The project's mkdocs.yml pointed at ``content`` and ``site``."""
    return config_for(content, site, where, ROOT)


def floor_config(content: Path, site: Path, where: Path) -> Path:
    """Bare MkDocs + Material: no plugins, overrides, extensions or extra CSS;
    the same nav (from the converter's generated site.yml) and not_in_nav."""
    import yaml

    project = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^not_in_nav:\s*\|\n((?:[ \t]+.*\n?)+)", project, re.M)
    not_in_nav = match[1] if match else "  /threads/*\n"
    text = (
        f"INHERIT: {content}/.forum-kb/{SITE_CONFIG}\n"
        "site_name: forum-kb floor\n"
        f"docs_dir: {content}\n"
        f"site_dir: {site}\n"
        "use_directory_urls: false\n"
        f"not_in_nav: |\n{not_in_nav}"
        "theme:\n  name: material\n  font: false\n"
        "plugins: []\n"
    )
    yaml.safe_load(text)  # fail early if the rewrite is not YAML
    config = where / "mkdocs-floor.yml"
    config.write_text(text, encoding="utf-8")
    return config


# -- measuring one size -------------------------------------------------------


def _dir_bytes(path: Path, pattern: str = "*") -> tuple[int, int]:
    files = [p for p in path.rglob(pattern) if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def _html_kb_per_page(site: Path) -> float:
    """Mean size of the built thread pages, in KB."""
    html, count = _dir_bytes(site / "threads", "*.html")
    return round(html / max(count, 1) / 1024, 2)


def _json_tail(result: dict[str, Any]) -> dict[str, Any] | None:
    if result["rc"] != 0:
        return None
    lines = [line for line in result["stdout"].splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def _note_failure(row: dict[str, Any], what: str, result: dict[str, Any]) -> None:
    tail = (result["stderr"].strip() or result["stdout"].strip()).splitlines()[-8:]
    row.setdefault("errors", []).append({what: "\n".join(tail)})
    print(f"  ! {what} failed (exit {result['rc']}):\n    " + "\n    ".join(tail), file=sys.stderr)


def measure(n: int, seed: int, work: Path, *, profile: bool, incremental: bool, log: Any, pairs: int = 1) -> dict[str, Any]:
    from bench.synth import listing_text, make_threads

    import dataclasses

    py = sys.executable
    me = [py, "-m", "bench.run"]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    size_dir = work / f"n{n}"
    shutil.rmtree(size_dir, ignore_errors=True)
    size_dir.mkdir(parents=True)
    content, site, floor_site, dist = (size_dir / name for name in ("content", "site", "floor-site", "dist"))
    row: dict[str, Any] = {"threads": n, "seed": seed}

    def step(message: str) -> None:
        print(f"[{n}] {message}", file=log, flush=True)

    # 1. corpus
    start = time.perf_counter()
    threads = make_threads(n, seed)
    listing = size_dir / "listing.txt"
    listing.write_text(listing_text(threads), encoding="utf-8")
    row["synth_s"] = round(time.perf_counter() - start, 2)
    row["listing_mb"] = round(listing.stat().st_size / 1e6, 2)
    step(f"corpus: {row['listing_mb']} MB listing in {row['synth_s']} s")

    # 2. convert, cold (empty content folder)
    command = [*me, "--child", "convert", str(listing), str(content)]
    if profile:
        prof = size_dir / "convert.prof"
        command += ["--profile-out", str(prof)]
    result = run_child(command, size_dir / "convert", env=env)
    data = _json_tail(result)
    if data is None:
        _note_failure(row, "convert", result)
        return row
    row["convert_s"] = round(data["seconds"], 2)
    row["convert_wall_s"] = round(result["seconds"], 2)  # + interpreter start and imports
    row["threads_per_s"] = round(n / data["seconds"], 1) if data["seconds"] else None
    row["convert_stages_s"] = {k: round(v, 2) for k, v in data["timings"].items()}
    row["pages"] = data["pages"]
    row["peak_rss_mb"] = round(result["peak_rss_mb"], 1)
    row["convert_line"] = data["line"]
    step(f"convert: {row['convert_s']} s {row['convert_stages_s']} rss {row['peak_rss_mb']} MB")
    if profile:
        row["profile"] = str(prof)
        _write_profile_text(prof, RESULTS / f"profile-convert-{n}.txt")
        step(f"profile: {RESULTS / f'profile-convert-{n}.txt'}")

    # 3. incremental: nothing changed, then one thread changed
    if incremental:
        def measure_convert(source: Path, key: str, label: str) -> None:
            """One convert into the existing content; its figures under ``key``."""
            result = run_child([*me, "--child", "convert", str(source), str(content)], size_dir / key, env=env)
            data = _json_tail(result)
            if data is None:
                _note_failure(row, f"convert ({label})", result)
                return
            row[f"convert_{key}_s"] = round(data["seconds"], 2)
            row[f"convert_{key}_stages_s"] = {k: round(v, 2) for k, v in data["timings"].items()}
            row[f"convert_{key}_written"] = data["written"]
            step(f"{label}: {row[f'convert_{key}_s']} s, {data['written']} pages written")

        measure_convert(listing, "rerun", "rerun, nothing changed")
        changed = list(threads)
        index = n // 2
        changed[index] = dataclasses.replace(
            changed[index],
            body=changed[index].body + " Update: the same happens after upgrading to macOS 26.4, see the attached sysdiagnose.",
            views=changed[index].views + 250,
        )
        changed_listing = size_dir / "listing-one-changed.txt"
        changed_listing.write_text(listing_text(changed), encoding="utf-8")
        measure_convert(changed_listing, "one_changed", "one thread changed")

    # 4. the stages alone (no writing); related_s = the relate stage
    result = run_child([*me, "--child", "stages", str(listing)], size_dir / "stages", env=env)
    data = _json_tail(result)
    if data is None:
        _note_failure(row, "stages", result)
    else:
        row["stages_s"] = {k: round(v, 2) for k, v in data["stages"].items()}
        row["related_s"] = row["stages_s"].get("relate")
        row["stages_peak_rss_mb"] = round(result["peak_rss_mb"], 1)
        step(f"stages: {row['stages_s']}")

    # 5. the site build with the project's configuration
    config = project_config(content, site, size_dir)
    result = run_child([py, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config)], size_dir / "build", env=env)
    if result["rc"] != 0:
        _note_failure(row, "mkdocs build", result)
    else:
        row["build_s"] = round(result["seconds"], 2)
        row["build_peak_rss_mb"] = round(result["peak_rss_mb"], 1)
        row["html_kb_per_page"] = _html_kb_per_page(site)
        row["html_kb_max_page"] = round(max((p.stat().st_size for p in (site / "threads").glob("*.html")), default=0) / 1024, 1)
        # Material's own index (browse pages only) plus the converter's
        # sharded index of the thread pages (generator/searchindex.py).
        index = files = 0
        for folder in (site / "search", site / "assets" / "kb-search" / "index"):
            if folder.is_dir():
                size, count = _dir_bytes(folder)
                index, files = index + size, files + count
        row["index_kb_per_thread"] = round(index / 1024 / max(n, 1), 2)
        row["index_mb"] = round(index / 1e6, 2)
        row["index_files"] = files
        total, files = _dir_bytes(site)
        row["site_mb"] = round(total / 1e6, 1)
        row["site_files"] = files
        step(f"build: {row['build_s']} s, {row['html_kb_per_page']} KB/page, index {row['index_mb']} MB, rss {row['build_peak_rss_mb']} MB")
        result = run_child([*me, "--child", "check", str(site)], size_dir / "check", env=env)
        data = _json_tail(result)
        if data is None:
            _note_failure(row, "site check", result)
        else:
            row["check_s"] = round(data["seconds"], 2)
            row["check_problems"] = data["problems"]
            step(f"site check: {row['check_s']} s, {data['problems']} problem(s)")

    # 6. the floor: bare MkDocs + Material on the same Markdown
    config = floor_config(content, floor_site, size_dir)
    result = run_child([py, "-m", "mkdocs", "build", "--quiet", "-f", str(config)], size_dir / "floor", env=env)
    if result["rc"] != 0:
        _note_failure(row, "floor build", result)
    else:
        row["floor_build_s"] = round(result["seconds"], 2)
        row["floor_peak_rss_mb"] = round(result["peak_rss_mb"], 1)
        row["floor_html_kb_per_page"] = _html_kb_per_page(floor_site)
        step(f"floor build: {row['floor_build_s']} s")
    # 6b. more (floor, build) pairs, each pair in the other order: on a
    # shared machine one build can be 10% off, so the ratio is taken from the
    # fastest build and the fastest floor, and every run is kept.
    if row.get("build_s") and row.get("floor_build_s"):
        builds, floors = [row["build_s"]], [row["floor_build_s"]]
        for extra in range(pairs - 1):
            order = [("floor", floor_config(content, floor_site, size_dir), floors),
                     ("build", project_config(content, site, size_dir), builds)]
            for label, config, runs in order if extra % 2 == 0 else order[::-1]:
                strict = ["--strict"] if label == "build" else []
                result = run_child([py, "-m", "mkdocs", "build", *strict, "--quiet", "-f", str(config)],
                                   size_dir / f"{label}-{extra + 2}", env=env)
                if result["rc"] == 0:
                    runs.append(round(result["seconds"], 2))
            step(f"pair {extra + 2}: build {builds[-1]} s, floor {floors[-1]} s")
        row["build_runs_s"], row["floor_runs_s"] = builds, floors
        row["build_s"], row["floor_build_s"] = min(builds), min(floors)
        row["build_over_floor"] = round(row["build_s"] / row["floor_build_s"], 3)
        row["build_over_floor_pairs"] = [round(b / f, 3) for b, f in zip(builds, floors)]

    # 7. the offline export, when it exists
    try:
        import importlib

        has_export = hasattr(importlib.import_module("generator.export"), "export_offline")
    except ImportError:
        has_export = False
    if has_export and row.get("build_s"):
        result = run_child([*me, "--child", "export", str(project_config(content, site, size_dir)), str(site), str(dist)],
                           size_dir / "export", env=env)
        data = _json_tail(result)
        if data is None:
            _note_failure(row, "export", result)
        else:
            row["export_s"] = round(data["seconds"], 2)
            row["export_mb"] = round(data["bytes"] / 1e6, 1)
            step(f"export: {row['export_s']} s, {row['export_mb']} MB")
    else:
        row["export_s"] = None  # generator.export.export_offline does not exist yet
    return row


def _write_profile_text(prof: Path, out: Path) -> None:
    import io
    import pstats

    buffer = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buffer)
    stats.strip_dirs()
    buffer.write("== by own time (tottime) ==\n")
    stats.sort_stats("tottime").print_stats(40)
    buffer.write("== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(60)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(buffer.getvalue(), encoding="utf-8")


# -- report -------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory_gb = None
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    versions = {}
    for package in ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "pygments"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # noqa: BLE001 - informative only
            versions[package] = None
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": versions,
    }


def _fmt(value: Any, spec: str = ".2f") -> str:
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        return format(value, spec)
    return str(value)


COLUMNS = (
    ("threads", "threads", "d"),
    ("convert s", "convert_s", ".2f"),
    ("thr/s", "threads_per_s", ".0f"),
    ("related s", "related_s", ".2f"),
    ("1-change s", "convert_one_changed_s", ".2f"),
    ("build s", "build_s", ".1f"),
    ("floor s", "floor_build_s", ".1f"),
    ("build/floor", "build_over_floor", ".2f"),
    ("check s", "check_s", ".1f"),
    ("export s", "export_s", ".1f"),
    ("HTML KB/page", "html_kb_per_page", ".1f"),
    ("index KB/thr", "index_kb_per_thread", ".2f"),
    ("RSS MB", "peak_rss_mb", ".0f"),
    ("build RSS MB", "build_peak_rss_mb", ".0f"),
)


def table(rows: Sequence[dict[str, Any]]) -> str:
    widths = [max(len(title), 7) for title, _, _ in COLUMNS]
    lines = ["  ".join(title.rjust(w) for (title, _, _), w in zip(COLUMNS, widths))]
    for row in rows:
        lines.append("  ".join(_fmt(row.get(key), spec).rjust(w) for (_, key, spec), w in zip(COLUMNS, widths)))
    for row in rows:
        if row.get("stages_s"):
            lines.append(f"stages at {row['threads']} (no writing): "
                         + ", ".join(f"{k} {v:.2f} s" for k, v in row["stages_s"].items()))
        if row.get("convert_stages_s"):
            lines.append(f"convert timings at {row['threads']}: "
                         + ", ".join(f"{k} {v:.2f} s" for k, v in row["convert_stages_s"].items()))
    return "\n".join(lines)


def verdict(rows: Sequence[dict[str, Any]]) -> str:
    """One line: the figures against the targets (at the largest size run)."""
    if not rows:
        return "targets: no run"
    by_n = {row["threads"]: row for row in rows}
    big = by_n[max(by_n)]
    n = big["threads"]
    parts = []

    def check(label: str, value: Any, ok: bool | None, target: str) -> None:
        mark = "n/a" if ok is None else ("ok" if ok else "MISS")
        parts.append(f"{label} {_fmt(value)} ({target}) {mark}")

    convert = big.get("convert_s")
    check(f"convert@{n}", convert, None if convert is None or n != 10_000 else convert < TARGETS["convert_s_at_10k"], "<10 s at 10k")
    ratio = big.get("build_over_floor")
    check("build/floor", ratio, None if ratio is None else ratio < TARGETS["build_over_floor"], "<1.2")
    html = big.get("html_kb_per_page")
    check("HTML KB/page", html, None if html is None else html <= TARGETS["html_kb_per_page"], "<=30")
    if 1000 in by_n and 10_000 in by_n and by_n[1000].get("build_s") and by_n[10_000].get("build_s"):
        growth = by_n[10_000]["build_s"] / by_n[1000]["build_s"]
        check("t(10k)/t(1k) build", growth, growth <= TARGETS["build_ratio_10k_1k"], "<=11")
    else:
        check("t(10k)/t(1k) build", None, None, "<=11; needs --full")
    rss = max((big.get(k) or 0) for k in ("peak_rss_mb", "build_peak_rss_mb")) or None
    check("peak RSS MB", rss, None if rss is None else rss < TARGETS["peak_rss_mb"], "<2048, convert and build")
    one = big.get("convert_one_changed_s")
    check(f"1-change@{n}", one, None if one is None or n != 10_000 else one < TARGETS["incremental_convert_s"], "<2 s at 10k")
    return "targets: " + "; ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="1,000 threads (the default)")
    mode.add_argument("--full", action="store_true", help="1,000 and 10,000 threads")
    mode.add_argument("--sizes", type=int, nargs="+", help="corpus sizes to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="cProfile the cold convert; text in bench/results/")
    parser.add_argument("--no-incremental", action="store_true", help="skip the rerun and one-change converts")
    parser.add_argument("--pairs", type=int, help="(build, floor) pairs per size; the ratio takes the fastest of each (default: 2 with --full, else 1)")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary folder, removed at the end)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/")
    # Children (internal).
    parser.add_argument("--child", choices=("convert", "stages", "check", "export"), help=argparse.SUPPRESS)
    parser.add_argument("child_args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "convert":
        _child_convert(Path(args.child_args[0]), Path(args.child_args[1]), args.profile_out)
        return 0
    if args.child == "stages":
        _child_stages(Path(args.child_args[0]))
        return 0
    if args.child == "check":
        _child_check(Path(args.child_args[0]))
        return 0
    if args.child == "export":
        _child_export(*(Path(a) for a in args.child_args[:3]))
        return 0
    if args.child_args:
        parser.error(f"unexpected arguments: {args.child_args}")

    sizes = args.sizes or ([1000, 10_000] if args.full else [1000])
    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    started = datetime.datetime.now()
    work = args.work or Path(tempfile.mkdtemp(prefix="forum-kb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in sizes:
            start = time.perf_counter()
            pairs = args.pairs or (2 if args.full else 1)
            row = measure(n, args.seed, work, profile=args.profile, incremental=not args.no_incremental, log=sys.stderr, pairs=pairs)
            row["total_s"] = round(time.perf_counter() - start, 1)
            rows.append(row)
    finally:
        if not (args.keep or args.work):
            shutil.rmtree(work, ignore_errors=True)
    info = machine()
    for row in rows:
        row["date"] = started.date().isoformat()
        row["command"] = command
        row["machine"] = info
    print(table(rows))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        text = json.dumps(rows, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (RESULTS / f"{started.date().isoformat()}.json").write_text(text, encoding="utf-8")
        (RESULTS / "latest.json").write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS / (started.date().isoformat() + '.json')} and {RESULTS / 'latest.json'}")
    print(verdict(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
