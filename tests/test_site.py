"""A real `mkdocs build --strict` of the seed, read back as a person would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.sitecheck import check_site
from tests.conftest import SEED, SEED_DATE
from tests.sitebuild import build


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seed-site")
    content, site = root / "content", root / "site"
    assert main(["convert", str(SEED), "--out", str(content), "--as-of", SEED_DATE, "-q"]) == 0
    result = build(content, site)
    assert result.returncode == 0, result.stderr
    return site


def _thread_links(html: str) -> set[str]:
    return set(re.findall(r'href="(?:\./)?threads/([a-z0-9-]+)\.html"', html))


def test_home_page_lists_the_20_threads(seed_site):
    html = (seed_site / "index.html").read_text(encoding="utf-8")
    assert len(_thread_links(html)) == 20


def test_all_threads_table_is_newest_first(seed_site):
    html = (seed_site / "all.html").read_text(encoding="utf-8")
    order = re.findall(r'href="threads/([a-z0-9-]+)\.html"', html)
    assert len(order) == 20
    assert order[0].startswith(("push-notifications", "validation-error", "nepackettunnelflow"))
    assert order[-1] != order[0]


def test_thread_page_has_metadata_header_and_is_not_in_the_nav(seed_site):
    page = next((seed_site / "threads").glob("push-notifications-*.html"))
    html = page.read_text(encoding="utf-8")
    header = html[html.index('class="kb-thread-meta"') :][:1500]
    assert "<strong>5</strong> replies" in header
    assert "<strong>240</strong> views" in header
    assert "2026-02-23" in header
    nav = html[html.index('class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "threads/" not in nav


def test_site_passes_the_safety_scan(seed_site):
    assert check_site(seed_site) == []
