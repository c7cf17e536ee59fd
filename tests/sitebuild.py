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

from functools import lru_cache

import markdown
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


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml with MkDocs' own tags (``!ENV``) read as plain nodes."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


@lru_cache(maxsize=1)
def site_extensions() -> tuple[tuple[str, ...], dict[str, dict]]:
    """The Markdown extensions a real build runs: those mkdocs.yml lists, plus
    attr_list, which Material's tags plugin switches on by itself."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
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
