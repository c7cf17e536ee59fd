"""Search at scale (issue 9): a 10,000-thread synthetic site, searched in
headless Chromium, served (http.server on 127.0.0.1) and from file://.

    .venv/bin/python -m bench.search_scale [--threads N] [--workdir DIR]
        # print a table + write bench/results/search-scale-latest.json

Builds once (in a temporary folder, or in --workdir, which is reused when it
already holds a build): ``bench.synth`` corpus -> ``kb convert`` (writes the
sharded index, generator/searchindex.py) -> ``mkdocs build`` -> offline
export, unzipped.  Then, for each query, a *cold* search: a fresh browser
context (empty cache), open the home page, click the search box, type the
query, and measure

* latency: page time from the last keystroke to the first
  ``.md-search-result__item`` rendered from the answer to the final query
  (worker.js echoes the query in its result; a MutationObserver times it);
* bytes (served only): every response body of the search machinery
  (``search/``, ``assets/kb-search/``) from page load to the result, and of
  the whole page load, from Playwright's request events;
* agreement: the browser's first three titles against the Python reference
  of the worker's ranking (``searchindex.search_files``), which is
  ``kb search``'s ranking.

Targets: first result within 300 ms, at most 300 KB per cold query.  Typing
is at ``TYPING_DELAY_MS`` between keys (a fast typist) and also at 0 ms (all
keys at once, the worst case for a backlog of partial queries).
Not a test: it reports numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search-scale-latest.json"
SEED_DATE = "2026-03-16"
TYPING_DELAY_MS = 60
QUERIES = (
    "writePacketObjects",
    "NEFilterDataProvider",
    "peekOutboundBytes",
    "url filter",
    "packet tunnel provider",
    "NEFilterErrorDomain Code=1",
    "TunnelFlow",
    "polcy",
    "content filter smb",
    "sysextd no policy",
)
SEARCH_PARTS = ("/search/", "/assets/kb-search/")

# Before the page's scripts: note when the worker's answer to the *final*
# query arrives (worker.js echoes the query; a real Worker when served, the
# iframe-worker shim's window messages from file://).
_HOOK = """(() => {
  window.__kbFinal = null; window.__kbFinalAt = 0;
  const note = data => {
    if (data && data.type === 3 && data.data && window.__kbFinal !== null &&
        String(data.data.query).trim() === window.__kbFinal && !window.__kbFinalAt)
      window.__kbFinalAt = performance.now();
  };
  const Native = window.Worker;
  if (Native) window.Worker = class extends Native {
    constructor(url, options) { super(url, options); this.addEventListener("message", e => note(e.data)); }
  };
  window.addEventListener("message", e => note(e.data));
})()"""

# The first .md-search-result__item rendered from the final query's answer.
_FIRST_ITEM = """() => {
  const list = document.querySelector('.md-search-result__list');
  window.__kbFirst = 0;
  new MutationObserver(() => {
    if (!window.__kbFirst && window.__kbFinalAt && list.querySelector('.md-search-result__item'))
      window.__kbFirst = performance.now();
  }).observe(list, {childList: true, subtree: true});
}"""

_TITLES = """() => Array.from(document.querySelectorAll('.md-search-result__item'))
  .map(item => { const h = item.querySelector('h1') || item.querySelector('h2'); return h ? h.textContent : ''; })"""


def build(workdir: Path, threads: int) -> tuple[Path, Path, Path, dict[str, float]]:
    """(content, site, offline) under ``workdir``, built unless already there."""
    sys.path.insert(0, str(ROOT))
    from bench.search_quality import _config_for
    from bench.synth import main as synth_main
    from generator.build import build_site
    from generator.cli import main as kb_main
    from generator.export import export_offline

    content, site, offline = workdir / "content", workdir / "site", workdir / "offline"
    timings: dict[str, float] = {}
    if (offline / "index.html").is_file() and (site / "index.html").is_file():
        return content, site, offline, timings
    workdir.mkdir(parents=True, exist_ok=True)
    corpus = workdir / f"synth-{threads}.txt"
    started = time.perf_counter()
    if not corpus.is_file():
        synth_main([str(threads), str(corpus)])
    timings["synth_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    if kb_main(["convert", str(corpus), "--out", str(content), "--as-of", SEED_DATE, "-q"]) != 0:
        raise SystemExit("kb convert failed")
    timings["convert_s"] = round(time.perf_counter() - started, 1)
    config = _config_for(content, workdir)
    started = time.perf_counter()
    build_site(config, site)
    timings["build_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    archive = export_offline(config, workdir / "offline-site", workdir / "dist")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(offline)
    timings["export_s"] = round(time.perf_counter() - started, 1)
    return content, site, offline, timings


def cold_query(browser: object, url: str, query: str, delay: int) -> dict[str, object]:
    """One query in a fresh context: latency, bytes, titles."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.add_init_script(_HOOK)
    page = context.new_page()
    sizes: list[tuple[str, int]] = []
    errors: list[str] = []

    def finished(request: object) -> None:
        try:
            body = request.sizes()["responseBodySize"]  # type: ignore[attr-defined]
        except Exception:  # a request without a response
            body = 0
        sizes.append((request.url, int(body)))  # type: ignore[attr-defined]

    page.on("requestfinished", finished)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(url)
        page.evaluate(_FIRST_ITEM)
        page.click("input.md-search__input")
        if len(query) > 1:
            page.keyboard.type(query[:-1], delay=delay)
        if delay:
            page.wait_for_timeout(delay)
        page.evaluate("final => { window.__kbFinal = final; }", query.strip())
        started = float(page.evaluate("() => performance.now()"))
        page.keyboard.type(query[-1:])
        page.wait_for_function("() => window.__kbFirst > 0", timeout=20_000)
        first = float(page.evaluate("() => window.__kbFirst"))
        page.wait_for_timeout(300)  # let the result list settle before reading it
        titles = [" ".join(t.split()) for t in page.evaluate(_TITLES)]
    finally:
        context.close()
    search_bytes = sum(size for address, size in sizes if any(part in address for part in SEARCH_PARTS))
    return {
        "query": query,
        "latency_ms": round(first - started, 1),
        "search_bytes": search_bytes,
        "page_bytes": sum(size for _, size in sizes),
        "requests": len(sizes),
        "search_requests": sum(1 for address, _ in sizes if any(part in address for part in SEARCH_PARTS)),
        "titles": titles[:3],
        "errors": errors,
    }


