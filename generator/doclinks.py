"""Documentation URLs for what a forum post names: NE symbols, Tech Notes, WWDC
sessions, and the Feedback badge.

Only the converter makes links (DESIGN.md, "Untrusted input"): every URL built
here is an ``https://developer.apple.com/...`` address assembled from a
validated symbol or number, never a piece of scraped text.

The technote and session tables live in ``technotes.yaml`` next to this
module: Apple's technote URLs carry a title slug that cannot be derived from
the number, so unknown numbers fall back to the technote index.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

NE_DOCS = "https://developer.apple.com/documentation/networkextension/"
VIDEOS = "https://developer.apple.com/videos/play/"
TECHNOTES_FILE = Path(__file__).with_name("technotes.yaml")

# Network Extension symbols: the "NE" prefix, then a capitalised word that
# contains a lower-case letter (so the acronym "NEXT" is not a symbol).
NE_SYMBOL = re.compile(r"NE[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*")
# Classes of the framework that predate the NE prefix.
NW_CLASSES = frozenset(
    {"NWHostEndpoint", "NWBonjourServiceEndpoint", "NWTCPConnection", "NWUDPSession"}
)
# Names with the NE prefix whose page is not under /networkextension/
# (notifications are documented under Foundation's NSNotification.Name).
_NOT_A_PAGE = re.compile(r"Notification$")


@cache
def _tables() -> dict[str, object]:
    """The static link tables shipped with the package (read once)."""
    try:
        loaded = yaml.safe_load(TECHNOTES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        loaded = None
    return loaded if isinstance(loaded, dict) else {}


def symbol_doc_url(symbol: str) -> str | None:
    """The NetworkExtension reference page of a class or protocol, or ``None``.

    ``symbol`` may carry a member (``NEFilterNewFlowVerdict.filterDataVerdict``);
    the link goes to the type's page.
    """
    type_name = symbol.split(".", 1)[0]
    if type_name in NW_CLASSES or (
        NE_SYMBOL.fullmatch(type_name) and not _NOT_A_PAGE.search(type_name)
    ):
        return NE_DOCS + type_name.lower()
    return None


def technote_url(number: str) -> str:
    """The page of Tech Note ``TN####``; the technote index when its slug is unknown."""
    tables = _tables()
    index = str(tables.get("technote_index") or "https://developer.apple.com/documentation/technotes")
    known = tables.get("technotes")
    key = number.upper()
    if isinstance(known, dict) and re.fullmatch(r"TN\d{4}", key):
        slug = known.get(key)
        if isinstance(slug, str) and re.fullmatch(r"[a-z0-9-]+", slug):
            return f"{index}/{slug}"
    return index


def wwdc_url(year: int | str, session: int | str) -> str | None:
    """``https://developer.apple.com/videos/play/wwdcYYYY/NNN/`` for a session.

    Two-digit years ("WWDC25") mean 20YY.  Returns ``None`` for numbers that
    cannot be a WWDC session (year before 2010, session outside 1..99999).
    """
    try:
        year_number, session_number = int(str(year)), int(str(session))
    except ValueError:
        return None
    if year_number < 100:
        year_number += 2000
    if not (2010 <= year_number <= 2099 and 0 < session_number < 100000):
        return None
    return f"{VIDEOS}wwdc{year_number}/{session_number}/"


def wwdc_url_for_title(title: str) -> str | None:
    """The video of a session cited by its title, when the table knows it."""
    titles = _tables().get("wwdc_titles")
    if not isinstance(titles, dict):
        return None
    path = titles.get(" ".join(title.lower().split()))
    match = re.fullmatch(r"wwdc(\d{4})/(\d+)", str(path or ""))
    return wwdc_url(match.group(1), match.group(2)) if match else None


def known_wwdc_titles() -> tuple[str, ...]:
    """Lower-cased session titles the table can link, longest first."""
    titles = _tables().get("wwdc_titles")
    if not isinstance(titles, dict):
        return ()
    return tuple(sorted((str(t) for t in titles), key=lambda t: (-len(t), t)))


def feedback_badge(feedback_id: str) -> str | None:
    """Inline badge for a Feedback Assistant id (``FB12345678``).

    Feedback reports have no public URL, so this is a styled label, not a
    link.  The id is validated to ``FB`` + digits before it is put in HTML.
    """
    key = feedback_id.upper()
    if not re.fullmatch(r"FB\d{5,12}", key):
        return None
    return f'<span class="kb-feedback" title="Feedback Assistant report (not public)">{key}</span>'
