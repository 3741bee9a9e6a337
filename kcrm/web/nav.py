"""The console's navigation per role; each area adds its pages here."""

from __future__ import annotations

from dataclasses import dataclass

from kcrm.auth.models import Role


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # a message key


AGENT = (NavItem("/agent/tickets", "nav.queue"),)
KNOWLEDGE = (
    NavItem("/km/articles", "nav.articles"),
    NavItem("/km/review", "nav.review"),
    NavItem("/km/gaps", "nav.gaps"),
    NavItem("/km/usage", "nav.usage"),
)
ADMIN = (
    NavItem("/admin/users", "nav.users"),
    NavItem("/admin/import", "nav.import"),
    NavItem("/admin/index", "nav.index"),
)
CUSTOMER = (NavItem("/chat", "nav.chat"),)

BY_ROLE: dict[Role, tuple[NavItem, ...]] = {
    Role.agent: AGENT,
    Role.knowledge_manager: KNOWLEDGE,
    Role.admin: AGENT + KNOWLEDGE + ADMIN,
    Role.customer: CUSTOMER,
}
HOME: dict[Role, str] = {
    Role.agent: "/agent/tickets",
    Role.knowledge_manager: "/km/articles",
    Role.admin: "/admin/users",
    Role.customer: "/chat",
}


def items_for(role: Role | None) -> tuple[NavItem, ...]:
    """The links a role sees; visitors who are not logged in see the chat."""
    return BY_ROLE[role] if role is not None else CUSTOMER


def home_for(role: Role) -> str:
    """Where a user lands after logging in."""
    return HOME[role]
