"""Search and ingest payloads of the knowledge API."""

from __future__ import annotations

from typing import Any

from kcrm.core.schemas import Schema
from kcrm.knowledge.retrieval import RetrievedHit


class EvidenceRead(Schema):
    index: str
    rank: int
    score: float


class SearchHitRead(Schema):
    id: str
    score: float
    source: str
    doc_id: str
    title: str
    text: str
    found_by: list[EvidenceRead]
    metadata: dict[str, Any]

    @classmethod
    def from_hit(cls, hit: RetrievedHit) -> SearchHitRead:
        """The API view of a retrieved hit."""
        meta = hit.metadata
        return cls(
            id=hit.id,
            score=hit.score,
            source=str(meta.get("source", "")),
            doc_id=str(meta.get("doc_id", "")),
            title=str(meta.get("title", "")),
            text=hit.text,
            found_by=[
                EvidenceRead(index=e.index, rank=e.rank, score=e.score) for e in hit.found_by
            ],
            metadata={key: value for key, value in meta.items() if key != "content_hash"},
        )


class IngestRead(Schema):
    documents: int
    created: int
    updated: int
    unchanged: int
    chunks: int
    article_ids: list[str]
