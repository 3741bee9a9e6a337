"""Suggestion latency with the offline generator on a synthetic 100k-chunk index.

The whole service path of `POST /assist/tickets/{id}/suggestions` runs, minus HTTP: ticket
and messages from SQLite, hybrid retrieval (articles and resolutions), the extractive
generator, the customer context (customer 360 plus a history search), next actions (their
neighbour search over resolved tickets that exist in the database, with logged actions) and
storing the suggestion with its sources. Chunk vectors are random unit vectors of the
default embedder's size; texts are Zipf-drawn words of the demo corpus's English articles
cut into sentences, so BM25 and sentence selection do real work and the model sees tokens of
real length. `random` answers the queries with random vectors too (the model is excluded, as
in bench/retrieval_speed.py); `default` puts the real bilingual model, behind the service's
embedding cache (empty but for the resolved tickets' step contexts, warmed as resolving them
does), in front of the same index to include its cost.

    .venv/bin/python bench/suggestion_speed.py --chunks 100000 [--embedder random,default]
        [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

# Run as a script, so the sibling bench module imports by name: the same random vectors.
from retrieval_speed import RandomEmbedder
from sqlalchemy.orm import Session

import kcrm.models  # noqa: F401
from kcrm.assist.actions import warm
from kcrm.assist.generation.extractive import ExtractiveGenerator
from kcrm.assist.suggestions import service
from kcrm.auth.models import Role, User
from kcrm.auth.principal import Principal
from kcrm.config import Settings
from kcrm.core.db import Base, make_engine, utcnow
from kcrm.crm.customers.models import Customer
from kcrm.crm.tickets.models import (
    AuthorKind,
    Ticket,
    TicketAction,
    TicketKind,
    TicketMessage,
    TicketStatus,
)
from kcrm.knowledge.adapters import build_embedder
from kcrm.knowledge.adapters.memory import MemoryVectorIndex
from kcrm.knowledge.engine import KnowledgeEngine, build_engine
from kcrm.knowledge.lexical import Bm25Index, Tokenizer
from kcrm.knowledge.ports import Chunk, Embedder

BATCH = 20_000
RESOLVED = 2_000  # resolved tickets in the database, behind the resolution chunks
ACTIONS = [
    "verify_identity",
    "check_order_status",
    "contact_carrier",
    "share_tracking_number",
    "record_refund_request",
    "send_article",
    "escalate",
    "schedule_follow_up",
]
CORPUS = Path(__file__).parents[1] / "corpus" / "articles" / "en"


def _vocabulary() -> list[str]:
    """The demo corpus's English words, most frequent first (Zipf draws favour the top)."""
    counts: dict[str, int] = {}
    for path in sorted(CORPUS.glob("*.md")):
        for word in re.findall(r"[a-z][a-z'-]+", path.read_text(encoding="utf-8").lower()):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


WORDS = _vocabulary()


def _text(rng: np.random.Generator) -> str:
    ranks = np.minimum(rng.zipf(1.3, 60), len(WORDS)) - 1
    words = [WORDS[r] for r in ranks]
    return " ".join(" ".join(words[i : i + 12]) + "." for i in range(0, 60, 12))


