"""Customers, their contacts, interactions, timeline and customer 360."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kcrm.api.deps import AgentUser, CurrentUser, CustomerUser, PageDep, SessionDep, StaffUser
from kcrm.auth.models import Role
from kcrm.core.errors import Forbidden
from kcrm.core.pagination import Page
from kcrm.crm.customers import contacts as contact_service
from kcrm.crm.customers import interactions as interaction_service
from kcrm.crm.customers import service as customer_service
from kcrm.crm.customers import timeline as timeline_service
from kcrm.crm.customers.models import InteractionKind
from kcrm.crm.customers.schemas import (
    ContactCreate,
    ContactRead,
    ContactUpdate,
    Customer360,
    CustomerCreate,
    CustomerFilter,
    CustomerPortal360,
    CustomerPortalRead,
    CustomerRead,
    CustomerUpdate,
    InteractionCreate,
    InteractionRead,
    PointsAdjust,
    PointsResult,
    TimelineItem,
)

router = APIRouter(tags=["customers"])


@router.get("/customers", response_model=Page[CustomerRead])
def list_customers(
    session: SessionDep,
    staff: StaffUser,
    page: PageDep,
    filters: Annotated[CustomerFilter, Query()],
) -> Page[CustomerRead]:
    """List customers with filters, sorting and pagination (staff only)."""
    if filters.include_deleted and staff.role != Role.admin:
        raise Forbidden("only admins may list deleted customers")
    items, total = customer_service.list(session, filters=filters, params=page)
    return Page(
        items=[CustomerRead.model_validate(c) for c in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/customers", response_model=CustomerRead, status_code=201)
def create_customer(session: SessionDep, _agent: AgentUser, data: CustomerCreate) -> CustomerRead:
    """Create a customer; a duplicate external_id is a 409."""
    return CustomerRead.model_validate(customer_service.create(session, data=data))


@router.get("/customers/me", response_model=CustomerPortalRead)
def get_my_customer(session: SessionDep, me: CustomerUser) -> CustomerPortalRead:
    """The portal account's own customer profile."""
    customer = customer_service.get_visible(session, principal=me, customer_id=me.customer_id or 0)
    return CustomerPortalRead.model_validate(customer)


@router.get("/customers/me/360", response_model=CustomerPortal360)
def get_my_360(session: SessionDep, me: CustomerUser) -> CustomerPortal360:
    """The portal account's own customer 360 (no internal fields or staff notes)."""
    return customer_service.get_portal_360(session, customer_id=me.customer_id or 0)


@router.get("/customers/{customer_id}", response_model=CustomerRead | CustomerPortalRead)
def get_customer(
    session: SessionDep, principal: CurrentUser, customer_id: int
) -> CustomerRead | CustomerPortalRead:
    """One customer; a portal account gets the portal view of its own customer only."""
    customer = customer_service.get_visible(session, principal=principal, customer_id=customer_id)
    if principal.is_staff:
        return CustomerRead.model_validate(customer)
    return CustomerPortalRead.model_validate(customer)


@router.patch("/customers/{customer_id}", response_model=CustomerRead)
def update_customer(
    session: SessionDep, _agent: AgentUser, customer_id: int, data: CustomerUpdate
) -> CustomerRead:
    """Change a customer's fields (member points go through /points)."""
    customer = customer_service.get(session, customer_id=customer_id)
    return CustomerRead.model_validate(
        customer_service.update(session, customer=customer, data=data)
    )


@router.delete("/customers/{customer_id}", response_model=CustomerRead)
def delete_customer(session: SessionDep, _agent: AgentUser, customer_id: int) -> CustomerRead:
    """Soft delete a customer; it answers 404 afterwards but its history is kept."""
    customer = customer_service.get(session, customer_id=customer_id)
    return CustomerRead.model_validate(customer_service.delete(session, customer=customer))


@router.post("/customers/{customer_id}/points", response_model=PointsResult)
def adjust_points(
    session: SessionDep, _agent: AgentUser, customer_id: int, data: PointsAdjust
) -> PointsResult:
    """Add or remove member points (never below zero) and recompute the member tier."""
    return customer_service.adjust_points(session, customer_id=customer_id, data=data)


