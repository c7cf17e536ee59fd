"""Search quality on the seed: hit rates of tests/fixtures/queries.yaml in
``kb search`` and in Material's search in headless Chromium (served over http
and opened from the unzipped offline export via file://), the time from the
last keystroke to the final results, and the search index size per thread.

    .venv/bin/python -m bench.search_quality            # print + write bench/results/search-latest.json

Not a test: it reports numbers; tests/test_search.py and tests/test_browser.py
assert the behaviour.  The site is built from data/ into a temporary folder
(content/ and site/ are not touched).

The browser driver (:class:`BrowserSearch`, :func:`served`, :func:`launch`) is
shared with tests/test_browser.py so both type exactly the same way.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import yaml

from generator.siteconfig import config_for

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "fixtures" / "queries.yaml"
SEED = ROOT / "data" / "network-extension-listing.txt"
SEED_DATE = "2026-03-16"
RESULTS = ROOT / "bench" / "results" / "search-latest.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-gpu"]
# Results count as settled when the result list has not changed for this long.
SETTLE_MS = 300
# When the last keystroke changes nothing for this long, the results stand.
UNCHANGED_MS = 2000


# --- the query set ------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    query: str
    kind: str
    expect: tuple[str, ...]


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(str(entry["query"]), str(entry.get("kind", "")), tuple(map(str, entry["expect"]))) for entry in data]


def normalise_title(title: str) -> str:
    return " ".join(title.split())


@dataclass
class Score:
    """First / top-3 hits of one engine over the query set."""

    total: int = 0
    first: int = 0
    top3: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    def add(self, query: Query, titles: Sequence[str]) -> None:
        wanted = {normalise_title(title) for title in query.expect}
        got = [normalise_title(title) for title in titles]
        rank = next((n + 1 for n, title in enumerate(got) if title in wanted), None)
        self.total += 1
        self.first += rank == 1
        self.top3 += rank is not None and rank <= 3
        if rank != 1:
            self.misses.append({"query": query.query, "kind": query.kind, "rank": rank, "first": got[0] if got else None})

    def as_dict(self) -> dict[str, object]:
        return {
            "queries": self.total,
            "first": self.first,
            "top3": self.top3,
            "first_rate": round(self.first / self.total, 3) if self.total else 0.0,
            "top3_rate": round(self.top3 / self.total, 3) if self.total else 0.0,
            "misses": self.misses,
        }


# --- the browser --------------------------------------------------------------


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@contextlib.contextmanager
def launch() -> Iterator[object]:
    """Headless Debian chromium through Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Records when the result list last changed, so latency is measured in the page.
_OBSERVER = """() => {
  const list = document.querySelector('.md-search-result__list');
  window.__kbLastChange = performance.now();
  new MutationObserver(() => { window.__kbLastChange = performance.now(); })
    .observe(list, {childList: true, subtree: true, characterData: true});
}"""

_TITLES = """() => Array.from(document.querySelectorAll('.md-search-result__item'))
  .map(item => { const h = item.querySelector('h1') || item.querySelector('h2'); return h ? h.textContent : ''; })"""


