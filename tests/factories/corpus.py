"""Articles from the repository's demo corpus, saved and indexed as the service does it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.crm.tickets.models import Ticket
from kcrm.knowledge import sources
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import apply_docs
from kcrm.knowledge.loaders import Defaults, load_bytes

CORPUS = Path(__file__).parents[2] / "corpus" / "articles"


def load_corpus(
    session: Session, engine: KnowledgeEngine, settings: Settings, names: Sequence[str]
) -> list[str]:
    """Save and index corpus articles (e.g. "zh/order-tracking.md"); returns their ids."""
    ids = []
    for name in names:
        path = CORPUS / name
        for doc in load_bytes(path.name, path.read_bytes(), defaults=Defaults()):
            article, _ = article_service.save_document(session, doc=doc)
            apply_docs(engine, [sources.article_doc(article, settings)])
            ids.append(article.external_id)
    return ids


def index_resolution(
    session: Session, engine: KnowledgeEngine, settings: Settings, ticket: Ticket
) -> None:
    """Index a resolved ticket as a past resolution."""
    apply_docs(engine, sources.resolution_docs(session, [ticket.id], settings))
