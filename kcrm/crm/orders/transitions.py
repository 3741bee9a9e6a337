"""The order status machine: which moves are allowed and what each one stamps."""

from __future__ import annotations

from kcrm.core.db import utcnow
from kcrm.core.errors import Conflict
from kcrm.crm.orders.models import Order, OrderStatus

S = OrderStatus
ALLOWED: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.placed: frozenset({S.paid, S.cancelled}),
    S.paid: frozenset({S.shipped, S.cancelled}),
    S.shipped: frozenset({S.delivered}),
    S.delivered: frozenset({S.returned}),
    S.returned: frozenset(),
    S.cancelled: frozenset(),
}


def can_move(current: OrderStatus, target: OrderStatus) -> bool:
    """Whether an order may go from `current` to `target`."""
    return target in ALLOWED[current]


def apply(order: Order, target: OrderStatus) -> None:
    """Move an order to `target`, stamping the matching time; Conflict if not allowed."""
    if target == order.status:
        return
    if not can_move(order.status, target):
        allowed = ", ".join(sorted(s.value for s in ALLOWED[order.status])) or "none"
        raise Conflict(
            f"order {order.number} cannot go from {order.status.value} to {target.value} "
            f"(allowed: {allowed})"
        )
    if target == S.shipped and not order.tracking_number:
        raise Conflict(f"order {order.number} needs a tracking number before it ships")
    now = utcnow()
    if target == S.paid:
        order.paid_at = order.paid_at or now
    elif target == S.shipped:
        order.shipped_at = order.shipped_at or now
    elif target == S.delivered:
        order.delivered_at = order.delivered_at or now
    order.status = target
