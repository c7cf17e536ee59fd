"""Shared fixtures: paths to the bundled seed and helpers to run the pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "network-extension-listing.txt"
SEED_DATE = "2026-03-16"
FIXTURES = ROOT / "tests" / "fixtures"


class Warnings(list):
    """Collects reader warnings as ``(source, message)`` strings."""

    def __call__(self, source, message) -> None:
        self.append(f"{source}: {message}")


@pytest.fixture
def warnings() -> Warnings:
    return Warnings()


@pytest.fixture(scope="session")
def seed_threads():
    from generator.readers import read_file

    return list(read_file(SEED, warn=lambda s, m: None))
