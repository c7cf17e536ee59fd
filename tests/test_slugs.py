"""Slugs: short, ASCII, unique, stable; safe file names for hostile titles."""

import pytest

from generator.slugs import SLUG_PATTERN, assign_slugs, make_slug


@pytest.mark.parametrize(
    "title",
    ["..", "🔥🔥", "CON", "NUL", "x" * 400, "../../etc/passwd", "Café", "Cafe\u0301", "a/b\\c", ""],
)
def test_hostile_titles_give_safe_ascii_slugs(title):
    slug = make_slug(title, f"title:{title}")
    assert SLUG_PATTERN.match(slug), slug
    assert slug.isascii() and len(slug) <= 80
    assert slug.lower() not in {"con", "nul", "prn", "aux"}


def test_titles_differing_in_case_or_normal_form_get_distinct_stable_slugs():
    items = [("title:Café", "Café"), ("title:Cafe\u0301", "Café"), ("title:CAFÉ", "CAFÉ"), ("title:café", "café")]
    slugs = assign_slugs(items)
    assert len(set(slugs.values())) == 4
    assert len({s.lower() for s in slugs.values()}) == 4  # case-insensitive file systems
    assert assign_slugs(list(reversed(items))) == slugs


def test_published_slug_is_kept():
    slugs = assign_slugs([("id:1", "Corrected title")], taken={"id:1": "old-title-abcdef"})
    assert slugs == {"id:1": "old-title-abcdef"}
