"""`kb export`: the offline zip (generator/export.py), built from the seed."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from generator.build import BuildError
from generator.cli import main as kb_main
from generator.export import export_offline, site_slug, zip_directory
from generator.sitecheck import check_site
from tests.conftest import SEED, SEED_DATE
from tests.sitebuild import site_config

SHIM = "assets/vendor/iframe-worker/shim.js"


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(zip, offline site folder, unzipped copy) for the seed."""
    root = tmp_path_factory.mktemp("export")
    content = root / "content"
    assert kb_main(["convert", str(SEED), "--out", str(content), "--as-of", SEED_DATE, "-q"]) == 0
    config = site_config(content, root / "site", root)
    archive = export_offline(config, root / "offline-site", root / "dist")
    unzipped = root / "unzipped"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(unzipped)
    return archive, root / "offline-site", unzipped


def test_zip_is_named_after_the_site_and_has_index_html_at_its_root(export):
    archive, _, unzipped = export
    assert archive.name == "forum-kb-offline.zip"
    assert (unzipped / "index.html").is_file()
    assert len(list((unzipped / "threads").glob("*.html"))) == 20


def test_search_index_is_shipped_as_scripts_for_file_urls(export):
    _, _, unzipped = export
    # Material's own index is inlined for file:// (it holds the shelf pages)...
    script = (unzipped / "search" / "search_index.js").read_text(encoding="utf-8")
    assert script.startswith("var __index = {")
    # ...and the threads are in the converter's sharded index, plain scripts.
    shards = sorted((unzipped / "assets" / "kb-search" / "index").rglob("*.js"))
    assert shards
    assert any("nefilterdataprovider" in shard.read_text(encoding="utf-8").lower() for shard in shards)


def test_iframe_worker_shim_is_local_and_loaded_by_every_page(export):
    _, _, unzipped = export
    assert (unzipped / SHIM).is_file()
    assert (unzipped / "assets/vendor/iframe-worker/LICENSE.txt").is_file()
    assert f'<script src="{SHIM}"></script>' in (unzipped / "index.html").read_text(encoding="utf-8")
    page = next((unzipped / "threads").glob("*.html")).read_text(encoding="utf-8")
    assert f'<script src="../{SHIM}"></script>' in page
    assert "unpkg.com" not in page and "fonts.googleapis" not in page


def test_unzipped_copy_passes_the_external_reference_scan(export):
    _, _, unzipped = export
    assert check_site(unzipped) == []


def test_zip_bytes_depend_only_on_the_files(export, tmp_path):
    _, site, _ = export
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    zip_directory(site, first)
    zip_directory(site, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zipped:
        names = zipped.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in zipped.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_site_slug_reads_site_name_through_mkdocs_tags(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: My KB!\nplugins:\n  - offline:\n      enabled: !ENV [OFFLINE, false]\n", encoding="utf-8")
    assert site_slug(config) == "my-kb"
    config.write_text(": not yaml [", encoding="utf-8")
    assert site_slug(config) == "site"


def test_missing_config_is_a_build_error_and_writes_no_zip(tmp_path):
    with pytest.raises(BuildError, match="no MkDocs config"):
        export_offline(tmp_path / "nope.yml", tmp_path / "site", tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_a_config_without_the_offline_plugin_is_refused(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Hi\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\ndocs_dir: docs\ntheme:\n  name: material\n  font: false\n", encoding="utf-8")
    with pytest.raises(BuildError, match="search_index.js"):
        export_offline(config, tmp_path / "site", tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_zip_gets_the_mode_of_any_new_file_not_a_private_one(tmp_path):
    """The zip is meant to be handed around: mkstemp's 0600 made it
    unreadable to everyone but its writer."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>hi</p>", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        zip_directory(site, tmp_path / "dist" / "kb.zip")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "dist" / "kb.zip").stat().st_mode) == 0o644
    assert [p.name for p in (tmp_path / "dist").iterdir()] == ["kb.zip"]
