"""Article use cases: create, update and save from a file; SQL only (indexing is `ingest`)."""

from __future__ import annotations

import builtins
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlalchemy.orm import Session

from kcrm.core.errors import Conflict, NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.customers.models import Language
from kcrm.knowledge.articles import repository
from kcrm.knowledge.articles.models import Article, ArticleStatus, ArticleVersion, Visibility
from kcrm.knowledge.articles.schemas import ArticleCreate, ArticleUpdate
from kcrm.knowledge.loaders import SourceDocument

Outcome = Literal["created", "updated", "unchanged"]
# The fields whose change makes a new version (and new text to embed).
_CONTENT_FIELDS = ("title", "body", "body_format", "language", "product_sku")


def fingerprint(values: Mapping[str, Any]) -> str:
    """sha256 of an article's content fields."""
    payload = json.dumps([str(values.get(k) or "") for k in _CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def get(session: Session, *, article_id: int) -> Article:
    """An article, or 404."""
    article = repository.get(session, article_id)
    if article is None:
        raise NotFound("article not found")
    return article


def get_by_external_id(session: Session, *, external_id: str, public_only: bool = False) -> Article:
    """An article by its id (KB-0001); `public_only` hides all but published public ones."""
    article = repository.get_by_external_id(session, external_id)
    if article is None or (
        public_only
        and (article.status != ArticleStatus.published or article.visibility != Visibility.public)
    ):
        raise NotFound(f"article {external_id} not found")
    return article


def get_version(session: Session, *, article: Article, version: int) -> ArticleVersion | None:
    """A kept published version of an article (what a citation like KB-0001@v3 points at)."""
    return next((v for v in repository.versions(session, article.id) if v.version == version), None)


def list(  # the house verb; shadows the builtin only inside this module
    session: Session,
    *,
    params: PageParams,
    status: str | None = None,
    language: str | None = None,
    product_sku: str | None = None,
) -> tuple[Sequence[Article], int]:
    """One page of articles."""
    return repository.list_page(
        session, params, status=status, language=language, product_sku=product_sku
    )


def _snapshot(article: Article) -> ArticleVersion:
    return ArticleVersion(
        article_id=article.id,
        version=article.version,
        title=article.title,
        language=article.language,
        product_sku=article.product_sku,
        visibility=article.visibility,
        body=article.body,
        content_hash=article.content_hash,
    )


def _keep_published(session: Session, article: Article) -> None:
    # Every published version is kept so a citation can always be shown as it was.
    if article.status != ArticleStatus.published:
        return
    if repository.has_version(session, article.id, article.version):
        return
    session.add(_snapshot(article))
    session.flush()


def _new(values: Mapping[str, Any], *, version: int | None) -> Article:
    return Article(**values, version=version or 1, content_hash=fingerprint(values))


def _insert(session: Session, values: Mapping[str, Any], *, version: int | None) -> Article:
    article = _new(values, version=version)
    session.add(article)
    session.flush()
    _keep_published(session, article)
    return article


def _apply(
    session: Session, article: Article, values: Mapping[str, Any], *, version: int | None = None
) -> Outcome:
    changed = {k: v for k, v in values.items() if getattr(article, k) != v}
    if not changed:
        return "unchanged"
    merged = {k: changed.get(k, getattr(article, k)) for k in _CONTENT_FIELDS}
    new_hash = fingerprint(merged)
    for key, value in changed.items():
        setattr(article, key, value)
    if new_hash != article.content_hash:
        article.content_hash = new_hash
        article.version = max(article.version + 1, version or 0)
    session.flush()
    _keep_published(session, article)
    return "updated"


def create(session: Session, *, data: ArticleCreate) -> Article:
    """Create an article; 409 if the external id is taken."""
    if repository.get_by_external_id(session, data.external_id) is not None:
        raise Conflict(f"article {data.external_id} already exists")
    return _insert(session, data.model_dump(), version=None)


def update(session: Session, *, article: Article, data: ArticleUpdate) -> Article:
    """Change an article; a content change makes a new version."""
    _apply(session, article, data.model_dump(exclude_unset=True))
    return article


def _document_values(doc: SourceDocument) -> dict[str, Any]:
    return {
        "external_id": doc.external_id,
        "title": doc.title,
        "language": Language(doc.language),
        "body": doc.body,
        "body_format": doc.body_format,
        "product_sku": doc.product_sku,
        "category": doc.category,
        "tags": [*doc.tags],
        "status": ArticleStatus(doc.status),
        "visibility": Visibility(doc.visibility),
        "owner": doc.owner,
        "review_by": doc.review_by,
        "source_path": doc.source_path,
    }


def save_document(session: Session, *, doc: SourceDocument) -> tuple[Article, Outcome]:
    """Create or update the article a loaded file describes (matched by external id)."""
    values = _document_values(doc)
    article = repository.get_by_external_id(session, doc.external_id)
    if article is None:
        return _insert(session, values, version=doc.version), "created"
    return article, _apply(session, article, values, version=doc.version)


def _same(article: Article, values: Mapping[str, Any]) -> bool:
    return all(getattr(article, key) == value for key, value in values.items())


def save_documents(
    session: Session, *, docs: Sequence[SourceDocument]
) -> Sequence[tuple[Article, Outcome]]:
    """`save_document` for many: one query finds the stored articles, unchanged ones cost no write.

    New articles (and their first published version) are inserted in one flush each; an id
    repeated in `docs` is saved in order, the last one winning.
    """
    stored = {
        a.external_id: a
        for a in repository.list_by_external_ids(session, [d.external_id for d in docs])
    }
    repeated = {i for i, n in Counter(d.external_id for d in docs).items() if n > 1}
    saved: builtins.list[tuple[Article, Outcome]] = []
    created: builtins.list[Article] = []
    for doc in docs:
        article = stored.get(doc.external_id)
        values = _document_values(doc)
        if article is None and doc.external_id in repeated:
            article = stored[doc.external_id] = _insert(session, values, version=doc.version)
            saved.append((article, "created"))
        elif article is None:
            article = stored[doc.external_id] = _new(values, version=doc.version)
            session.add(article)
            created.append(article)
            saved.append((article, "created"))
        elif doc.external_id not in repeated and _same(article, values):
            saved.append((article, "unchanged"))
        else:
            saved.append((article, _apply(session, article, values, version=doc.version)))
    session.flush()
    # A new article has no kept version yet: its first one needs no lookup.
    session.add_all(_snapshot(a) for a in created if a.status == ArticleStatus.published)
    session.flush()
    return saved


def delete(session: Session, *, article: Article) -> None:
    """Remove an article and its kept versions."""
    for version in repository.versions(session, article.id):
        session.delete(version)
    session.flush()  # no relationship tells the unit of work to delete the versions first
    session.delete(article)
    session.flush()
