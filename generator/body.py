"""Readable post bodies: the entry points the renderer calls.

``render_body`` turns a cleaned post body (one flattened line from the forum
listing, or multi-line text from RSS/saved pages) into safe Markdown:
prose paragraphs and lists (``prose.py``), and every code run found by
``segment.py`` reflowed by ``reflow.py`` into a fenced block with a language
tag.  ``original_text_block`` keeps the text as scraped on the page, collapsed
and out of the search index, so a reader can check the reflow.

Both are pure and total: any string gives Markdown, never a traceback.
"""

from __future__ import annotations

import html
import itertools
import re

from generator.escape import ESCAPED_CHARACTERS, code_fence
from generator.prose import render_prose
from generator.reflow import reflow
from generator.segment import segment

# Longer bodies are cut (with a note) so one pathological post cannot stall a
# run (QUALITY.md case 19): 40,000 characters of prose render in well under
# 0.5 s; the seed's longest body is ~5,300 characters, and the whole text
# stays readable in the collapsed "original text" block.
MAX_BODY_CHARS = 40_000
# ... and a body whose prose is dense with markup is cut sooner: each escaped
# character is one inline node for Python-Markdown (40,000 brackets took
# 0.55 s on a slow 2-core VM).  Code is fenced, so its characters cost
# nothing; the seed's prose holds at most 34 of them (140 with its code).
MAX_MARKUP_CHARS = 10_000
_MARKUP = re.compile("[" + re.escape(ESCAPED_CHARACTERS) + "]")
# The collapsed original is cheap to render but still passes through
# Python-Markdown's raw-HTML handling; a 5 MB post keeps its first 200,000.
MAX_ORIGINAL_CHARS = 200_000


def render_body(text: str) -> str:
    """Markdown for the question or a reply body ("" for an empty body).

    Blocks are separated by one blank line and the result ends with a newline.
    """
    if not isinstance(text, str):
        return ""
    end = min(len(text), MAX_BODY_CHARS)
    parts = segment(text[:end])
    # Shorter text cannot hold that many: most bodies are never scanned.
    dense = end > MAX_MARKUP_CHARS and sum(
        len(_MARKUP.findall(part.text)) for part in parts if part.kind != "code"
    ) > MAX_MARKUP_CHARS
    if dense:
        # Segments are not slices of the text, so the cut is made in the
        # text, counting code's characters too: early, if anything.
        end = _markup_cut(text, end)
        parts = segment(text[:end])
    note = f"*Body shortened to {end:,} of {len(text):,} characters.*" if end < len(text) else ""
    blocks: list[str] = []
    for part in parts:
        if part.kind == "code":
            blocks.append(code_fence(reflow(part.text, part.flavor, part.verbatim), part.language))
        else:
            blocks.append(render_prose(part.text))
    blocks.append(note)
    markdown = "\n\n".join(block for block in blocks if block.strip())
    return markdown + "\n" if markdown else ""


def _markup_cut(text: str, end: int) -> int:
    """Where ``text[:end]`` holds its markup character number
    :data:`MAX_MARKUP_CHARS` + 1 (``end`` when it holds fewer)."""
    beyond = next(itertools.islice(_MARKUP.finditer(text, 0, end), MAX_MARKUP_CHARS, None), None)
    return beyond.start() if beyond is not None else end


def original_text_block(text: str) -> str:
    """The body as scraped, in a collapsed ``<details>`` block that Material's
    search skips (``data-search-exclude``).

    The HTML is the converter's own; the scraped text inside is entity-escaped
    and its newlines are written as ``&#10;`` so the raw HTML block has no
    blank line and Python-Markdown keeps it as one block.
    """
    if not isinstance(text, str) or not text.strip():
        return ""
    summary = "Original text (as scraped)"
    if len(text) > MAX_ORIGINAL_CHARS:
        summary = f"Original text (as scraped; first {MAX_ORIGINAL_CHARS:,} of {len(text):,} characters)"
        text = text[:MAX_ORIGINAL_CHARS]
    escaped = html.escape(text, quote=True).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "&#10;")
    return (
        '<details class="kb-original" data-search-exclude>'
        f"<summary>{summary}</summary>"
        f"<pre>{escaped}</pre></details>\n"
    )
