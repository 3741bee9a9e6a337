"""The gap queue: questions nobody answered confidently, clustered so each becomes one article.

Gaps are recorded by kcrm/assist (chat handoffs, rejected or empty suggestions) and read
here through that package's repository. A cluster's key is the id of its earliest gap:
clustering runs oldest first, so the key stays the same while its gaps stay in the queue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kcrm.assist.gaps import repository as gap_repository
from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import NotFound
from kcrm.knowledge.curation import composer, repository
from kcrm.knowledge.curation.clustering import cluster
from kcrm.knowledge.curation.drafts import Draft, save_draft, unique_external_id
from kcrm.knowledge.curation.duplicates import Match, closest
from kcrm.knowledge.curation.models import GapDraft
from kcrm.knowledge.engine import KnowledgeEngine

MAX_GAPS = 5000  # the newest open gaps considered; older ones are rarely still relevant


@dataclass(frozen=True)
class Gap:
    """One question that got no confident answer."""

    id: int
    question: str
    language: str
    source: str
    created_at: datetime


@dataclass(frozen=True)
class GapCluster:
    """Similar unanswered questions with their counts and the closest published articles."""

    key: int
    gaps: list[Gap]
    matches: list[Match]

    @property
    def languages(self) -> dict[str, int]:
        """How many gaps per language."""
        return dict(Counter(g.language for g in self.gaps))

    @property
    def sources(self) -> dict[str, int]:
        """How many gaps per source (chat, suggestion)."""
        return dict(Counter(g.source for g in self.gaps))


def open_gaps(session: Session, *, days: int) -> list[Gap]:
    """Gaps of the last `days` days not yet turned into drafts, oldest first."""
    since = utcnow() - timedelta(days=days)
    addressed = repository.addressed_gap_ids(session)
    rows = gap_repository.list_gaps(session, since=since, limit=MAX_GAPS)
    gaps = [
        Gap(r.id, r.question, str(r.language or "zh"), str(r.source), r.created_at)
        for r in rows
        if r.id not in addressed and (r.question or "").strip()
    ]
    return gaps[::-1]


def clusters(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    days: int = 90,
    min_count: int = 1,
) -> list[GapCluster]:
    """Open gaps clustered by similarity, the biggest clusters first."""
    gaps = open_gaps(session, days=days)
    if not gaps:
        return []
    vectors = engine.embedder.embed_documents([g.question for g in gaps])
    found = []
    for group in cluster(vectors, settings.gap_cluster_threshold):
        if len(group) < min_count:
            continue
        members = [gaps[i] for i in group]
        question = members[0].question
        matches = closest(session, engine, title=question, body="", k=3)
        found.append(GapCluster(members[0].id, members, matches))
    found.sort(key=lambda c: (-len(c.gaps), c.key))
    return found


def draft_from_cluster(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    key: int,
    owner: str | None,
    days: int = 90,
) -> tuple[Draft, GapCluster]:
    """Turn one gap cluster into a draft article and take its gaps out of the queue."""
    found = next(
        (c for c in clusters(session, engine, settings=settings, days=days) if c.key == key), None
    )
    if found is None:
        raise NotFound(f"gap cluster {key} not found (already drafted, or its gaps expired)")
    related = [f"{m.article.external_id} {m.article.title} ({m.score:.2f})" for m in found.matches]
    text = composer.from_questions(
        [g.question for g in found.gaps], [g.language for g in found.gaps], related
    )
    draft = save_draft(
        session,
        engine,
        settings=settings,
        text=text,
        external_id=unique_external_id(session, "KB-G", key),
        owner=owner,
    )
    session.add_all(GapDraft(gap_id=g.id, article_id=draft.article.id) for g in found.gaps)
    session.flush()
    return draft, found
