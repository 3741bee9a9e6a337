"""CRM rules: suggestions that follow from the database state, not from past tickets.

Pure functions over `RuleFacts` (loaded by `service.rule_facts`), so each rule is tested
against real rows and reads the same way in code review.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Labels that count as "already done" for each suggested action (playbook and CRM vocabulary).
DONE_BY: dict[str, frozenset[str]] = {
    "escalate": frozenset({"escalate", "escalated"}),
    "schedule_follow_up": frozenset({"schedule_follow_up", "follow_up_scheduled"}),
    "raise_priority": frozenset({"raise_priority", "priority_raised"}),
    "hold_marketing": frozenset({"hold_marketing", "marketing_hold"}),
    "share_tracking_number": frozenset({"share_tracking_number", "tracking_shared"}),
}
ACTIVE = frozenset({"new", "open", "pending", "reopened"})
DONE = frozenset({"resolved", "closed"})


@dataclass(frozen=True)
class RuleFacts:
    """What the rules look at: the ticket, its customer and order, as plain values."""

    now: datetime
    ticket_id: int
    status: str
    kind: str
    priority: str
    sla_due_at: datetime | None
    value_tier: str
    marketing_hold: bool
    open_complaint_ids: tuple[int, ...]
    follow_ups: int
    order_number: str | None = None
    order_status: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    actions: tuple[str, ...] = ()
    sla_warning: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired: the action, a score in [0, 1], why, and the rule's name."""

    rule: str
    action: str
    score: float
    reason: str


def _done(facts: RuleFacts, action: str) -> bool:
    return any(a in DONE_BY[action] for a in facts.actions)


def sla_breach(facts: RuleFacts) -> RuleHit | None:
    """An active ticket within the warning window of its SLA (or past it) → escalate."""
    if facts.status not in ACTIVE or facts.sla_due_at is None or _done(facts, "escalate"):
        return None
    left = facts.sla_due_at - facts.now
    if left > facts.sla_warning:
        return None
    if left <= timedelta(0):
        reason = f"SLA breached {_hours(-left)} ago (due {facts.sla_due_at:%Y-%m-%d %H:%M} UTC)"
        return RuleHit("sla_breach", "escalate", 0.95, reason)
    reason = f"SLA breaches in {_hours(left)} (due {facts.sla_due_at:%Y-%m-%d %H:%M} UTC)"
    return RuleHit("sla_breach", "escalate", 0.85, reason)


def complaint_follow_up(facts: RuleFacts) -> RuleHit | None:
    """A resolved complaint without a follow-up visit → schedule one (回访)."""
    if facts.kind != "complaint" or facts.status not in DONE:
        return None
    if facts.follow_ups or _done(facts, "schedule_follow_up"):
        return None
    reason = "complaint resolved and no follow-up visit scheduled yet"
    return RuleHit("complaint_follow_up", "schedule_follow_up", 0.8, reason)


def vip_priority(facts: RuleFacts) -> RuleHit | None:
    """A VIP customer's active ticket below high priority → raise the priority."""
    if facts.value_tier != "vip" or facts.status not in ACTIVE:
        return None
    if facts.priority in ("high", "urgent") or _done(facts, "raise_priority"):
        return None
    reason = f"VIP customer; the ticket is only {facts.priority} priority"
    return RuleHit("vip_priority", "raise_priority", 0.7, reason)


def complaint_marketing_hold(facts: RuleFacts) -> RuleHit | None:
    """A customer with an open complaint and no marketing hold → hold marketing messages."""
    if not facts.open_complaint_ids or facts.marketing_hold or _done(facts, "hold_marketing"):
        return None
    ids = ", ".join(f"#{i}" for i in facts.open_complaint_ids[:3])
    reason = f"open complaint {ids}: no marketing messages until it is settled"
    return RuleHit("complaint_marketing_hold", "hold_marketing", 0.6, reason)


def shipped_tracking(facts: RuleFacts) -> RuleHit | None:
    """The ticket's order is shipped with a tracking number → share it."""
    if facts.order_status != "shipped" or not facts.tracking_number:
        return None
    if facts.status in DONE or _done(facts, "share_tracking_number"):
        return None
    carrier = f"{facts.carrier} " if facts.carrier else ""
    reason = f"order {facts.order_number} is shipped: {carrier}{facts.tracking_number}"
    return RuleHit("shipped_tracking", "share_tracking_number", 0.75, reason)


RULES: tuple[Callable[[RuleFacts], RuleHit | None], ...] = (
    sla_breach,
    complaint_follow_up,
    vip_priority,
    complaint_marketing_hold,
    shipped_tracking,
)


def evaluate(
    facts: RuleFacts, rules: Sequence[Callable[[RuleFacts], RuleHit | None]] = RULES
) -> list[RuleHit]:
    """Every rule that fires, strongest first."""
    hits = [hit for rule in rules if (hit := rule(facts)) is not None]
    return sorted(hits, key=lambda h: -h.score)


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
