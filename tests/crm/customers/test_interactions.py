"""Interaction use cases: logging and listing a customer's calls, emails and visits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import InvalidInput
from kcrm.core.pagination import PageParams
from kcrm.crm.customers import interactions as interaction_service
from kcrm.crm.customers.models import Direction, InteractionKind
from kcrm.crm.customers.schemas import InteractionCreate
from tests.factories.customers import make_contact, make_customer, make_interaction
from tests.factories.users import make_user


class TestCreate:
    def test_records_the_user_and_defaults_the_time(self, session: Session) -> None:
        customer = make_customer(session)
        user = make_user(session)
        contact = make_contact(session, customer)
        before = utcnow()
        interaction = interaction_service.create(
            session,
            customer_id=customer.id,
            user_id=user.id,
            data=InteractionCreate(
                kind=InteractionKind.visit,
                direction=Direction.outbound,
                subject="Installed heater",
                contact_id=contact.id,
            ),
        )
        assert interaction.user_id == user.id
        assert interaction.occurred_at >= before

    def test_contact_of_another_customer_is_refused(self, session: Session) -> None:
        customer = make_customer(session)
        stranger = make_contact(session, make_customer(session))
        with pytest.raises(InvalidInput):
            interaction_service.create(
                session,
                customer_id=customer.id,
                user_id=None,
                data=InteractionCreate(
                    kind=InteractionKind.call, subject="x", contact_id=stranger.id
                ),
            )


class TestList:
    def test_newest_first_filtered_by_kind(self, session: Session) -> None:
        customer = make_customer(session)
        now = utcnow()
        old = make_interaction(session, customer, occurred_at=now - timedelta(days=2))
        new = make_interaction(session, customer, occurred_at=now)
        make_interaction(session, customer, kind=InteractionKind.email)
        make_interaction(session, make_customer(session))
        items, total = interaction_service.list(
            session,
            customer_id=customer.id,
            params=PageParams(),
            kind=InteractionKind.call,
        )
        assert total == 2
        assert [i.id for i in items] == [new.id, old.id]
