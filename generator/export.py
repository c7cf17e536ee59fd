"""``kb export``: the offline copy of the site, one zip that works from file://.

The site is built once more with Material's offline plugin switched on
(``OFFLINE=true`` turns on ``plugins.offline.enabled`` in mkdocs.yml): the
plugin inlines the search index into ``search/search_index.js`` and the
vendored iframe-worker shim (``extra.polyfills``) lets search run without a
server.  The build then goes through the same post-build checks as ``kb build``
(no request to any other host), and is zipped with ``index.html`` at the root
of the archive.

The zip is reproducible: entries are sorted and carry a fixed timestamp and
mode, so the same site gives the same bytes.  It is written to a temporary
file and renamed into place, so an interrupted export never leaves half a zip.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

from generator.build import BuildError, finish_site, run_mkdocs
from generator.siteconfig import read_config
from generator.write import new_file_mode

# Zip entries get this timestamp (the earliest a zip can store) so that the
# archive depends only on the files, never on the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DEFAULT_SITE_NAME = "site"


def site_slug(config: Path) -> str:
    """``site_name`` of the MkDocs config as a file-name part ("forum-kb");
    an unreadable config or a missing name gives ``site``."""
    try:
        data = read_config(config)
    except ValueError:
        return DEFAULT_SITE_NAME
    slug = re.sub(r"[^a-z0-9]+", "-", str(data.get("site_name") or "").lower()).strip("-")
    return slug or DEFAULT_SITE_NAME


def build_offline_site(config: Path, site_dir: Path) -> None:
    """Build with the offline plugin on; BuildError on failure."""
    run_mkdocs(config, site_dir, offline=True)
    if not (site_dir / "search" / "search_index.js").is_file():
        raise BuildError(
            f"the offline build has no search/search_index.js: is `offline: enabled: !ENV [OFFLINE, false]` "
            f"under plugins in {config}?"
        )


def zip_directory(source: Path, target: Path) -> None:
    """Write every file under ``source`` into the zip ``target`` (paths relative
    to ``source``, sorted, fixed time and mode); atomic replace of ``target``."""
    # Sorted by the entry name as stored, so the listing reads in order.
    files = sorted(
        (path for path in source.rglob("*") if path.is_file() and not path.is_symlink()),
        key=lambda path: path.relative_to(source).as_posix(),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w+b") as stream:
            # mkstemp's 0600 would make the zip private to its writer: it
            # gets the mode any new file gets here, as the pages do.
            os.fchmod(stream.fileno(), new_file_mode())
            with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
                for path in files:
                    entry = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=ZIP_TIME)
                    entry.external_attr = 0o644 << 16
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(entry, path.read_bytes())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_offline(config: Path, site_dir: Path, dist_dir: Path) -> Path:
    """Build the offline site into ``site_dir``, check it, and zip it to
    ``dist_dir/<site_name>-offline.zip``; returns the zip's path.

    Raises BuildError when MkDocs fails or the site would call another host
    (nothing is written to ``dist_dir`` then)."""
    build_offline_site(config, site_dir)
    finish_site(site_dir)
    target = dist_dir / f"{site_slug(config)}-offline.zip"
    zip_directory(site_dir, target)
    return target
