"""Kept versions and diffs between them."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kcrm.core.errors import InvalidInput, NotFound
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.schemas import ArticleUpdate
from kcrm.knowledge.curation import versions
from tests.factories.knowledge import make_article


def _three_versions(session: Session):  # type: ignore[no-untyped-def]
    article = make_article(session, body="Step one.\nStep two.")
    article_service.update(session, article=article, data=ArticleUpdate(body="Step one.\nStep 2."))
    article_service.update(
        session, article=article, data=ArticleUpdate(body="Step one.\nStep 2.\nStep three.")
    )
    return article


class TestListVersions:
    def test_every_publish_is_kept(self, session: Session) -> None:
        article = _three_versions(session)
        kept = versions.list_versions(session, article=article)
        assert [v.version for v in kept] == [1, 2, 3]
        assert kept[0].body == "Step one.\nStep two."


class TestDiff:
    def test_unified_diff_between_two_versions(self, session: Session) -> None:
        article = _three_versions(session)
        result = versions.diff(session, article=article, from_version=1, to_version=3)
        assert result.diff.startswith("--- v1\n+++ v3\n")
        assert "-Step two.\n" in result.diff
        assert "+Step 2.\n" in result.diff
        assert "+Step three.\n" in result.diff
        assert (result.added, result.removed) == (2, 1)

    def test_against_the_current_text(self, session: Session) -> None:
        article = make_article(session)
        article.body = article.body + "\nNew line."
        result = versions.diff(session, article=article, from_version=1, to_version=None)
        assert result.to_version == "current"
        assert "+New line.\n" in result.diff

    def test_unknown_version_is_404(self, session: Session) -> None:
        article = make_article(session)
        with pytest.raises(NotFound, match="kept: 1"):
            versions.diff(session, article=article, from_version=1, to_version=9)

    def test_same_version_twice_is_refused(self, session: Session) -> None:
        article = make_article(session)
        with pytest.raises(InvalidInput):
            versions.diff(session, article=article, from_version=1, to_version=1)
