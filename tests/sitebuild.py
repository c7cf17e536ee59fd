"""Build a real site from a content folder, in a temporary place.

The repo's mkdocs.yml is copied with docs_dir, site_dir, INHERIT and
custom_dir pointed at the given folders, so tests build exactly the
configuration users get without touching content/ or site/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import markdown
from mkdocs.utils.yaml import yaml_load

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


@lru_cache(maxsize=1)
def site_extensions() -> tuple[tuple[str, ...], dict[str, dict]]:
    """The Markdown extensions a real build runs: those mkdocs.yml lists, plus
    attr_list, which Material's tags plugin switches on by itself.  Read with
    MkDocs' own YAML loader, so ``!!python/name:`` options (superfences'
    custom fences) are the functions a build calls."""
    with open(ROOT / "mkdocs.yml", "rb") as source:
        config = yaml_load(source)
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, value = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        names.append(name)
        options[name] = value or {}
    plugins = config.get("plugins") or {}
    if "tags" in plugins and "attr_list" not in names:
        names.append("attr_list")
    return tuple(names), options


def site_markdown() -> markdown.Markdown:
    """Python-Markdown configured like the site build."""
    names, options = site_extensions()
    return markdown.Markdown(extensions=list(names), extension_configs=options)
