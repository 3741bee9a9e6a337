"""Render CRM records as Markdown documents: a past resolution and a customer's history.

Pure functions over loaded rows, so the same text comes out of ingestion, the sync after a
ticket event and `kcrm index check` (which compares hashes of exactly this text).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kcrm.crm.customers.models import Customer, Interaction
from kcrm.crm.orders.models import Order
from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketAction, TicketMessage

LABELS = {
    "en": {
        "problem": "Problem",
        "done": "What was done",
        "actions": "Action log",
        "outcome": "Outcome",
        "satisfaction": "Satisfaction",
        "history": "Customer history",
        "profile": "Profile",
        "tickets": "Tickets",
        "orders": "Orders",
        "interactions": "Interactions",
        "items": "items",
        "tracking": "tracking",
    },
    "zh": {
        "problem": "问题",
        "done": "处理过程",
        "actions": "操作记录",
        "outcome": "处理结果",
        "satisfaction": "满意度",
        "history": "客户历史",
        "profile": "客户概况",
        "tickets": "工单",
        "orders": "订单",
        "interactions": "沟通记录",
        "items": "商品",
        "tracking": "物流单号",
    },
}


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "-"


def _details(details: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(details.items()) if v not in (None, "", [], {}))


def resolution_text(
    ticket: Ticket, messages: Sequence[TicketMessage], actions: Sequence[TicketAction]
) -> str:
    """A resolved ticket as one document: problem, what was done, action log, outcome."""
    label = LABELS[str(ticket.language)]
    asked = [m.body.strip() for m in messages if m.author_kind == AuthorKind.customer]
    done = [m.body.strip() for m in messages if m.author_kind == AuthorKind.agent]
    parts = [f"# {ticket.subject}", f"## {label['problem']}", ticket.subject, *asked]
    if done:
        parts += [f"## {label['done']}", *done]
    if actions:
        lines = [
            f"- {a.action}" + (f": {_details(a.details)}" if a.details else "") for a in actions
        ]
        parts += [f"## {label['actions']}", "\n".join(lines)]
    parts.append(f"## {label['outcome']}")
    parts.append(ticket.resolution_summary or "-")
    if ticket.satisfaction is not None:
        parts.append(f"{label['satisfaction']}: {ticket.satisfaction}/5")
    return "\n\n".join(p for p in parts if p)


def _ticket_line(ticket: Ticket) -> str:
    line = f"- {_day(ticket.created_at)} [{ticket.status}] {ticket.kind}: {ticket.subject}"
    if ticket.resolution_summary:
        line += f" — {ticket.resolution_summary}"
    return line


def _order_line(order: Order, items: Sequence[str], label: dict[str, str]) -> str:
    line = (
        f"- {_day(order.placed_at)} {order.number} [{order.status}] {order.currency} {order.total}"
    )
    if items:
        line += f"; {label['items']}: {', '.join(items)}"
    if order.tracking_number:
        line += f"; {order.carrier or ''} {label['tracking']} {order.tracking_number}".rstrip()
    return line


def _interaction_line(interaction: Interaction) -> str:
    line = (
        f"- {_day(interaction.occurred_at)} {interaction.kind} "
        f"{interaction.direction}: {interaction.subject}"
    )
    return line + (f" — {interaction.summary}" if interaction.summary else "")


def history_text(
    customer: Customer,
    tickets: Sequence[Ticket],
    orders: Sequence[tuple[Order, Sequence[str]]],
    interactions: Sequence[Interaction],
) -> str:
    """A customer's history as one document; contact details are left out on purpose."""
    label = LABELS[str(customer.language)]
    profile = (
        f"{customer.name}; {customer.kind}; {customer.lifecycle_stage}; "
        f"value {customer.value_tier}; member {customer.member_tier} "
        f"({customer.member_points} points)"
    )
    parts = [f"# {label['history']}: {customer.name}", f"## {label['profile']}", profile]
    if tickets:
        parts += [f"## {label['tickets']}", "\n".join(_ticket_line(t) for t in tickets)]
    if orders:
        lines = [_order_line(order, items, label) for order, items in orders]
        parts += [f"## {label['orders']}", "\n".join(lines)]
    if interactions:
        parts += [f"## {label['interactions']}", "\n".join(map(_interaction_line, interactions))]
    return "\n\n".join(parts)
