"""Fixtures for the knowledge tests: a counting fake embedder and an engine on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge import sync
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.engine import KnowledgeEngine, build_engine

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def embedder() -> FakeEmbedder:
    """A real (deterministic) embedder that counts how many texts it embedded."""
    return FakeEmbedder(dimension=256)


@pytest.fixture
def knowledge(settings: Settings, embedder: FakeEmbedder) -> Iterator[KnowledgeEngine]:
    """An engine on the fake embedder, an in-memory vector index and a BM25 log in tmp."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    yield build_engine(settings, embedder=embedder)
    sync.unbind()


@pytest.fixture
def factory(session: Session) -> Callable[[], Session]:
    """A session factory handing out the test's rolled-back session (for units of work)."""
    return lambda: session
