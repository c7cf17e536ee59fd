"""``kb build``: run MkDocs on the converted content, then make the site safe.

After every build (the site, and the offline export's site) two steps run:
the post-build sanitiser (generator/sanitize.py, the second layer behind the
converter's escaping) and the safety check (generator/sitecheck.py), which
fails the build on any reference to another host or live scraped markup.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.sanitize import sanitize_site
from generator.sitecheck import check_site


class BuildError(Exception):
    """MkDocs failed or the built site broke a safety rule: exit code 2."""


def run_mkdocs(config: Path, site_dir: Path, *, offline: bool = False) -> None:
    """``mkdocs build --strict`` into ``site_dir``; ``offline`` turns on
    Material's offline plugin (``OFFLINE=true``, see mkdocs.yml)."""
    if not config.is_file():
        raise BuildError(f"no MkDocs config at {config}; run kb from the project folder or pass --config")
    prepare_destination(site_dir)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--clean",
               "-f", str(config), "-d", str(site_dir.resolve())]
    # Material prints an end-of-life banner on every build; it is not ours to show.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "OFFLINE": "true" if offline else "false"}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        what = "mkdocs build --strict" + (" (offline)" if offline else "")
        raise BuildError(f"{what} failed:\n{result.stderr.strip() or result.stdout.strip()}")


def check_destination(site_dir: Path) -> None:
    """BuildError when ``site_dir`` is something other than a folder, a link
    or nothing (``kb build`` asks before converting)."""
    if os.path.lexists(site_dir) and not os.path.islink(site_dir) and not site_dir.is_dir():
        raise BuildError(f"{site_dir} is a file, not a folder: move it aside or pass another --site")


def prepare_destination(site_dir: Path) -> None:
    """Make ``site_dir`` safe for ``mkdocs build --clean``, which empties the
    folder it is given: a link at ``site_dir`` is removed (replaced by a real
    folder, never followed: through it MkDocs emptied the folder it pointed
    to), and so is every link inside it (a link to a folder survived the
    clean and was served beside the site).  Anything but a folder there is
    an error: nothing the user owns is removed."""
    check_destination(site_dir)
    if os.path.islink(site_dir):
        os.unlink(site_dir)
        return
    if not os.path.lexists(site_dir):
        return
    for folder, folders, files in os.walk(site_dir):
        for name in [*folders, *files]:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                os.unlink(path)


def finish_site(site_dir: Path) -> int:
    """Sanitise, then check; returns how many files the sanitiser changed (0
    when the converter's escaping already did its job)."""
    changed = sanitize_site(site_dir)
    problems = check_site(site_dir)
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise BuildError(f"the built site in {site_dir} failed its safety checks:\n{listing}{more}")
    return changed


def build_site(config: Path, site_dir: Path) -> None:
    run_mkdocs(config, site_dir)
    changed = finish_site(site_dir)
    note = f"; the sanitiser removed live markup from {changed} file(s)" if changed else ""
    pages = sum(1 for _ in site_dir.rglob("*.html"))
    print(f"kb build: site built in {site_dir} and checked ({pages} HTML files{note})")
