"""Resolved tickets → draft articles: one ticket, a chosen cluster, or clusters found automatically.

A draft that looks like a published article (cosine ≥ settings.duplicate_threshold) is saved
flagged with that article and its score, so a person decides; it is never added silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.db import utcnow
from kcrm.core.errors import Conflict, NotFound
from kcrm.crm.customers.models import Language
from kcrm.crm.tickets.models import AuthorKind, Ticket
from kcrm.knowledge import repository as source_repository
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.models import Article, ArticleStatus, Visibility
from kcrm.knowledge.articles.schemas import ArticleCreate
from kcrm.knowledge.curation import composer, repository
from kcrm.knowledge.curation.clustering import cluster
from kcrm.knowledge.curation.duplicates import Match, find_duplicate
from kcrm.knowledge.curation.masking import name_variants
from kcrm.knowledge.engine import KnowledgeEngine


@dataclass(frozen=True)
class Draft:
    """A saved draft and, when it looks like one, the published article it may duplicate."""

    article: Article
    duplicate: Match | None


def unique_external_id(session: Session, prefix: str, number: int) -> str:
    """A free external id like KB-D00012 (or KB-D00012-2 when that one is taken)."""
    base = f"{prefix}{number:05d}"
    candidate, n = base, 1
    while repository.external_id_taken(session, candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def save_draft(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    text: composer.DraftText,
    external_id: str,
    owner: str | None,
    ticket_ids: Sequence[int] = (),
) -> Draft:
    """Save a draft (never indexed), flagged when it duplicates a published article."""
    duplicate = find_duplicate(session, engine, title=text.title, body=text.body, settings=settings)
    data = ArticleCreate(
        external_id=external_id,
        title=text.title,
        language=Language(text.language),
        body=text.body,
        product_sku=text.product_sku,
        status=ArticleStatus.draft,
        # Drafts answer customers once published; the reviewer can make one internal.
        visibility=Visibility.public,
        owner=owner,
    )
    article = article_service.create(session, data=data)
    article.source_ticket_ids = sorted(ticket_ids)
    if duplicate is not None:
        article.duplicate_of_id, article.duplicate_score = duplicate.article.id, duplicate.score
    session.flush()
    return Draft(article, duplicate)


def _load_resolved(session: Session, ticket_ids: Sequence[int]) -> list[Ticket]:
    tickets = source_repository.tickets_by_ids(session, ticket_ids)
    missing = sorted(set(ticket_ids) - {t.id for t in tickets})
    if missing:
        raise NotFound(f"tickets not found: {', '.join(map(str, missing))}")
    open_ = [t for t in tickets if t.status not in repository.RESOLVED]
    if open_:
        listed = ", ".join(f"{t.id} ({t.status})" for t in open_)
        raise Conflict(f"only resolved or closed tickets become articles; not yet: {listed}")
    covered = repository.covered_tickets(session)
    taken = [f"{t.id} (in {covered[t.id]})" for t in tickets if t.id in covered]
    if taken:
        raise Conflict(f"tickets already turned into articles: {', '.join(taken)}")
    return tickets


def _compose(session: Session, tickets: Sequence[Ticket]) -> composer.DraftText:
    ids = [t.id for t in tickets]
    messages = source_repository.public_messages(session, ids)
    actions = source_repository.actions(session, ids)
    product_ids = [t.product_id for t in tickets if t.product_id is not None]
    skus = list(source_repository.product_skus(session, product_ids).values())
    names = composer_names(session, tickets)
    sku = composer.majority(skus) if skus else None
    return composer.from_tickets(tickets, messages, actions, names=names, product_sku=sku)


def composer_names(session: Session, tickets: Sequence[Ticket]) -> list[str]:
    """Every written form of the tickets' customers' names, for masking."""
    return name_variants(repository.customer_names(session, [t.customer_id for t in tickets]))


def from_tickets(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    ticket_ids: Sequence[int],
    owner: str | None,
) -> Draft:
    """One draft from resolved tickets (one, or a cluster of the same problem)."""
    tickets = _load_resolved(session, sorted(set(ticket_ids)))
    text = _compose(session, tickets)
    external_id = unique_external_id(session, "KB-D", tickets[0].id)
    return save_draft(
        session,
        engine,
        settings=settings,
        text=text,
        external_id=external_id,
        owner=owner,
        ticket_ids=[t.id for t in tickets],
    )


def _ticket_question(session: Session, tickets: Sequence[Ticket]) -> list[str]:
    messages = source_repository.public_messages(session, [t.id for t in tickets])
    texts = []
    for ticket in tickets:
        asked = [
            m.body for m in messages.get(ticket.id, ()) if m.author_kind == AuthorKind.customer
        ]
        first = asked[0] if asked else ""
        texts.append(f"{ticket.subject}\n{first}".strip())
    return texts


def auto(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    days: int,
    min_tickets: int,
    max_drafts: int,
    owner: str | None,
) -> list[Draft]:
    """Cluster recently resolved tickets no article covers yet and draft each large cluster."""
    covered = repository.covered_tickets(session)
    recent = repository.resolved_tickets(session, since=utcnow() - timedelta(days=days), limit=2000)
    tickets = [t for t in recent if t.id not in covered]
    if not tickets:
        return []
    vectors = engine.embedder.embed_documents(_ticket_question(session, tickets))
    groups = cluster(vectors, settings.ticket_cluster_threshold)
    # The largest problems first: they are worth an article most.
    groups.sort(key=lambda g: (-len(g), g[0]))
    drafts: list[Draft] = []
    for group in groups:
        if len(group) < min_tickets or len(drafts) >= max_drafts:
            continue
        members = [tickets[i] for i in group]
        text = _compose(session, members)
        external_id = unique_external_id(session, "KB-D", members[0].id)
        ids = [t.id for t in members]
        drafts.append(
            save_draft(
                session,
                engine,
                settings=settings,
                text=text,
                external_id=external_id,
                owner=owner,
                ticket_ids=ids,
            )
        )
    return drafts
