"""The gap queue: clustering unanswered questions and turning a cluster into a draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import NotFound
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.curation import gaps
from kcrm.knowledge.engine import KnowledgeEngine
from tests.factories.curation import make_gap
from tests.factories.knowledge import make_article

CAMPING = "can I take the portable heater camping in my tent"


class TestClusters:
    def test_similar_questions_share_a_cluster_keyed_by_the_earliest(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        first = make_gap(session, CAMPING, source="chat")
        second = make_gap(session, CAMPING + "?", language="en", source="suggestion")
        other = make_gap(session, "电热水壶 的 保修 多久", language="zh")
        found = gaps.clusters(session, knowledge, settings=settings)
        assert [(c.key, [g.id for g in c.gaps]) for c in found] == [
            (first, [first, second]),
            (other, [other]),
        ]
        assert found[0].sources == {"chat": 1, "suggestion": 1}
        assert found[1].languages == {"zh": 1}

    def test_key_is_stable_when_the_queue_grows(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        first = make_gap(session, CAMPING)
        before = gaps.clusters(session, knowledge, settings=settings)
        make_gap(session, "where is my order")
        make_gap(session, CAMPING)
        after = gaps.clusters(session, knowledge, settings=settings)
        assert before[0].key == after[0].key == first
        assert len(after[0].gaps) == 2

    def test_old_gaps_leave_the_window(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        make_gap(session, CAMPING, created_at=utcnow() - timedelta(days=200))
        assert gaps.clusters(session, knowledge, settings=settings, days=90) == []

    def test_best_partial_matches_come_from_published_articles(
        self,
        session: Session,
        knowledge: KnowledgeEngine,
        settings: Settings,
        index: Callable[[Article], None],
    ) -> None:
        article = make_article(
            session, title="Portable heater safety", body="Never use the portable heater in a tent."
        )
        index(article)
        make_gap(session, CAMPING)
        found = gaps.clusters(session, knowledge, settings=settings)
        assert found[0].matches[0].article.id == article.id
        assert 0 < found[0].matches[0].score < 1


class TestDraftFromCluster:
    def test_draft_lists_the_questions_and_the_gaps_leave_the_queue(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        key = make_gap(session, CAMPING)
        make_gap(session, CAMPING + "?")
        draft, found = gaps.draft_from_cluster(
            session, knowledge, settings=settings, key=key, owner="km"
        )
        assert draft.article.external_id == f"KB-G{key:05d}"
        assert draft.article.status == ArticleStatus.draft
        assert draft.article.title == CAMPING
        assert f"- {CAMPING}\n- {CAMPING}?" in draft.article.body
        assert len(found.gaps) == 2
        assert gaps.clusters(session, knowledge, settings=settings) == []

    def test_unknown_cluster_is_404(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        make_gap(session, CAMPING)
        with pytest.raises(NotFound):
            gaps.draft_from_cluster(session, knowledge, settings=settings, key=10**9, owner=None)
