"""Documents to chunks for the three sources: articles, past resolutions, customer history.

Chunk ids are `"{source}:{doc_id}:{chunk_index}"` and a chunk's content hash covers its text
and every metadata value, so unchanged content hashes the same on every run and a changed
status or visibility still reaches the indexes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge import documents
from kcrm.knowledge import repository as source_repository
from kcrm.knowledge.articles.models import Article, ArticleStatus
from kcrm.knowledge.chunking import chunk_text
from kcrm.knowledge.ports import Chunk, MetadataValue

Source = Literal["article", "resolution", "history"]
SOURCES: tuple[Source, ...] = ("article", "resolution", "history")
_BATCH = 200


@dataclass(frozen=True)
class SourceDoc:
    """The chunks one document should have in the indexes right now (none: remove it)."""

    source: Source
    doc_id: str
    chunks: list[Chunk]

    @property
    def prefix(self) -> str:
        """The id prefix every chunk of this document shares."""
        return doc_prefix(self.source, self.doc_id)


def doc_prefix(source: str, doc_id: str) -> str:
    """The id prefix of one document's chunks."""
    return f"{source}:{doc_id}:"


def content_hash(text: str, metadata: Mapping[str, MetadataValue]) -> str:
    """sha256 over the chunk text and its metadata, independent of key order."""
    payload = json.dumps([text, dict(metadata)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def make_chunks(
    source: Source, doc_id: str, texts: Sequence[str], metadata: Mapping[str, MetadataValue]
) -> list[Chunk]:
    """Chunks with stable ids, the shared metadata plus source, doc_id and chunk_index."""
    chunks = []
    for index, text in enumerate(texts):
        meta = {**metadata, "source": source, "doc_id": doc_id, "chunk_index": index}
        chunk_id = f"{doc_prefix(source, doc_id)}{index}"
        chunks.append(
            Chunk(id=chunk_id, text=text, content_hash=content_hash(text, meta), metadata=meta)
        )
    return chunks


def article_doc(article: Article, settings: Settings) -> SourceDoc:
    """An article's chunks; only a published article has any (drafts are not retrievable)."""
    if article.status != ArticleStatus.published:
        return SourceDoc("article", article.external_id, [])
    texts = chunk_text(
        article.body,
        body_format=article.body_format,
        title=article.title,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
    )
    metadata: dict[str, MetadataValue] = {
        "version": article.version,
        "language": str(article.language),
        "product": article.product_sku or "",
        "category": article.category or "",
        "status": str(article.status),
        "visibility": str(article.visibility),
        "title": article.title,
    }
    return SourceDoc(
        "article", article.external_id, make_chunks("article", article.external_id, texts, metadata)
    )


def resolution_docs(
    session: Session, ticket_ids: Sequence[int], settings: Settings
) -> list[SourceDoc]:
    """The resolution documents of these tickets; empty for tickets not resolved or closed."""
    tickets = {t.id: t for t in source_repository.tickets_by_ids(session, ticket_ids)}
    messages = source_repository.public_messages(session, list(tickets))
    actions = source_repository.actions(session, list(tickets))
    skus = source_repository.product_skus(
        session, [t.product_id for t in tickets.values() if t.product_id is not None]
    )
    docs = []
    for ticket_id in ticket_ids:
        ticket = tickets.get(ticket_id)
        if ticket is None or ticket.status not in source_repository.RESOLVED_STATUSES:
            docs.append(SourceDoc("resolution", str(ticket_id), []))
            continue
        text = documents.resolution_text(ticket, messages[ticket_id], actions[ticket_id])
        texts = chunk_text(
            text,
            body_format="markdown",
            title=ticket.subject,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
        )
        metadata: dict[str, MetadataValue] = {
            "version": 1,
            "language": str(ticket.language),
            "product": skus.get(ticket.product_id or 0, ""),
            "status": str(ticket.status),
            # Past resolutions quote customers: staff knowledge, never shown to customers.
            "visibility": "internal",
            "title": ticket.subject,
            "kind": str(ticket.kind),
        }
        docs.append(
            SourceDoc(
                "resolution",
                str(ticket_id),
                make_chunks("resolution", str(ticket_id), texts, metadata),
            )
        )
    return docs


def history_doc(session: Session, customer_id: int, settings: Settings) -> SourceDoc:
    """One customer's history document; empty when the customer is gone or has no activity."""
    customer = source_repository.get_customer(session, customer_id)
    if customer is None:
        return SourceDoc("history", str(customer_id), [])
    tickets = source_repository.recent_tickets(session, customer_id)
    orders = source_repository.recent_orders(session, customer_id)
    interactions = source_repository.recent_interactions(session, customer_id)
    if not (tickets or orders or interactions):
        return SourceDoc("history", str(customer_id), [])
    text = documents.history_text(customer, tickets, orders, interactions)
    title = f"{documents.LABELS[str(customer.language)]['history']}: {customer.name}"
    texts = chunk_text(
        text,
        body_format="markdown",
        title=title,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
    )
    metadata: dict[str, MetadataValue] = {
        "version": 1,
        "language": str(customer.language),
        "product": "",
        "status": str(customer.lifecycle_stage),
        "visibility": "internal",
        "title": title,
        "customer_id": customer.id,
    }
    return SourceDoc(
        "history", str(customer_id), make_chunks("history", str(customer_id), texts, metadata)
    )


def iter_source_docs(
    session: Session, settings: Settings, sources: Sequence[Source] = SOURCES
) -> Iterator[SourceDoc]:
    """Every document the database says should be indexed, source by source."""
    from kcrm.knowledge.articles import repository as article_repository

    if "article" in sources:
        for article in article_repository.list_published(session):
            yield article_doc(article, settings)
    if "resolution" in sources:
        ticket_ids = source_repository.resolved_ticket_ids(session)
        for start in range(0, len(ticket_ids), _BATCH):
            yield from resolution_docs(session, ticket_ids[start : start + _BATCH], settings)
    if "history" in sources:
        for customer_id in source_repository.customers_with_activity(session):
            yield history_doc(session, customer_id, settings)
