"""Every order query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from kcrm.crm.catalog.models import Product
from kcrm.crm.orders.models import Order
from kcrm.crm.orders.schemas import OrderFilters

SORTS = {
    "placed_at": Order.placed_at,
    "id": Order.id,
    "number": Order.number,
    "status": Order.status,
    "total": Order.total,
    "updated_at": Order.updated_at,
}


def get(session: Session, order_id: int) -> Order | None:
    """An order with its lines."""
    statement = select(Order).where(Order.id == order_id).options(selectinload(Order.lines))
    return session.scalar(statement)


def get_by_number(session: Session, number: str) -> Order | None:
    """An order by its number, with its lines."""
    statement = select(Order).where(Order.number == number).options(selectinload(Order.lines))
    return session.scalar(statement)


def get_by_external_id(session: Session, external_id: str) -> Order | None:
    """An order by its ERP id."""
    return session.scalar(select(Order).where(Order.external_id == external_id))


def list_query(filters: OrderFilters, *, scope_customer_id: int | None) -> Select[Order]:
    """Orders matching the filters, limited to one customer when scoped."""
    statement = select(Order).options(selectinload(Order.lines))
    if scope_customer_id is not None:
        statement = statement.where(Order.customer_id == scope_customer_id)
    if filters.customer_id is not None:
        statement = statement.where(Order.customer_id == filters.customer_id)
    if filters.status is not None:
        statement = statement.where(Order.status == filters.status)
    if filters.number:
        statement = statement.where(Order.number == filters.number)
    if filters.placed_from is not None:
        statement = statement.where(Order.placed_at >= filters.placed_from)
    if filters.placed_to is not None:
        statement = statement.where(Order.placed_at < filters.placed_to)
    return statement


def products_by_ids(session: Session, ids: Iterable[int]) -> Sequence[Product]:
    """Live products with these ids."""
    statement = select(Product).where(Product.id.in_(set(ids)), Product.deleted_at.is_(None))
    return session.scalars(statement).all()


def products_by_skus(session: Session, skus: Iterable[str]) -> Sequence[Product]:
    """Live products with these SKUs."""
    statement = select(Product).where(Product.sku.in_(set(skus)), Product.deleted_at.is_(None))
    return session.scalars(statement).all()
