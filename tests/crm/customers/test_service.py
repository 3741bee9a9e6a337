"""Customer use cases: CRUD, soft delete, filters, member points and the customer 360."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.audit import AuditLog
from kcrm.core.db import utcnow
from kcrm.core.errors import Conflict, InvalidInput, NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.customers import service as customer_service
from kcrm.crm.customers.models import CreditRating, MemberTier, ValueTier
from kcrm.crm.customers.schemas import (
    CustomerCreate,
    CustomerFilter,
    CustomerUpdate,
    PointsAdjust,
)
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.tickets.models import TicketKind, TicketStatus
from tests.crm.customers.helpers import ticket_for
from tests.factories.customers import make_contact, make_customer, make_interaction
from tests.factories.orders import make_order


def _ids(session: Session, **filters: object) -> list[int]:
    items, _ = customer_service.list(
        session, filters=CustomerFilter(**filters), params=PageParams(sort="id", limit=200)
    )
    return [c.id for c in items]


class TestTierFor:
    @pytest.mark.parametrize(
        ("points", "tier"),
        [
            (0, MemberTier.standard),
            (999, MemberTier.standard),
            (1000, MemberTier.silver),
            (4999, MemberTier.silver),
            (5000, MemberTier.gold),
            (20000, MemberTier.platinum),
        ],
    )
    def test_thresholds(self, points: int, tier: MemberTier) -> None:
        assert customer_service.tier_for(points) == tier


class TestCreate:
    def test_creates_with_tier_from_points(self, session: Session) -> None:
        customer = customer_service.create(
            session, data=CustomerCreate(name="王芳", external_id="ERP-1", member_points=6000)
        )
        assert customer.id is not None
        assert customer.member_tier == MemberTier.gold

    def test_duplicate_external_id_is_a_conflict(self, session: Session) -> None:
        make_customer(session, external_id="ERP-DUP")
        with pytest.raises(Conflict):
            customer_service.create(session, data=CustomerCreate(name="X", external_id="ERP-DUP"))

    def test_create_writes_an_audit_row(self, session: Session) -> None:
        customer = customer_service.create(session, data=CustomerCreate(name="Audited"))
        rows = session.scalars(
            select(AuditLog).where(
                AuditLog.entity == "customers", AuditLog.entity_id == str(customer.id)
            )
        ).all()
        assert [r.action for r in rows] == ["create"]


class TestGet:
    def test_unknown_id_is_not_found(self, session: Session) -> None:
        with pytest.raises(NotFound):
            customer_service.get(session, customer_id=987654321)

    def test_deleted_only_when_asked(self, session: Session) -> None:
        customer = make_customer(session, deleted_at=utcnow())
        with pytest.raises(NotFound):
            customer_service.get(session, customer_id=customer.id)
        found = customer_service.get(session, customer_id=customer.id, include_deleted=True)
        assert found.id == customer.id


class TestGetVisible:
    def test_portal_account_sees_only_its_own(self, session: Session) -> None:
        own, other = make_customer(session), make_customer(session)
        portal = Principal(role=Role.customer, user_id=1, customer_id=own.id)
        assert customer_service.get_visible(session, principal=portal, customer_id=own.id) is own
        with pytest.raises(NotFound):
            customer_service.get_visible(session, principal=portal, customer_id=other.id)

    def test_staff_see_any(self, session: Session) -> None:
        customer = make_customer(session)
        staff = Principal(role=Role.knowledge_manager, user_id=1)
        found = customer_service.get_visible(session, principal=staff, customer_id=customer.id)
        assert found is customer


class TestList:
    def test_q_matches_name_email_phone_and_external_id_case_insensitively(
        self, session: Session
    ) -> None:
        a = make_customer(session, name="Zhang ACME Ltd")
        b = make_customer(session, email="boss@acme-q.example")
        c = make_customer(session, phone="+86 555 0199", external_id="ERP-ACMEQ")
        make_customer(session, name="Unrelated")
        assert set(_ids(session, q="acme")) >= {a.id, b.id, c.id}
        assert _ids(session, q="0199") == [c.id]

    def test_q_treats_wildcards_literally(self, session: Session) -> None:
        make_customer(session, name="Plain name")
        hit = make_customer(session, name="Fifty 50% off")
        assert _ids(session, q="50%") == [hit.id]

    def test_enum_segment_and_tag_filters(self, session: Session) -> None:
        vip = make_customer(
            session, value_tier=ValueTier.vip, segment="smb-x", tags=["heater", "回访"]
        )
        make_customer(session, value_tier=ValueTier.low, segment="smb-x", tags=["heaters"])
        assert _ids(session, value_tier=ValueTier.vip, segment="smb-x") == [vip.id]
        assert _ids(session, tag="回访") == [vip.id]
        assert vip.id in _ids(session, tag="heater")
        assert _ids(session, segment="smb-x", tag="heater") == [vip.id]

    def test_soft_deleted_are_hidden_unless_included(self, session: Session) -> None:
        gone = make_customer(session, segment="seg-del", deleted_at=utcnow())
        live = make_customer(session, segment="seg-del")
        assert _ids(session, segment="seg-del") == [live.id]
        assert _ids(session, segment="seg-del", include_deleted=True) == [gone.id, live.id]

    def test_sorts_tiers_in_business_order_and_pages(self, session: Session) -> None:
        for tier in (ValueTier.high, ValueTier.low, ValueTier.vip, ValueTier.medium):
            make_customer(session, segment="seg-sort", value_tier=tier)
        items, total = customer_service.list(
            session,
            filters=CustomerFilter(segment="seg-sort"),
            params=PageParams(sort="-value_tier", limit=3),
        )
        assert total == 4
        assert [c.value_tier for c in items] == [ValueTier.vip, ValueTier.high, ValueTier.medium]

    def test_unknown_sort_is_refused(self, session: Session) -> None:
        with pytest.raises(InvalidInput):
            customer_service.list(
                session, filters=CustomerFilter(), params=PageParams(sort="marketing_hold")
            )


class TestUpdate:
    def test_changes_only_given_fields(self, session: Session) -> None:
        customer = make_customer(session, segment="retail", city="Hangzhou")
        customer_service.update(
            session, customer=customer, data=CustomerUpdate(credit_rating=CreditRating.AA)
        )
        assert customer.credit_rating == CreditRating.AA
        assert customer.city == "Hangzhou"

    def test_external_id_taken_by_another_is_a_conflict(self, session: Session) -> None:
        make_customer(session, external_id="ERP-TAKEN")
        customer = make_customer(session, external_id="ERP-MINE")
        with pytest.raises(Conflict):
            customer_service.update(
                session, customer=customer, data=CustomerUpdate(external_id="ERP-TAKEN")
            )
        customer_service.update(
            session, customer=customer, data=CustomerUpdate(external_id="ERP-MINE")
        )
        assert customer.external_id == "ERP-MINE"


class TestDelete:
    def test_soft_delete_hides_but_keeps_the_row(self, session: Session) -> None:
        customer = make_customer(session)
        customer_service.delete(session, customer=customer)
        assert customer.deleted_at is not None
        with pytest.raises(NotFound):
            customer_service.get(session, customer_id=customer.id)
        action = session.scalar(
            select(AuditLog.action)
            .where(AuditLog.entity == "customers", AuditLog.entity_id == str(customer.id))
            .order_by(AuditLog.id.desc())
        )
        assert action == "delete"


class TestAdjustPoints:
    def test_adds_points_and_recomputes_tier_with_reason_audited(self, session: Session) -> None:
        customer = make_customer(session, member_points=900)
        result = customer_service.adjust_points(
            session, customer_id=customer.id, data=PointsAdjust(delta=150, reason="order SO-1")
        )
        assert (result.member_points, result.member_tier) == (1050, MemberTier.silver)
        assert customer.member_tier == MemberTier.silver
        row = session.scalar(
            select(AuditLog).where(
                AuditLog.action == "points", AuditLog.entity_id == str(customer.id)
            )
        )
        assert row is not None
        assert row.after == {"member_points": 1050, "delta": 150, "reason": "order SO-1"}

    def test_removing_points_can_lower_the_tier(self, session: Session) -> None:
        customer = make_customer(session, member_points=5000, member_tier=MemberTier.gold)
        result = customer_service.adjust_points(
            session, customer_id=customer.id, data=PointsAdjust(delta=-4500, reason="redeemed")
        )
        assert result.member_tier == MemberTier.standard

    def test_never_below_zero(self, session: Session) -> None:
        customer = make_customer(session, member_points=10)
        with pytest.raises(Conflict):
            customer_service.adjust_points(
                session, customer_id=customer.id, data=PointsAdjust(delta=-11, reason="x")
            )
        assert customer.member_points == 10

    def test_deleted_customer_is_not_found(self, session: Session) -> None:
        customer = make_customer(session, deleted_at=utcnow())
        with pytest.raises(NotFound):
            customer_service.adjust_points(
                session, customer_id=customer.id, data=PointsAdjust(delta=1, reason="x")
            )


class TestGet360:
    def test_gathers_every_section(self, session: Session) -> None:
        now = utcnow()
        customer = make_customer(session, credit_rating=CreditRating.BBB, member_points=1200)
        make_contact(session, customer, is_primary=True, name="Primary")
        for days in range(7):
            make_order(
                session,
                customer=customer,
                placed_at=now - timedelta(days=days),
                status=OrderStatus.shipped,
                tracking_number=f"SF{days}",
            )
        complaint = ticket_for(
            session, customer, kind=TicketKind.complaint, owner_id=None, sla_due_at=now
        )
        ticket_for(session, customer, status=TicketStatus.closed)
        ticket_for(session, customer, status=TicketStatus.open, deleted_at=now)
        make_interaction(session, customer, occurred_at=now + timedelta(minutes=1))

        view = customer_service.get_360(session, customer_id=customer.id)

        assert view.customer.id == customer.id
        assert (view.member_points, view.credit_rating) == (1200, CreditRating.BBB)
        assert [c.name for c in view.contacts] == ["Primary"]
        assert [t.id for t in view.open_tickets] == [complaint.id]
        assert view.open_tickets[0].sla_due_at is not None
        assert [o.tracking_number for o in view.recent_orders] == [f"SF{d}" for d in range(5)]
        assert view.counts.model_dump() == {
            "orders": 7,
            "tickets": 2,
            "open_tickets": 1,
            "open_complaints": 1,
        }
        assert len(view.timeline) == 10
        assert view.timeline[0].kind == "interaction"

    def test_timeline_is_capped_at_twenty(self, session: Session) -> None:
        customer = make_customer(session)
        for _ in range(25):
            make_interaction(session, customer)
        assert len(customer_service.get_360(session, customer_id=customer.id).timeline) == 20

    def test_unknown_or_deleted_customer_is_not_found(self, session: Session) -> None:
        gone = make_customer(session, deleted_at=utcnow())
        for customer_id in (gone.id, 987654321):
            with pytest.raises(NotFound):
                customer_service.get_360(session, customer_id=customer_id)


class TestGetPortal360:
    def test_leaves_out_internal_fields_and_staff_notes(self, session: Session) -> None:
        customer = make_customer(session, credit_rating=CreditRating.C, marketing_hold=True)
        make_interaction(session, customer, subject="Internal: customer was rude")
        order = make_order(session, customer=customer)
        view = customer_service.get_portal_360(session, customer_id=customer.id)
        dumped = view.model_dump()
        assert "credit_rating" not in dumped["customer"]
        assert "marketing_hold" not in dumped["customer"]
        assert [(i.kind, i.id) for i in view.timeline] == [("order", order.id)]
