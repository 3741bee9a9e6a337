"""Curation fixtures: settings with thresholds for the fake embedder, and indexing helpers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kcrm.config import Settings
from kcrm.knowledge import sources
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import apply_docs


@pytest.fixture
def index(knowledge: KnowledgeEngine, settings: Settings) -> Callable[[Article], None]:
    """Put an article's current chunks into the engine's indexes right away."""

    def put(article: Article) -> None:
        apply_docs(knowledge, [sources.article_doc(article, settings)])

    return put
