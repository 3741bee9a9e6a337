"""Who is calling: a staff user, a customer portal account or an integration key."""

from __future__ import annotations

from dataclasses import dataclass

from kcrm.auth.models import STAFF_ROLES, Role
from kcrm.core.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of a request."""

    role: Role
    user_id: int | None = None
    api_key_id: int | None = None
    customer_id: int | None = None
    name: str = ""

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"api_key:{self.api_key_id}"

    @property
    def is_staff(self) -> bool:
        """Whether the caller is staff (or an integration acting as staff)."""
        return self.role in STAFF_ROLES

    @property
    def scope_customer_id(self) -> int | None:
        """The only customer a customer account may see; None means unrestricted staff."""
        return None if self.is_staff else self.customer_id

    def require_role(self, *roles: Role) -> None:
        """Refuse with 403 unless the caller has one of these roles (admin always passes)."""
        if self.role != Role.admin and self.role not in roles:
            raise Forbidden(f"this needs one of the roles: {', '.join(r.value for r in roles)}")

    def ensure_customer(self, customer_id: int, *, what: str) -> None:
        """Object-level check: a customer account may only touch its own customer's records.

        Answers 404 rather than 403 so ids of other customers' records are not confirmed.
        """
        if not self.is_staff and customer_id != self.customer_id:
            raise NotFound(f"{what} not found")
