"""Fixtures for the chat tests; the engine is tests/assist/conftest.py's `knowledge`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.generation import build_generator
from kcrm.config import Settings
from kcrm.knowledge import sources
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import apply_docs
from kcrm.knowledge.ports import Generator
from tests.factories.knowledge import make_article

Publish = Callable[..., str]


@pytest.fixture
def generator(knowledge: KnowledgeEngine, settings: Settings) -> Generator:
    """The generator the app builds from settings (offline extractive), on the engine's embedder."""
    return build_generator(settings, embedder=knowledge.embedder)


@pytest.fixture
def publish(session: Session, knowledge: KnowledgeEngine, settings: Settings) -> Publish:
    """Save an article and index it now; returns its external id."""

    def _publish(**overrides: Any) -> str:
        article = make_article(session, **overrides)
        apply_docs(knowledge, [sources.article_doc(article, settings)])
        return article.external_id

    return _publish
