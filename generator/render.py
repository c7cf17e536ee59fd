"""The render stage for thread pages: Enriched -> PageDoc.

Frontmatter keys follow DESIGN.md's order; every value is plain data and is
serialised later by ``yaml.safe_dump``.  The body is Markdown in which every
scraped string went through ``generator.escape`` (or the body renderer, which
uses it), so it renders literally; the only live links are the ones made here.
"""

from __future__ import annotations

import re

from generator.answers import AnswerOrder, order_answers
from generator.body import original_text_block, render_body
from generator.escape import code_span, escape_inline, link_text, safe_url
from generator.records import Enriched, Evidence, Facts, PageDoc, Post, Related
from generator.searchterms import search_terms
from generator.taxonomy import load_taxonomy

THREADS_DIR = "threads"
# A title this long is cut where it is displayed (heading, <title>, lists);
# the whole title stays in the body and in the frontmatter.
DISPLAY_TITLE_LIMIT = 160
FORUM_URL_PREFIX = "https://developer.apple.com/forums/"


def display_title(title: str) -> str:
    if len(title) <= DISPLAY_TITLE_LIMIT:
        return title
    return title[: DISPLAY_TITLE_LIMIT - 1].rstrip() + "…"


def thread_path(slug: str) -> str:
    return f"{THREADS_DIR}/{slug}.md"


def forum_url(url: str) -> str:
    """The thread's original URL, only when it is an https URL on Apple's forums."""
    safe = safe_url(url)
    return safe if safe and safe.startswith(FORUM_URL_PREFIX) else ""


def reason_markdown(why: str) -> str:
    """A converter-made reason that may quote symbols in backticks: the quoted
    parts become code spans, the rest is escaped text."""
    parts = re.split(r"`([^`\n]+)`", why)
    return "".join(code_span(part) if i % 2 else escape_inline(part) for i, part in enumerate(parts))


def related_list(links: tuple[Related, ...]) -> str:
    lines = []
    for link in links:
        title = link_text(display_title(link.title))
        lines.append(f"- [{title}]({link.slug}.md) — {reason_markdown(link.why)}")
    return "\n".join(lines)


def thread_meta(item: Enriched) -> dict[str, object]:
    thread, facts = item.thread, item.facts
    meta: dict[str, object] = {
        "title": display_title(thread.title),
        "slug": item.slug,
        "forum": thread.forum,
        "url": forum_url(thread.url),
        "replies": thread.replies,
        "boosts": thread.boosts,
        "views": thread.views,
        "activity": thread.activity,
        "last_active": thread.last_active,
        "apis": list(facts.apis),
        "platforms": list(facts.platforms),
        "os_versions": list(facts.os_versions),
        "topics": list(facts.topics),
        "symbols": list(facts.symbols),
        "related": [{"slug": r.slug, "title": r.title, "why": r.why} for r in item.related],
        "tags": page_tags(item),
        # Thread pages are searched through the sharded index the converter
        # writes (generator/searchindex.py), not through Material's single index.
        "search": {"exclude": True},
    }
    answers = order_answers(thread)
    meta["answered"] = answers.status
    meta["answer_author_role"] = answers.answer_role
    meta["posts"] = 1 + len(thread.posts)
    return meta


def page_tags(item: Enriched) -> list[str]:
    """Tags for Material's tags plugin: the families and platforms (ids from
    the taxonomy only, so ``tags_allowed`` can reject a typo)."""
    return [*item.facts.apis, *item.facts.platforms, *item.facts.topics]


def _post_heading(post: Post, label: str) -> str:
    who = escape_inline(post.author) if post.author else "Anonymous"
    # A post shown only by its badge has the badge as its author: say it once.
    role = f" ({escape_inline(post.role)})" if post.role and post.role != post.author else ""
    when = f" · {escape_inline(post.date)}" if post.date else ""
    return f"### {label}: {who}{role}{when}"


def _post_section(post: Post, label: str) -> list[str]:
    body = render_body(post.body) if post.body else "*(no text)*"
    return [_post_heading(post, label), body]


