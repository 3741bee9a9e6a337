"""Factories for orders and their lines."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders.models import Order, OrderLine
from tests.factories.catalog import make_product
from tests.factories.customers import make_customer

_seq = itertools.count(1)


def make_order(
    session: Session,
    *,
    customer: Customer | None = None,
    product: Product | None = None,
    quantity: int = 1,
    **overrides: Any,
) -> Order:
    """A persisted order with one line (customer and product made when not given)."""
    n = next(_seq)
    customer = customer or make_customer(session)
    product = product or make_product(session)
    line = OrderLine(
        product_id=product.id, sku=product.sku, quantity=quantity, unit_price=product.price
    )
    values: dict[str, Any] = {
        "number": f"SO-TST-{n:06d}",
        "external_id": f"SO-TST-{n:06d}",
        "customer_id": customer.id,
        "total": product.price * quantity,
        "lines": [line],
    }
    values.update(overrides)
    order = Order(**values)
    session.add(order)
    session.flush()
    return order
