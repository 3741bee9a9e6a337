"""Every query on suggestions, their sources and feedback."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcrm.assist.suggestions.models import Suggestion, SuggestionFeedback, SuggestionSource


def get(session: Session, suggestion_id: int) -> Suggestion | None:
    """A suggestion by id."""
    return session.get(Suggestion, suggestion_id)


def sources(session: Session, suggestion_id: int) -> Sequence[SuggestionSource]:
    """The passages behind a suggestion, in retrieval order."""
    query = (
        select(SuggestionSource)
        .where(SuggestionSource.suggestion_id == suggestion_id)
        .order_by(SuggestionSource.rank)
    )
    return session.scalars(query).all()


def find_feedback(
    session: Session, suggestion_id: int, action: str | None
) -> SuggestionFeedback | None:
    """The verdict already given on a suggestion's draft (action None) or on one action."""
    query = select(SuggestionFeedback).where(SuggestionFeedback.suggestion_id == suggestion_id)
    if action is None:
        query = query.where(SuggestionFeedback.action.is_(None))
    else:
        query = query.where(SuggestionFeedback.action == action)
    return session.scalars(query.limit(1)).first()


def draft_verdicts(session: Session) -> Sequence[Any]:
    """(verdict, count) over every verdict on a draft."""
    query = (
        select(SuggestionFeedback.verdict, func.count())
        .where(SuggestionFeedback.action.is_(None))
        .group_by(SuggestionFeedback.verdict)
    )
    return session.execute(query).all()


def article_verdicts(session: Session) -> Sequence[Any]:
    """(doc_id, title, verdict, count) for drafts that cited each article."""
    query = (
        select(
            SuggestionSource.doc_id,
            func.max(SuggestionSource.title),
            SuggestionFeedback.verdict,
            func.count(func.distinct(SuggestionFeedback.id)),
        )
        .join(SuggestionSource, SuggestionSource.suggestion_id == SuggestionFeedback.suggestion_id)
        .where(
            SuggestionFeedback.action.is_(None),
            SuggestionSource.source == "article",
            SuggestionSource.cited.is_(True),
        )
        .group_by(SuggestionSource.doc_id, SuggestionFeedback.verdict)
    )
    return session.execute(query).all()


def action_verdicts(session: Session) -> Sequence[Any]:
    """(action, verdict, count) for verdicts on suggested actions."""
    query = (
        select(SuggestionFeedback.action, SuggestionFeedback.verdict, func.count())
        .where(SuggestionFeedback.action.is_not(None))
        .group_by(SuggestionFeedback.action, SuggestionFeedback.verdict)
    )
    return session.execute(query).all()


def verdicts_since(session: Session, *, since: datetime | None = None) -> Sequence[Any]:
    """(suggestion_id, verdict) of every verdict given since a moment (ever when None)."""
    query = select(SuggestionFeedback.suggestion_id, SuggestionFeedback.verdict)
    if since is not None:
        query = query.where(SuggestionFeedback.created_at >= since)
    return session.execute(query).all()
