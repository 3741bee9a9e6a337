"""Composing one chat reply: refuse, hand over, report an order or ticket, or answer from
published public knowledge. Nothing here writes to the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from kcrm.assist import grounding
from kcrm.assist.chat import safety, texts
from kcrm.assist.chat.intent import ORDER_NUMBER, Intent, Understanding, classify
from kcrm.assist.generation.extractive import GREETING
from kcrm.auth.principal import Principal
from kcrm.config import Settings
from kcrm.core.errors import NotFound
from kcrm.core.pagination import PageParams
from kcrm.crm.orders import service as order_service
from kcrm.crm.orders.models import Order, OrderStatus
from kcrm.crm.orders.schemas import OrderFilters
from kcrm.crm.tickets import rules as ticket_rules
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets.schemas import TicketFilters
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.language import detect_language
from kcrm.knowledge.ports import Generator, Passage, Sentence
from kcrm.knowledge.retrieval import RetrievedHit

HandoffReason = Literal["requested", "low_confidence", "out_of_scope"]
Route = Literal["refused", "human", "out_of_scope", "records", "knowledge"]
# Only what any visitor may read: published, public articles. Never internal articles,
# drafts, or past resolutions (they quote other customers).
PUBLIC_KNOWLEDGE = {"visibility": "public", "status": "published"}
_OUT_OF_SCOPE = re.compile(
    r"天气|股票|彩票|基金|政治|选举|写(?:一首)?诗|写代码|讲个?笑话|作业|"
    r"\b(?:weather|stocks?|lottery|crypto|bitcoin|politic\w*|election|poem|joke|homework)\b|"
    r"\bwrite (?:me )?(?:a |some )?(?:code|program|essay|story)\b",
    re.IGNORECASE,
)


@dataclass
class Draft:
    """A reply before it is stored: its text, sources and whether a human must take over."""

    text: str
    language: str
    intent: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    confidence: float | None = None
    handoff: HandoffReason | None = None
    # What was retrieved, for the handoff ticket's internal note.
    context: list[RetrievedHit] = field(default_factory=list)


def reply_language(text: str, fallback: str | None) -> str:
    """The message's language; the fallback when it has no words (e.g. only an order number)."""
    words = ORDER_NUMBER.sub("", text)
    if fallback and not re.search(r"[^\W\d_]{2,}", words):
        return fallback
    return detect_language(words)


def route(text: str, understanding: Understanding) -> Route:
    """Which way a message goes; decided from its words alone, before any search."""
    if safety.screen(text).refused:
        return "refused"
    if understanding.intent == Intent.human:
        return "human"
    if _OUT_OF_SCOPE.search(text):
        return "out_of_scope"
    if understanding.intent in (Intent.order_status, Intent.ticket_status):
        return "records"
    return "knowledge"


def opening(text: str, language: str) -> str | None:
    """The greeting a knowledge reply starts with (answer or handoff), known before the search,
    so a stream can send it at once; None for the other routes."""
    if route(text, classify(text)) != "knowledge":
        return None
    return GREETING.get(language, GREETING["en"])


def with_opening(text: str, greeting: str, language: str) -> str:
    """`text` starting with `greeting` (added once, joined as the language writes)."""
    if text.startswith(greeting):
        return text
    return greeting + ("" if language == "zh" else " ") + text if text else greeting


def compose(
    session: Session,
    knowledge: KnowledgeEngine,
    generator: Generator,
    *,
    settings: Settings,
    principal: Principal | None,
    text: str,
    language: str,
) -> Draft:
    """The reply to one customer message (principal None: an anonymous visitor)."""
    understanding = classify(text)
    way = route(text, understanding)
    if way == "refused":
        return Draft(texts.say(language, "refused"), language, "refused")
    if way == "human":
        return Draft("", language, understanding.intent, handoff="requested")
    if way == "out_of_scope":
        return Draft("", language, "out_of_scope", handoff="out_of_scope")
    if way == "records":
        if principal is None:
            return Draft(texts.say(language, "login_for_orders"), language, understanding.intent)
        if understanding.intent == Intent.ticket_status:
            return _tickets(session, principal, language)
        return _order(session, principal, understanding, language)
    return _knowledge(knowledge, generator, settings=settings, text=text, language=language)


