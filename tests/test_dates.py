"""Activity labels resolve against the scrape date, never today's clock."""

import pytest

from generator.dates import is_activity_label, resolve_activity


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("3w", "2026-02-23"),
        ("4w", "2026-02-16"),
        ("2d", "2026-03-14"),
        ("5h", "2026-03-16"),
        ("yesterday", "2026-03-15"),
        ("Feb ’26", "2026-02"),
        ("Feb '26", "2026-02"),
        ("Mar 2025", "2025-03"),
        ("Feb 12, 2026", "2026-02-12"),
        ("2mo", "2026-01"),
        ("1y", "2025"),
        ("2026-01-05", "2026-01-05"),
        ("Mar 12", "2026-03-12"),
        ("Dec 3", "2025-12-03"),
        ("2 days ago", "2026-03-14"),
        ("an hour ago", "2026-03-16"),
        ("3 weeks", "2026-02-23"),
        ("1 year ago", "2025"),
        ("sometime", ""),
    ],
)
def test_labels_resolve_with_their_precision(label, expected):
    assert resolve_activity(label, "2026-03-16") == expected


def test_relative_label_without_scrape_date_stays_unresolved():
    assert resolve_activity("3w", "") == ""
    assert resolve_activity("Feb ’26", "") == "2026-02"


@pytest.mark.parametrize("label", ["3w", "Feb ’26", "just now", "Mar 2025", "Mar 12", "2 days ago"])
def test_activity_shapes(label):
    assert is_activity_label(label)


@pytest.mark.parametrize("label", ["240", "Replies", "Feb", "Notamonth ’26"])
def test_not_activity_shapes(label):
    assert not is_activity_label(label)
