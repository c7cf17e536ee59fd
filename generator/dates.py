"""Resolving the forum's relative activity labels against a scrape date.

The listing shows "5h", "2d", "3w" for recent activity and "Feb ’26" or
"Mar 2025" for older threads.  A label is resolved against the date the page
was scraped — never against today's clock — and keeps its precision:

* ``Ns``/``Nm``/``Nh``/``now``/``just now``  -> the scrape day (``YYYY-MM-DD``)
* ``Nd``/``yesterday``                       -> scrape day minus N days
* ``Nw``                                     -> scrape day minus 7·N days
* ``Nmo``                                    -> month precision (``YYYY-MM``)
* ``Ny``                                     -> year precision (``YYYY``)
* ``Feb ’26``, ``Feb '26``, ``Feb 2026``     -> ``YYYY-MM``
* ``Feb 12, 2026``, ``2026-02-12``           -> that day
* ``Mar 12``                                 -> that day of the scrape's year
                                               (the year before if later)
* spelled-out units work too: ``2 days ago``, ``an hour ago``, ``3 weeks``

An unknown label resolves to ``""`` (the caller reports it).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_RELATIVE = re.compile(
    r"^(\d{1,4}|an?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?"
    r"|mo|mos|months?|y|yrs?|years?)(?:\s+ago)?$",
    re.I,
)
_UNIT = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes",
                     "h", "hr", "hrs", "hour", "hours"), "today"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "mo"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "y"),
}
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?\s+(?:[’'‘`´]\s*(\d{2})|(\d{4}))$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
# "Mar 12": a day of the scrape's year (of the year before when that day is
# later than the scrape).
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def parse_iso_day(value: str) -> date | None:
    """``YYYY-MM-DD`` (optionally followed by a time) -> date, else None."""
    match = _ISO_DAY.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def is_activity_label(label: str) -> bool:
    """True when ``label`` has the shape of an activity label (any date)."""
    label = label.strip()
    if label.lower() in {"now", "just now", "yesterday", "today"}:
        return True
    return bool(
        _RELATIVE.match(label)
        or _MONTH_YEAR.match(label) and label.split()[0].rstrip(".").lower() in _MONTHS
        or _MONTH_DAY_YEAR.match(label) and label.split()[0].rstrip(".").lower() in _MONTHS
        or _MONTH_DAY.match(label) and label.split()[0].rstrip(".").lower() in _MONTHS
        or parse_iso_day(label)
    )


def resolve_activity(label: str, scraped_on: str) -> str:
    """Resolve ``label`` against the ISO scrape date; ``""`` when unknown,
    and when the answer would fall before year 1 (``3w`` before a scrape
    dated 0001-01-01, ``5000y``): no calendar date to give."""
    try:
        resolved = _resolve(label.strip(), scraped_on)
    except OverflowError:  # date arithmetic below date.min
        return ""
    return "" if resolved.startswith(("-", "0000")) else resolved


def _resolve(label: str, scraped_on: str) -> str:
    month_year = _MONTH_YEAR.match(label)
    if month_year:
        month = _MONTHS.get(month_year[1].lower())
        if month is None:
            return ""
        year = int(month_year[3]) if month_year[3] else 2000 + int(month_year[2])
        return f"{year:04d}-{month:02d}"
    full = _MONTH_DAY_YEAR.match(label)
    if full:
        month = _MONTHS.get(full[1].lower())
        try:
            return date(int(full[3]), month or 0, int(full[2])).isoformat()
        except ValueError:
            return ""
    absolute = parse_iso_day(label)
    if absolute:
        return absolute.isoformat()
    scraped = parse_iso_day(scraped_on)
    if scraped is None:
        return ""
    lowered = label.lower()
    if lowered in {"now", "just now", "today"}:
        return scraped.isoformat()
    if lowered == "yesterday":
        return (scraped - timedelta(days=1)).isoformat()
    month_day = _MONTH_DAY.match(label)
    if month_day and month_day[1].lower() in _MONTHS:
        month, day = _MONTHS[month_day[1].lower()], int(month_day[2])
        for year in (scraped.year, scraped.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if candidate <= scraped:
                return candidate.isoformat()
        return ""
    relative = _RELATIVE.match(label)
    if not relative:
        return ""
    amount = 1 if relative[1].lower() in {"a", "an"} else int(relative[1])
    unit = _UNIT[relative[2].lower()]
    if unit == "today":
        # Hours-old activity is reported on the scrape day: the listing gives no
        # time of day, so a finer answer would be invented.
        return scraped.isoformat()
    if unit == "d":
        return (scraped - timedelta(days=amount)).isoformat()
    if unit == "w":
        return (scraped - timedelta(weeks=amount)).isoformat()
    if unit == "mo":
        month_index = scraped.year * 12 + (scraped.month - 1) - amount
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    return f"{scraped.year - amount:04d}"
