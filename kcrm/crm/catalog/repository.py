"""Every product query."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from kcrm.crm.catalog.models import Product
from kcrm.crm.catalog.schemas import ProductFilters

SORTS = {
    "id": Product.id,
    "sku": Product.sku,
    "name": Product.name,
    "category": Product.category,
    "price": Product.price,
    "created_at": Product.created_at,
    "updated_at": Product.updated_at,
}


def get(session: Session, product_id: int) -> Product | None:
    """A live (not deleted) product by id."""
    product = session.get(Product, product_id)
    return None if product is None or product.deleted_at is not None else product


def get_by_sku(session: Session, sku: str) -> Product | None:
    """Any product (deleted ones too) holding this SKU."""
    return session.scalar(select(Product).where(Product.sku == sku))


def get_by_external_id(session: Session, external_id: str) -> Product | None:
    """Any product (deleted ones too) holding this ERP id."""
    return session.scalar(select(Product).where(Product.external_id == external_id))


def list_query(filters: ProductFilters) -> Select[Product]:
    """Live products matching the filters."""
    statement = select(Product).where(Product.deleted_at.is_(None))
    if filters.q:
        pattern = f"%{filters.q}%"
        statement = statement.where(
            or_(
                Product.sku.ilike(pattern),
                Product.name.ilike(pattern),
                Product.name_en.ilike(pattern),
            )
        )
    if filters.category:
        statement = statement.where(Product.category == filters.category)
    if filters.is_active is not None:
        statement = statement.where(Product.is_active.is_(filters.is_active))
    return statement
