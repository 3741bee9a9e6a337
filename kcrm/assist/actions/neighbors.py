"""What was done in the most similar resolved tickets, at the same point of their flow.

The similar tickets come from the knowledge engine's "resolution" source. Inside them, the
steps taken right after the same previous action are aligned with the current position and
compared by the text just before them (the last turns); the closest steps vote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kcrm.assist.actions.conversation import Conversation
from kcrm.knowledge.engine import KnowledgeEngine

Vectors = Callable[[Sequence[str]], NDArray[np.float32]]
"""Normalised vectors for texts (the engine's embedder, behind its cache)."""
CONTEXT_TURNS = 3
QUERY_CHARS = 500


@dataclass(frozen=True)
class CaseStep:
    """One logged action of a past ticket, the actions before it and the text just before."""

    action: str
    previous: tuple[str, ...]
    context: str


@dataclass(frozen=True)
class ResolvedCase:
    """A resolved ticket's action log as steps, with its task/playbook when known."""

    ticket_id: int
    task: str | None
    steps: tuple[CaseStep, ...]


@dataclass(frozen=True)
class Neighbor:
    """A similar resolved ticket and its retrieval score."""

    case: ResolvedCase
    score: float


@dataclass(frozen=True)
class NeighborVote:
    """An action the aligned neighbours took next, its share of the vote and their tickets."""

    action: str
    share: float
    ticket_ids: tuple[int, ...]
    similarity: float


def problem_query(conversation: Conversation) -> str:
    """The search text for similar tickets: what the customer first asked."""
    asked = [t.text for t in conversation.turns if t.speaker == "customer" and t.text]
    return " ".join(asked[:2])[:QUERY_CHARS]


def retrieve(
    engine: KnowledgeEngine,
    query: str,
    *,
    k: int,
    load: Callable[[Sequence[int]], Mapping[int, ResolvedCase]],
) -> list[Neighbor]:
    """The k most similar resolved tickets (one search; chunks grouped by ticket)."""
    if not query.strip():
        return []
    best: dict[int, float] = {}
    for hit in engine.search(query, k=k * 3, sources=["resolution"]):
        ticket_id = int(hit.metadata["doc_id"])
        best[ticket_id] = max(best.get(ticket_id, float("-inf")), hit.score)
    chosen = sorted(best, key=lambda t: -best[t])[:k]
    cases = load(chosen)
    return [Neighbor(cases[t], best[t]) for t in chosen if t in cases]


def _aligned(case: ResolvedCase, done: tuple[str, ...]) -> list[CaseStep]:
    last = done[-1:]
    return [s for s in case.steps if s.previous[-1:] == last]


def vote(
    conversation: Conversation,
    neighbors: Sequence[Neighbor],
    vectors: Vectors,
    *,
    top: int = 10,
    sharpness: float = 1.0,
) -> list[NeighborVote]:
    """The next actions of the `top` aligned steps closest to the current context."""
    pool = [n for n in neighbors if conversation.task and n.case.task == conversation.task]
    pool = pool or list(neighbors)  # no task known (or none shared): every neighbour counts
    done = conversation.actions
    candidates = [(n.case.ticket_id, s) for n in pool for s in _aligned(n.case, done)]
    if not candidates:
        return []
    texts = [conversation.context(CONTEXT_TURNS), *(s.context for _, s in candidates)]
    matrix = vectors(texts)
    similarity = matrix[1:] @ matrix[0]
    # Two more steps of the same history at the same point are a stronger match.
    bonus = np.array([0.05 * (s.previous[-2:] == done[-2:]) for _, s in candidates])
    order = np.argsort(-(similarity + bonus), kind="stable")[:top]
    weights: dict[str, float] = defaultdict(float)
    tickets: dict[str, list[int]] = defaultdict(list)
    best: dict[str, float] = defaultdict(float)
    for i in order:
        ticket_id, step = candidates[int(i)]
        sim = float(similarity[i])
        weights[step.action] += max(sim, 0.0) ** sharpness
        tickets[step.action].append(ticket_id)
        best[step.action] = max(best[step.action], sim)
    total = sum(weights.values()) or 1.0
    votes = [
        NeighborVote(a, w / total, tuple(dict.fromkeys(tickets[a])), best[a])
        for a, w in weights.items()
    ]
    return sorted(votes, key=lambda v: (-v.share, v.action))
