"""What customers may see: only published, public articles."""

from __future__ import annotations

from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ports import Where
from kcrm.knowledge.retrieval import RetrievedHit

CUSTOMER_WHERE: Where = {"source": "article", "status": "published", "visibility": "public"}


def customer_search(engine: KnowledgeEngine, *, query: str, k: int = 5) -> list[RetrievedHit]:
    """Search for a customer-facing answer: drafts and internal articles never come back."""
    return engine.search(query, k=k, sources=["article"], where=CUSTOMER_WHERE)
