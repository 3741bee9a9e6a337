"""Customer use cases: list, create, read, update, soft delete, member points, customer 360."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import Conflict, NotFound
from kcrm.core.pagination import PageParams, paginate
from kcrm.crm.customers import repository
from kcrm.crm.customers.models import Customer, MemberTier
from kcrm.crm.customers.schemas import (
    Customer360,
    CustomerCreate,
    CustomerFilter,
    CustomerPortal360,
    CustomerUpdate,
    PointsAdjust,
    PointsResult,
)
from kcrm.crm.customers.three60 import build_360, build_portal_360

# The one place member tiers are defined: the highest tier whose threshold is reached.
MEMBER_TIER_THRESHOLDS: tuple[tuple[int, MemberTier], ...] = (
    (20_000, MemberTier.platinum),
    (5_000, MemberTier.gold),
    (1_000, MemberTier.silver),
    (0, MemberTier.standard),
)


def tier_for(points: int) -> MemberTier:
    """The member tier that a points balance earns."""
    for threshold, tier in MEMBER_TIER_THRESHOLDS:
        if points >= threshold:
            return tier
    return MemberTier.standard


def get(session: Session, *, customer_id: int, include_deleted: bool = False) -> Customer:
    """A customer by id, or NotFound (soft-deleted customers count as gone)."""
    customer = repository.get_customer(session, customer_id, include_deleted=include_deleted)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    return customer


def list(  # noqa: A001
    session: Session, *, filters: CustomerFilter, params: PageParams
) -> tuple[Sequence[Customer], int]:
    """A filtered, sorted page of customers."""
    statement = repository.list_customers_query(filters)
    return paginate(session, statement, params, repository.CUSTOMER_SORTS)


def _check_external_id(session: Session, external_id: str | None, *, own_id: int | None) -> None:
    if external_id is None:
        return
    holder = repository.get_customer_by_external_id(session, external_id)
    if holder is not None and holder.id != own_id:
        raise Conflict(f"a customer with external_id {external_id!r} already exists")


def create(session: Session, *, data: CustomerCreate) -> Customer:
    """Create a customer; external ERP ids are unique (409 otherwise)."""
    _check_external_id(session, data.external_id, own_id=None)
    customer = Customer(**data.model_dump(), member_tier=tier_for(data.member_points))
    session.add(customer)
    session.flush()
    return customer


def update(session: Session, *, customer: Customer, data: CustomerUpdate) -> Customer:
    """Change the fields given in the body; the audit log keeps before and after."""
    values = data.model_dump(exclude_unset=True)
    if "external_id" in values:
        _check_external_id(session, values["external_id"], own_id=customer.id)
    for key, value in values.items():
        setattr(customer, key, value)
    session.flush()
    return customer


def delete(session: Session, *, customer: Customer) -> Customer:
    """Soft delete: the customer disappears from reads but its history stays."""
    customer.deleted_at = customer.deleted_at or utcnow()
    session.flush()
    return customer


def adjust_points(session: Session, *, customer_id: int, data: PointsAdjust) -> PointsResult:
    """Add or remove member points (never below zero) and recompute the member tier."""
    customer = repository.get_customer_for_update(session, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} not found")
    before = customer.member_points
    if before + data.delta < 0:
        raise Conflict(
            f"customer {customer_id} has {before} points; cannot remove {-data.delta}",
            details=[{"loc": ["body", "delta"], "msg": "balance would go below zero"}],
        )
    customer.member_points = before + data.delta
    customer.member_tier = tier_for(customer.member_points)
    repository.record_points_change(
        session, customer, before=before, delta=data.delta, reason=data.reason
    )
    session.flush()
    return PointsResult(
        customer_id=customer.id,
        delta=data.delta,
        reason=data.reason,
        member_points=customer.member_points,
        member_tier=customer.member_tier,
    )


def get_360(session: Session, *, customer_id: int) -> Customer360:
    """Profile, contacts, open tickets, recent orders, points, counts and the latest timeline."""
    return build_360(session, get(session, customer_id=customer_id))


def get_portal_360(session: Session, *, customer_id: int) -> CustomerPortal360:
    """The customer-360 a portal account may see of its own customer."""
    return build_portal_360(session, get(session, customer_id=customer_id))


def get_visible(session: Session, *, principal: Principal, customer_id: int) -> Customer:
    """A customer the caller may read: staff any, a portal account only its own (404 else)."""
    principal.ensure_customer(customer_id, what=f"customer {customer_id}")
    return get(session, customer_id=customer_id)
