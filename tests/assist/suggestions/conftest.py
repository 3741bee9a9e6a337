"""Fixtures for the suggestion tests: a real engine on the fake embedder and a kit that
loads corpus articles and asks for suggestions as an agent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.generation.extractive import ExtractiveGenerator
from kcrm.assist.suggestions import service
from kcrm.assist.suggestions.schemas import SuggestionRead
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.config import Settings
from kcrm.crm.tickets.models import Ticket
from kcrm.knowledge import sync
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.ports import Generator
from tests.factories.corpus import index_resolution, load_corpus
from tests.factories.users import make_user


@pytest.fixture
def knowledge(settings: Settings) -> Iterator[KnowledgeEngine]:
    """A real engine on the deterministic fake embedder, with in-memory indexes."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    yield build_engine(settings, embedder=FakeEmbedder(dimension=256))
    sync.unbind()


@dataclass
class Kit:
    """The test's database, engine, generator and settings, with the usual steps."""

    session: Session
    knowledge: KnowledgeEngine
    generator: Generator
    settings: Settings

    def load(self, names: Sequence[str]) -> list[str]:
        """Save and index corpus articles."""
        return load_corpus(self.session, self.knowledge, self.settings, names)

    def index_resolution(self, ticket: Ticket) -> None:
        """Index a resolved ticket as a past resolution."""
        index_resolution(self.session, self.knowledge, self.settings, ticket)

    def agent(self) -> Principal:
        """A fresh agent account as a principal."""
        user = make_user(self.session, role=Role.agent)
        return Principal(role=user.role, user_id=user.id, name=user.full_name)

    def suggest(self, ticket_id: int) -> SuggestionRead:
        """A suggestion for the ticket, asked by a fresh agent."""
        return service.create(
            self.session,
            engine=self.knowledge,
            generator=self.generator,
            settings=self.settings,
            ticket_id=ticket_id,
            principal=self.agent(),
        )


@pytest.fixture
def kit(session: Session, knowledge: KnowledgeEngine, settings: Settings) -> Kit:
    """The kit on the offline extractive generator, as the app builds it."""
    return Kit(session, knowledge, ExtractiveGenerator(knowledge.embedder), settings)
