"""What was done in the most similar resolved tickets, at the same point of their flow.

The similar tickets come from the knowledge engine's "resolution" source. Inside them, the
steps taken right after the same previous action are aligned with the current position and
compared by the text just before them (the last turns); the closest steps vote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kcrm.assist.actions.conversation import Conversation
from kcrm.knowledge.engine import KnowledgeEngine

Vectors = Callable[[Sequence[str]], NDArray[np.float32]]
"""Normalised vectors for texts (the engine's embedder, behind its cache)."""
CONTEXT_TURNS = 3
QUERY_CHARS = 500
RESOLUTION = "resolution"


@dataclass(frozen=True)
class CaseStep:
    """One logged action of a past ticket, the actions before it and the text just before."""

    action: str
    previous: tuple[str, ...]
    context: str
    last: str = ""


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


def step_texts(cases: Iterable[ResolvedCase]) -> list[str]:
    """The distinct texts `vote` compares for these cases' steps: each step's last turns and
    its very last turn (empty for a step nothing was said before)."""
    steps = [s for c in cases for s in c.steps]
    return list(dict.fromkeys(t for s in steps for t in (s.context, s.last)))


def context_vectors(engine: KnowledgeEngine, model: str) -> Vectors:
    """Vectors of last-turn contexts from the engine's model named `model` (the one the votes
    were measured with, and cheaper than a whole bilingual pair), else its whole embedder."""
    embedder = engine.embedder.part(model) or engine.embedder

    def vectors(texts: Sequence[str]) -> NDArray[np.float32]:
        return embedder.embed_batch(texts, kind="query")

    return vectors


def problem_query(conversation: Conversation) -> str:
    """The search text for similar tickets: the playbook/task and what the customer first asked.

    The task's words match the action labels in resolution documents' action logs, so tickets
    of the same playbook rank first.
    """
    asked = [t.text for t in conversation.turns if t.speaker == "customer" and t.text]
    task = (conversation.task or "").replace("_", " ")
    return " ".join([task, *asked[:2]]).strip()[:QUERY_CHARS]


def retrieve(
    engine: KnowledgeEngine,
    query: str,
    *,
    k: int,
    load: Callable[[Sequence[int]], Mapping[int, ResolvedCase]],
    hybrid: bool = False,
) -> list[Neighbor]:
    """The k most similar resolved tickets (one search; chunks grouped by ticket).

    BM25 alone by default: it is what `kcrm eval actions` measured, and it spares a dense pass
    over hundreds of candidates on every suggestion (the draft's own search stays hybrid).
    """
    if not query.strip():
        return []
    hits = (
        engine.search(query, k=k * 3, sources=["resolution"])
        if hybrid
        else engine.lexical.query(query, k * 3, {"source": RESOLUTION})
    )
    best: dict[int, float] = {}
    for hit in hits:
        ticket_id = int(hit.metadata["doc_id"])
        best[ticket_id] = max(best.get(ticket_id, float("-inf")), hit.score)
    chosen = sorted(best, key=lambda t: -best[t])[:k]
    cases = load(chosen)
    return [Neighbor(cases[t], best[t]) for t in chosen if t in cases]


_WORD = re.compile(r"\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _overlap(words: frozenset[str], text: str) -> float:
    """Jaccard overlap of word sets: a cheap check that the last turns say the same thing."""
    other = _words(text)
    union = len(words | other)
    return len(words & other) / union if union else 0.0


def vote(
    conversation: Conversation,
    neighbors: Sequence[Neighbor],
    vectors: Vectors,
    *,
    top: int = 10,
    last_turn_weight: float = 0.3,
    last_vector_weight: float = 1.0,
    alignment_bonus: float = 0.05,
) -> list[NeighborVote]:
    """The next actions of the `top` past steps closest to the current point of the talk.

    Closeness is the similarity of the last turns (vectors), plus that of the very last turn
    alone (vectors, and word overlap), with a small bonus where the last two actions agree
    (the same place in the flow).
    """
    pool = [n for n in neighbors if conversation.task and n.case.task == conversation.task]
    pool = pool or list(neighbors)  # no task known (or none shared): every neighbour counts
    candidates = [(n.case.ticket_id, s) for n in pool for s in n.case.steps]
    if not candidates:
        return []
    done = conversation.actions[-2:]
    texts = [conversation.context(CONTEXT_TURNS), *(s.context for _, s in candidates)]
    matrix = vectors(texts)
    last = conversation.context(1)
    words = _words(last)
    similarity = matrix[1:] @ matrix[0] + np.array(
        [last_turn_weight * _overlap(words, s.last) for _, s in candidates]
    )
    if last_vector_weight:
        lasts = vectors([last, *(s.last for _, s in candidates)])
        similarity = similarity + last_vector_weight * (lasts[1:] @ lasts[0])
    aligned = np.array([alignment_bonus * (s.previous[-2:] == done) for _, s in candidates])
    order = np.argsort(-(similarity + aligned), kind="stable")[:top]
    return _tally([(candidates[int(i)], float(similarity[i])) for i in order])


def _tally(chosen: Sequence[tuple[tuple[int, CaseStep], float]]) -> list[NeighborVote]:
    weights: dict[str, float] = defaultdict(float)
    tickets: dict[str, list[int]] = defaultdict(list)
    best: dict[str, float] = defaultdict(float)
    for (ticket_id, step), sim in chosen:
        if sim <= 0:
            continue  # nothing in common: no say
        weights[step.action] += max(sim, 0.0)
        tickets[step.action].append(ticket_id)
        best[step.action] = max(best[step.action], sim)
    total = sum(weights.values()) or 1.0
    votes = [
        NeighborVote(a, w / total, tuple(dict.fromkeys(tickets[a])), best[a])
        for a, w in weights.items()
    ]
    return sorted(votes, key=lambda v: (-v.share, v.action))
