"""The shape of a ticket scenario: who writes what, and which playbook actions are logged.

Texts are lists of phrasings per language ({"zh": [...], "en": [...]}); one is picked per
ticket and filled from the ticket's context with str.format_map ({product}, {order}, ...).
Actions follow the scenario's playbook: "?x" is optional, "a|b" picks one of a and b.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Texts = dict[str, list[str]]


@dataclass(frozen=True)
class Beat:
    """One message in the conversation: author is customer, agent, system or note."""

    author: str
    texts: Texts
    optional: bool = False


def C(zh: list[str], en: list[str], optional: bool = False) -> Beat:  # noqa: N802
    """A customer message."""
    return Beat("customer", {"zh": zh, "en": en}, optional)


def A(zh: list[str], en: list[str], optional: bool = False) -> Beat:  # noqa: N802
    """An agent message."""
    return Beat("agent", {"zh": zh, "en": en}, optional)


def S(zh: list[str], en: list[str], optional: bool = False) -> Beat:  # noqa: N802
    """A system message (a lookup result or an automatic notice)."""
    return Beat("system", {"zh": zh, "en": en}, optional)


def N(zh: list[str], en: list[str], optional: bool = False) -> Beat:  # noqa: N802
    """An internal note, staff only."""
    return Beat("note", {"zh": zh, "en": en}, optional)


@dataclass(frozen=True)
class Scenario:
    """A template for past tickets of one kind of problem."""

    key: str
    playbook: str
    kind: str
    subject: Texts
    opening: Texts
    beats: list[Beat]
    actions: list[str]
    resolution: Texts
    # Which orders qualify: categories of a line, order statuses; None means no order.
    categories: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = ("delivered",)
    # Timing: anchor timestamp of the order, hours after it, and hours until resolved.
    timing: str = "after_delivery"
    after_h: tuple[float, float] = (24, 240)
    duration_h: tuple[float, float] = (1, 48)
    languages: tuple[str, ...] = ("zh", "en")
    channels: tuple[str, ...] = ("chat", "phone", "email", "web_form")
    priority: tuple[str, ...] = ("normal",)
    weight: float = 1.0
    variants: list[dict[str, Any]] = field(default_factory=lambda: [{}])
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    satisfaction: tuple[int, ...] = (0, 1, 2, 6, 10)
    # Optional extra constraint on the order, by name (see generate_tickets.ORDER_RULES).
    rule: str | None = None