def answer_sections(answers: AnswerOrder) -> list[str]:
    """The accepted answer (or first Apple reply) first, then the rest in
    page order; a comment follows the reply it was made under."""
    parts: list[str] = []
    if answers.first is not None:
        label = "Accepted answer" if answers.status == "accepted" else "Reply from Apple (not marked as accepted)"
        parts += ["## Answer", *_post_section(answers.first, label)]
    if answers.rest:
        parts.append("## Other replies" if answers.first else "## Replies")
        for post in answers.rest:
            parts += _post_section(post, "Comment" if post.is_comment else "Reply")
    return parts


_PLACE_WORDS = {"title": "the title", "body": "the question", "answer": "the replies"}


def _strongest(evidence: tuple[Evidence, ...], field: str, value: str) -> Evidence | None:
    candidates = [e for e in evidence if e.field == field and e.value == value]
    order = {"title": 0, "body": 1, "answer": 2}
    return min(candidates, key=lambda e: (-e.weight, order.get(e.where, 3), e.cue), default=None)


def _because(evidence: Evidence | None) -> str:
    if evidence is None:
        return ""
    return f" ({code_span(evidence.cue)} in {_PLACE_WORDS.get(evidence.where, evidence.where)})"


def filed_under(facts: Facts) -> str:
    """"Filed under … because …": the strongest cue behind each family and
    platform, so a reader can see why the thread is on that shelf."""
    taxonomy = load_taxonomy()
    names = {family.id: family.name for family in taxonomy.families}
    topic_names = {topic.id: topic.name for topic in taxonomy.topics}
    shelves = []
    for api in facts.apis:
        link = f"[{link_text(names.get(api, api))}](../apis/{api}.md)"
        shelves.append(link + _because(_strongest(facts.evidence, "apis", api)))
    for platform in facts.platforms:
        link = f"[{link_text(platform)}](../platforms/{platform.lower()}.md)"
        shelves.append(link + _because(_strongest(facts.evidence, "platforms", platform)))
    for topic in facts.topics:
        link = f"[{link_text(topic_names.get(topic, topic))}](../topics/{topic}.md)"
        shelves.append(link + _because(_strongest(facts.evidence, "topics", topic)))
    if not shelves:
        return "*Filed under:* [Unclassified](../unclassified.md) (no Network Extension API named)"
    line = "*Filed under:* " + "; ".join(shelves)
    if facts.os_versions:
        line += " · *seen on* " + ", ".join(escape_inline(v) for v in facts.os_versions)
    return line


def render_thread(item: Enriched) -> PageDoc:
    thread = item.thread
    parts: list[str] = [f"# {escape_inline(display_title(thread.title))}"]
    if len(thread.title) > DISPLAY_TITLE_LIMIT:
        parts.append(f"**Full title:** {escape_inline(thread.title)}")
    terms = search_terms(item, load_taxonomy())
    if terms:
        # Hidden words only the search index reads: identifier parts and the
        # family's plain-English aliases (generator/searchterms.py).
        parts.append(terms.rstrip("\n"))
    parts.append(filed_under(item.facts))
    if item.asked_before:
        parts.append("!!! info \"Asked before / also asked\"\n\n" + _indent(related_list(item.asked_before)))
    parts.append("## Question")
    parts.append(render_body(thread.body) if thread.body else "*The scrape has no text for this question.*")
    if thread.body:
        parts.append(original_text_block(thread.body))
    parts += answer_sections(order_answers(thread))
    if item.related:
        # Raw heading so Material's search skips the section: other threads'
        # titles would otherwise make this page match their queries.
        parts.append('<h2 id="related-threads" data-search-exclude>Related threads</h2>')
        parts.append(related_list(item.related))
    return PageDoc(thread_path(item.slug), thread_meta(item), "\n\n".join(parts) + "\n")


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.split("\n"))


def redirect_pages(redirects: dict[str, str], live: dict[str, Enriched]) -> list[PageDoc]:
    """Old paths of threads that were merged into another: a small page that
    links to where the thread lives now, so published links keep working."""
    pages = []
    for old, new in sorted(redirects.items()):
        target = live.get(new)
        if target is None:
            continue
        title = display_title(target.thread.title)
        body = (
            f"# Moved: {escape_inline(title)}\n\n"
            f"This thread now lives at [{link_text(title)}]({new}.md).\n"
        )
        meta = {"title": f"Moved: {title}", "slug": old, "moved_to": new, "search": {"exclude": True}}
        pages.append(PageDoc(thread_path(old), meta, body))
    return pages
