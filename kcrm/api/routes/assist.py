"""Assist for agents: grounded reply suggestions, executing actions, feedback and its rates."""

from __future__ import annotations

from fastapi import APIRouter

from kcrm.api.deps import (
    AgentUser,
    GeneratorDep,
    KnowledgeDep,
    KnowledgeManager,
    ObjectId,
    SessionDep,
    SettingsDep,
)
from kcrm.assist import execution
from kcrm.assist.suggestions import feedback as feedback_service
from kcrm.assist.suggestions import service as suggestion_service
from kcrm.assist.suggestions.schemas import (
    AcceptanceStats,
    ActionExecute,
    ActionExecutionRead,
    FeedbackCreate,
    FeedbackRead,
    SuggestionRead,
)

router = APIRouter(prefix="/assist", tags=["assist"])


@router.post("/tickets/{ticket_id}/suggestions", response_model=SuggestionRead, status_code=201)
def suggest(
    ticket_id: ObjectId,
    session: SessionDep,
    principal: AgentUser,
    knowledge: KnowledgeDep,
    generator: GeneratorDep,
    settings: SettingsDep,
) -> SuggestionRead:
    """Suggest a cited reply draft, the customer context and next actions for a ticket."""
    return suggestion_service.create(
        session,
        engine=knowledge,
        generator=generator,
        settings=settings,
        ticket_id=ticket_id,
        principal=principal,
    )


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionRead)
def get_suggestion(
    suggestion_id: ObjectId, session: SessionDep, _agent: AgentUser
) -> SuggestionRead:
    """Read a stored suggestion with its sources."""
    suggestion = suggestion_service.get(session, suggestion_id=suggestion_id)
    return suggestion_service.read(session, suggestion)


@router.post(
    "/tickets/{ticket_id}/actions/execute", response_model=ActionExecutionRead, status_code=201
)
def execute_action(
    ticket_id: ObjectId, data: ActionExecute, session: SessionDep, principal: AgentUser
) -> ActionExecutionRead:
    """Run an approved action on a ticket; it is written to the ticket's action log."""
    return execution.execute(session, ticket_id=ticket_id, principal=principal, data=data)


@router.post("/suggestions/{suggestion_id}/feedback", response_model=FeedbackRead, status_code=201)
def give_feedback(
    suggestion_id: ObjectId, data: FeedbackCreate, session: SessionDep, principal: AgentUser
) -> FeedbackRead:
    """Accept, edit (with the text sent) or reject a suggestion's draft or one of its actions."""
    feedback = feedback_service.create(
        session, suggestion_id=suggestion_id, principal=principal, data=data
    )
    return FeedbackRead.model_validate(feedback)


@router.get("/stats/acceptance", response_model=AcceptanceStats)
def acceptance(session: SessionDep, _manager: KnowledgeManager) -> AcceptanceStats:
    """Acceptance rates of drafts, per cited article and per suggested action."""
    return feedback_service.acceptance(session)
