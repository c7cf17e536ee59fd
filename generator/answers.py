"""Which reply a reader should see first, and how a thread stands.

* ``accepted``: a reply is marked as the accepted answer (whoever wrote it);
* ``apple-replied``: no accepted answer, but an Apple engineer replied — the
  first such reply is shown first, labelled as an Apple reply, not accepted;
* ``replied``: other people replied (or the listing counts replies that the
  scrape does not hold);
* ``unanswered``: nobody replied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.records import Post, Thread

# Badges the forums give Apple people ("DTS Engineer", "Apple Staff",
# "Frameworks Engineer", "Developer Technical Support", "Apple").
_APPLE_ROLE = re.compile(r"\b(?:DTS|Apple|Frameworks Engineer|Developer Technical Support|Worldwide Developer Relations)\b", re.I)


def is_apple(post: Post) -> bool:
    return bool(post.role and _APPLE_ROLE.search(post.role))


@dataclass(frozen=True)
class AnswerOrder:
    status: str  # accepted | apple-replied | replied | unanswered
    first: Post | None  # the reply shown first, if any
    rest: tuple[Post, ...]  # the other posts, in page order

    @property
    def answer_role(self) -> str:
        return self.first.role if self.first else ""


def order_answers(thread: Thread) -> AnswerOrder:
    posts = thread.posts
    replies = [post for post in posts if not post.is_comment]
    first = next((post for post in replies if post.accepted), None)
    status = "accepted" if first else ""
    if first is None:
        first = next((post for post in replies if is_apple(post)), None)
        status = "apple-replied" if first else ""
    if not status:
        status = "replied" if replies or thread.replies > 0 else "unanswered"
    rest = tuple(post for post in posts if post is not first)
    return AnswerOrder(status, first, rest)
