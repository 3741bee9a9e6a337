"""Fixtures for the assist tests: a knowledge engine on the deterministic fake embedder."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.sources import resolution_docs


@pytest.fixture
def knowledge(settings: Settings) -> KnowledgeEngine:
    """An engine with an in-memory vector index and a BM25 log in the test's data dir."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return build_engine(settings, embedder=FakeEmbedder(dimension=256))


def index_resolutions(
    session: Session, engine: KnowledgeEngine, ticket_ids: Sequence[int], settings: Settings
) -> None:
    """Index these tickets' resolution documents, as the knowledge sync does."""
    engine.index([c for d in resolution_docs(session, ticket_ids, settings) for c in d.chunks])
