"""Article payloads in and out of the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from kcrm.core.schemas import Schema
from kcrm.crm.customers.models import Language
from kcrm.knowledge.articles.models import ArticleStatus, Visibility

EXTERNAL_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
BodyFormat = Literal["markdown", "text", "faq"]


class ArticleCreate(Schema):
    external_id: str = Field(pattern=EXTERNAL_ID, description="Stable id such as KB-0001")
    title: str = Field(min_length=1, max_length=300)
    language: Language
    body: str = Field(min_length=1, max_length=1_000_000)
    body_format: BodyFormat = "markdown"
    product_sku: str | None = Field(None, max_length=64)
    category: str | None = Field(None, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=50)
    status: ArticleStatus = ArticleStatus.draft
    visibility: Visibility = Visibility.internal
    owner: str | None = Field(None, max_length=120)
    review_by: date | None = None


class ArticleUpdate(Schema):
    title: str | None = Field(None, min_length=1, max_length=300)
    language: Language | None = None
    body: str | None = Field(None, min_length=1, max_length=1_000_000)
    body_format: BodyFormat | None = None
    product_sku: str | None = Field(None, max_length=64)
    category: str | None = Field(None, max_length=64)
    tags: list[str] | None = Field(None, max_length=50)
    status: ArticleStatus | None = None
    visibility: Visibility | None = None
    owner: str | None = Field(None, max_length=120)
    review_by: date | None = None


class ArticleRead(Schema):
    id: int
    external_id: str
    title: str
    language: Language
    body: str
    body_format: str
    product_sku: str | None
    category: str | None
    tags: list[str]
    status: ArticleStatus
    visibility: Visibility
    owner: str | None
    review_by: date | None
    version: int
    content_hash: str
    source_path: str | None
    created_at: datetime
    updated_at: datetime


class ArticleVersionRead(Schema):
    version: int
    title: str
    content_hash: str
    published_at: datetime
