"""Product use cases: list, get, create, update, soft delete."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import Conflict, NotFound
from kcrm.core.pagination import PageParams, paginate
from kcrm.crm.catalog import repository
from kcrm.crm.catalog.models import Product
from kcrm.crm.catalog.schemas import ProductCreate, ProductFilters, ProductUpdate


def get(session: Session, *, product_id: int, active_only: bool = False) -> Product:
    """A live product by id, or NotFound (inactive ones too when `active_only`)."""
    product = repository.get(session, product_id)
    if product is None or (active_only and not product.is_active):
        raise NotFound(f"product {product_id} not found")
    return product


def list(  # noqa: A001
    session: Session, *, filters: ProductFilters, params: PageParams
) -> tuple[Sequence[Product], int]:
    """A page of live products matching the filters."""
    return paginate(session, repository.list_query(filters), params, repository.SORTS)


def _check_unique(
    session: Session, *, sku: str | None, external_id: str | None, product_id: int | None
) -> None:
    if sku is not None:
        holder = repository.get_by_sku(session, sku)
        if holder is not None and holder.id != product_id:
            raise Conflict(f"a product with SKU {sku} already exists")
    if external_id is not None:
        holder = repository.get_by_external_id(session, external_id)
        if holder is not None and holder.id != product_id:
            raise Conflict(f"a product with external_id {external_id} already exists")


def create(session: Session, *, data: ProductCreate) -> Product:
    """Add a product; SKU and ERP id are unique."""
    _check_unique(session, sku=data.sku, external_id=data.external_id, product_id=None)
    product = Product(**data.model_dump())
    session.add(product)
    session.flush()
    return product


def update(session: Session, *, product: Product, data: ProductUpdate) -> Product:
    """Change the fields given; SKU and ERP id stay unique."""
    values = data.model_dump(exclude_unset=True)
    _check_unique(
        session, sku=values.get("sku"), external_id=values.get("external_id"), product_id=product.id
    )
    for key, value in values.items():
        setattr(product, key, value)
    session.flush()
    return product


def delete(session: Session, *, product: Product) -> Product:
    """Soft delete: the product keeps its history on old orders but leaves the catalogue."""
    product.deleted_at = utcnow()
    product.is_active = False
    session.flush()
    return product
