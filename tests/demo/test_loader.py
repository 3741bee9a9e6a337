"""`kcrm demo` loads the demo company once, and a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcrm.auth.models import Role, User
from kcrm.config import Environment, Settings
from kcrm.core.db import make_engine
from kcrm.core.migrate import upgrade
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import Order, OrderStatus
from kcrm.crm.tickets.models import Ticket, TicketKind, TicketStatus
from kcrm.demo import load_demo

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str, str]:
    """A fresh SQLite demo database loaded twice (fake embedder, for speed)."""
    data = tmp_path_factory.mktemp("demo")
    settings = Settings(
        env=Environment.demo,
        data_dir=data,
        database_url=f"sqlite:///{data / 'demo.db'}",
        corpus_dir=CORPUS,
        dictionary_path=CORPUS / "dictionary.txt",
        embedder="fake",
    )
    upgrade(settings.db_url)
    return settings, load_demo(settings), load_demo(settings)


class TestLoadDemo:
    def test_first_run_loads_every_part(self, demo: tuple[Settings, str, str]) -> None:
        _, first, _ = demo
        assert "customers: 300 created" in first
        assert "orders: 900 created" in first
        assert "users: 6 created" in first

    def test_second_run_changes_nothing(self, demo: tuple[Settings, str, str]) -> None:
        _, _, second = demo
        assert "0 created, 0 updated" in second
        assert "users: 0 created" in second
        assert "tickets: 0 created" in second
        assert "0 embedded" in second

    def test_demo_journeys_have_their_data(self, demo: tuple[Settings, str, str]) -> None:
        settings, _, _ = demo
        engine = make_engine(settings.db_url)
        with Session(engine) as session:
            wang = session.scalar(select(Customer).where(Customer.external_id == "C0001"))
            assert wang is not None
            portal = session.scalar(select(User).where(User.customer_id == wang.id))
            assert portal is not None
            assert portal.role == Role.customer
            shipped = session.scalars(
                select(Order).where(
                    Order.customer_id == wang.id, Order.status == OrderStatus.shipped
                )
            ).all()
            assert any(o.tracking_number for o in shipped)
            complaint = session.scalar(
                select(Ticket).where(
                    Ticket.customer_id == wang.id,
                    Ticket.kind == TicketKind.complaint,
                    Ticket.status == TicketStatus.open,
                )
            )
            assert complaint is not None
            assert complaint.owner_id is not None
            resolved = session.scalar(
                select(func.count()).where(Ticket.status.in_(["resolved", "closed"]))
            )
            assert resolved is not None
            assert resolved >= 300
        engine.dispose()
