"""Load the demo company (Hearth & Co.) from `corpus/`: idempotent, so `kcrm demo` can rerun."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kcrm.assist.actions import warm as warm_contexts
from kcrm.auth.models import Role, User
from kcrm.auth.security import hash_password
from kcrm.config import Settings
from kcrm.core.db import make_engine, make_session_factory, unit_of_work
from kcrm.crm.customers.models import Customer
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.demo.tickets import load_tickets
from kcrm.knowledge import consistency
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.ingest import Ingestor
from kcrm.knowledge.loaders import Defaults

ERP_FILES = (
    (ImportKind.products, "erp/products.json", ImportFormat.json),
    (ImportKind.customers, "erp/customers.csv", ImportFormat.csv),
    (ImportKind.orders, "erp/orders.xml", ImportFormat.xml),
)


def load_erp(session: Session, corpus: Path) -> list[str]:
    """Upsert the ERP files; a rerun reports everything unchanged."""
    lines = []
    for kind, name, fmt in ERP_FILES:
        with (corpus / name).open("rb") as stream:
            report = import_service.run(
                session, kind=kind, stream=stream, fmt=fmt, upsert=True, source=name
            )
        lines.append(
            f"{kind.value}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged"
        )
    return lines


def load_users(session: Session, path: Path) -> int:
    """Create the demo accounts that do not exist yet."""
    spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    existing = set(session.scalars(select(User.email)))
    created = 0
    for entry in spec["users"]:
        if entry["email"] in existing:
            continue
        customer_id = None
        if entry.get("customer_external_id"):
            customer_id = session.scalar(
                select(Customer.id).where(Customer.external_id == entry["customer_external_id"])
            )
        session.add(
            User(
                email=entry["email"].lower(),
                full_name=entry["full_name"],
                role=Role(entry["role"]),
                password_hash=hash_password(entry["password"]),
                customer_id=customer_id,
                language=entry.get("language", "zh"),
            )
        )
        created += 1
    session.flush()
    return created


def load_knowledge(
    factory: sessionmaker[Session], engine: KnowledgeEngine, settings: Settings
) -> list[str]:
    """Ingest articles and the FAQ, then index past resolutions and customer histories."""
    corpus = settings.corpus_dir
    articles = Ingestor(factory, engine, settings).run([corpus / "articles"])
    faq = Ingestor(
        factory, engine, settings, defaults=Defaults(status="published", visibility="public")
    ).run([corpus / "faq.csv"])
    with unit_of_work(factory, actor="demo") as session:
        report = consistency.reindex(session, engine, settings, sources=("resolution", "history"))
        contexts = warm_contexts.step_contexts(session)
    warm_contexts.warm(engine, settings, contexts)
    return [
        f"articles: {articles.documents} documents, {articles.embedded} chunks embedded",
        f"faq: {faq.documents} entries, {faq.embedded} chunks embedded",
        f"resolutions and histories: {report.chunks} chunks, {report.embedded} embedded",
        f"step contexts of past resolutions (next actions): {len(contexts)} in the cache",
    ]


def load_demo(settings: Settings, *, engine: KnowledgeEngine | None = None) -> str:
    """Load every part of the demo once; a second call changes nothing."""
    corpus = settings.corpus_dir
    db = make_engine(settings.db_url)
    factory = make_session_factory(db)
    try:
        with unit_of_work(factory, actor="demo") as session:
            lines = load_erp(session, corpus)
            lines.append(f"users: {load_users(session, corpus / 'users.yaml')} created")
            tickets = load_tickets(
                session, [corpus / "tickets" / "resolved.jsonl", corpus / "tickets" / "open.jsonl"]
            )
            lines.append(f"tickets: {tickets} created")
        lines += load_knowledge(factory, engine or build_engine(settings), settings)
    finally:
        db.dispose()
    return "\n".join(lines)
