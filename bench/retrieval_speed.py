"""Hybrid retrieval latency and resident memory on a synthetic corpus.

Vectors are random unit vectors of the default embedder's size (MiniLM 384 + USE 512);
texts are Zipf-distributed pseudo-words, so BM25 does real work. The query embedding is
excluded (a fake embedder answers), everything else is the service's retrieval path:
history guard filter, dense query with feedback, BM25, fusion, dedupe.

    .venv/bin/python bench/retrieval_speed.py --sizes 100000 [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import resource
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.adapters.memory import MemoryVectorIndex
from kcrm.knowledge.lexical import Bm25Index, Tokenizer
from kcrm.knowledge.ports import Chunk, Embedder
from kcrm.knowledge.retrieval import FusionConfig, HybridRetriever, LanguageWeights

DIMENSION = 896
BATCH = 20_000


class RandomEmbedder(Embedder):
    """Random unit vectors: the bench measures retrieval, not the model."""

    def __init__(self) -> None:
        self.name, self.dimension = "random", DIMENSION
        self._rng = np.random.default_rng(1)

    def embed_batch(self, texts, *, kind):  # type: ignore[no-untyped-def]
        vectors = self._rng.standard_normal((len(texts), DIMENSION)).astype(np.float32)
        out: NDArray[np.float32] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return out


def rss_mb() -> float:
    """Peak resident memory of this process in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(size: int, rng: np.random.Generator) -> HybridRetriever:
    """Index `size` synthetic chunks into a memory vector index and BM25."""
    words = [f"w{i}" for i in range(30_000)]
    embedder, vectors, lexical = RandomEmbedder(), MemoryVectorIndex(), Bm25Index(Tokenizer())
    sources = ["article", "resolution", "history"]
    for start in range(0, size, BATCH):
        count = min(BATCH, size - start)
        ranks = np.minimum(rng.zipf(1.3, (count, 30)), len(words)) - 1
        chunks = [
            Chunk(
                id=f"article:{start + i}:0",
                text=" ".join(words[r] for r in ranks[i]),
                content_hash=hashlib.sha1(str(start + i).encode()).hexdigest(),
                metadata={"source": sources[(start + i) % 3], "customer_id": (start + i) % 500},
            )
            for i in range(count)
        ]
        vectors.upsert(chunks, embedder.embed_documents([c.text for c in chunks]))
        lexical.upsert(chunks)
    config = FusionConfig(
        weights={"en": LanguageWeights(1.0, 0.2)}, prf={"en": (3, 1.0)}, candidates=100
    )
    return HybridRetriever(embedder, vectors, lexical, config)


def measure(size: int, queries: int) -> dict[str, float]:
    """p50/p95 latency (ms) of hybrid search, and resident memory."""
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    retriever = build(size, rng)
    build_s = time.perf_counter() - started
    retriever.search("w1 w2", k=10)  # first query builds the BM25 matrix
    rebuild = time.perf_counter()
    retriever.lexical.upsert([Chunk("article:x:0", "w5 w9", "h")])
    retriever.search("w1 w2", k=10)
    rebuild_s = time.perf_counter() - rebuild
    timings = []
    for i in range(queries):
        query = " ".join(f"w{int(r)}" for r in rng.zipf(1.3, 5) % 3000)
        customer = i % 500 if i % 2 else None
        t = time.perf_counter()
        retriever.search(query, k=10, customer_id=customer)
        timings.append((time.perf_counter() - t) * 1000)
    return {
        "chunks": size,
        "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)),
        "rss_mib": rss_mb(),
        "build_s": build_s,
        "bm25_rebuild_s": rebuild_s,
    }


def write_section(rows: list[dict[str, float]], path: Path) -> None:
    """Replace (or add) the `## Retrieval speed` section of docs/benchmarks.md."""
    lines = [
        "## Retrieval speed",
        "",
        "`bench/retrieval_speed.py`: hybrid search (history guard, dense exact search over",
        f"{DIMENSION}-d vectors with feedback, BM25, fusion, dedupe; query embedding excluded)",
        "on a synthetic corpus, in-memory vector index, on the shared 2-core machine.",
        "",
        "| chunks | p50 ms | p95 ms | peak RSS MiB | build s | BM25 rebuild after an upsert s |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r['chunks']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['rss_mib']:.0f} "
            f"| {r['build_s']:.0f} | {r['bm25_rebuild_s']:.2f} |"
            for r in rows
        ),
        "",
    ]
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    section = re.compile(r"## Retrieval speed\n.*?(?=\n## |\Z)", re.S)
    new = "\n".join(lines)
    text = section.sub(new, text) if section.search(text) else text.rstrip("\n") + "\n\n" + new
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Run the sizes asked for and print (and optionally write) the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows = [measure(int(size), args.queries) for size in args.sizes.split(",")]
    for row in rows:
        print(row)
    if args.write:
        write_section(rows, Path(__file__).parents[1] / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
