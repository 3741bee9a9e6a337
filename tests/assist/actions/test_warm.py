"""Resolved tickets' step contexts reach the embedding cache before any suggestion needs them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.actions import warm
from kcrm.assist.actions.service import next_actions
from kcrm.config import Settings
from kcrm.core.events import emit
from kcrm.crm.tickets.models import Ticket, TicketStatus
from kcrm.knowledge import sync
from kcrm.knowledge.adapters.embedders import FakeEmbedder, RoutedEmbedder
from kcrm.knowledge.embedding_cache import CachedEmbedder, EmbeddingCache
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from tests.factories.assist import make_action, make_resolved
from tests.factories.tickets import make_message, make_ticket

LATE = [
    ("customer", "my parcel is late", None),
    ("agent", "Your order number please?", "verify_identity"),
    ("customer", "SO-1", None),
    ("agent", "I chased the carrier", "contact_carrier"),
]


@pytest.fixture
def contexts(settings: Settings) -> CachedEmbedder:
    """The votes' model, behind a real embedding cache."""
    settings.assist_context_model = "fake-8"
    return CachedEmbedder(FakeEmbedder(dimension=8), EmbeddingCache(":memory:"))


@pytest.fixture
def paired(settings: Settings, contexts: CachedEmbedder) -> Iterator[KnowledgeEngine]:
    """An engine whose embedder pairs a words model with the votes' one; ticket events bound."""
    pair = RoutedEmbedder([(FakeEmbedder(dimension=64), 1, 1), (contexts, 0, 0)], name="pair")
    engine = build_engine(settings, embedder=pair)
    sync.bind(engine, settings)
    warm.bind()
    yield engine
    sync.unbind()


def _resolved(session: Session) -> Ticket:
    ticket = make_resolved(session, LATE, subject="Parcel late")
    session.commit()
    emit(session, "ticket.resolved", ticket_id=ticket.id)
    return ticket


class TestWarm:
    def test_every_distinct_context_of_the_resolved_tickets(
        self, session: Session, paired: KnowledgeEngine, settings: Settings
    ) -> None:
        make_resolved(session, LATE)
        make_resolved(session, LATE)
        make_ticket(session, status=TicketStatus.open)
        texts = warm.step_contexts(session)
        # Each step's last turns and its very last turn, once each.
        assert texts == [
            "my parcel is late",
            "my parcel is late\nYour order number please?\nSO-1",
            "SO-1",
        ]
        assert warm.warm(paired, settings, texts) == 3

    def test_resolving_warms_after_commit_and_a_suggestion_embeds_only_its_own_talk(
        self,
        session: Session,
        paired: KnowledgeEngine,
        settings: Settings,
        contexts: CachedEmbedder,
    ) -> None:
        _resolved(session)
        assert contexts.computed == 0  # nothing before the commit
        session.commit()  # the resolution is indexed and its contexts embedded
        assert contexts.computed == 3
        ticket = make_ticket(session, subject="Parcel late")
        make_message(session, ticket, body="my parcel is late, where is it")
        make_action(session, ticket, "verify_identity")
        actions = next_actions(session, engine=paired, ticket_id=ticket.id, settings=settings)
        assert any(e.kind == "tickets" for a in actions for e in a.evidence)
        assert contexts.computed == 4  # the ticket's own talk; the past steps were cached

    def test_a_rollback_warms_nothing(
        self, session: Session, paired: KnowledgeEngine, contexts: CachedEmbedder
    ) -> None:
        _resolved(session)
        session.rollback()
        assert contexts.computed == 0

    def test_nothing_without_a_bound_engine(
        self, session: Session, paired: KnowledgeEngine, contexts: CachedEmbedder
    ) -> None:
        sync.unbind()
        _resolved(session)
        session.commit()
        assert contexts.computed == 0
