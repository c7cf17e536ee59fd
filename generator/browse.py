"""Browse pages: the shelves a reader walks to find a thread.

One page per API family, platform and topic (threads newest first with
counts), an "Unclassified" list so nothing is lost, the API × platform matrix
on the home page, and the "All threads" table.  The sidebar nav lists these
pages, never the individual threads (DESIGN.md).
"""

from __future__ import annotations

from typing import Callable, Sequence

from generator.escape import escape_inline, link_text, safe_url
from generator.records import Enriched, PageDoc
from generator.answers import is_apple
from generator.site_pages import ThreadRows, all_threads_pages, home_page, listing_pages
from generator.taxonomy import Taxonomy, load_taxonomy

API_DIR = "apis"
PLATFORM_DIR = "platforms"
TOPIC_DIR = "topics"
UNCLASSIFIED_PATH = "unclassified.md"
ANSWERS_DIR = "answers"
# Answer lists: (file, title, who belongs, introduction).
# ``status`` is the item's order_answers status (ThreadRows.status).
ANSWER_LISTS: tuple[tuple[str, str, Callable[[Enriched, str], bool], str], ...] = (
    ("accepted", "Accepted answers", lambda item, status: status == "accepted",
     "Threads whose question has a reply marked as the accepted answer."),
    ("apple", "Answered by Apple", lambda item, status: any(is_apple(post) for post in item.thread.posts),
     "Threads where an Apple engineer (DTS, Apple Staff, Frameworks Engineer) replied, "
     "whether or not the reply is marked accepted."),
    ("unanswered", "Unanswered", lambda item, status: status == "unanswered",
     "Threads nobody has replied to yet — maybe you know the answer."),
)


def platform_file(platform_id: str) -> str:
    return f"{PLATFORM_DIR}/{platform_id.lower()}.md"


class _Shelves:
    """The items filed under each family, platform and topic id, gathered
    in one pass (35 shelves over 10,000 items otherwise)."""

    def __init__(self, items: Sequence[Enriched]) -> None:
        self.apis: dict[str, list[Enriched]] = {}
        self.platforms: dict[str, list[Enriched]] = {}
        self.topics: dict[str, list[Enriched]] = {}
        # (family, platform) -> items: one cell of the home page's table.
        self.cells: dict[tuple[str, str], list[Enriched]] = {}
        for item in items:
            for shelf, ids in ((self.apis, item.facts.apis), (self.platforms, item.facts.platforms), (self.topics, item.facts.topics)):
                for value in dict.fromkeys(ids):  # an id listed twice files the item once
                    shelf.setdefault(value, []).append(item)
            for family in dict.fromkeys(item.facts.apis):
                for platform in dict.fromkeys(item.facts.platforms):
                    self.cells.setdefault((family, platform), []).append(item)


def family_pages(taxonomy: Taxonomy, rows: ThreadRows, shelves: _Shelves) -> list[PageDoc]:
    pages = []
    for family in taxonomy.families:
        intro = [escape_inline(family.description)]
        doc = safe_url(family.doc_url)
        if doc:
            intro.append(f"Apple documentation: [{link_text(family.name)}]({doc})")
        if family.platforms:
            platform_links = ", ".join(
                f"[{escape_inline(p)}](../{platform_file(p)})" for p in family.platforms
            )
            intro.append(f"Available on: {platform_links}")
        members = shelves.apis.get(family.id, [])
        pages.extend(listing_pages(f"{API_DIR}/{family.id}.md", family.name, intro, members, rows))
    return pages


def cell_file(family_id: str, platform_id: str) -> str:
    """The list behind one count of the home page's API x platform table."""
    return f"{API_DIR}/{family_id}/{platform_id.lower()}.md"


def cell_pages(taxonomy: Taxonomy, rows: ThreadRows, shelves: _Shelves) -> list[PageDoc]:
    """One list per non-empty cell of the home page's table: the threads of
    that family on that platform (the count linked to the whole platform's
    list, which held every family's threads)."""
    pages = []
    for family in taxonomy.families:
        for platform in taxonomy.platforms:
            cell = shelves.cells.get((family.id, platform.id))
            if not cell:
                continue
            path = cell_file(family.id, platform.id)
            intro = [
                f"Threads about [{link_text(family.name)}](../{family.id}.md) "
                f"on [{escape_inline(platform.name)}](../../{platform_file(platform.id)})."
            ]
            pages.extend(listing_pages(path, f"{family.name} on {platform.name}", intro, cell, rows))
    return pages


def platform_pages(taxonomy: Taxonomy, rows: ThreadRows, shelves: _Shelves) -> list[PageDoc]:
    pages = []
    for platform in taxonomy.platforms:
        members = shelves.platforms.get(platform.id, [])
        intro = [f"Threads about Network Extension on {escape_inline(platform.name)}."]
        pages.extend(listing_pages(platform_file(platform.id), platform.name, intro, members, rows))
    return pages


