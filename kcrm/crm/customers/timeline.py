"""The customer timeline: interactions, orders and tickets merged, newest first."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from kcrm.core.errors import InvalidInput
from kcrm.core.pagination import Page
from kcrm.crm.customers import repository
from kcrm.crm.customers.schemas import TimelineItem, TimelineKind

ALL_KINDS: frozenset[TimelineKind] = frozenset(TimelineKind)
# Staff notes of calls and visits are internal; a customer's own timeline leaves them out.
PORTAL_KINDS: frozenset[TimelineKind] = frozenset({TimelineKind.order, TimelineKind.ticket})


def parse_kinds(raw: str | None) -> frozenset[TimelineKind]:
    """Turn 'order,ticket' into kinds; empty means all, unknown names are refused."""
    if not raw or not raw.strip():
        return ALL_KINDS
    kinds = set()
    for name in (part.strip() for part in raw.split(",")):
        if not name:
            continue
        try:
            kinds.add(TimelineKind(name))
        except ValueError:
            allowed = ", ".join(k.value for k in TimelineKind)
            raise InvalidInput(
                f"unknown timeline kind {name!r}; choose from {allowed}", field="kinds"
            ) from None
    return frozenset(kinds) or ALL_KINDS


def latest(
    session: Session, *, customer_id: int, kinds: Collection[TimelineKind], limit: int
) -> list[TimelineItem]:
    """The newest `limit` timeline items, without a total."""
    rows = repository.timeline(session, customer_id, kinds=kinds, limit=limit, offset=0)
    return [TimelineItem.model_validate(row) for row in rows]


def page(
    session: Session,
    *,
    customer_id: int,
    kinds: Collection[TimelineKind],
    limit: int,
    offset: int,
) -> Page[TimelineItem]:
    """One page of a customer's timeline with the total across all pages."""
    rows = repository.timeline(session, customer_id, kinds=kinds, limit=limit, offset=offset)
    return Page(
        items=[TimelineItem.model_validate(row) for row in rows],
        total=repository.timeline_total(session, customer_id, kinds=kinds),
        limit=limit,
        offset=offset,
    )
