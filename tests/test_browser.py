"""What a reader does, in a real browser: Debian's chromium driven by Playwright
(never `playwright install`), on the served site (http.server on 127.0.0.1, a
free port) and on the unzipped offline export opened from file://.  Click the
search box, type with the keyboard, read `.md-search-result__item` titles.

The seed is converted, built and exported once for this module (in a
temporary folder); each engine then runs the whole query set once.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from bench.search_quality import CHROMIUM, BrowserSearch, Score, launch, load_queries, served
from generator.build import build_site
from generator.cli import main as kb_main
from generator.export import export_offline
from tests.conftest import SEED, SEED_DATE
from tests.sitebuild import site_config

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None,
    reason=f"{CHROMIUM} is not installed (.ci/run installs Debian's chromium)",
)

URL_FILTER_THREADS = {
    "Remove URL Filter configurations?",
    "Using the Bloom filter tool to configure a URL filter Error 9",
    "How to get url-filter-provider entitlement approved for App Store distribution?",
}


@pytest.fixture(scope="module")
def seed_builds(tmp_path_factory) -> tuple[Path, Path]:
    """(served site folder, unzipped offline copy) of the seed."""
    root = tmp_path_factory.mktemp("browser")
    content = root / "content"
    assert kb_main(["convert", str(SEED), "--out", str(content), "--as-of", SEED_DATE, "-q"]) == 0
    config = site_config(content, root / "site", root)
    build_site(config, root / "site")
    archive = export_offline(config, root / "offline-site", root / "dist")
    offline = root / "offline"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(offline)
    return root / "site", offline


@pytest.fixture(scope="module")
def browser():
    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def site_url(seed_builds):
    with served(seed_builds[0]) as url:
        yield url


@pytest.fixture(scope="module")
def offline_url(seed_builds) -> str:
    return (seed_builds[1] / "index.html").as_uri()


def _run_queries(browser, url: str) -> tuple[Score, BrowserSearch]:
    search = BrowserSearch(browser, url)
    score = Score()
    for query in load_queries():
        titles, _ = search.search(query.query)
        score.add(query, titles)
    return score, search


@pytest.fixture(scope="module")
def site_run(browser, site_url):
    score, search = _run_queries(browser, site_url)
    yield score, search
    search.close()


@pytest.fixture(scope="module")
def offline_run(browser, offline_url):
    score, search = _run_queries(browser, offline_url)
    yield score, search
    search.close()


def test_served_site_meets_the_targets_on_the_query_set(site_run):
    score, search = site_run
    assert score.first >= 0.9 * score.total, score.misses
    assert score.top3 >= score.total - 1, score.misses
    assert search.errors == []


def test_offline_copy_meets_the_targets_on_the_query_set(offline_run):
    score, search = offline_run
    assert score.first >= 0.9 * score.total, score.misses
    assert score.top3 >= score.total - 1, score.misses
    assert search.errors == []


def test_offline_copy_finds_url_filter_threads_by_typing_url_filter(browser, offline_url):
    search = BrowserSearch(browser, offline_url)
    try:
        titles, _ = search.search("url filter")
    finally:
        search.close()
    assert titles[0] in URL_FILTER_THREADS
    assert URL_FILTER_THREADS <= set(titles[:4])


def test_offline_copy_makes_no_request_to_another_host(offline_run):
    _, search = offline_run
    assert search.external == []


def test_served_site_makes_no_request_to_another_host(site_run):
    _, search = site_run
    assert search.external == []


def test_offline_navigation_related_links_and_code_highlighting_work(browser, offline_url):
    home = BrowserSearch(browser, offline_url)
    page = home.page
    try:
        page.keyboard.press("Escape")  # close the search overlay BrowserSearch opened
        page.locator("article a[href='all.html']").first.click()
        page.wait_for_url("**/all.html")
        page.click("a[href*='threads/network-is-not-working-when-upload-smb']")
        page.wait_for_url("**/threads/network-is-not-working-when-upload-smb-*.html")
        # Pygments highlighting is in the page itself: coloured spans in the code.
        assert page.locator(".highlight pre code span").count() > 10
        related = page.locator("h2#related-threads ~ ul a").first
        target = related.get_attribute("href")
        related.click()
        page.wait_for_url(f"**/{target.split('/')[-1]}")
        assert page.locator("article h1").count() == 1
        landed = page.url
    finally:
        home.close()
    # Search from a thread page one folder down (relative paths to the index and worker).
    thread = BrowserSearch(browser, landed)
    try:
        titles, _ = thread.search("writePacketObjects")
    finally:
        thread.close()
    assert titles[0].startswith("NEPacketTunnelFlow: large UDP DNS responses")
    assert home.external == [] and home.errors == [] and thread.external == [] and thread.errors == []


def test_a_full_width_query_typed_in_the_search_box_finds_what_ascii_finds(browser, site_url):
    """worker.js normalizes the query as kb search does (NFC, full-width
    ASCII as ASCII): an input method's "ＴｕｎｎｅｌＦｌｏｗ" found nothing."""
    search = BrowserSearch(browser, site_url)
    try:
        plain, _ = search.search("TunnelFlow")
        # Playwright types a non-ASCII character as text, with no keyup, and
        # Material reads the box on keyup: a last ASCII key stands in for the
        # key events an input method sends.
        wide, _ = search.search("ＴｕｎｎｅｌＦｌｏｗ ")
    finally:
        search.close()
    assert plain and wide == plain
    assert search.errors == []


