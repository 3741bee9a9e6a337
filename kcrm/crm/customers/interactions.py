"""Interaction use cases: calls, emails, visits, chats, meetings and SMS with a customer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import InvalidInput
from kcrm.core.pagination import PageParams, paginate
from kcrm.crm.customers import repository
from kcrm.crm.customers.models import Interaction, InteractionKind
from kcrm.crm.customers.schemas import InteractionCreate


def list(  # noqa: A001
    session: Session,
    *,
    customer_id: int,
    params: PageParams,
    kind: InteractionKind | None = None,
) -> tuple[Sequence[Interaction], int]:
    """A page of a customer's interactions, newest first unless sorted otherwise."""
    statement = repository.list_interactions_query(customer_id, kind)
    return paginate(session, statement, params, repository.INTERACTION_SORTS)


def create(
    session: Session, *, customer_id: int, data: InteractionCreate, user_id: int | None
) -> Interaction:
    """Log an interaction; a named contact must belong to the same customer."""
    if data.contact_id is not None:
        contact = repository.get_contact(session, data.contact_id)
        if contact is None or contact.customer_id != customer_id:
            raise InvalidInput(
                f"contact {data.contact_id} is not a contact of customer {customer_id}",
                field="contact_id",
            )
    values = data.model_dump()
    values["occurred_at"] = values["occurred_at"] or utcnow()
    interaction = Interaction(customer_id=customer_id, user_id=user_id, **values)
    session.add(interaction)
    session.flush()
    return interaction
