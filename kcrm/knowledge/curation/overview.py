"""Overall knowledge quality: deflection, suggestion acceptance, handoff reasons, usage totals.

The chat sessions and the agents' verdicts belong to kcrm/assist; their numbers come from
that package's repositories, so a renamed table or column there breaks loudly here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kcrm.assist.chat import repository as chat_repository
from kcrm.assist.suggestions import repository as suggestion_repository
from kcrm.assist.suggestions.models import Verdict
from kcrm.core.db import utcnow
from kcrm.knowledge.curation import repository

USED = (Verdict.accepted, Verdict.edited)


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
    sources: list[str] = field(default_factory=lambda: ["chat", "suggestions"])


def _chat(session: Session, overview: Overview, since: datetime | None) -> None:
    total, handed_off = chat_repository.session_counts(session, since=since)
    overview.chat_sessions, overview.handed_off = total, handed_off
    if total:
        overview.deflection_rate = round((total - handed_off) / total, 4)
    reasons = chat_repository.handoff_reasons(session, since=since)
    overview.handoff_reasons = {str(r or "unspecified"): n for r, n in reasons.items()}


def suggestions_from_feedback(session: Session, since: datetime | None) -> tuple[int, int]:
    """(accepted, decided) suggestions from the agents' verdicts; an edited one was used."""
    verdicts = suggestion_repository.verdicts_since(session, since=since)
    accepted = {s for s, v in verdicts if v in USED}
    return len(accepted), len({s for s, _ in verdicts})


def _suggestions(session: Session, overview: Overview, since: datetime | None) -> None:
    accepted, decided = suggestions_from_feedback(session, since)
    overview.suggestions_accepted, overview.suggestions_decided = accepted, decided
    if decided:
        overview.suggestion_acceptance_rate = round(accepted / decided, 4)


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
