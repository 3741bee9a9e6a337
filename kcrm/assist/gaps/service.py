"""Recording knowledge gaps; called by agent suggestions and by the customer chat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from kcrm.assist.gaps import repository
from kcrm.assist.gaps.models import GapSource, KnowledgeGap
from kcrm.assist.grounding import citation_for, mask_pii
from kcrm.core.errors import BadRequest

MAX_MATCHES = 5
MAX_QUESTION = 4000


def _match(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return {str(k): v for k, v in item.items()}
    metadata = getattr(item, "metadata", {})
    return {
        "citation": citation_for(metadata),
        "title": str(metadata.get("title", "")),
        "score": round(float(getattr(item, "score", 0.0)), 4),
    }


def record_gap(
    session: Session,
    *,
    question: str,
    language: str,
    source: GapSource | str,
    ref: str | None,
    matches: Sequence[Any] = (),
) -> KnowledgeGap:
    """Store an unanswered question (PII masked) with its best partial matches, which may be
    retrieved hits or plain dicts."""
    if source not in GapSource.__members__:
        raise BadRequest(f"unknown gap source {source!r}")
    text = mask_pii(question.strip())[:MAX_QUESTION]
    if not text:
        raise BadRequest("a knowledge gap needs the question that was asked")
    gap = KnowledgeGap(
        question=text,
        language=language,
        source=GapSource(source),
        ref=ref,
        matches=[_match(m) for m in list(matches)[:MAX_MATCHES]],
    )
    return repository.add(session, gap)