def _order(
    session: Session, principal: Principal, understanding: Understanding, language: str
) -> Draft:
    intent = str(Intent.order_status)
    if understanding.order_numbers:
        number = understanding.order_numbers[0]
        try:
            order = order_service.get_by_number(session, number=number, principal=principal)
        except NotFound:
            # The same words whether the order is someone else's or does not exist, and the
            # number is not echoed, so the reply never confirms another customer's order.
            return Draft(texts.say(language, "order_not_found"), language, intent)
    else:
        found = latest_order(session, customer_id=principal.customer_id or 0)
        if found is None:
            return Draft(texts.say(language, "no_orders"), language, intent)
        order = found
    citation = {"kind": "order", "ref": order.number}
    return Draft(texts.order_status(order, language), language, intent, [citation], 1.0)


def latest_order(session: Session, *, customer_id: int) -> Order | None:
    """The order a customer most likely means: in transit, then not yet shipped, then any."""
    params = PageParams(limit=1, sort="-placed_at")
    for status in (OrderStatus.shipped, OrderStatus.paid, OrderStatus.placed, None):
        orders, _ = order_service.list(
            session,
            filters=OrderFilters(status=status),
            params=params,
            scope_customer_id=customer_id,
        )
        if orders:
            return orders[0]
    return None


def _tickets(session: Session, principal: Principal, language: str) -> Draft:
    filters = TicketFilters(status=sorted(ticket_rules.ACTIVE_STATUSES))
    tickets, _ = ticket_service.list(
        session,
        principal=principal,
        filters=filters,
        params=PageParams(limit=5, sort="-created_at"),
    )
    citations = [{"kind": "ticket", "ref": str(t.id), "title": t.subject} for t in tickets]
    draft = Draft(texts.ticket_list(tickets, language), language, Intent.ticket_status, citations)
    draft.confidence = 1.0
    return draft


def _passages(hits: list[RetrievedHit]) -> list[Passage]:
    # Defence in depth: the generator drops instruction lines too, but the chat removes them
    # before any generator (extractive or LLM) can see them.
    passages = []
    for passage in grounding.passages_from_hits(hits):
        cleaned = safety.sanitize_passage(passage.text)
        if cleaned:
            passages.append(Passage(passage.source_id, cleaned, passage.citation, passage.metadata))
    return passages


def _citation(code: str, hits: list[RetrievedHit]) -> dict[str, Any]:
    source, _, rest = code.partition(":")
    doc_id, _, version = rest.partition("@v")
    hit = next((h for h in hits if grounding.citation_for(h.metadata) == code), None)
    return {
        "kind": source,
        "ref": doc_id,
        "version": int(version) if version.isdigit() else None,
        "title": str(hit.metadata.get("title", "")) if hit else None,
        "score": round(hit.score, 4) if hit else None,
    }


def _safe_text(sentences: list[Sentence], language: str) -> str:
    # The last check on what leaves: no instruction-like sentence, no phone/ID/card number.
    kept = [s.text.strip() for s in sentences if not safety.looks_like_instruction(s.text)]
    return safety.mask_pii(("" if language == "zh" else " ").join(kept))


def _knowledge(
    knowledge: KnowledgeEngine,
    generator: Generator,
    *,
    settings: Settings,
    text: str,
    language: str,
) -> Draft:
    hits = knowledge.search(
        text, k=settings.chat_passages, sources=["article"], where=PUBLIC_KNOWLEDGE
    )
    # Re-check what the filter enforced: a reply may only ever quote public, published text.
    hits = [h for h in hits if _is_public(h)]
    passages = _passages(hits)
    intent = str(Intent.knowledge)
    if not passages:
        return Draft("", language, intent, confidence=0.0, handoff="low_confidence", context=hits)
    answer = generator.generate(text, passages, language=language)
    claims = grounding.validate([s for s in answer.sentences if s.citations], passages)
    if not claims or answer.confidence < settings.chat_min_confidence:
        return Draft(
            "",
            language,
            intent,
            confidence=answer.confidence,
            handoff="low_confidence",
            context=hits,
        )
    codes = list(dict.fromkeys(c for s in claims for c in s.citations))
    frame = [s for s in answer.sentences if not s.citations]
    sentences = [*frame[:1], *claims, *frame[1:]]
    draft = Draft(_safe_text(sentences, language), language, intent, context=hits)
    draft.citations = [_citation(code, hits) for code in codes]
    draft.confidence = answer.confidence
    return draft


def _is_public(hit: RetrievedHit) -> bool:
    meta = hit.metadata
    return (
        meta.get("source") == "article"
        and meta.get("visibility") == "public"
        and meta.get("status") == "published"
    )
