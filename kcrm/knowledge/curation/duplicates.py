"""Duplicate detection: how close a draft is to the published articles, through the engine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kcrm.config import Settings
from kcrm.knowledge.articles.models import Article
from kcrm.knowledge.chunking import chunk_text
from kcrm.knowledge.curation import repository
from kcrm.knowledge.engine import KnowledgeEngine

CANDIDATES = 20
PUBLISHED_ARTICLES = {"source": "article", "status": "published"}


@dataclass(frozen=True)
class Match:
    """A published article and its cosine similarity to a draft."""

    article: Article
    score: float


def _chunks(title: str, body: str, settings: Settings | None) -> list[str]:
    if settings is None or not body.strip():
        return [f"{title}\n\n{body}".strip()]
    return chunk_text(
        body,
        body_format="markdown",
        title=title,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
    )


def closest(
    session: Session,
    engine: KnowledgeEngine,
    *,
    title: str,
    body: str,
    settings: Settings | None = None,
    k: int = 3,
) -> list[Match]:
    """The published articles closest to this text, best first (one entry per article).

    The text is chunked like an indexed article (given settings); an article's score is the
    mean over the text's chunks of the best cosine to any of its chunks, so an identical
    article scores 1 and one sharing a single section scores less.
    """
    texts = _chunks(title, body, settings)
    vectors = engine.embedder.embed_documents(texts)
    totals: dict[str, float] = {}
    for vector in vectors:
        best: dict[str, float] = {}
        for hit in engine.vectors.query(vector, CANDIDATES, where=PUBLISHED_ARTICLES):
            doc_id = str(hit.metadata.get("doc_id", ""))
            best[doc_id] = max(best.get(doc_id, 0.0), hit.score)
        for doc_id, score in best.items():
            totals[doc_id] = totals.get(doc_id, 0.0) + score / len(texts)
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:k]
    articles = repository.articles_by_external_ids(session, [doc for doc, _ in ranked])
    return [Match(articles[doc], score) for doc, score in ranked if doc in articles]


def find_duplicate(
    session: Session, engine: KnowledgeEngine, *, title: str, body: str, settings: Settings
) -> Match | None:
    """The published article this text duplicates (score ≥ duplicate_threshold), if any."""
    matches = closest(session, engine, title=title, body=body, settings=settings, k=1)
    if matches and matches[0].score >= settings.duplicate_threshold:
        return matches[0]
    return None
