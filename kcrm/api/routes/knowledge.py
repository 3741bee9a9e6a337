"""Knowledge articles, file ingestion and search (staff only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile

from kcrm.api.deps import (
    KnowledgeDep,
    KnowledgeManager,
    PageDep,
    SessionDep,
    SettingsDep,
    StaffUser,
)
from kcrm.core.pagination import Page
from kcrm.knowledge import service as knowledge_service
from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.models import ArticleStatus, Visibility
from kcrm.knowledge.articles.schemas import ArticleCreate, ArticleRead, ArticleUpdate
from kcrm.knowledge.loaders import Defaults
from kcrm.knowledge.schemas import IngestRead, SearchHitRead

router = APIRouter(prefix="/knowledge", tags=["knowledge"])


@router.post("/articles", response_model=ArticleRead, status_code=201)
def create_article(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    _manager: KnowledgeManager,
    data: ArticleCreate,
) -> ArticleRead:
    """Create a knowledge article; published ones become searchable."""
    article = knowledge_service.create_article(session, engine, settings=settings, data=data)
    return ArticleRead.model_validate(article)


@router.get("/articles", response_model=Page[ArticleRead])
def list_articles(
    session: SessionDep,
    _staff: StaffUser,
    page: PageDep,
    status: ArticleStatus | None = None,
    language: Literal["zh", "en"] | None = None,
    product_sku: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[ArticleRead]:
    """List knowledge articles, optionally by status, language or product."""
    items, total = article_service.list(
        session, params=page, status=status, language=language, product_sku=product_sku
    )
    return Page(
        items=[ArticleRead.model_validate(a) for a in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/articles/{article_id}", response_model=ArticleRead)
def get_article(session: SessionDep, _staff: StaffUser, article_id: int) -> ArticleRead:
    """One knowledge article."""
    return ArticleRead.model_validate(article_service.get(session, article_id=article_id))


@router.patch("/articles/{article_id}", response_model=ArticleRead)
def update_article(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    _manager: KnowledgeManager,
    article_id: int,
    data: ArticleUpdate,
) -> ArticleRead:
    """Change an article (retiring it removes it from search)."""
    article = article_service.get(session, article_id=article_id)
    knowledge_service.update_article(session, engine, settings=settings, article=article, data=data)
    return ArticleRead.model_validate(article)


@router.delete("/articles/{article_id}", response_model=ArticleRead)
def delete_article(
    session: SessionDep, engine: KnowledgeDep, _manager: KnowledgeManager, article_id: int
) -> ArticleRead:
    """Delete an article and remove it from every index."""
    article = article_service.get(session, article_id=article_id)
    read = ArticleRead.model_validate(article)
    knowledge_service.delete_article(session, engine, article=article)
    return read


@router.post("/ingest", response_model=IngestRead, status_code=201)
def ingest(
    session: SessionDep,
    engine: KnowledgeDep,
    settings: SettingsDep,
    _manager: KnowledgeManager,
    file: UploadFile = File(..., description="Markdown, HTML, text, FAQ CSV or PDF"),
    status: ArticleStatus = Form(ArticleStatus.published, description="For files without one"),
    visibility: Visibility = Form(Visibility.internal, description="For files without one"),
) -> IngestRead:
    """Ingest one uploaded knowledge file; an invalid file is rejected whole."""
    report, ids = knowledge_service.ingest_upload(
        session,
        engine,
        settings=settings,
        filename=file.filename or "upload.txt",
        data=file.file.read(),
        defaults=Defaults(status=status.value, visibility=visibility.value),
    )
    return IngestRead(
        documents=report.documents,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        chunks=report.chunks,
        article_ids=ids,
    )


@router.get("/search", response_model=list[SearchHitRead])
def search(
    engine: KnowledgeDep,
    _staff: StaffUser,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    source: Literal["article", "resolution", "history"] | None = None,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    k: Annotated[int, Query(ge=1, le=knowledge_service.MAX_K)] = 10,
) -> list[SearchHitRead]:
    """Hybrid search with scores and the index that found each hit; history needs customer_id."""
    hits = knowledge_service.search(engine, query=q, source=source, customer_id=customer_id, k=k)
    return [SearchHitRead.from_hit(h) for h in hits]
