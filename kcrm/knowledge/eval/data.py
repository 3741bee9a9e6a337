"""Readers for the evaluation formats: BEIR retrieval folders and C-MTEB pair files."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from kcrm.knowledge.language import detect_language
from kcrm.knowledge.ports import Chunk, MetadataValue


@dataclass(frozen=True)
class RetrievalSet:
    """A BEIR folder: documents, queries and which documents are relevant to each query."""

    corpus: dict[str, str]
    queries: dict[str, str]
    qrels: dict[str, set[str]]


@dataclass(frozen=True)
class Pair:
    """Two sentences and whether they ask the same thing."""

    first: str
    second: str
    label: int


def _jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_beir(folder: Path) -> RetrievalSet:
    """Read corpus.jsonl, queries.jsonl and qrels/test.tsv; only judged queries are kept."""
    for name in ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv"):
        if not (folder / name).is_file():
            raise ValueError(f"{folder} is not a BEIR folder: {name} is missing")
    corpus = {}
    for doc in _jsonl(folder / "corpus.jsonl"):
        title, text = str(doc.get("title") or ""), str(doc.get("text") or "")
        corpus[str(doc["_id"])] = f"{title}\n{text}" if title else text
    qrels: dict[str, set[str]] = {}
    with (folder / "qrels/test.tsv").open(encoding="utf-8") as tsv:
        rows = csv.reader(tsv, delimiter="\t")
        next(rows, None)  # header
        for query_id, doc_id, score in rows:
            if int(float(score)) > 0:
                qrels.setdefault(query_id, set()).add(doc_id)
    queries = {
        str(q["_id"]): str(q["text"]) for q in _jsonl(folder / "queries.jsonl") if q["_id"] in qrels
    }
    return RetrievalSet(corpus=corpus, queries=queries, qrels=qrels)


def sample_queries(data: RetrievalSet, size: int | None, seed: int) -> RetrievalSet:
    """The same set with `size` queries drawn reproducibly (all when size is None)."""
    if size is None or size >= len(data.queries):
        return data
    chosen = random.Random(seed).sample(sorted(data.queries), size)
    return RetrievalSet(data.corpus, {q: data.queries[q] for q in chosen}, data.qrels)


def load_pairs(path: Path, size: int | None = None, seed: int = 0) -> list[Pair]:
    """Read `sentence1<TAB>sentence2<TAB>label` lines, optionally a reproducible sample."""
    pairs = []
    with path.open(encoding="utf-8") as tsv:
        for number, row in enumerate(csv.reader(tsv, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
            if len(row) != 3 or row[2].strip() not in ("0", "1"):
                raise ValueError(f"{path}:{number}: expected sentence1, sentence2 and a 0/1 label")
            pairs.append(Pair(row[0], row[1], int(row[2])))
    if size is not None and size < len(pairs):
        pairs = random.Random(seed).sample(pairs, size)
    return pairs


def document_chunk(doc_id: str, text: str, *, source: str = "article") -> Chunk:
    """An evaluation document as the one chunk the service would index for it."""
    metadata: dict[str, MetadataValue] = {
        "source": source,
        "doc_id": doc_id,
        "version": 1,
        "language": detect_language(text),
        "product": "",
        "status": "published",
        "visibility": "public",
        "title": "",
        "chunk_index": 0,
    }
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    return Chunk(id=f"{source}:{doc_id}:0", text=text, content_hash=digest, metadata=metadata)
