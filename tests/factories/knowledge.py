"""Factories for knowledge articles."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from kcrm.knowledge.articles import service as article_service
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.articles.schemas import ArticleCreate

_seq = itertools.count(1)


def make_article(session: Session, **overrides: Any) -> Article:
    """A persisted, published English article (created through the service, so hashed)."""
    n = next(_seq)
    values: dict[str, Any] = {
        "external_id": f"KB-T{n:04d}",
        "title": f"Kettle descaling {n}",
        "language": "en",
        "body": "# Kettle descaling\n\nFill with vinegar and water. Boil twice. Rinse well.",
        "status": "published",
        "visibility": "public",
    }
    values.update(overrides)
    return article_service.create(session, data=ArticleCreate(**values))
