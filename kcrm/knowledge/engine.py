"""The knowledge engine: embedder, both indexes and the hybrid retriever, built once at startup."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kcrm.config import Settings
from kcrm.knowledge.adapters import build_embedder, build_vector_index, check_vector_index
from kcrm.knowledge.indexing import Indexer, IndexReport
from kcrm.knowledge.lazy import LazyLexicalIndex, LazyVectorIndex
from kcrm.knowledge.lexical import Bm25Index, Tokenizer, load_dictionary
from kcrm.knowledge.ports import Chunk, Embedder, LexicalIndex, VectorIndex, Where
from kcrm.knowledge.retrieval import FusionConfig, HybridRetriever, LanguageWeights, RetrievedHit


class KnowledgeEngine:
    """Indexes chunks into both indexes and searches them; inject one per process."""

    def __init__(
        self,
        embedder: Embedder,
        vectors: VectorIndex,
        lexical: LexicalIndex,
        retriever: HybridRetriever,
        *,
        batch_size: int = 256,
    ) -> None:
        self.embedder = embedder
        self.vectors = vectors
        self.lexical = lexical
        self.retriever = retriever
        self._indexer = Indexer(embedder, vectors, lexical, batch_size=batch_size)

    def index(
        self, chunks: Sequence[Chunk], *, progress: Callable[[int], None] | None = None
    ) -> IndexReport:
        """Idempotent: chunks already stored with the same content hash are skipped."""
        return self._indexer.index(chunks, progress=progress)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks from both indexes."""
        self.vectors.delete(ids)
        self.lexical.delete(ids)

    def delete_prefix(self, prefix: str) -> int:
        """Remove every chunk whose id starts with `prefix` (e.g. "article:KB-0001:")."""
        ids = {i for i in self.vectors.hashes() if i.startswith(prefix)}
        ids |= {i for i in self.lexical.hashes() if i.startswith(prefix)}
        self.delete(sorted(ids))
        return len(ids)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        sources: Sequence[str] | None = None,
        customer_id: int | None = None,
        where: Where | None = None,
    ) -> list[RetrievedHit]:
        """Hybrid search; history is only ever returned for the given customer."""
        return self.retriever.search(
            query, k=k, sources=sources, customer_id=customer_id, where=where
        )


def fusion_config(settings: Settings) -> FusionConfig:
    """The retriever's fusion settings."""
    if settings.fusion not in ("score", "rrf"):
        raise ValueError(f"unknown fusion {settings.fusion!r}; choose score or rrf")
    return FusionConfig(
        mode="rrf" if settings.fusion == "rrf" else "score",
        candidates=settings.retrieval_candidates,
        weights={
            lang: LanguageWeights(dense=dense, bm25=bm25)
            for lang, (dense, bm25) in settings.fusion_weights.items()
        },
        calibration=dict(settings.score_calibration),
        prf=dict(settings.prf),
    )


def build_lexical_index(settings: Settings) -> LexicalIndex:
    """The persisted BM25 index with the user dictionary."""
    tokenizer = Tokenizer(load_dictionary(settings.dictionary_path))
    return Bm25Index(tokenizer, settings.lexical_path)


def build_engine(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    vectors: VectorIndex | None = None,
    lexical: LexicalIndex | None = None,
    lazy: bool = False,
) -> KnowledgeEngine:
    """Build the engine from settings; unknown adapter names fail here, at startup.

    `lazy` (commands) opens the indexes and loads the models only when first needed.
    """
    config = fusion_config(settings)
    check_vector_index(settings)
    embedder = embedder or build_embedder(settings, lazy=lazy)
    if vectors is None:
        vectors = LazyVectorIndex(lambda: build_vector_index(settings))
        vectors = vectors if lazy else vectors.index
    if lexical is None:
        lexical = LazyLexicalIndex(lambda: build_lexical_index(settings))
        lexical = lexical if lazy else lexical.index
    retriever = HybridRetriever(embedder, vectors, lexical, config)
    return KnowledgeEngine(embedder, vectors, lexical, retriever)
