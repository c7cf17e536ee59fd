"""Build a real site from a content folder, in a temporary place.

The repo's mkdocs.yml is copied with docs_dir, site_dir, INHERIT and
custom_dir pointed at the given folders, so tests build exactly the
configuration users get without touching content/ or site/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from generator.siteconfig import config_for
from tests.conftest import ROOT


def site_config(content: Path, site: Path, where: Path) -> Path:
    return config_for(content, site, where, ROOT)


def build(content: Path, site: Path) -> subprocess.CompletedProcess[str]:
    config = site_config(content, site, content.parent)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )


def yaml_load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))