def test_search_result_teasers_do_not_show_the_hidden_search_terms(browser, site_url):
    search = BrowserSearch(browser, site_url)
    try:
        search.search("TunnelFlow")
        teaser = search.page.locator(".md-search-result__item").first.inner_text()
    finally:
        search.close()
    assert teaser.startswith("NEPacketTunnelFlow")
    assert "packettunnelflow" not in teaser


def test_thread_pages_are_searched_through_the_sharded_index_not_materials(seed_builds):
    import json

    from generator.searchindex import INDEX_DIR, search_files

    site, offline = seed_builds
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not any(doc["location"].startswith("threads/") for doc in docs)
    for root in (site, offline):
        assert (root / "assets" / "kb-search" / "worker.js").is_file()
        files = {path.name: path.read_bytes() for path in (root / INDEX_DIR).iterdir()}
        # The converter's terms (identifier tails, family aliases) are in it ...
        assert search_files(files, "tunnelflow")[0][1].startswith("NEPacketTunnelFlow")
        assert search_files(files, "Packet tunnel provider")[0][1].startswith("NEPacketTunnelFlow")
        # ... the excluded parts (the scraped original, related threads) are not.
        assert search_files(files, "scraped") == []
        assert search_files(files, "Related") == []


def test_a_served_search_loads_only_the_shards_it_needs(browser, site_url, seed_builds):
    from generator.searchindex import INDEX_DIR

    shards: list[str] = []
    search = BrowserSearch(browser, site_url)
    search.page.on("request", lambda request: shards.append(request.url) if "/kb-search/index/" in request.url else None)
    try:
        titles, _ = search.search("writePacketObjects")
    finally:
        search.close()
    assert titles[0].startswith("NEPacketTunnelFlow")
    total = len(list((seed_builds[0] / INDEX_DIR).iterdir()))
    assert 0 < len(set(shards)) < total / 2


def test_a_served_search_asks_for_a_missing_shard_only_once(browser, site_url, seed_builds):
    from generator.searchindex import INDEX_DIR, completion_name

    # No indexed word starts with "zq": its vocabulary shard does not exist,
    # and a 404 is a round trip the reader waits for.
    missing = completion_name("zq") + ".js"
    assert not (seed_builds[0] / INDEX_DIR / missing).exists()
    asked: list[str] = []
    search = BrowserSearch(browser, site_url)
    search.page.on("request", lambda request: asked.append(request.url) if "/kb-search/index/" in request.url else None)
    try:
        search.search("zqxwvut NEPacketTunnelFlow")
    finally:
        search.close()
    names = [url.rsplit("/", 1)[-1].split("?")[0] for url in asked]
    assert names.count(missing) == 1, names
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert not repeated, f"requested more than once: {repeated}"