class BrowserSearch:
    """One page of the site with Material's search box, driven by the keyboard.

    ``external`` collects every request to a host other than the site's own
    (or any non-file URL for a file:// site): the offline copy must make none."""

    def __init__(self, browser: object, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.external: list[str] = []
        self.errors: list[str] = []
        origin = url.split("/", 3)[:3]
        local = "/".join(origin) if url.startswith("http") else "file://"

        def watch(request: object) -> None:
            address = request.url  # type: ignore[attr-defined]
            if not (address.startswith(local) or address.startswith(("data:", "blob:", "about:"))):
                self.external.append(address)

        self.page.on("request", watch)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(url)
        self.page.click("input.md-search__input")
        # Material says "Initializing search" until its worker has the index.
        self.page.wait_for_function(
            """() => { const m = document.querySelector('.md-search-result__meta');
                       return m && m.textContent.trim() && !/initializ/i.test(m.textContent); }""",
            timeout=20_000,
        )
        self.page.evaluate(_OBSERVER)

    def search(self, query: str) -> tuple[list[str], float]:
        """Type ``query`` into the search box (replacing what was there) and
        return the result titles, best first, and the milliseconds from the
        last keystroke to the last change of the result list."""
        box = self.page.locator("input.md-search__input")
        box.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Backspace")
        if len(query) > 1:
            self.page.keyboard.type(query[:-1])
        started = float(self.page.evaluate("() => performance.now()"))
        self.page.keyboard.type(query[-1:])
        changed = self._settle(started)
        titles = self.page.evaluate(_TITLES)
        latency = changed - started if changed else float("nan")
        return [normalise_title(title) for title in titles], latency

    def _settle(self, since: float) -> float:
        """Wait until the result list has changed after ``since`` and then been
        still for SETTLE_MS; returns the page time of that last change, or 0
        when nothing changed within UNCHANGED_MS (the last key did not alter
        the results)."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            last, now = self.page.evaluate("() => [window.__kbLastChange, performance.now()]")
            if last > since and now - last >= SETTLE_MS:
                return float(last)
            if last <= since and now - since >= UNCHANGED_MS:
                return 0.0
            self.page.wait_for_timeout(20)
        raise TimeoutError("the search results did not settle within 15 s")

    def close(self) -> None:
        self.page.close()


def browser_run(browser: object, url: str, queries: Sequence[Query]) -> tuple[Score, list[float], list[str]]:
    search = BrowserSearch(browser, url)
    score, latencies = Score(), []
    try:
        for query in queries:
            titles, latency = search.search(query.query)
            score.add(query, titles)
            latencies.append(latency)
    finally:
        search.close()
    return score, latencies, search.external


# --- building the seed site ---------------------------------------------------


def build_seed(workdir: Path) -> tuple[Path, Path, Path]:
    """data/ -> content -> site (checked) and the offline export, under
    ``workdir``; returns (content, site, unzipped offline copy)."""
    sys.path.insert(0, str(ROOT))
    from generator.build import build_site
    from generator.cli import main
    from generator.export import export_offline

    content, site, offline = workdir / "content", workdir / "site", workdir / "offline"
    status = main(["convert", str(SEED), "--out", str(content), "--as-of", SEED_DATE, "-q"])
    if status != 0:
        raise SystemExit(f"kb convert failed ({status})")
    config = _config_for(content, workdir)
    build_site(config, site)
    archive = export_offline(config, workdir / "offline-site", workdir / "dist")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(offline)
    return content, site, offline


def _config_for(content: Path, where: Path) -> Path:
    """The project's mkdocs.yml, pointed at ``content`` and the project's overrides."""
    return config_for(content, where / "site", where, ROOT)


def index_stats(site: Path, threads: int) -> dict[str, object]:
    index = site / "search" / "search_index.json"
    size = index.stat().st_size
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    return {"bytes": size, "threads": threads, "bytes_per_thread": round(size / max(1, threads)), "documents": len(docs)}


def _latency_summary(values: Sequence[float]) -> dict[str, float]:
    clean = sorted(value for value in values if value == value)  # drop NaN
    if not clean:
        return {}
    return {
        "median_ms": round(statistics.median(clean), 1),
        "p90_ms": round(clean[min(len(clean) - 1, int(0.9 * len(clean)))], 1),
        "max_ms": round(clean[-1], 1),
    }


def run() -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from generator.search import load_documents, search

    queries = load_queries()
    report: dict[str, object] = {"queries": len(queries)}
    with tempfile.TemporaryDirectory(prefix="kb-search-bench-") as temporary:
        content, site, offline = build_seed(Path(temporary))
        documents = load_documents(content)
        started = time.perf_counter()
        terminal = Score()
        for query in queries:
            terminal.add(query, [hit.title for hit in search(documents, query.query, limit=10)])
        report["kb_search"] = {**terminal.as_dict(), "ms_per_query": round((time.perf_counter() - started) * 1000 / len(queries), 2)}
        report["index"] = index_stats(site, len(documents))
        with launch() as browser:
            with served(site) as url:
                score, latencies, external = browser_run(browser, url, queries)
            report["browser_site"] = {**score.as_dict(), "latency": _latency_summary(latencies), "external_requests": external}
            score, latencies, external = browser_run(browser, (offline / "index.html").as_uri(), queries)
            report["browser_offline"] = {**score.as_dict(), "latency": _latency_summary(latencies), "external_requests": external}
    return report


def main() -> int:
    report = run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for engine in ("kb_search", "browser_site", "browser_offline"):
        result = report[engine]
        line = f"{engine:16} first {result['first']}/{result['queries']} ({result['first_rate']:.0%})  top3 {result['top3']}/{result['queries']} ({result['top3_rate']:.0%})"
        if "latency" in result:
            line += f"  typing->results median {result['latency'].get('median_ms')} ms, p90 {result['latency'].get('p90_ms')} ms"
        print(line)
        for miss in result["misses"]:
            print(f"    {'miss' if miss['rank'] is None or miss['rank'] > 3 else 'top3'} rank={miss['rank']} {miss['kind']}: {miss['query']!r}")
    index = report["index"]
    print(f"search index: {index['bytes']} bytes for {index['threads']} threads = {index['bytes_per_thread']} bytes/thread")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
