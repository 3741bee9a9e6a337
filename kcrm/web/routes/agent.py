"""The agent console: the ticket queue, one ticket with its customer, and cited articles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from kcrm.api.deps import ObjectId, SessionDep
from kcrm.auth import service as auth_service
from kcrm.core.errors import BadRequest, NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.customers import service as customer_service
from kcrm.crm.customers.models import Language
from kcrm.crm.tickets import actions as action_service
from kcrm.crm.tickets import messages as message_service
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets.models import Priority, TicketKind, TicketStatus
from kcrm.crm.tickets.schemas import TicketFilters
from kcrm.knowledge.articles import service as article_service
from kcrm.web.pages import AgentViewer, render

router = APIRouter(prefix="/agent", tags=["web"])

PAGE_SIZE = 25
ACTIVE = [TicketStatus.new, TicketStatus.open, TicketStatus.pending, TicketStatus.reopened]
STATUS_CHOICES = r"^(active|all|new|open|pending|resolved|closed|reopened)$"
SORTS = {"newest": "-created_at", "sla": "sla_due_at", "priority": "-priority"}


class QueueQuery(BaseModel):
    """The queue's filters as the form sends them; empty fields mean "any"."""

    status: str = Field(
        "active", pattern=r"^(active|all|new|open|pending|resolved|closed|reopened)$"
    )
    kind: TicketKind | None = None
    priority: Priority | None = None
    language: Language | None = None
    owner: str = Field("all", pattern=r"^(all|mine)$")
    q: str | None = Field(None, max_length=200)
    sort: str = Field("newest", pattern=r"^(newest|sla|priority)$")
    page: int = Field(1, ge=1, le=10_000)


def queue_query(
    status: str = "active",
    kind: str | None = None,
    priority: str | None = None,
    language: str | None = None,
    owner: str = "all",
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: str = "newest",
    page: int = 1,
) -> QueueQuery:
    """Read the filter form; an empty select means no filter."""
    values = {"kind": kind, "priority": priority, "language": language, "q": q}
    fixed = {"status": status, "owner": owner, "sort": sort, "page": page}
    try:
        return QueueQuery.model_validate(
            {**fixed, **{key: value for key, value in values.items() if value}}
        )
    except ValidationError as exc:
        raise BadRequest(f"invalid filter: {exc.errors()[0]['loc'][0]}") from exc


def _filters(query: QueueQuery, user_id: int | None) -> TicketFilters:
    statuses: list[TicketStatus] | None = None
    if query.status == "active":
        statuses = ACTIVE
    elif query.status != "all":
        statuses = [TicketStatus(query.status)]
    return TicketFilters(
        status=statuses,
        kind=query.kind,
        priority=query.priority,
        language=query.language,
        owner_id=user_id if query.owner == "mine" else None,
        q=query.q,
    )


def _user_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    return {i: auth_service.get(session, user_id=i).full_name for i in ids if i is not None}


def _customer_names(session: Session, ids: set[int]) -> dict[int, str]:
    return {i: customer_service.get(session, customer_id=i).name for i in ids}


@router.get("/tickets", response_class=HTMLResponse)
def queue(
    request: Request,
    session: SessionDep,
    viewer: AgentViewer,
    query: Annotated[QueueQuery, Depends(queue_query)],
) -> HTMLResponse:
    """The ticket queue with its filters."""
    params = PageParams(
        limit=PAGE_SIZE, offset=(query.page - 1) * PAGE_SIZE, sort=SORTS[query.sort]
    )
    filters = _filters(query, viewer.principal.user_id)
    tickets, total = ticket_service.list(
        session, principal=viewer.principal, filters=filters, params=params
    )
    context: dict[str, Any] = {
        "tickets": tickets,
        "total": total,
        "query": query,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "customers": _customer_names(session, {t.customer_id for t in tickets}),
        "owners": _user_names(session, {t.owner_id for t in tickets}),
        "statuses": list(TicketStatus),
        "kinds": list(TicketKind),
        "priorities": list(Priority),
        "languages": list(Language),
    }
    return render(request, "agent/queue.html", context, viewer=viewer)


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_page(
    request: Request, session: SessionDep, viewer: AgentViewer, ticket_id: ObjectId
) -> HTMLResponse:
    """One ticket: the conversation, the customer 360, and the assist panel."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=viewer.principal)
    messages = message_service.list(session, ticket=ticket, principal=viewer.principal)
    context = {
        "ticket": ticket,
        "messages": messages,
        "actions": action_service.list(session, ticket=ticket),
        "customer": customer_service.get_360(session, customer_id=ticket.customer_id),
        "owners": _user_names(session, {ticket.owner_id}),
    }
    return render(request, "agent/ticket.html", context, viewer=viewer)


ArticleRef = Path(max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")


@router.get("/articles/{external_id}", response_class=HTMLResponse)
def article_page(
    request: Request,
    session: SessionDep,
    viewer: AgentViewer,
    external_id: str = ArticleRef,
    v: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> HTMLResponse:
    """An article as a citation names it: the cited version when it was kept."""
    article = article_service.get_by_external_id(session, external_id=external_id)
    shown = article_service.get_version(session, article=article, version=v) if v else None
    if v and shown is None and v != article.version:
        raise NotFound(f"version {v} of {external_id} was not kept")
    context = {"article": article, "shown": shown or article, "cited_version": v}
    return render(request, "agent/article.html", context, viewer=viewer)
