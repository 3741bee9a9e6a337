"""Article lifecycle: the transition table, publishing, retiring and reviews."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import BadRequest, Conflict
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.curation import lifecycle
from kcrm.knowledge.curation.transitions import TRANSITIONS, check_transition
from kcrm.knowledge.engine import KnowledgeEngine
from tests.factories.knowledge import make_article

S = ArticleStatus


def _commit(session: Session) -> None:
    session.commit()  # runs the after-commit re-indexing (the test's savepoint is released)


def _indexed(knowledge: KnowledgeEngine, article: Article) -> list[str]:
    prefix = f"article:{article.external_id}:"
    return sorted(i for i in knowledge.lexical.hashes() if i.startswith(prefix))


class TestCheckTransition:
    @pytest.mark.parametrize(
        ("current", "target"),
        [
            (S.draft, S.in_review),
            (S.in_review, S.published),
            (S.published, S.retired),
            (S.retired, S.draft),
            (S.in_review, S.draft),
            (S.published, S.in_review),
        ],
    )
    def test_allowed(self, current: ArticleStatus, target: ArticleStatus) -> None:
        check_transition(current, target)
        assert target in TRANSITIONS[current]

    @pytest.mark.parametrize(
        ("current", "target"),
        [(S.draft, S.published), (S.retired, S.published), (S.retired, S.in_review)],
    )
    def test_refused_with_409(self, current: ArticleStatus, target: ArticleStatus) -> None:
        with pytest.raises(Conflict, match=f"from {current} to {target}") as caught:
            check_transition(current, target)
        assert caught.value.status_code == 409


class TestTransition:
    def test_publish_indexes_keeps_version_and_sets_review_date(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        article = make_article(session, status="in_review")
        lifecycle.transition(session, knowledge, settings=settings, article=article, to=S.published)
        _commit(session)
        assert article.status == S.published
        assert [v.version for v in article_repository.versions(session, article.id)] == [1]
        assert article.review_by == utcnow().date() + timedelta(days=settings.review_interval_days)
        assert _indexed(knowledge, article) == [f"article:{article.external_id}:0"]

    def test_retire_removes_from_every_index(
        self,
        session: Session,
        knowledge: KnowledgeEngine,
        settings: Settings,
        index: Callable[[Article], None],
    ) -> None:
        article = make_article(session)
        index(article)
        assert _indexed(knowledge, article)
        lifecycle.transition(session, knowledge, settings=settings, article=article, to=S.retired)
        _commit(session)
        assert _indexed(knowledge, article) == []
        assert not any(
            i.startswith(f"article:{article.external_id}:") for i in knowledge.vectors.hashes()
        )

    def test_publish_clears_staleness(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        article = make_article(session, status="in_review")
        article.stale_reason, article.stale_since = "product X changed", utcnow()
        lifecycle.transition(session, knowledge, settings=settings, article=article, to=S.published)
        assert (article.stale_reason, article.stale_since) == (None, None)

    def test_flagged_duplicate_needs_confirmation(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        original = make_article(session)
        draft = make_article(session, status="in_review")
        draft.duplicate_of_id, draft.duplicate_score = original.id, 0.97
        with pytest.raises(Conflict, match="looks like article"):
            lifecycle.transition(
                session, knowledge, settings=settings, article=draft, to=S.published
            )
        assert draft.status == S.in_review
        lifecycle.transition(
            session,
            knowledge,
            settings=settings,
            article=draft,
            to=S.published,
            confirm_not_duplicate=True,
        )
        assert (draft.status, draft.duplicate_of_id) == (S.published, None)

    def test_invalid_transition_changes_nothing(
        self, session: Session, knowledge: KnowledgeEngine, settings: Settings
    ) -> None:
        article = make_article(session, status="draft")
        with pytest.raises(Conflict):
            lifecycle.transition(
                session, knowledge, settings=settings, article=article, to=S.published
            )
        assert article.status == S.draft
        assert article_repository.versions(session, article.id) == []


class TestMarkReviewed:
    def test_clears_flag_and_sets_date(self, session: Session, settings: Settings) -> None:
        article = make_article(session, review_by=date(2020, 1, 1))
        article.stale_reason = "product X changed"
        later = utcnow().date() + timedelta(days=30)
        lifecycle.mark_reviewed(session, settings=settings, article=article, review_by=later)
        assert (article.stale_reason, article.review_by) == (None, later)

    def test_past_date_is_refused(self, session: Session, settings: Settings) -> None:
        article = make_article(session)
        with pytest.raises(BadRequest):
            lifecycle.mark_reviewed(
                session, settings=settings, article=article, review_by=date(2020, 1, 1)
            )
