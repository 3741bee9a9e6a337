"""Order use cases: list, get (scoped to the caller's customer), create, update."""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from kcrm.auth.principal import Principal
from kcrm.core.errors import BadRequest, Conflict, NotFound
from kcrm.core.pagination import PageParams, paginate
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer
from kcrm.crm.orders import repository, transitions
from kcrm.crm.orders.models import Order, OrderLine, OrderStatus
from kcrm.crm.orders.schemas import OrderCreate, OrderFilters, OrderLineCreate, OrderUpdate


def get(session: Session, *, order_id: int, principal: Principal | None = None) -> Order:
    """An order with its lines; another customer's order is NotFound for a customer account."""
    order = repository.get(session, order_id)
    if order is None:
        raise NotFound(f"order {order_id} not found")
    if principal is not None:
        principal.ensure_customer(order.customer_id, what=f"order {order_id}")
    return order


def get_by_number(session: Session, *, number: str, principal: Principal | None = None) -> Order:
    """An order by number ("where is my order SO-1?"), scoped like `get`."""
    order = repository.get_by_number(session, number)
    if order is None:
        raise NotFound(f"order {number} not found")
    if principal is not None:
        principal.ensure_customer(order.customer_id, what=f"order {number}")
    return order


def list(  # noqa: A001
    session: Session,
    *,
    filters: OrderFilters,
    params: PageParams,
    scope_customer_id: int | None = None,
) -> tuple[Sequence[Order], int]:
    """A page of orders, newest first by default; scoped to one customer when given."""
    statement = repository.list_query(filters, scope_customer_id=scope_customer_id)
    return paginate(session, statement, params, repository.SORTS)


def _resolve_products(session: Session, lines: Sequence[OrderLineCreate]) -> Sequence[Product]:
    by_id = {
        p.id: p for p in repository.products_by_ids(session, [ln.product_id or 0 for ln in lines])
    }
    by_sku = {
        p.sku: p for p in repository.products_by_skus(session, [ln.sku or "" for ln in lines])
    }
    products: builtins.list[Product] = []
    for index, line in enumerate(lines):
        product = by_id.get(line.product_id) if line.product_id else by_sku.get(line.sku or "")
        if product is None:
            ref = line.product_id or line.sku
            raise BadRequest(
                f"line {index + 1}: product {ref} not found",
                details=[{"loc": ["body", "lines", index], "msg": f"unknown product {ref}"}],
            )
        if line.product_id and line.sku and line.sku != product.sku:
            raise BadRequest(f"line {index + 1}: product {product.id} has SKU {product.sku}")
        products.append(product)
    return products


def _new_number() -> str:
    return f"KC-{secrets.token_hex(5).upper()}"


def create(session: Session, *, data: OrderCreate) -> Order:
    """Place an order; the total is the sum of its lines."""
    if session.get(Customer, data.customer_id) is None:
        raise NotFound(f"customer {data.customer_id} not found")
    number = data.number or _new_number()
    if repository.get_by_number(session, number) is not None:
        raise Conflict(f"an order numbered {number} already exists")
    if data.external_id and repository.get_by_external_id(session, data.external_id):
        raise Conflict(f"an order with external_id {data.external_id} already exists")
    products = _resolve_products(session, data.lines)
    lines = [
        OrderLine(
            product_id=product.id,
            sku=product.sku,
            quantity=line.quantity,
            unit_price=line.unit_price if line.unit_price is not None else product.price,
        )
        for line, product in zip(data.lines, products, strict=True)
    ]
    values = data.model_dump(exclude={"lines", "number", "placed_at"}, exclude_none=True)
    order = Order(**values, number=number, status=OrderStatus.placed, lines=lines)
    if data.placed_at is not None:
        order.placed_at = data.placed_at
    order.total = sum((ln.unit_price * ln.quantity for ln in lines), Decimal("0"))
    session.add(order)
    session.flush()
    return order


def update(session: Session, *, order: Order, data: OrderUpdate) -> Order:
    """Change shipping details and move the status along the allowed transitions."""
    values = data.model_dump(exclude_unset=True)
    status = values.pop("status", None)
    for key, value in values.items():
        setattr(order, key, value)
    if status is not None:
        transitions.apply(order, status)
    session.flush()
    return order
