"""The merged customer timeline: order, paging, kinds and soft-deleted tickets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import InvalidInput
from kcrm.crm.customers import timeline as timeline_service
from kcrm.crm.customers.schemas import TimelineKind
from tests.crm.customers.helpers import ticket_for
from tests.factories.customers import make_customer, make_interaction
from tests.factories.orders import make_order


class TestParseKinds:
    def test_empty_means_all(self) -> None:
        assert timeline_service.parse_kinds(None) == timeline_service.ALL_KINDS
        assert timeline_service.parse_kinds(" , ") == timeline_service.ALL_KINDS

    def test_comma_separated(self) -> None:
        assert timeline_service.parse_kinds("order, ticket") == {
            TimelineKind.order,
            TimelineKind.ticket,
        }

    def test_unknown_kind_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            timeline_service.parse_kinds("order,invoice")


class TestPage:
    def test_merges_three_tables_newest_first_and_pages(self, session: Session) -> None:
        now = utcnow()
        customer = make_customer(session)
        order = make_order(session, customer=customer, placed_at=now - timedelta(hours=1))
        call = make_interaction(session, customer, occurred_at=now - timedelta(hours=3))
        ticket = ticket_for(session, customer, created_at=now - timedelta(hours=2))
        ticket_for(session, customer, created_at=now, deleted_at=now)
        make_interaction(session, make_customer(session), occurred_at=now)

        page = timeline_service.page(
            session, customer_id=customer.id, kinds=timeline_service.ALL_KINDS, limit=2, offset=0
        )
        assert page.total == 3
        assert [(i.kind, i.id) for i in page.items] == [("order", order.id), ("ticket", ticket.id)]
        assert page.items[0].title == order.number
        assert page.items[0].status == "placed"
        assert page.items[1].category == "inquiry"
        rest = timeline_service.page(
            session, customer_id=customer.id, kinds=timeline_service.ALL_KINDS, limit=2, offset=2
        )
        assert [(i.kind, i.id, i.status) for i in rest.items] == [("interaction", call.id, None)]
        assert rest.items[0].at.tzinfo is not None

    def test_paging_deep_into_one_source(self, session: Session) -> None:
        now = utcnow()
        customer = make_customer(session)
        calls = [
            make_interaction(session, customer, occurred_at=now - timedelta(minutes=m))
            for m in range(6)
        ]
        make_order(session, customer=customer, placed_at=now - timedelta(minutes=2, seconds=30))
        page = timeline_service.page(
            session, customer_id=customer.id, kinds=timeline_service.ALL_KINDS, limit=3, offset=3
        )
        assert [(i.kind, i.id) for i in page.items] == [
            ("order", page.items[0].id),
            ("interaction", calls[3].id),
            ("interaction", calls[4].id),
        ]

    def test_filters_by_kind(self, session: Session) -> None:
        customer = make_customer(session)
        make_interaction(session, customer)
        order = make_order(session, customer=customer)
        page = timeline_service.page(
            session, customer_id=customer.id, kinds={TimelineKind.order}, limit=10, offset=0
        )
        assert (page.total, [i.id for i in page.items]) == (1, [order.id])