def _chunk(i: int, rng: np.random.Generator) -> Chunk:
    source = ("article", "resolution", "history")[i % 3]
    metadata: dict[str, Any] = {
        "source": source,
        "doc_id": {"article": f"KB-{i:06d}", "resolution": str(1 + i // 3 % RESOLVED)}.get(
            source, str(i)
        ),
        "version": 1,
        "language": "en",
        "title": f"Synthetic {i}",
        "status": "published",
        "visibility": "public",
    }
    if source == "history":
        metadata["customer_id"] = i % 500
    return Chunk(f"{source}:{i}:0", _text(rng), hashlib.sha1(str(i).encode()).hexdigest(), metadata)


def build_index(settings: Settings, size: int, query_embedder: Embedder) -> KnowledgeEngine:
    """An engine over `size` synthetic chunks in a memory vector index and BM25."""
    rng = np.random.default_rng(0)
    vectors, lexical, random = MemoryVectorIndex(), Bm25Index(Tokenizer()), RandomEmbedder()
    for start in range(0, size, BATCH):
        chunks = [_chunk(i, rng) for i in range(start, min(start + BATCH, size))]
        vectors.upsert(chunks, random.embed_documents([c.text for c in chunks]))
        lexical.upsert(chunks)
    return build_engine(settings, embedder=query_embedder, vectors=vectors, lexical=lexical)


def _words(rng: np.random.Generator, count: int) -> list[str]:
    return [WORDS[int(r) % len(WORDS)] for r in rng.zipf(1.3, count)]


def seed_resolved(session: Session, customer: Customer, rng: np.random.Generator) -> None:
    """Resolved tickets 1..RESOLVED (the index's resolution chunks point at them), each with
    a talk of three messages and three logged actions: the cases next actions vote with."""
    start = utcnow()
    for _ in range(RESOLVED):
        ticket = Ticket(
            subject=" ".join(_words(rng, 6)),
            kind=TicketKind.complaint,
            status=TicketStatus.resolved,
            customer_id=customer.id,
            created_at=start,
        )
        session.add(ticket)
        session.flush()
        for k, speaker in enumerate((AuthorKind.customer, AuthorKind.agent, AuthorKind.customer)):
            at = start + timedelta(seconds=2 * k)
            body = " ".join(_words(rng, 10))
            message = TicketMessage(ticket_id=ticket.id, author_kind=speaker, body=body)
            message.created_at = at
            session.add(message)
            action = ACTIONS[int(rng.integers(len(ACTIONS)))]
            at += timedelta(seconds=1)
            session.add(TicketAction(ticket_id=ticket.id, action=action, details={}, created_at=at))
    session.flush()


def seed(session: Session, count: int) -> tuple[list[int], Principal]:
    """Resolved tickets, a customer with `count` open complaints (a customer message each),
    and an agent."""
    rng = np.random.default_rng(2)
    agent = User(email="bench@kcrm.test", full_name="Bench", role=Role.agent, password_hash="-")
    customer = Customer(name="Bench Customer")
    session.add_all([agent, customer])
    session.flush()
    seed_resolved(session, customer, rng)
    ids = []
    for _ in range(count):
        words = _words(rng, 14)
        ticket = Ticket(
            subject=" ".join(words[:6]),
            kind=TicketKind.complaint,
            status=TicketStatus.open,
            customer_id=customer.id,
            created_at=utcnow(),
        )
        session.add(ticket)
        session.flush()
        body = " ".join(words[6:]) + "?"
        session.add(TicketMessage(ticket_id=ticket.id, author_kind=AuthorKind.customer, body=body))
        ids.append(ticket.id)
    session.commit()
    return ids, Principal(role=Role.agent, user_id=agent.id, name=agent.full_name)


def measure(size: int, queries: int, embedder_name: str) -> dict[str, float | str]:
    """p50/p95 (ms) of full suggestions over `queries` tickets."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bench.db", vector_index="memory"
        )
        query_embedder: Embedder = RandomEmbedder()
        if embedder_name == "default":
            # As the service builds it: the embedding cache (empty at the start) in front.
            query_embedder = build_embedder(settings)
        started = time.perf_counter()
        engine = build_index(settings, size, query_embedder)
        engine.search("the water", k=5)  # the first query builds the BM25 matrix
        build_s = time.perf_counter() - started
        db = make_engine(settings.db_url)
        Base.metadata.create_all(db)
        generator = ExtractiveGenerator(engine.embedder)
        timings, cpu, drafts = [], [], 0
        with Session(db) as session:
            ticket_ids, agent = seed(session, queries)
            # As resolving them (or the demo load, or `kcrm reindex`) would have done.
            started = time.perf_counter()
            contexts = warm.step_contexts(session)
            warm.warm(engine, settings, contexts)
            warm_s = time.perf_counter() - started
            for ticket_id in ticket_ids:
                t, c = time.perf_counter(), time.process_time()
                result = service.create(
                    session,
                    engine=engine,
                    generator=generator,
                    settings=settings,
                    ticket_id=ticket_id,
                    principal=agent,
                )
                session.commit()
                timings.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                drafts += result.draft is not None
        db.dispose()
    return {
        "chunks": size,
        "embedder": embedder_name,
        "queries": queries,
        "drafts": drafts,
        "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)),
        "cpu_p50_ms": float(np.percentile(cpu, 50)),
        "cpu_p95_ms": float(np.percentile(cpu, 95)),
        "build_s": build_s,
        "resolved": RESOLVED,
        "contexts": len(contexts),
        "warm_s": warm_s,
        "load": os.getloadavg()[0],
    }


def write_section(rows: list[dict[str, Any]], path: Path) -> None:
    """Replace (or add) the `## Suggestion speed` section of docs/benchmarks.md."""
    lines = [
        "## Suggestion speed",
        "",
        "`bench/suggestion_speed.py`: the full `suggestions.service.create` path (ticket and",
        "messages from SQLite, one hybrid search for the draft and the customer's history,",
        "extractive generator, customer 360, next actions with their BM25 neighbour search over",
        f"{RESOLVED:,} resolved tickets in the database (three messages and three logged actions",
        "each; their step contexts put in the embedding cache first, as resolving them does),",
        "storing the suggestion, its sources and the article usage events) on a synthetic index",
        "of random 896-d vectors whose texts are Zipf-drawn words of the demo corpus's English",
        "articles, in-memory vector index, 2-core machine. `random` excludes the embedding",
        "model (as in retrieval speed); `default` puts the real bilingual model, behind the",
        "service's embedding cache (empty at the start but for the warmed step contexts), in",
        "front of the same index. CPU ms is this process's CPU time per suggestion (all its",
        "threads).",
        "",
        "| chunks | query embedder | resolved tickets | step contexts warmed (s) | suggestions "
        "| with a draft | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | load avg |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r['chunks']:,} | {r['embedder']} | {r['resolved']:,} "
            f"| {r['contexts']:,} ({r['warm_s']:.1f}) | {r['queries']} | {r['drafts']} "
            f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['cpu_p50_ms']:.0f} "
            f"| {r['cpu_p95_ms']:.0f} | {r['load']:.1f} |"
            for r in rows
        ),
        "",
        "The synthetic passages are word salad, so few drafts pass the confidence threshold",
        "with the real model; the generator still scores and embeds the candidate sentences",
        "for every suggestion before the draft is withheld, so its cost is in the figures.",
        "",
    ]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    section = re.compile(r"## Suggestion speed\n.*?(?=\n## |\Z)", re.S)
    new = "\n".join(lines)
    text = section.sub(new, text) if section.search(text) else text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Run the sizes asked for and print (and optionally write) the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", default="100000")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--embedder", default="random,default", help="random and/or default")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    embedders = args.embedder.split(",")
    if set(embedders) - {"random", "default"}:
        parser.error("--embedder takes random, default or both, comma-separated")
    rows = [
        measure(int(n), args.queries, name) for n in args.chunks.split(",") for name in embedders
    ]
    for row in rows:
        print(row)
    if args.write:
        write_section(rows, Path(__file__).parents[1] / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
