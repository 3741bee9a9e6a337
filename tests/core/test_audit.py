"""Every write to an audited table leaves who, what, before and after."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.core.audit import AuditLog
from kcrm.core.db import utcnow
from tests.factories.customers import make_customer


def _entries(session: Session, entity_id: int) -> list[AuditLog]:
    query = select(AuditLog).where(
        AuditLog.entity == "customers", AuditLog.entity_id == str(entity_id)
    )
    return list(session.scalars(query.order_by(AuditLog.id)))


class TestAuditLog:
    def test_create_update_and_soft_delete_are_logged(self, session: Session) -> None:
        session.info["actor"] = "user:42"
        customer = make_customer(session, name="Before")
        customer.name = "After"
        session.flush()
        customer.deleted_at = utcnow()
        session.flush()
        entries = _entries(session, customer.id)
        assert [e.action for e in entries] == ["create", "update", "delete"]
        assert entries[0].after is not None
        assert entries[0].after["name"] == "Before"
        assert entries[1].before == {"name": "Before"}
        assert entries[1].after == {"name": "After"}
        assert {e.actor for e in entries} == {"user:42"}

    def test_unchanged_flush_logs_nothing(self, session: Session) -> None:
        customer = make_customer(session)
        customer.name = customer.name
        session.flush()
        assert len(_entries(session, customer.id)) == 1
