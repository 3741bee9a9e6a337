"""Suggestion use cases: suggest a grounded reply for a ticket, and read a stored suggestion."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from kcrm.assist.actions import service as action_service
from kcrm.assist.actions.conversation import ticket_question
from kcrm.assist.gaps import service as gap_service
from kcrm.assist.grounding import mask_pii, passages_from_hits
from kcrm.assist.suggestions import context, repository
from kcrm.assist.suggestions.models import Suggestion, SuggestionSource
from kcrm.assist.suggestions.schemas import (
    CustomerContext,
    DraftRead,
    NextActionRead,
    SentenceRead,
    SourceRead,
    SuggestionRead,
)
from kcrm.auth.principal import Principal
from kcrm.config import Settings
from kcrm.core.errors import NotFound
from kcrm.crm.tickets import messages as ticket_messages
from kcrm.crm.tickets import service as ticket_service
from kcrm.crm.tickets.models import AuthorKind, Ticket
from kcrm.knowledge.curation.models import UsageKind
from kcrm.knowledge.curation.usage import record_chunk_usage
from kcrm.knowledge.engine import KnowledgeEngine
from kcrm.knowledge.ports import Answer, Generator
from kcrm.knowledge.retrieval import RetrievedHit

NEXT_ACTIONS = 5


def question_for(session: Session, *, ticket: Ticket, principal: Principal) -> str:
    """What the customer asks: the subject and their latest public messages."""
    said = [
        m.body
        for m in ticket_messages.list(session, ticket=ticket, principal=principal)
        if m.author_kind == AuthorKind.customer and not m.internal
    ]
    return ticket_question(ticket.subject, said)


def retrieve(
    engine: KnowledgeEngine, *, ticket: Ticket, query: str, k: int
) -> tuple[list[RetrievedHit], list[RetrievedHit]]:
    """Published articles (internal ones too: agents read them) and past resolutions, never
    this ticket's own resolution; and, from the same search, the customer's own history."""
    hits = engine.search(
        query,
        k=k + 1 + context.HISTORY_PASSAGES,
        sources=["article", "resolution", "history"],
        customer_id=ticket.customer_id,
    )
    own = str(ticket.id)
    history = [h for h in hits if h.metadata.get("source") == "history"]
    knowledge = [
        h
        for h in hits
        if h.metadata.get("source") != "history"
        and not (h.metadata.get("source") == "resolution" and h.metadata.get("doc_id") == own)
    ]
    return knowledge[:k], history[: context.HISTORY_PASSAGES]


def _withheld(answer: Answer, hits: Sequence[RetrievedHit], threshold: float) -> str | None:
    """Why no draft is shown, or None when the draft may be shown."""
    if not hits:
        return "No published article or past resolution matches this ticket."
    if not answer.sentences:
        return "The retrieved sources hold nothing that answers this ticket."
    if answer.confidence < threshold:
        best = hits[0]
        return (
            f"Confidence {answer.confidence:.2f} is below the {threshold:.2f} threshold; "
            f"the closest source is {passages_from_hits([best])[0].citation} "
            f"({best.score:.2f}). Please answer from your own knowledge."
        )
    return None


def _sources(hits: Sequence[RetrievedHit], cited: set[str]) -> list[SuggestionSource]:
    """One row per cited document (its best chunk), in retrieval order."""
    rows: dict[str, SuggestionSource] = {}
    for passage, hit in zip(passages_from_hits(hits), hits, strict=True):
        if passage.citation in rows:
            continue
        rows[passage.citation] = SuggestionSource(
            rank=len(rows),
            chunk_id=hit.id[:200],
            source=str(hit.metadata.get("source", "")),
            doc_id=str(hit.metadata.get("doc_id", ""))[:64],
            version=int(hit.metadata.get("version", 1) or 1),
            citation=passage.citation[:120],
            title=str(hit.metadata.get("title", ""))[:300],
            score=float(hit.score),
            cited=passage.citation in cited,
        )
    return list(rows.values())


def record_source_usage(session: Session, rows: Sequence[SuggestionSource], *, ref: str) -> None:
    """Tell curation which articles a suggestion retrieved and which its draft cited."""
    record_chunk_usage(
        session, chunk_ids=[r.chunk_id for r in rows], kind=UsageKind.retrieved, ref=ref
    )
    cited = [r.chunk_id for r in rows if r.cited]
    if cited:
        record_chunk_usage(session, chunk_ids=cited, kind=UsageKind.cited, ref=ref)


def _next_actions(
    session: Session, engine: KnowledgeEngine, *, ticket: Ticket, settings: Settings
) -> list[dict[str, Any]]:
    found = action_service.next_actions(
        session, engine=engine, ticket_id=ticket.id, limit=NEXT_ACTIONS, settings=settings
    )
    return [NextActionRead.model_validate(a).model_dump(mode="json") for a in found]


def create(
    session: Session,
    *,
    engine: KnowledgeEngine,
    generator: Generator,
    settings: Settings,
    ticket_id: int,
    principal: Principal,
) -> SuggestionRead:
    """Draft a grounded reply (or say why not), with the customer context and next actions;
    the suggestion and its sources are stored, and a withheld draft is a knowledge gap."""
    ticket = ticket_service.get(session, ticket_id=ticket_id, principal=principal)
    query = question_for(session, ticket=ticket, principal=principal)
    # One search serves the draft and the context: the dense pass is most of its cost.
    hits, history = retrieve(engine, ticket=ticket, query=query, k=settings.assist_passages)
    language = str(ticket.language)
    answer = generator.generate(query, passages_from_hits(hits), language=language)
    reason = _withheld(answer, hits, settings.assist_min_confidence)
    shown = answer.sentences if reason is None else ()
    suggestion = Suggestion(
        ticket_id=ticket.id,
        user_id=principal.user_id,
        language=language,
        query=mask_pii(query),
        generator=answer.generator or generator.name,
        confidence=answer.confidence,
        draft_text=Answer(sentences=shown).text if shown else None,
        reason=reason,
        sentences=[{"text": s.text, "citations": list(s.citations)} for s in shown],
        alternatives=list(answer.alternatives) if shown else [],
        customer_context=context.build(session, ticket=ticket, history=history).model_dump(
            mode="json"
        ),
        next_actions=_next_actions(session, engine, ticket=ticket, settings=settings),
    )
    session.add(suggestion)
    session.flush()
    cited = {c for s in shown for c in s.citations}
    rows = _sources(hits, cited)
    for row in rows:
        row.suggestion_id = suggestion.id
        session.add(row)
    session.flush()
    record_source_usage(session, rows, ref=f"suggestion:{suggestion.id}")
    if reason is not None:
        gap_service.record_gap(
            session,
            question=query,
            language=language,
            source="suggestion",
            ref=f"ticket:{ticket.id}",
            matches=hits[:3],
        )
    return read(session, suggestion)


def get(session: Session, *, suggestion_id: int) -> Suggestion:
    """A stored suggestion, or 404."""
    suggestion = repository.get(session, suggestion_id)
    if suggestion is None:
        raise NotFound(f"suggestion {suggestion_id} not found")
    return suggestion


def read(session: Session, suggestion: Suggestion) -> SuggestionRead:
    """A stored suggestion in its API shape."""
    draft = None
    if suggestion.draft_text is not None:
        draft = DraftRead(
            sentences=[SentenceRead.model_validate(s) for s in suggestion.sentences],
            text=suggestion.draft_text,
            alternatives=suggestion.alternatives,
            confidence=suggestion.confidence,
            generator=suggestion.generator,
        )
    return SuggestionRead(
        id=suggestion.id,
        ticket_id=suggestion.ticket_id,
        language=suggestion.language,
        query=suggestion.query,
        confidence=suggestion.confidence,
        draft=draft,
        reason=suggestion.reason,
        sources=[SourceRead.model_validate(s) for s in repository.sources(session, suggestion.id)],
        customer_context=CustomerContext.model_validate(suggestion.customer_context),
        next_actions=[NextActionRead.model_validate(a) for a in suggestion.next_actions],
        created_at=suggestion.created_at,
    )
