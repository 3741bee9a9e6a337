"""Kept article versions and a unified diff between any two of them."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kcrm.core.errors import InvalidInput, NotFound
from kcrm.knowledge.articles import repository as article_repository
from kcrm.knowledge.articles.models import Article, ArticleVersion

CURRENT = "current"


@dataclass(frozen=True)
class Diff:
    """A unified diff of title and body between two versions of an article."""

    article_id: int
    from_version: int
    to_version: int | str
    diff: str
    added: int
    removed: int


def list_versions(session: Session, *, article: Article) -> Sequence[ArticleVersion]:
    """Every kept (published) version of the article, oldest first."""
    return article_repository.versions(session, article.id)


def _text(title: str, body: str) -> list[str]:
    return f"# {title}\n\n{body.rstrip()}\n".splitlines(keepends=True)


def _version_text(versions: dict[int, ArticleVersion], number: int) -> list[str]:
    version = versions.get(number)
    if version is None:
        kept = ", ".join(str(v) for v in sorted(versions)) or "none"
        raise NotFound(f"version {number} of this article was not kept (kept: {kept})")
    return _text(version.title, version.body)


def diff(session: Session, *, article: Article, from_version: int, to_version: int | None) -> Diff:
    """Diff two kept versions; without `to_version`, the article as it is now (e.g. a draft)."""
    if to_version is not None and to_version == from_version:
        raise InvalidInput("choose two different versions", field="to")
    versions = {v.version: v for v in article_repository.versions(session, article.id)}
    old = _version_text(versions, from_version)
    to_label: int | str
    if to_version is None:
        new, to_label, to_name = _text(article.title, article.body), CURRENT, CURRENT
    else:
        new, to_label = _version_text(versions, to_version), to_version
        to_name = f"v{to_version}"
    lines = list(difflib.unified_diff(old, new, fromfile=f"v{from_version}", tofile=to_name, n=3))
    added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    return Diff(article.id, from_version, to_label, "".join(lines), added, removed)
