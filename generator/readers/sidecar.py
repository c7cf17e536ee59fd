"""Scrape-date sidecars: ``<input stem>.meta.yaml`` beside an input file.

    scraped_on: 2026-03-16          # the day the page was saved (required)
    source: https://developer.apple.com/forums/tags/network-extension

Relative activity labels ("3w", "Feb ’26") of that input are resolved
against ``scraped_on``; ``kb convert --as-of`` overrides every sidecar.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.dates import parse_iso_day
from generator.readers.errors import InputError

SUFFIX = ".meta.yaml"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def read_scrape_date(path: Path) -> str:
    """The input's ``scraped_on`` as ``YYYY-MM-DD``, or "" without a sidecar."""
    meta_path = sidecar_path(path)
    if not meta_path.is_file():
        return ""
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:  # RecursionError: "[" × 20,000
        raise InputError(meta_path, 0, f"unreadable sidecar: {error}") from None
    value = meta.get("scraped_on") if isinstance(meta, dict) else None
    day = parse_iso_day(str(value)) if value is not None else None
    if day is None:
        raise InputError(meta_path, 0, "sidecar needs 'scraped_on: YYYY-MM-DD'")
    return day.isoformat()
