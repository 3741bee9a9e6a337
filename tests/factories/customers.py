"""Factories for customers, contacts and interactions."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from kcrm.crm.customers.models import Contact, Customer, Interaction, InteractionKind

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


def make_contact(session: Session, customer: Customer, **overrides: Any) -> Contact:
    """A persisted contact of the customer."""
    n = next(_seq)
    values: dict[str, Any] = {
        "customer_id": customer.id,
        "name": f"Contact {n}",
        "email": f"contact{n}@kcrm-test.com",
    }
    values.update(overrides)
    contact = Contact(**values)
    session.add(contact)
    session.flush()
    return contact


def make_interaction(session: Session, customer: Customer, **overrides: Any) -> Interaction:
    """A persisted inbound call with the customer, happening now unless told otherwise."""
    n = next(_seq)
    values: dict[str, Any] = {
        "customer_id": customer.id,
        "kind": InteractionKind.call,
        "subject": f"Call {n}",
    }
    values.update(overrides)
    interaction = Interaction(**values)
    session.add(interaction)
    session.flush()
    return interaction