@router.get("/customers/{customer_id}/360", response_model=Customer360 | CustomerPortal360)
def get_customer_360(
    session: SessionDep, principal: CurrentUser, customer_id: int
) -> Customer360 | CustomerPortal360:
    """Profile, contacts, open tickets, recent orders, points, counts and timeline in one call."""
    principal.ensure_customer(customer_id, what=f"customer {customer_id}")
    if principal.is_staff:
        return customer_service.get_360(session, customer_id=customer_id)
    return customer_service.get_portal_360(session, customer_id=customer_id)


@router.get("/customers/{customer_id}/timeline", response_model=Page[TimelineItem])
def get_timeline(
    session: SessionDep,
    principal: CurrentUser,
    customer_id: int,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    kinds: Annotated[
        str | None, Query(max_length=64, description="Comma-separated: interaction,order,ticket")
    ] = None,
) -> Page[TimelineItem]:
    """Interactions, orders and tickets merged, newest first; portal accounts see no notes."""
    customer_service.get_visible(session, principal=principal, customer_id=customer_id)
    chosen = timeline_service.parse_kinds(kinds)
    if not principal.is_staff:
        chosen &= timeline_service.PORTAL_KINDS
    return timeline_service.page(
        session, customer_id=customer_id, kinds=chosen, limit=limit, offset=offset
    )


@router.get("/customers/{customer_id}/contacts", response_model=list[ContactRead])
def list_contacts(
    session: SessionDep, principal: CurrentUser, customer_id: int
) -> list[ContactRead]:
    """A customer's contacts, primary first."""
    customer_service.get_visible(session, principal=principal, customer_id=customer_id)
    contacts = contact_service.list(session, customer_id=customer_id)
    return [ContactRead.model_validate(c) for c in contacts]


@router.post("/customers/{customer_id}/contacts", response_model=ContactRead, status_code=201)
def create_contact(
    session: SessionDep, _agent: AgentUser, customer_id: int, data: ContactCreate
) -> ContactRead:
    """Add a contact; marking it primary demotes the previous primary contact."""
    customer = customer_service.get(session, customer_id=customer_id)
    contact = contact_service.create(session, customer_id=customer.id, data=data)
    return ContactRead.model_validate(contact)


@router.patch("/contacts/{contact_id}", response_model=ContactRead)
def update_contact(
    session: SessionDep, _agent: AgentUser, contact_id: int, data: ContactUpdate
) -> ContactRead:
    """Change a contact's name, title, channels or primary flag."""
    contact = contact_service.get(session, contact_id=contact_id)
    return ContactRead.model_validate(contact_service.update(session, contact=contact, data=data))


@router.delete("/contacts/{contact_id}", response_model=ContactRead)
def delete_contact(session: SessionDep, _agent: AgentUser, contact_id: int) -> ContactRead:
    """Soft delete a contact."""
    contact = contact_service.get(session, contact_id=contact_id)
    return ContactRead.model_validate(contact_service.delete(session, contact=contact))


@router.get("/customers/{customer_id}/interactions", response_model=Page[InteractionRead])
def list_interactions(
    session: SessionDep,
    principal: CurrentUser,
    page: PageDep,
    customer_id: int,
    kind: InteractionKind | None = None,
) -> Page[InteractionRead]:
    """A customer's logged calls, emails, visits, chats, meetings and SMS (staff only)."""
    customer_service.get_visible(session, principal=principal, customer_id=customer_id)
    if not principal.is_staff:
        raise Forbidden("interaction notes are for staff only")
    items, total = interaction_service.list(
        session, customer_id=customer_id, params=page, kind=kind
    )
    return Page(
        items=[InteractionRead.model_validate(i) for i in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "/customers/{customer_id}/interactions", response_model=InteractionRead, status_code=201
)
def create_interaction(
    session: SessionDep, agent: AgentUser, customer_id: int, data: InteractionCreate
) -> InteractionRead:
    """Log an interaction with a customer, attributed to the calling user."""
    customer = customer_service.get(session, customer_id=customer_id)
    interaction = interaction_service.create(
        session, customer_id=customer.id, data=data, user_id=agent.user_id
    )
    return InteractionRead.model_validate(interaction)
