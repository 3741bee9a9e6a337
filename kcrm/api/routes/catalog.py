"""Products: the catalogue synced from the ERP (customers may read active products)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kcrm.api.deps import AdminUser, AgentUser, CurrentUser, PageDep, SessionDep
from kcrm.core.pagination import Page
from kcrm.crm.catalog import service as product_service
from kcrm.crm.catalog.schemas import ProductCreate, ProductFilters, ProductRead, ProductUpdate

router = APIRouter(tags=["catalog"])


def product_filters(
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    is_active: bool | None = None,
) -> ProductFilters:
    """Product list filters from the query string."""
    return ProductFilters(q=q, category=category, is_active=is_active)


@router.get("/products", response_model=Page[ProductRead])
def list_products(
    session: SessionDep,
    principal: CurrentUser,
    page: PageDep,
    filters: Annotated[ProductFilters, Depends(product_filters)],
) -> Page[ProductRead]:
    """List products; customer accounts see active products only."""
    if not principal.is_staff:
        filters = filters.model_copy(update={"is_active": True})
    items, total = product_service.list(session, filters=filters, params=page)
    return Page(
        items=[ProductRead.model_validate(p) for p in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/products", response_model=ProductRead, status_code=201)
def create_product(session: SessionDep, _agent: AgentUser, data: ProductCreate) -> ProductRead:
    """Add a product to the catalogue."""
    return ProductRead.model_validate(product_service.create(session, data=data))


@router.get("/products/{product_id}", response_model=ProductRead)
def get_product(session: SessionDep, principal: CurrentUser, product_id: int) -> ProductRead:
    """One product; customer accounts see active products only."""
    product = product_service.get(
        session, product_id=product_id, active_only=not principal.is_staff
    )
    return ProductRead.model_validate(product)


@router.patch("/products/{product_id}", response_model=ProductRead)
def update_product(
    session: SessionDep, _agent: AgentUser, product_id: int, data: ProductUpdate
) -> ProductRead:
    """Change a product's fields."""
    product = product_service.get(session, product_id=product_id)
    return ProductRead.model_validate(product_service.update(session, product=product, data=data))


@router.delete("/products/{product_id}", response_model=ProductRead)
def delete_product(session: SessionDep, _admin: AdminUser, product_id: int) -> ProductRead:
    """Soft delete a product (it stays on old orders)."""
    product = product_service.get(session, product_id=product_id)
    return ProductRead.model_validate(product_service.delete(session, product=product))
