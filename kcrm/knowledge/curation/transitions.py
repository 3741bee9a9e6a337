"""The article status transition table, shared by the lifecycle and the article PATCH."""

from __future__ import annotations

from kcrm.core.errors import Conflict
from kcrm.knowledge.articles.models import ArticleStatus

S = ArticleStatus
TRANSITIONS: dict[ArticleStatus, frozenset[ArticleStatus]] = {
    S.draft: frozenset({S.in_review, S.retired}),
    S.in_review: frozenset({S.draft, S.published, S.retired}),
    # A published article goes back to review to be revised; it is off search meanwhile.
    S.published: frozenset({S.in_review, S.retired}),
    S.retired: frozenset({S.draft}),
}


def check_transition(current: ArticleStatus, target: ArticleStatus) -> None:
    """Refuse (409) a status change the table does not allow."""
    if target == current:
        return
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        raise Conflict(f"an article cannot go from {current} to {target}; allowed: {allowed}")
