"""Overall knowledge quality: deflection, suggestion acceptance, handoff reasons, usage totals.

The chat and suggestion-feedback tables belong to kcrm/assist; they are read through light
table handles (no import of that package) and give clear zeros where they do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String, func, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import column, table

from kcrm.core.db import utcnow
from kcrm.knowledge.curation import repository
from kcrm.knowledge.curation.models import ArticleUsage, UsageKind

_SESSIONS = table(
    "chat_sessions",
    column("id", Integer),
    column("status", String),
    column("created_at", DateTime),
)
_FEEDBACK = table(
    "assist_feedback",
    column("suggestion_id", Integer),
    column("verdict", String),
    column("created_at", DateTime),
)
_MESSAGES = table(
    "chat_messages",
    column("session_id", Integer),
    column("handoff", Boolean),
    column("handoff_reason", String),
    column("created_at", DateTime),
)


@dataclass
class Overview:
    """The numbers on the knowledge manager's dashboard."""

    chat_sessions: int = 0
    handed_off: int = 0
    deflection_rate: float = 0.0
    handoff_reasons: dict[str, int] = field(default_factory=dict)
    suggestions_decided: int = 0
    suggestions_accepted: int = 0
    suggestion_acceptance_rate: float = 0.0
    usage: dict[str, int] = field(default_factory=dict)
    articles: dict[str, int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


def _has(session: Session, name: str) -> bool:
    return bool(inspect(session.connection()).has_table(name))


def _since(query: Any, created_at: Any, since: datetime | None) -> Any:
    return query if since is None else query.where(created_at >= since)


def _chat(session: Session, overview: Overview, since: datetime | None) -> None:
    if not (_has(session, "chat_sessions") and _has(session, "chat_messages")):
        return
    overview.sources.append("chat")
    total = session.scalar(
        _since(select(func.count()).select_from(_SESSIONS), _SESSIONS.c.created_at, since)
    )
    handed = _since(
        select(func.count()).select_from(_SESSIONS).where(_SESSIONS.c.status == "handed_off"),
        _SESSIONS.c.created_at,
        since,
    )
    overview.chat_sessions, overview.handed_off = int(total or 0), int(session.scalar(handed) or 0)
    if overview.chat_sessions:
        deflected = overview.chat_sessions - overview.handed_off
        overview.deflection_rate = round(deflected / overview.chat_sessions, 4)
    reasons = select(_MESSAGES.c.handoff_reason, func.count()).where(_MESSAGES.c.handoff.is_(True))
    reasons = _since(reasons, _MESSAGES.c.created_at, since).group_by(_MESSAGES.c.handoff_reason)
    overview.handoff_reasons = {
        str(r or "unspecified"): int(n) for r, n in session.execute(reasons)
    }


def suggestions_from_feedback(session: Session, since: datetime | None) -> tuple[int, int]:
    """(accepted, decided) suggestions from the agents' verdicts; an edited one was used."""
    query = select(_FEEDBACK.c.suggestion_id, _FEEDBACK.c.verdict)
    verdicts = session.execute(_since(query, _FEEDBACK.c.created_at, since)).all()
    accepted = {s for s, v in verdicts if v in ("accepted", "edited")}
    return len(accepted), len({s for s, _ in verdicts})


def suggestions_from_usage(session: Session, since: datetime | None) -> tuple[int, int]:
    """(accepted, decided) suggestions from usage events with ref "suggestion:N"."""
    accepted = set(session.scalars(_usage_refs(UsageKind.accepted, since)))
    decided = accepted | set(session.scalars(_usage_refs(UsageKind.rejected, since)))
    return len(accepted), len(decided)


def _suggestions(session: Session, overview: Overview, since: datetime | None) -> None:
    if _has(session, "assist_feedback"):
        overview.sources.append("suggestions")
        accepted, decided = suggestions_from_feedback(session, since)
    else:
        accepted, decided = suggestions_from_usage(session, since)
    overview.suggestions_accepted, overview.suggestions_decided = accepted, decided
    if decided:
        overview.suggestion_acceptance_rate = round(accepted / decided, 4)


def _usage_refs(kind: UsageKind, since: datetime | None) -> Any:
    query = select(ArticleUsage.ref).distinct()
    query = query.where(ArticleUsage.kind == kind, ArticleUsage.ref.like("suggestion:%"))
    return _since(query, ArticleUsage.created_at, since)


def overview(session: Session, *, since: datetime | None = None) -> Overview:
    """Deflection rate, suggestion acceptance, handoff reasons, usage and article counts."""
    result = Overview()
    _chat(session, result, since)
    _suggestions(session, result, since)
    result.usage = repository.usage_totals(session, since=since)
    result.articles = repository.status_counts(session)
    return result


def days_ago(days: int) -> datetime:
    """The moment `days` days ago."""
    return utcnow() - timedelta(days=days)
