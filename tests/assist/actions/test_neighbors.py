"""Similar resolved tickets: retrieval through the engine and aligned votes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from kcrm.assist.actions.conversation import Conversation, Turn
from kcrm.assist.actions.neighbors import (
    CaseStep,
    Neighbor,
    ResolvedCase,
    problem_query,
    retrieve,
    vote,
)
from kcrm.assist.actions.service import load_cases
from kcrm.config import Settings
from kcrm.knowledge.adapters.embedders import FakeEmbedder
from kcrm.knowledge.engine import KnowledgeEngine
from tests.assist.conftest import index_resolutions
from tests.factories.assist import make_resolved


def _vectors(texts: Sequence[str]) -> NDArray[np.float32]:
    return FakeEmbedder(dimension=64).embed_batch(texts, kind="query")


def _case(ticket_id: int, task: str, steps: list[tuple[str, tuple[str, ...], str]]) -> Neighbor:
    made = tuple(CaseStep(a, prev, ctx) for a, prev, ctx in steps)
    return Neighbor(ResolvedCase(ticket_id, task, made), 1.0)


TALK = Conversation(
    turns=(Turn("customer", "please cancel my booking"), Turn("agent", "", "ask_intent")),
    task="hotel",
)


class TestVote:
    def test_the_closest_context_wins(self) -> None:
        neighbors = [
            _case(1, "hotel", [("cancel", ("ask_intent",), "please cancel my booking")]),
            _case(2, "hotel", [("book", ("ask_intent",), "I want to book a room")]),
        ]
        votes = vote(TALK, neighbors, _vectors, top=1)
        assert [(v.action, v.ticket_ids) for v in votes] == [("cancel", (1,))]
        assert votes[0].share == 1.0

    def test_the_same_place_in_the_flow_breaks_ties(self) -> None:
        neighbors = [
            _case(1, "hotel", [("goodbye", ("cancel",), "please cancel my booking")]),
            _case(2, "hotel", [("cancel", ("ask_intent",), "please cancel my booking")]),
        ]
        assert [v.action for v in vote(TALK, neighbors, _vectors, top=1)] == ["cancel"]

    def test_the_last_turns_words_count(self) -> None:
        steps = [("cancel", ("x",), "same context", "please cancel my booking")]
        other = [("book", ("x",), "same context", "a room with a view")]
        neighbors = [
            Neighbor(ResolvedCase(1, "hotel", tuple(CaseStep(*s) for s in steps)), 1.0),
            Neighbor(ResolvedCase(2, "hotel", tuple(CaseStep(*s) for s in other)), 1.0),
        ]
        talk = Conversation(turns=(Turn("customer", "same context"),), task="hotel")
        plain = vote(talk, neighbors, _vectors, top=1, last_turn_weight=0.0)
        worded = Conversation(turns=(Turn("customer", "please cancel my booking"),), task="hotel")
        assert len(plain) == 1
        assert [v.action for v in vote(worded, neighbors, _vectors, top=1)] == ["cancel"]

    def test_the_last_turns_vector_counts(self) -> None:
        steps = [
            (2, CaseStep("book", ("x",), "same context", "a room with a view")),
            (1, CaseStep("cancel", ("x",), "same context", "cancel my booking please")),
        ]
        neighbors = [Neighbor(ResolvedCase(i, "hotel", (step,)), 1.0) for i, step in steps]
        talk = Conversation(
            turns=(Turn("customer", "same context"), Turn("customer", "cancel my booking please")),
            task="hotel",
        )

        def top(weight: float) -> str:
            found = vote(
                talk, neighbors, _vectors, top=1, last_turn_weight=0.0, last_vector_weight=weight
            )
            return found[0].action

        assert top(0.0) == "book"  # a tie on the last turns: the first step wins
        assert top(1.0) == "cancel"

    def test_other_tasks_are_ignored_when_the_task_is_shared(self) -> None:
        neighbors = [
            _case(1, "bank", [("ask_pin", ("ask_intent",), "please cancel my booking")]),
            _case(2, "hotel", [("book", ("ask_intent",), "please book")]),
        ]
        assert [v.action for v in vote(TALK, neighbors, _vectors)] == ["book"]

    def test_nothing_in_common_means_no_vote(self) -> None:
        neighbors = [_case(1, "hotel", [("cancel", ("hello",), "zzz qqq")])]
        assert vote(TALK, neighbors, _vectors) == []


class TestProblemQuery:
    def test_the_first_customer_turns(self) -> None:
        talk = Conversation(
            turns=(
                Turn("agent", "hi", "hello"),
                Turn("customer", "my fridge is loud"),
                Turn("customer", "since Monday"),
                Turn("customer", "help"),
            )
        )
        assert problem_query(talk) == "my fridge is loud since Monday"

    def test_the_task_leads_the_query(self) -> None:
        talk = Conversation(turns=(Turn("customer", "hi"),), task="bank_balance")
        assert problem_query(talk) == "bank balance hi"


class TestRetrieve:
    def test_similar_resolved_tickets_come_back_as_cases(
        self, session: Session, settings: Settings, knowledge: KnowledgeEngine
    ) -> None:
        fridge = make_resolved(
            session,
            [
                ("customer", "my fridge is very loud at night", None),
                ("agent", "Let me check the model", "verify_identity"),
                ("agent", "A technician will come", "arrange_repair"),
            ],
            subject="Loud fridge",
            tags=["playbook:appliance_malfunction"],
        )
        other = make_resolved(
            session,
            [("customer", "where is my invoice", None), ("agent", "Sent", "send_invoice")],
            subject="Invoice",
        )
        index_resolutions(session, knowledge, [fridge.id, other.id], settings)
        found = retrieve(
            knowledge, "fridge loud at night", k=1, load=lambda ids: load_cases(session, ids)
        )
        assert [n.case.ticket_id for n in found] == [fridge.id]
        case = found[0].case
        assert case.task == "appliance_malfunction"
        assert [(s.action, s.previous) for s in case.steps] == [
            ("verify_identity", ()),
            ("arrange_repair", ("verify_identity",)),
        ]
        # The text just before an action excludes the message logged with it.
        assert case.steps[1].context == "my fridge is very loud at night\nLet me check the model"

    def test_an_empty_query_finds_nothing(self, knowledge: KnowledgeEngine) -> None:
        assert retrieve(knowledge, "  ", k=3, load=lambda ids: {}) == []
