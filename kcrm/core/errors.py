"""The one error hierarchy; the API maps it to a single JSON shape."""

from __future__ import annotations

from typing import Any


class KcrmError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(
        self, message: str, status_code: int = 400, *, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.details = details or []


class BadRequest(KcrmError):
    code = "bad_request"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, 400, details=details)


class Unauthorized(KcrmError):
    code = "unauthorized"

    def __init__(self, message: str = "Not authenticated") -> None:
        super().__init__(message, 401)


class Forbidden(KcrmError):
    code = "forbidden"

    def __init__(self, message: str = "You are not allowed to do this") -> None:
        super().__init__(message, 403)


class NotFound(KcrmError):
    code = "not_found"

    def __init__(self, message: str) -> None:
        super().__init__(message, 404)


class Conflict(KcrmError):
    code = "conflict"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, 409, details=details)


class PayloadTooLarge(KcrmError):
    code = "payload_too_large"

    def __init__(self, message: str) -> None:
        super().__init__(message, 413)


class InvalidInput(KcrmError):
    """A request value that passed parsing but names something unknown (e.g. a sort field)."""

    code = "validation_error"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, 422, details=[{"loc": [field], "msg": message}])


class RateLimited(KcrmError):
    """Too many requests from one client; `retry_after` is in seconds."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, 429, details=[{"retry_after": retry_after}])
        self.retry_after = retry_after
