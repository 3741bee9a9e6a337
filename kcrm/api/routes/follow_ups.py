"""Follow-up visits (回访) across tickets: the work list and recording outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from kcrm.api.deps import AgentUser, PageDep, SessionDep, StaffUser
from kcrm.core.pagination import Page
from kcrm.crm.tickets import follow_ups as follow_up_service
from kcrm.crm.tickets.models import FollowUpStatus
from kcrm.crm.tickets.schemas import FollowUpFilters, FollowUpRead, FollowUpUpdate

router = APIRouter(tags=["follow-ups"])


def follow_up_filters(
    status: FollowUpStatus | None = None,
    assigned_to_id: int | None = None,
    customer_id: int | None = None,
    ticket_id: int | None = None,
    due_before: datetime | None = None,
) -> FollowUpFilters:
    """The follow-up list filters from the query string."""
    return FollowUpFilters(
        status=status,
        assigned_to_id=assigned_to_id,
        customer_id=customer_id,
        ticket_id=ticket_id,
        due_before=due_before,
    )


@router.get("/follow-ups", response_model=Page[FollowUpRead])
def list_follow_ups(
    session: SessionDep,
    _staff: StaffUser,
    page: PageDep,
    filters: Annotated[FollowUpFilters, Depends(follow_up_filters)],
) -> Page[FollowUpRead]:
    """List follow-up visits, soonest first."""
    items, total = follow_up_service.list(session, filters=filters, params=page)
    return Page(
        items=[FollowUpRead.model_validate(f) for f in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/follow-ups/{follow_up_id}", response_model=FollowUpRead)
def get_follow_up(session: SessionDep, _staff: StaffUser, follow_up_id: int) -> FollowUpRead:
    """One follow-up visit."""
    return FollowUpRead.model_validate(follow_up_service.get(session, follow_up_id=follow_up_id))


@router.patch("/follow-ups/{follow_up_id}", response_model=FollowUpRead)
def update_follow_up(
    session: SessionDep, agent: AgentUser, follow_up_id: int, data: FollowUpUpdate
) -> FollowUpRead:
    """Record a visit's outcome (done, missed, cancelled), satisfaction, or reschedule it."""
    follow_up = follow_up_service.get(session, follow_up_id=follow_up_id)
    return FollowUpRead.model_validate(
        follow_up_service.update(session, follow_up=follow_up, principal=agent, data=data)
    )
