"""Knowledge use cases for the API and the CLI: articles with their indexing, upload, search.

SQL changes happen in the caller's unit of work; the indexes are updated by an after-commit
job, so a rolled-back request never reaches them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.core.errors import BadRequest, InvalidInput
from kcrm.core.events import after_commit
from kcrm.knowledge import sources
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.articles.schemas import ArticleCreate, ArticleUpdate
from kcrm.knowledge.curation.transitions import check_transition
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ingest import IngestReport, apply_docs_safely, ingest_documents
from kcrm.knowledge.loaders import MAX_DOCUMENT_BYTES, Defaults, load_bytes
from kcrm.knowledge.retrieval import RetrievedHit
from kcrm.knowledge.sources import SOURCES, SourceDoc

MAX_K = 50


def _reindex_after_commit(session: Session, engine: KnowledgeEngine, doc: SourceDoc) -> None:
    after_commit(session, lambda: apply_docs_safely(engine, [doc]))


def create_article(
    session: Session, engine: KnowledgeEngine, *, settings: Settings, data: ArticleCreate
) -> Article:
    """Create an article; a published one is indexed once the transaction commits."""
    article = article_service.create(session, data=data)
    _reindex_after_commit(session, engine, sources.article_doc(article, settings))
    return article


def update_article(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    article: Article,
    data: ArticleUpdate,
) -> Article:
    """Change an article; its chunks are replaced (or removed, if no longer published)."""
    if data.status is not None:
        check_transition(article.status, data.status)
    article_service.update(session, article=article, data=data)
    _reindex_after_commit(session, engine, sources.article_doc(article, settings))
    return article


def delete_article(session: Session, engine: KnowledgeEngine, *, article: Article) -> None:
    """Delete an article; its chunks leave every index once the transaction commits."""
    gone = SourceDoc("article", article.external_id, [])
    article_service.delete(session, article=article)
    _reindex_after_commit(session, engine, gone)


def ingest_upload(
    session: Session,
    engine: KnowledgeEngine,
    *,
    settings: Settings,
    filename: str,
    data: bytes,
    defaults: Defaults,
) -> tuple[IngestReport, list[str]]:
    """Ingest one uploaded file; rejects it whole (nothing saved) if any part is invalid."""
    limit = min(settings.max_upload_bytes, MAX_DOCUMENT_BYTES)
    docs = load_bytes(filename, data, defaults=defaults, max_bytes=limit)
    report, _ = ingest_documents(session, engine, settings, docs)
    return report, [d.external_id for d in docs]


def search(
    engine: KnowledgeEngine,
    *,
    query: str,
    source: str | None = None,
    customer_id: int | None = None,
    k: int = 10,
) -> list[RetrievedHit]:
    """Hybrid search over the indexes; customer history needs that customer's id."""
    if not query.strip():
        raise InvalidInput("the query is empty", field="q")
    if not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be between 1 and {MAX_K}", field="k")
    if source is not None and source not in SOURCES:
        raise InvalidInput(
            f"unknown source {source!r}; use one of {', '.join(SOURCES)}", field="source"
        )
    if source == "history" and customer_id is None:
        raise BadRequest("searching customer history needs a customer_id")
    return engine.search(query, k=k, sources=[source] if source else None, customer_id=customer_id)
