"""Scrape-date sidecars: ``<input stem>.meta.yaml`` beside an input file.

    scraped_on: 2026-03-16          # the day the page was saved (required)
    source: https://developer.apple.com/forums/tags/network-extension

Relative activity labels ("3w", "Feb ’26") of that input are resolved
against ``scraped_on``; ``kb convert --as-of`` overrides every sidecar.
"""

from __future__ import annotations

import datetime
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
        with meta_path.open("rb") as handle:
            raw = handle.read(MAX_SIDECAR_BYTES + 1)
        if len(raw) > MAX_SIDECAR_BYTES:
            raise InputError(meta_path, 0, f"a sidecar is a few lines, this one is over {MAX_SIDECAR_BYTES // 1024} KB")
        meta = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:  # RecursionError: "[" × 20,000
        raise InputError(meta_path, 0, f"unreadable sidecar: {error}") from None
    except ValueError as error:  # PyYAML builds dates itself: "scraped_on: 2026-02-30"
        raise InputError(meta_path, 0, f"unreadable sidecar: {error}; give 'scraped_on: YYYY-MM-DD', a day that exists") from None
    value = meta.get("scraped_on") if isinstance(meta, dict) else None
    # Only a date or a string: str() of a list made of YAML aliases would
    # spell out every shared copy.
    if isinstance(value, datetime.date):
        value = value.isoformat()
    day = parse_iso_day(value) if isinstance(value, str) else None
    if day is None:
        raise InputError(meta_path, 0, "sidecar needs 'scraped_on: YYYY-MM-DD'")
    return day.isoformat()


# Far beyond the two lines a sidecar holds; a larger file is not read whole.
MAX_SIDECAR_BYTES = 64 * 1024
