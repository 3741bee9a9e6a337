"""Demo tickets (resolved history and open work) from `corpus/tickets/*.jsonl`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.auth.models import User
from kcrm.crm.catalog.models import Product
from kcrm.crm.customers.models import Customer, Language
from kcrm.crm.orders.models import Order
from kcrm.crm.tickets import rules
from kcrm.crm.tickets.models import (
    AuthorKind,
    Channel,
    Priority,
    Ticket,
    TicketAction,
    TicketKind,
    TicketMessage,
    TicketStatus,
)


class _Lookup:
    """Maps the corpus's external references to row ids, loaded once."""

    def __init__(self, session: Session) -> None:
        self.customers = dict(session.execute(select(Customer.external_id, Customer.id)).all())
        self.products = dict(session.execute(select(Product.sku, Product.id)).all())
        self.orders = dict(session.execute(select(Order.number, Order.id)).all())
        self.users = dict(session.execute(select(User.email, User.id)).all())
        self.existing = set(session.scalars(select(Ticket.external_id)))


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _ticket(record: dict[str, Any], ids: _Lookup) -> Ticket:
    kind = TicketKind(record["kind"])
    priority = Priority(record["priority"])
    created = datetime.fromisoformat(record["created_at"])
    status = TicketStatus(record["status"])
    return Ticket(
        external_id=record["external_id"],
        subject=record["subject"],
        kind=kind,
        channel=Channel(record["channel"]),
        status=status,
        priority=priority,
        language=Language(record["language"]),
        queue=rules.QUEUE_BY_KIND[kind],
        sla_due_at=rules.sla_due_at(created, priority, kind),
        customer_id=ids.customers[record["customer_external_id"]],
        product_id=ids.products.get(record.get("product_sku") or ""),
        order_id=ids.orders.get(record.get("order_number") or ""),
        owner_id=ids.users.get(record.get("owner_email") or ""),
        tags=[f"playbook:{record['playbook']}"] if record.get("playbook") else [],
        resolution_summary=record.get("resolution_summary"),
        satisfaction=record.get("satisfaction"),
        created_at=created,
        resolved_at=_at(record.get("resolved_at")),
        closed_at=_at(record.get("resolved_at")) if status == TicketStatus.closed else None,
    )


def _children(ticket: Ticket, record: dict[str, Any]) -> list[Any]:
    rows: list[Any] = []
    for message in record.get("messages", []):
        author = AuthorKind(message["author"])
        rows.append(
            TicketMessage(
                ticket_id=ticket.id,
                author_kind=author,
                author_user_id=ticket.owner_id if author == AuthorKind.agent else None,
                body=message["body"],
                internal=bool(message.get("internal")),
                created_at=datetime.fromisoformat(message["at"]),
            )
        )
    for action in record.get("actions", []):
        rows.append(
            TicketAction(
                ticket_id=ticket.id,
                action=action["action"],
                details=action.get("details") or {},
                user_id=ticket.owner_id,
                created_at=datetime.fromisoformat(action["at"]),
            )
        )
    return rows


def load_tickets(session: Session, paths: list[Path]) -> int:
    """Create the tickets not loaded yet, with their messages and action logs."""
    ids = _Lookup(session)
    created = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if record["external_id"] in ids.existing:
                continue
            ticket = _ticket(record, ids)
            if ticket.first_response_at is None and record.get("messages"):
                ticket.first_response_at = _first_agent_reply(record)
            session.add(ticket)
            session.flush()
            session.add_all(_children(ticket, record))
            created += 1
    session.flush()
    return created


def _first_agent_reply(record: dict[str, Any]) -> datetime | None:
    for message in record["messages"]:
        if message["author"] == "agent" and not message.get("internal"):
            return datetime.fromisoformat(message["at"])
    return None
