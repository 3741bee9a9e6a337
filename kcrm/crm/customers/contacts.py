"""Contact use cases: a company's people and their channels, at most one of them primary."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import NotFound
from kcrm.crm.customers import repository
from kcrm.crm.customers.models import Contact
from kcrm.crm.customers.schemas import ContactCreate, ContactUpdate


def get(session: Session, *, contact_id: int) -> Contact:
    """A live contact whose customer is live too, or NotFound."""
    contact = repository.get_contact(session, contact_id)
    if contact is None or repository.get_customer(session, contact.customer_id) is None:
        raise NotFound(f"contact {contact_id} not found")
    return contact


def list(session: Session, *, customer_id: int) -> Sequence[Contact]:  # noqa: A001
    """A customer's contacts, primary first."""
    return repository.list_contacts(session, customer_id)


def _demote_other_primaries(session: Session, contact: Contact) -> None:
    # Marking a new primary demotes the old one, so "at most one" holds without a 409.
    for other in repository.primary_contacts(session, contact.customer_id):
        if other.id != contact.id:
            other.is_primary = False


def create(session: Session, *, customer_id: int, data: ContactCreate) -> Contact:
    """Add a contact to a customer (the caller has checked the customer exists)."""
    contact = Contact(customer_id=customer_id, **data.model_dump())
    session.add(contact)
    session.flush()
    if contact.is_primary:
        _demote_other_primaries(session, contact)
        session.flush()
    return contact


def update(session: Session, *, contact: Contact, data: ContactUpdate) -> Contact:
    """Change the fields given in the body."""
    for key, value in data.model_dump(exclude_unset=True).items():
        setattr(contact, key, value)
    if contact.is_primary:
        _demote_other_primaries(session, contact)
    session.flush()
    return contact


def delete(session: Session, *, contact: Contact) -> Contact:
    """Soft delete a contact; interactions that name it keep their link."""
    contact.deleted_at = contact.deleted_at or utcnow()
    contact.is_primary = False
    session.flush()
    return contact
