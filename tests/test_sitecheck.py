"""The external-reference scan (generator/sitecheck.py) that runs on every
build: it must fail on anything that makes the browser call another host."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import BuildError, build_site
from generator.sitecheck import check_css, check_html, check_site
from tests.conftest import SEED


def test_injected_external_script_is_reported_with_page_and_line():
    html = '<html><head>\n<script src="https://cdn.example.com/x.js"></script></head></html>'
    assert check_html("threads/a.html", html) == [
        "threads/a.html:2: <script src> loads 'https://cdn.example.com/x.js' from another host"
    ]


def test_injected_external_image_is_reported_also_protocol_relative():
    html = '<p><img src="//images.example.com/a.png" alt=""></p>'
    assert check_html("a.html", html) == ["a.html:1: <img src> loads '//images.example.com/a.png' from another host"]


def test_external_stylesheet_font_and_frame_are_reported():
    html = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
            '<iframe src="https://example.com/"></iframe>')
    problems = check_html("a.html", html)
    assert any("<link rel=stylesheet>" in problem for problem in problems)
    assert any("<iframe src>" in problem for problem in problems)
    assert check_css("a.css", "@font-face { src: url(https://fonts.gstatic.com/x.woff2) }") == [
        "a.css: CSS loads 'https://fonts.gstatic.com/x.woff2' from another host"
    ]


def test_local_script_image_and_outgoing_links_are_fine():
    html = ('<script src="assets/vendor/iframe-worker/shim.js"></script><img src="../a.png">'
            '<a href="https://developer.apple.com/forums/thread/1">thread</a>')
    assert check_html("a.html", html) == []


@pytest.fixture
def tiny_project(tmp_path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nHello.\n", encoding="utf-8")
    return tmp_path


def _config(project: Path, extra: str = "") -> Path:
    config = project / "mkdocs.yml"
    config.write_text(f"site_name: t\ndocs_dir: docs\ntheme:\n  name: material\n  font: false\n{extra}", encoding="utf-8")
    return config


def test_build_fails_when_the_config_adds_an_external_script(tiny_project):
    config = _config(tiny_project, "extra_javascript:\n  - https://cdn.example.com/tracker.js\n")
    with pytest.raises(BuildError, match=r"tracker\.js' from another host"):
        build_site(config, tiny_project / "site")


def test_build_fails_when_theme_fonts_would_load_from_google(tiny_project):
    config = _config(tiny_project).read_text(encoding="utf-8").replace("  font: false\n", "")
    (tiny_project / "mkdocs.yml").write_text(config, encoding="utf-8")
    with pytest.raises(BuildError, match="fonts.googleapis.com"):
        build_site(tiny_project / "mkdocs.yml", tiny_project / "site")


def test_scan_of_a_built_site_catches_an_image_injected_after_the_build(tiny_project):
    site = tiny_project / "site"
    build_site(_config(tiny_project), site)
    assert check_site(site) == []
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<p>Hello.</p>", '<p>Hello.<img src="https://evil.example/pixel.gif"></p>'), encoding="utf-8")
    problems = check_site(site)
    assert len(problems) == 1 and "https://evil.example/pixel.gif" in problems[0]
    shutil.rmtree(site)


def test_a_link_given_as_the_site_folder_is_replaced_not_emptied(tiny_project):
    """MkDocs' --clean emptied the folder the link pointed to."""
    mine = tiny_project / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("important", encoding="utf-8")
    site = tiny_project / "site"
    site.symlink_to(mine)
    build_site(_config(tiny_project), site)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "important"
    assert not site.is_symlink() and (site / "index.html").is_file()


def test_links_inside_the_site_folder_are_removed_before_the_build(tiny_project):
    """A link to a folder survived the clean build and its check, and was
    served beside the site."""
    private = tiny_project / "private"
    private.mkdir()
    (private / "id_rsa").write_text("secret", encoding="utf-8")
    site = tiny_project / "site"
    (site / "deep").mkdir(parents=True)
    (site / "leak").symlink_to(private)
    (site / "deep" / "key.html").symlink_to(private / "id_rsa")
    build_site(_config(tiny_project), site)
    assert not (site / "leak").exists() and not (site / "deep" / "key.html").exists()
    assert (private / "id_rsa").read_text(encoding="utf-8") == "secret"


def test_a_file_given_as_the_site_folder_is_an_error_and_kept(tiny_project, capsys):
    from generator.cli import main

    site = tiny_project / "site"
    site.write_text("mine", encoding="utf-8")
    out = tiny_project / "content"
    assert main(["build", str(SEED), "--out", str(out), "--config", str(_config(tiny_project)), "--site", str(site)]) == 2
    assert not out.exists()  # refused before converting
    err = capsys.readouterr().err
    assert f"{site} is a file, not a folder" in err and "Traceback" not in err
    assert site.read_text(encoding="utf-8") == "mine"


def test_scan_reports_a_link_planted_in_the_built_site(tiny_project):
    site = tiny_project / "site"
    build_site(_config(tiny_project), site)
    (site / "leak").symlink_to(tiny_project)
    assert check_site(site) == ["leak: a link in the built site (it may lead out of it)"]


def test_scan_catches_markup_smuggled_into_a_search_index_shard(tmp_path):
    from generator.sitecheck import check_site

    shard = tmp_path / "assets" / "kb-search" / "index" / "t-ab.js"
    shard.parent.mkdir(parents=True)
    shard.write_text('self.__kbShard("t-ab", {"title": "\\u003cb\\u003eok"});\n', encoding="ascii")
    assert check_site(tmp_path) == []
    shard.write_text('self.__kbShard("t-ab", {"title": "<img src=x onerror=alert(1)>"});\n', encoding="ascii")
    assert check_site(tmp_path) == ["assets/kb-search/index/t-ab.js: search index shard holds raw markup or non-ASCII bytes"]
