"""Property-based API tests: schemathesis drives every operation in the OpenAPI schema.

Requests are made as an admin (the widest access), and as a customer portal account, and
the only property asserted is that the server never answers 5xx, whatever the input.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session

from kcrm.auth.models import Role
from tests.factories.customers import make_customer
from tests.factories.users import auth_headers, make_user


@pytest.fixture
def api_schema(app: FastAPI) -> Any:
    """The live OpenAPI schema of the test app."""
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def admin_headers(session: Session) -> dict[str, str]:
    """A bearer token for a fresh admin."""
    return auth_headers(make_user(session, role=Role.admin))


@pytest.fixture
def customer_headers(session: Session) -> dict[str, str]:
    """A bearer token for a fresh customer portal account."""
    customer = make_customer(session)
    return auth_headers(make_user(session, role=Role.customer, customer_id=customer.id))


schema = schemathesis.pytest.from_fixture("api_schema")

_settings = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@_settings
def test_admin_requests_never_cause_server_errors(case: Any, admin_headers: dict[str, str]) -> None:
    response = case.call(headers=admin_headers)
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_customer_requests_never_cause_server_errors(
    case: Any, customer_headers: dict[str, str]
) -> None:
    response = case.call(headers=customer_headers)
    case.validate_response(response, checks=[not_a_server_error])
