"""The render stage for thread pages: Enriched -> PageDoc.

Frontmatter keys follow DESIGN.md's order; every value is plain data and is
serialised later by ``yaml.safe_dump``.  The body is Markdown in which every
scraped string went through ``generator.escape`` (or the body renderer, which
uses it), so it renders literally; the only live links are the ones made here.
"""

from __future__ import annotations

import re

from generator.body import original_text_block, render_body
from generator.escape import code_span, escape_inline, link_text, safe_url
from generator.records import Enriched, PageDoc, Post, Related

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
    }
    return meta


def page_tags(item: Enriched) -> list[str]:
    """Tags for Material's tags plugin: the families and platforms (ids from
    the taxonomy only, so ``tags_allowed`` can reject a typo)."""
    return [*item.facts.apis, *item.facts.platforms, *item.facts.topics]


def _post_heading(post: Post, label: str) -> str:
    who = escape_inline(post.author) if post.author else "Anonymous"
    role = f" ({escape_inline(post.role)})" if post.role else ""
    when = f" · {escape_inline(post.date)}" if post.date else ""
    return f"### {label}: {who}{role}{when}"


def render_thread(item: Enriched) -> PageDoc:
    thread = item.thread
    parts: list[str] = [f"# {escape_inline(display_title(thread.title))}"]
    if len(thread.title) > DISPLAY_TITLE_LIMIT:
        parts.append(f"**Full title:** {escape_inline(thread.title)}")
    if item.asked_before:
        parts.append("!!! info \"Asked before / also asked\"\n\n" + _indent(related_list(item.asked_before)))
    parts.append("## Question")
    parts.append(render_body(thread.body) if thread.body else "*The scrape has no text for this question.*")
    if thread.body:
        parts.append(original_text_block(thread.body))
    answers = [post for post in thread.posts if not post.is_comment]
    if answers:
        parts.append("## Replies")
        for post in thread.posts:
            label = "Accepted answer" if post.accepted else ("Comment" if post.is_comment else "Reply")
            parts.append(_post_heading(post, label))
            parts.append(render_body(post.body) if post.body else "*(empty)*")
    if item.related:
        parts.append("## Related threads")
        parts.append(related_list(item.related))
    return PageDoc(thread_path(item.slug), thread_meta(item), "\n\n".join(parts) + "\n")


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else line for line in text.split("\n"))
