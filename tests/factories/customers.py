"""Factories for customers, contacts and interactions."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from kcrm.crm.customers.models import Customer

_seq = itertools.count(1)


def make_customer(session: Session, **overrides: Any) -> Customer:
    """A persisted customer with sensible defaults."""
    n = next(_seq)
    values: dict[str, Any] = {"name": f"Customer {n}", "email": f"customer{n}@kcrm-test.com"}
    values.update(overrides)
    customer = Customer(**values)
    session.add(customer)
    session.flush()
    return customer