def topic_pages(taxonomy: Taxonomy, rows: ThreadRows, shelves: _Shelves) -> list[PageDoc]:
    pages = []
    for topic in taxonomy.topics:
        members = shelves.topics.get(topic.id, [])
        intro = [escape_inline(topic.description)]
        pages.extend(listing_pages(f"{TOPIC_DIR}/{topic.id}.md", topic.name, intro, members, rows))
    return pages


def unclassified_pages(items: Sequence[Enriched], rows: ThreadRows) -> list[PageDoc]:
    members = [item for item in items if not item.facts.apis]
    intro = [
        "Threads the classifier could not file under any Network Extension API family "
        "(off-topic posts, or questions too general to place). Nothing is lost: they are listed here."
    ]
    return listing_pages(UNCLASSIFIED_PATH, "Unclassified", intro, members, rows)


def answer_pages(items: Sequence[Enriched], taxonomy: Taxonomy, rows: ThreadRows) -> list[PageDoc]:
    """Accepted / Answered by Apple / Unanswered: each a list like the
    others, newest first with each thread's families, in pages of
    PAGE_SIZE (grouped by family, one page listed a thread once per family:
    2,250 rows, 459 KB, at 8,000 threads)."""
    pages = []
    for key, title, belongs, intro in ANSWER_LISTS:
        members = [item for item in items if belongs(item, rows.status(item))]
        pages.extend(listing_pages(f"{ANSWERS_DIR}/{key}.md", title, [intro], members, rows))
    return pages


def matrix(items: Sequence[Enriched], taxonomy: Taxonomy, shelves: _Shelves) -> str:
    """API × platform table on the home page; each count links to its list."""
    platforms = [p.id for p in taxonomy.platforms]
    header = "| API | " + " | ".join(platforms) + " | All |"
    rule = "|---|" + "--:|" * (len(platforms) + 1)
    rows = [header, rule]
    for family in taxonomy.families:
        members = shelves.apis.get(family.id, [])
        if not members:
            continue
        cells = [f"[{link_text(family.name)}]({API_DIR}/{family.id}.md)"]
        for platform in platforms:
            count = len(shelves.cells.get((family.id, platform), ()))
            cells.append(f"[{count}]({cell_file(family.id, platform)})" if count else "·")
        cells.append(f"[{len(members)}]({API_DIR}/{family.id}.md)")
        rows.append("| " + " | ".join(cells) + " |")
    unclassified = sum(1 for item in items if not item.facts.apis)
    rows.append(
        f"| [Unclassified]({UNCLASSIFIED_PATH}) | " + " | ".join("" for _ in platforms) + f" | [{unclassified}]({UNCLASSIFIED_PATH}) |"
    )
    return "\n".join(rows)


def browse_pages(items: Sequence[Enriched], taxonomy: Taxonomy | None = None) -> list[PageDoc]:
    taxonomy = taxonomy or load_taxonomy()
    names = {family.id: family.name for family in taxonomy.families}
    forums = sorted({item.thread.forum for item in items if item.thread.forum})
    rows, shelves = ThreadRows(items, names), _Shelves(items)
    return [
        home_page(items, matrix(items, taxonomy, shelves), forums, rows),
        *all_threads_pages(items, rows),
        *family_pages(taxonomy, rows, shelves),
        *cell_pages(taxonomy, rows, shelves),
        *platform_pages(taxonomy, rows, shelves),
        *topic_pages(taxonomy, rows, shelves),
        *unclassified_pages(items, rows),
        *answer_pages(items, taxonomy, rows),
    ]


def sidebar_nav(taxonomy: Taxonomy | None = None) -> list[object]:
    """The sidebar: home, all threads, and one entry per family, platform and
    topic — generated from the taxonomy, so a new family needs no edit of
    mkdocs.yml.  Written into ``content/.forum-kb/site.yml``, which
    mkdocs.yml INHERITs (generator/siteconfig.py)."""
    taxonomy = taxonomy or load_taxonomy()
    return [
        {"Home": "index.md"},
        {"All threads": "all.md"},
        {"APIs": [{family.name: f"{API_DIR}/{family.id}.md"} for family in taxonomy.families]},
        {"Platforms": [{platform.name: platform_file(platform.id)} for platform in taxonomy.platforms]},
        {"Topics": [{topic.name: f"{TOPIC_DIR}/{topic.id}.md"} for topic in taxonomy.topics]},
        {"Answers": [{title: f"{ANSWERS_DIR}/{key}.md"} for key, title, _belongs, _intro in ANSWER_LISTS]},
        {"Unclassified": UNCLASSIFIED_PATH},
    ]
