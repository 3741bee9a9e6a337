"""Feedback on suggestions and the acceptance rates per article and per action."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.assist.gaps.models import KnowledgeGap
from kcrm.assist.suggestions import feedback
from kcrm.assist.suggestions.models import Suggestion, SuggestionSource, Verdict
from kcrm.assist.suggestions.schemas import FeedbackCreate
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.errors import BadRequest, Conflict, NotFound
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.curation.models import ArticleUsage
from tests.factories.knowledge import make_article
from tests.factories.tickets import make_ticket
from tests.factories.users import make_user


def _agent(session: Session) -> Principal:
    user = make_user(session, role=Role.agent)
    return Principal(role=user.role, user_id=user.id, name=user.full_name)


def _suggestion(session: Session, *, cited: list[str], draft: bool = True) -> Suggestion:
    """A stored suggestion citing these articles, suggesting escalate and hold_marketing."""
    suggestion = Suggestion(
        ticket_id=make_ticket(session).id,
        language="zh",
        query="空调不制冷",
        generator="extractive",
        confidence=0.7 if draft else 0.1,
        draft_text="您好。" if draft else None,
        reason=None if draft else "below threshold",
        next_actions=[{"action": "escalate"}, {"action": "hold_marketing"}],
    )
    session.add(suggestion)
    session.flush()
    for rank, doc in enumerate(cited):
        session.add(
            SuggestionSource(
                suggestion_id=suggestion.id,
                rank=rank,
                chunk_id=f"article:{doc}:0",
                source="article",
                doc_id=doc,
                version=1,
                citation=f"article:{doc}@v1",
                title=f"Title {doc}",
                score=0.8,
                cited=True,
            )
        )
    session.flush()
    return suggestion


def _give(session: Session, suggestion: Suggestion, **data: Any) -> Any:
    return feedback.create(
        session,
        suggestion_id=suggestion.id,
        principal=_agent(session),
        data=FeedbackCreate(**data),
    )


class TestCreate:
    def test_stores_the_verdict_and_edited_text(self, session: Session) -> None:
        suggestion = _suggestion(session, cited=["KB-0001"])
        stored = _give(session, suggestion, verdict="edited", edited_text="您好，已为您补发。")
        assert (stored.verdict, stored.edited_text) == (Verdict.edited, "您好，已为您补发。")
        assert stored.user_id is not None

    def test_one_verdict_per_draft_and_per_action(self, session: Session) -> None:
        suggestion = _suggestion(session, cited=["KB-0001"])
        _give(session, suggestion, verdict="accepted")
        _give(session, suggestion, verdict="accepted", action="escalate")
        with pytest.raises(Conflict, match="the draft"):
            _give(session, suggestion, verdict="rejected")
        with pytest.raises(Conflict, match="escalate"):
            _give(session, suggestion, verdict="rejected", action="escalate")

    def test_only_suggested_actions_and_existing_drafts(self, session: Session) -> None:
        with pytest.raises(BadRequest, match="was not suggested"):
            _give(session, _suggestion(session, cited=[]), verdict="accepted", action="refund")
        with pytest.raises(Conflict, match="no draft"):
            _give(session, _suggestion(session, cited=[], draft=False), verdict="accepted")
        with pytest.raises(NotFound):
            feedback.create(
                session,
                suggestion_id=999_999,
                principal=_agent(session),
                data=FeedbackCreate(verdict=Verdict.accepted),
            )

    def test_a_rejected_draft_becomes_a_knowledge_gap(self, session: Session) -> None:
        suggestion = _suggestion(session, cited=["KB-0001"])
        _give(session, suggestion, verdict="rejected")
        gap = session.scalars(
            select(KnowledgeGap).where(KnowledgeGap.ref == f"ticket:{suggestion.ticket_id}")
        ).one()
        assert gap.question == "空调不制冷"
        assert gap.matches[0]["citation"] == "article:KB-0001@v1"

    def test_the_verdict_on_a_draft_counts_for_its_cited_articles(self, session: Session) -> None:
        docs = [make_article(session).external_id for _ in range(2)]
        kept, dropped = _suggestion(session, cited=docs), _suggestion(session, cited=docs[:1])
        _give(session, kept, verdict="edited", edited_text="您好，已处理。")
        _give(session, dropped, verdict="rejected")
        _give(session, dropped, verdict="accepted", action="escalate")  # an action: no usage
        rows = session.execute(
            select(Article.external_id, ArticleUsage.kind, ArticleUsage.ref).join(Article)
        ).all()
        assert sorted((e, str(k), r) for e, k, r in rows) == sorted(
            [
                (docs[0], "accepted", f"suggestion:{kept.id}"),
                (docs[1], "accepted", f"suggestion:{kept.id}"),
                (docs[0], "rejected", f"suggestion:{dropped.id}"),
            ]
        )

    def test_edited_needs_its_text(self) -> None:
        with pytest.raises(ValidationError, match="edited_text"):
            FeedbackCreate(verdict=Verdict.edited)
        with pytest.raises(ValidationError, match="edited verdict only"):
            FeedbackCreate(verdict=Verdict.accepted, edited_text="x")


class TestAcceptance:
    def test_rates_per_article_and_per_action(self, session: Session) -> None:
        both = _suggestion(session, cited=["KB-0001", "KB-0002"])
        one = _suggestion(session, cited=["KB-0001"])
        edited = _suggestion(session, cited=["KB-0002"])
        _give(session, both, verdict="accepted")
        _give(session, one, verdict="rejected")
        _give(session, edited, verdict="edited", edited_text="x")
        _give(session, both, verdict="accepted", action="escalate")
        _give(session, one, verdict="rejected", action="escalate")
        _give(session, one, verdict="accepted", action="hold_marketing")
        stats = feedback.acceptance(session)
        assert (stats.drafts.total, stats.drafts.accepted) == (3, 1)
        assert stats.drafts.use_rate == pytest.approx(0.6667, abs=1e-4)
        articles = {r.key: r for r in stats.articles}
        assert (articles["KB-0001"].total, articles["KB-0001"].acceptance_rate) == (2, 0.5)
        assert articles["KB-0001"].title == "Title KB-0001"
        assert (articles["KB-0002"].accepted, articles["KB-0002"].edited) == (1, 1)
        assert articles["KB-0002"].use_rate == 1.0
        actions = {r.key: r for r in stats.actions}
        assert (actions["escalate"].total, actions["escalate"].acceptance_rate) == (2, 0.5)
        assert actions["hold_marketing"].acceptance_rate == 1.0
