"""Hybrid retrieval latency and resident memory on a synthetic corpus, at 100k and 1M chunks.

Vectors are random unit vectors of the default embedder's size (MiniLM 384 + USE 512);
texts are Zipf-distributed pseudo-words, so BM25 does real work. The search timings exclude
the query embedding (a random embedder answers); everything else is the service's retrieval
path: history guard filter, dense query (inverted lists above 50k chunks) re-ranked by
feedback, BM25, fusion, dedupe. The real default embedder, loaded in the same process as the
service holds it, embeds a real English or Chinese question right before each search, and
"from text" is the sum of the two per query: what a caller waits for. Each size runs in a
fresh process so its memory figures are its own.

    .venv/bin/python bench/retrieval_speed.py [--sizes 100000,1000000] [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import re
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kcrm.config import Settings
from kcrm.knowledge.adapters import build_embedder
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
        out: NDArray[np.float32] = self._rng.standard_normal(
            (len(texts), DIMENSION), dtype=np.float32
        )
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


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


def memory_mib() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MiB."""
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    current = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, queries: int) -> dict[str, float]:
    """p50/p95 latency (ms) of hybrid search, alone and from text, CPU, resident memory."""
    rng = np.random.default_rng(0)
    model = build_embedder(Settings(), cache=False)
    for pool in (EN_QUERIES, ZH_QUERIES):
        model.embed_query(pool[0])  # model load and warm-up
    started = time.perf_counter()
    retriever = build(size, rng)
    build_s = time.perf_counter() - started
    first = time.perf_counter()
    retriever.search("w1 w2", k=10)  # builds the BM25 matrix and, above 50k, the inverted lists
    first_s = time.perf_counter() - first
    rebuild = time.perf_counter()
    retriever.lexical.upsert([Chunk("article:x:0", "w5 w9", "h")])
    retriever.search("w1 w2", k=10)
    rebuild_s = time.perf_counter() - rebuild
    texts = [" ".join(f"w{int(r)}" for r in rng.zipf(1.3, 5) % 3000) for _ in range(queries)]
    timings, cpu_s, from_text = [], 0.0, {"en": [], "zh": []}  # type: ignore[var-annotated]
    for i, query in enumerate(texts):
        language, pool = ("en", EN_QUERIES) if i % 2 == 0 else ("zh", ZH_QUERIES)
        t = time.perf_counter()
        model.embed_query(f"{pool[i // 2 % len(pool)]} {i}")
        embedded, cpu = time.perf_counter(), time.process_time()
        retriever.search(query, k=10, customer_id=i % 500 if i // 2 % 2 else None)
        cpu_s += time.process_time() - cpu
        timings.append((time.perf_counter() - embedded) * 1000)
        from_text[language].append((time.perf_counter() - t) * 1000)
    cpu_ms = cpu_s * 1000 / queries
    current, peak = memory_mib()
    return {
        "chunks": size,
        "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)),
        "en_text_p95_ms": float(np.percentile(from_text["en"], 95)),
        "zh_text_p95_ms": float(np.percentile(from_text["zh"], 95)),
        "cpu_ms": cpu_ms,
        "rss_mib": current,
        "peak_rss_mib": peak,
        "build_s": build_s,
        "first_query_s": first_s,
        "bm25_rebuild_s": rebuild_s,
    }


def measure_embedding(queries: int) -> dict[str, float]:
    """p50/p95 (ms) of the real default embedder on single English and Chinese queries."""
    embedder = build_embedder(Settings(), cache=False)
    out: dict[str, float] = {}
    for language, pool in (("en", EN_QUERIES), ("zh", ZH_QUERIES)):
        embedder.embed_query(pool[0])  # model load and warm-up
        timings = []
        for i in range(queries):
            t = time.perf_counter()
            embedder.embed_query(f"{pool[i % len(pool)]} {i}")
            timings.append((time.perf_counter() - t) * 1000)
        out[f"{language}_p50_ms"] = float(np.percentile(timings, 50))
        out[f"{language}_p95_ms"] = float(np.percentile(timings, 95))
    return out


EN_QUERIES = [
    "my card payment was declined twice",
    "the washing machine does not spin",
    "how long does a refund take",
    "where is my order",
]
ZH_QUERIES = ["空调不制冷怎么办", "我的订单到哪了", "退货运费谁承担", "会员积分怎么兑换"]


def _isolated(function: Any, *args: Any) -> Any:
    # A fresh process per measurement, so each size's memory is its own.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def write_section(
    rows: list[dict[str, float]], embedding: dict[str, float] | None, load: str, path: Path
) -> None:
    """Replace (or add) the `## Retrieval speed` section of docs/benchmarks.md."""
    lines = [
        "## Retrieval speed",
        "",
        "`bench/retrieval_speed.py`: hybrid search (history guard, dense search over",
        f"{DIMENSION}-d vectors re-ranked by feedback, BM25, fusion, dedupe) on a synthetic",
        "corpus in the in-memory vector index, on the shared 2-core machine; half the queries",
        "carry a customer id. Above 50k chunks the dense search scans 24 inverted lists of",
        "sqrt(n) (see docs/quality.md for its recall). p50/p95 exclude the query embedding (a",
        "random embedder answers); the real default embedder, loaded in the same process,",
        "embeds a real English or Chinese question (alternating, each one new) right before",
        'each search, and "from text" p95 is over the sum of the two per query: what a caller',
        "waits for. CPU ms/query is this process's CPU time in the searches divided by",
        "their number: on a loaded machine it is the better guide, since wall time there counts",
        "the time other processes hold the cores. RSS is resident memory after the queries;",
        "peak includes the transient copy made while the inverted lists are built.",
        f"Load average (1, 5, 15 min) during the run: {load}.",
        "",
        "| chunks | p50 ms | p95 ms | from text p95 ms, en / zh | CPU ms/query | RSS MiB "
        "| peak RSS MiB | build s | first query s | BM25 rebuild s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {r['chunks']:,.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['en_text_p95_ms']:.1f} / {r['zh_text_p95_ms']:.1f} | {r['cpu_ms']:.1f} "
            f"| {r['rss_mib']:.0f} | {r['peak_rss_mib']:.0f} | {r['build_s']:.0f} "
            f"| {r['first_query_s']:.1f} | {r['bm25_rebuild_s']:.1f} |"
            for r in rows
        ),
        "",
    ]
    if embedding:
        lines += [
            "Query embedding with the default embedder (bilingual, no cache), per query: "
            f"English p50 {embedding['en_p50_ms']:.1f} ms, p95 {embedding['en_p95_ms']:.1f} ms; "
            f"Chinese p50 {embedding['zh_p50_ms']:.1f} ms, p95 {embedding['zh_p95_ms']:.1f} ms. "
            '(Alone, in a fresh process; the table\'s "from text" column has it in place.)',
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
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--no-embedder", action="store_true", help="skip the query-embedding timing"
    )
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    loads = [os.getloadavg()]
    rows = []
    for size in args.sizes.split(","):
        rows.append(_isolated(measure, int(size), args.queries))
        print(rows[-1], flush=True)
    embedding = None if args.no_embedder else _isolated(measure_embedding, 100)
    print(embedding)
    loads.append(os.getloadavg())
    load = " to ".join(", ".join(f"{v:.1f}" for v in la) for la in loads)
    if args.write:
        write_section(rows, embedding, load, Path(__file__).parents[1] / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
