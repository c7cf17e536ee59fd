"""Page slugs: short, ASCII, safe on every file system, stable across runs.

``<words of the title, at most 60 chars>-<6 hex digits>``: the words make the
URL readable, the digits (a hash of the thread's identity key) make it unique
— titles that differ only in case, in Unicode normal form, or that slugify to
nothing (``..``, emoji) still get distinct names, and Windows' reserved names
(``CON``, ``NUL``) can never stand alone.  Once published a slug is kept by the
state file (``generator.state``) even if the title or key changes later.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_WORDS_LENGTH = 60
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,70}-[0-9a-f]{6,16}$")


def words(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NON_ALNUM.sub("-", ascii_title.lower()).strip("-")
    if len(slug) > MAX_WORDS_LENGTH:
        cut = slug[:MAX_WORDS_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[20:] else cut
    return slug.strip("-") or "thread"


def key_digest(key: str, length: int = 6) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def make_slug(title: str, key: str, length: int = 6) -> str:
    return f"{words(title)}-{key_digest(key, length)}"


def assign_slugs(items: list[tuple[str, str]], taken: dict[str, str] | None = None) -> dict[str, str]:
    """Map each ``(key, title)`` to a unique slug.

    ``taken`` maps keys to slugs already published (from the state file); they
    are kept.  A rare digest collision lengthens the digest of the later key
    (keys sorted), so the result never depends on input order."""
    taken = dict(taken or {})
    result: dict[str, str] = {}
    used = set()
    for key, _title in sorted(items):
        if key in taken and taken[key] not in used:
            result[key] = taken[key]
            used.add(taken[key])
    for key, title in sorted(items):
        if key in result:
            continue
        length = 6
        slug = make_slug(title, key, length)
        while slug in used:
            length += 2
            slug = make_slug(title, key, length)
        result[key] = slug
        used.add(slug)
    return result
