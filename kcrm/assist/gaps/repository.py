"""Every query on knowledge gaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.assist.gaps.models import GapSource, KnowledgeGap


def add(session: Session, gap: KnowledgeGap) -> KnowledgeGap:
    """Persist a gap and give it an id."""
    session.add(gap)
    session.flush()
    return gap


def list_gaps(
    session: Session,
    *,
    source: GapSource | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> Sequence[KnowledgeGap]:
    """Gaps, newest first, optionally of one source and after a moment."""
    query = select(KnowledgeGap).order_by(KnowledgeGap.created_at.desc(), KnowledgeGap.id.desc())
    if source is not None:
        query = query.where(KnowledgeGap.source == source)
    if since is not None:
        query = query.where(KnowledgeGap.created_at >= since)
    return session.scalars(query.limit(limit)).all()
