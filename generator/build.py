"""``kb build``: run MkDocs on the converted content, then check the site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from generator.sitecheck import check_site


class BuildError(Exception):
    """MkDocs failed or the built site broke a safety rule: exit code 2."""


def run_mkdocs(config: Path, site_dir: Path) -> None:
    if not config.is_file():
        raise BuildError(f"no MkDocs config at {config}; run kb from the project folder or pass --config")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config), "-d", str(site_dir.resolve())]
    # Material prints an end-of-life banner on every build; it is not ours to show.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BuildError(f"mkdocs build --strict failed:\n{result.stderr.strip() or result.stdout.strip()}")


def build_site(config: Path, site_dir: Path) -> None:
    """Build ``site_dir`` and refuse a site that references another host or
    carries live markup the theme did not put there."""
    run_mkdocs(config, site_dir)
    problems = check_site(site_dir)
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise BuildError(f"the built site failed its safety checks:\n{listing}{more}")
    print(f"kb build: site built in {site_dir} and checked ({_count_html(site_dir)} HTML files)")


def _count_html(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.html"))