def summary(values: Sequence[float]) -> dict[str, float]:
    clean = sorted(values)
    return {
        "median": round(statistics.median(clean), 1),
        "p90": round(clean[min(len(clean) - 1, int(0.9 * len(clean)))], 1),
        "max": round(clean[-1], 1),
    }


def run(threads: int, workdir: Path) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from bench.search_quality import launch, served
    from generator.searchindex import INDEX_DIR, search_files

    content, site, offline, timings = build(workdir, threads)
    index_dir = content / INDEX_DIR
    files = {path.name: path.read_bytes() for path in index_dir.iterdir() if path.suffix == ".js"}
    index_bytes = sum(len(data) for data in files.values())
    material_index = (site / "search" / "search_index.json").stat().st_size
    documents = json.loads(files["meta.js"].decode()[len('self.__kbShard("meta",') : -3])["documents"]
    expected = {query: [title for _, title, _ in search_files(files, query, limit=3)] for query in QUERIES}
    # The reference against kb search itself (they differ only where a partly
    # typed word begins more than MAX_PREFIX_TERMS words).
    from generator.search import load_documents, search

    documents_kb = load_documents(content)
    kb_top3 = {query: [hit.title for hit in search(documents_kb, query, limit=3)] for query in QUERIES}
    agree_kb = sum(kb_top3[query] == expected[query] for query in QUERIES)
    report: dict[str, object] = {
        "threads": documents,
        "build": timings,
        "reference_agrees_with_kb_search_top3": agree_kb,
        "index": {
            "files": len(files),
            "bytes": index_bytes,
            "bytes_per_thread": round(index_bytes / max(1, documents)),
            "largest_file": max(len(data) for data in files.values()),
            "meta_bytes": len(files["meta.js"]),
            "worker_bytes": (site / "assets" / "kb-search" / "worker.js").stat().st_size,
            "material_search_index_bytes": material_index,
        },
    }
    with launch() as browser:
        runs: dict[str, list[dict[str, object]]] = {}
        with served(site) as url:
            for delay in (TYPING_DELAY_MS, 0):
                runs[f"served_{delay}ms"] = [cold_query(browser, url, query, delay) for query in QUERIES]
        offline_url = (offline / "index.html").as_uri()
        for delay in (TYPING_DELAY_MS, 0):
            runs[f"file_{delay}ms"] = [cold_query(browser, offline_url, query, delay) for query in QUERIES]
    for name, results in runs.items():
        entry: dict[str, object] = {
            "latency_ms": summary([float(r["latency_ms"]) for r in results]),  # type: ignore[arg-type]
            "agree_top3": sum(r["titles"] == expected[str(r["query"])] for r in results),
            "queries": results,
        }
        if name.startswith("served"):
            entry["search_kb"] = summary([int(r["search_bytes"]) / 1000 for r in results])  # type: ignore[arg-type]
            entry["page_kb"] = summary([int(r["page_bytes"]) / 1000 for r in results])  # type: ignore[arg-type]
        report[name] = entry
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.search_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--workdir", type=Path, help="build here and keep it (reused when it holds a build)")
    args = parser.parse_args(argv)
    if args.workdir:
        report = run(args.threads, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="kb-search-scale-") as temporary:
            report = run(args.threads, Path(temporary))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    index = report["index"]
    print(f"{report['threads']} threads; build {report['build']}; worker reference = kb search top 3 on "
          f"{report['reference_agrees_with_kb_search_top3']}/{len(QUERIES)} queries")
    print(
        f"index: {index['bytes'] / 1e6:.1f} MB in {index['files']} files = {index['bytes_per_thread']} B/thread; "
        f"largest file {index['largest_file'] / 1000:.1f} KB; meta {index['meta_bytes'] / 1000:.1f} KB; "
        f"worker {index['worker_bytes'] / 1000:.1f} KB; Material search_index.json {index['material_search_index_bytes']} B"
    )
    print(f"{'mode':14} {'latency ms median/p90/max':>28} {'search KB median/max':>22} {'page KB max':>12} {'agree':>6}")
    for name in ("served_60ms", "served_0ms", "file_60ms", "file_0ms"):
        entry = report[name]
        lat = entry["latency_ms"]
        search = entry.get("search_kb")
        page = entry.get("page_kb")
        print(
            f"{name:14} {lat['median']:>10} / {lat['p90']:>6} / {lat['max']:>6} "
            f"{(str(search['median']) + ' / ' + str(search['max'])) if search else '-':>22} "
            f"{page['max'] if page else '-':>12} {entry['agree_top3']:>3}/{len(entry['queries'])}"
        )
    for entry in report["served_60ms"]["queries"]:
        print(f"  {entry['query']!r:32} {entry['latency_ms']:>7} ms {entry['search_bytes'] / 1000:>7.1f} KB  {entry['search_requests']} req")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
