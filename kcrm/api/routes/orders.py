"""Orders: staff see all, a customer account sees only its own customer's orders."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from kcrm.api.deps import AgentUser, CurrentUser, PageDep, SessionDep
from kcrm.core.pagination import Page
from kcrm.crm.orders import service as order_service
from kcrm.crm.orders.models import OrderStatus
from kcrm.crm.orders.schemas import OrderCreate, OrderFilters, OrderRead, OrderUpdate

router = APIRouter(tags=["orders"])


def order_filters(
    customer_id: int | None = None,
    status: OrderStatus | None = None,
    number: Annotated[str | None, Query(max_length=64)] = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
) -> OrderFilters:
    """Order list filters from the query string."""
    return OrderFilters(
        customer_id=customer_id,
        status=status,
        number=number,
        placed_from=placed_from,
        placed_to=placed_to,
    )


@router.get("/orders", response_model=Page[OrderRead])
def list_orders(
    session: SessionDep,
    principal: CurrentUser,
    page: PageDep,
    filters: Annotated[OrderFilters, Depends(order_filters)],
) -> Page[OrderRead]:
    """List orders (newest first); a customer account gets its own orders only."""
    items, total = order_service.list(
        session, filters=filters, params=page, scope_customer_id=principal.scope_customer_id
    )
    return Page(
        items=[OrderRead.model_validate(o) for o in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/orders", response_model=OrderRead, status_code=201)
def create_order(session: SessionDep, _agent: AgentUser, data: OrderCreate) -> OrderRead:
    """Place an order with its lines; the total is computed from the lines."""
    return OrderRead.model_validate(order_service.create(session, data=data))


@router.get("/orders/by-number/{number}", response_model=OrderRead)
def get_order_by_number(session: SessionDep, principal: CurrentUser, number: str) -> OrderRead:
    """One order by its number (for "where is my order?")."""
    order = order_service.get_by_number(session, number=number, principal=principal)
    return OrderRead.model_validate(order)


@router.get("/orders/{order_id}", response_model=OrderRead)
def get_order(session: SessionDep, principal: CurrentUser, order_id: int) -> OrderRead:
    """One order with its lines."""
    return OrderRead.model_validate(
        order_service.get(session, order_id=order_id, principal=principal)
    )


@router.patch("/orders/{order_id}", response_model=OrderRead)
def update_order(
    session: SessionDep, _agent: AgentUser, order_id: int, data: OrderUpdate
) -> OrderRead:
    """Update shipping details or move the status (invalid transitions are 409)."""
    order = order_service.get(session, order_id=order_id)
    return OrderRead.model_validate(order_service.update(session, order=order, data=data))
