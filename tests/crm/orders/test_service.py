"""Order use cases: creation with lines, scoping and status transitions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.errors import BadRequest, Conflict, NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.orders import service as order_service
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.orders.schemas import OrderCreate, OrderFilters, OrderUpdate
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer
from tests.factories.orders import make_order


class TestCreate:
    def test_total_is_the_sum_of_the_lines(self, session: Session) -> None:
        customer = make_customer(session)
        kettle = make_product(session, price=Decimal("199.00"))
        filter_ = make_product(session, price=Decimal("50.50"))
        data = OrderCreate(
            customer_id=customer.id,
            lines=[
                {"product_id": kettle.id, "quantity": 2},
                {"sku": filter_.sku, "quantity": 1, "unit_price": Decimal("45.00")},
            ],
        )
        order = order_service.create(session, data=data)
        assert order.total == Decimal("443.00")
        assert order.status == OrderStatus.placed
        assert [line.sku for line in order.lines] == [kettle.sku, filter_.sku]
        assert order.number.startswith("KC-")

    def test_unknown_product_is_a_bad_request(self, session: Session) -> None:
        customer = make_customer(session)
        data = OrderCreate(customer_id=customer.id, lines=[{"sku": "NOPE-1"}])
        with pytest.raises(BadRequest, match="NOPE-1"):
            order_service.create(session, data=data)

    def test_unknown_customer_is_not_found(self, session: Session) -> None:
        product = make_product(session)
        data = OrderCreate(customer_id=10**9, lines=[{"product_id": product.id}])
        with pytest.raises(NotFound):
            order_service.create(session, data=data)

    def test_duplicate_number_is_a_conflict(self, session: Session) -> None:
        existing = make_order(session)
        product = make_product(session)
        data = OrderCreate(
            customer_id=existing.customer_id,
            number=existing.number,
            lines=[{"product_id": product.id}],
        )
        with pytest.raises(Conflict):
            order_service.create(session, data=data)


class TestUpdate:
    def test_full_happy_path_stamps_times(self, session: Session) -> None:
        order = make_order(session)
        order_service.update(session, order=order, data=OrderUpdate(status=OrderStatus.paid))
        assert order.paid_at is not None
        order_service.update(
            session,
            order=order,
            data=OrderUpdate(status=OrderStatus.shipped, tracking_number="SF123", carrier="SF"),
        )
        assert order.shipped_at is not None
        order_service.update(session, order=order, data=OrderUpdate(status=OrderStatus.delivered))
        order_service.update(session, order=order, data=OrderUpdate(status=OrderStatus.returned))
        assert order.delivered_at is not None
        assert order.status == OrderStatus.returned

    def test_shipping_needs_a_tracking_number(self, session: Session) -> None:
        order = make_order(session, status=OrderStatus.paid)
        with pytest.raises(Conflict, match="tracking"):
            order_service.update(session, order=order, data=OrderUpdate(status=OrderStatus.shipped))

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (OrderStatus.placed, OrderStatus.shipped),
            (OrderStatus.placed, OrderStatus.delivered),
            (OrderStatus.shipped, OrderStatus.cancelled),
            (OrderStatus.cancelled, OrderStatus.paid),
            (OrderStatus.delivered, OrderStatus.placed),
        ],
    )
    def test_invalid_transitions_are_conflicts(
        self, session: Session, start: OrderStatus, target: OrderStatus
    ) -> None:
        order = make_order(session, status=start, tracking_number="SF1")
        with pytest.raises(Conflict, match="cannot go"):
            order_service.update(session, order=order, data=OrderUpdate(status=target))
        assert order.status == start

    def test_paid_order_can_be_cancelled(self, session: Session) -> None:
        order = make_order(session, status=OrderStatus.paid)
        order_service.update(session, order=order, data=OrderUpdate(status=OrderStatus.cancelled))
        assert order.status == OrderStatus.cancelled


class TestGet:
    def test_customer_principal_gets_not_found_for_others(self, session: Session) -> None:
        order = make_order(session)
        stranger = make_customer(session)
        principal = Principal(role=Role.customer, user_id=1, customer_id=stranger.id)
        with pytest.raises(NotFound):
            order_service.get(session, order_id=order.id, principal=principal)
        with pytest.raises(NotFound):
            order_service.get_by_number(session, number=order.number, principal=principal)

    def test_own_order_by_number(self, session: Session) -> None:
        order = make_order(session)
        principal = Principal(role=Role.customer, user_id=1, customer_id=order.customer_id)
        found = order_service.get_by_number(session, number=order.number, principal=principal)
        assert found.id == order.id


class TestList:
    def test_scope_limits_to_one_customer(self, session: Session) -> None:
        mine = make_order(session)
        make_order(session)
        items, total = order_service.list(
            session,
            filters=OrderFilters(),
            params=PageParams(),
            scope_customer_id=mine.customer_id,
        )
        assert total == 1
        assert items[0].id == mine.id

    def test_filters_by_status(self, session: Session) -> None:
        customer = make_customer(session)
        make_order(session, customer=customer, status=OrderStatus.paid)
        make_order(session, customer=customer)
        items, total = order_service.list(
            session,
            filters=OrderFilters(customer_id=customer.id, status=OrderStatus.paid),
            params=PageParams(),
        )
        assert total == 1
        assert items[0].status == OrderStatus.paid
