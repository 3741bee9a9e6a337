"""Contact use cases: channels, one primary per customer, soft delete."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import NotFound
from kcrm.crm.customers import contacts as contact_service
from kcrm.crm.customers.schemas import ContactCreate, ContactUpdate
from tests.factories.customers import make_contact, make_customer


class TestCreate:
    def test_stores_every_channel(self, session: Session) -> None:
        customer = make_customer(session)
        contact = contact_service.create(
            session,
            customer_id=customer.id,
            data=ContactCreate(
                name="李雷", phone="+86 138 0000 0000", email="li@example.com", wechat_id="lilei88"
            ),
        )
        assert (contact.phone, contact.email, contact.wechat_id) == (
            "+86 138 0000 0000",
            "li@example.com",
            "lilei88",
        )

    def test_a_new_primary_demotes_the_old_one(self, session: Session) -> None:
        customer = make_customer(session)
        old = make_contact(session, customer, is_primary=True)
        new = contact_service.create(
            session, customer_id=customer.id, data=ContactCreate(name="New", is_primary=True)
        )
        assert (old.is_primary, new.is_primary) == (False, True)


class TestUpdate:
    def test_promoting_keeps_one_primary(self, session: Session) -> None:
        customer = make_customer(session)
        first = make_contact(session, customer, is_primary=True)
        second = make_contact(session, customer)
        other_customers = make_contact(session, make_customer(session), is_primary=True)
        contact_service.update(session, contact=second, data=ContactUpdate(is_primary=True))
        assert [c.id for c in contact_service.list(session, customer_id=customer.id)] == [
            second.id,
            first.id,
        ]
        assert first.is_primary is False
        assert other_customers.is_primary is True


class TestGet:
    def test_deleted_contact_or_customer_is_not_found(self, session: Session) -> None:
        customer = make_customer(session)
        contact = make_contact(session, customer)
        contact_service.delete(session, contact=contact)
        with pytest.raises(NotFound):
            contact_service.get(session, contact_id=contact.id)
        orphan = make_contact(session, make_customer(session, deleted_at=utcnow()))
        with pytest.raises(NotFound):
            contact_service.get(session, contact_id=orphan.id)


class TestList:
    def test_leaves_out_deleted_contacts(self, session: Session) -> None:
        customer = make_customer(session)
        kept = make_contact(session, customer)
        make_contact(session, customer, deleted_at=utcnow())
        assert [c.id for c in contact_service.list(session, customer_id=customer.id)] == [kept.id]
