"""Chroma vector index: the embedded PersistentClient (default) or HttpClient to a server.

Vectors are always passed explicitly and the collection has no embedding function, since
Chroma's default one downloads a model. The embedded store must be opened by one process
only: run several API workers against a Chroma server (KCRM_CHROMA_HOST) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from numpy.typing import NDArray

from kcrm.knowledge.filters import to_chroma
from kcrm.knowledge.ports import Chunk, Hit, VectorIndex, Where

_HASH_KEY = "_content_hash"
_PAGE = 5000


class ChromaVectorIndex(VectorIndex):
    """One Chroma collection in cosine space."""

    def __init__(self, client: Any, collection: str = "kcrm_chunks") -> None:
        self._client = client
        self._collection: Any = client.get_or_create_collection(
            name=collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self._batch = int(getattr(client, "get_max_batch_size", lambda: 5000)())

    @classmethod
    def persistent(cls, path: Path, collection: str = "kcrm_chunks") -> ChromaVectorIndex:
        """An embedded store in a directory (one process at a time)."""
        path.mkdir(parents=True, exist_ok=True)
        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        return cls(chromadb.PersistentClient(path=str(path), settings=settings), collection)

    @classmethod
    def http(cls, host: str, port: int, collection: str = "kcrm_chunks") -> ChromaVectorIndex:
        """A collection on a Chroma server (`chroma run`)."""
        settings = ChromaSettings(anonymized_telemetry=False)
        return cls(chromadb.HttpClient(host=host, port=port, settings=settings), collection)

    def upsert(self, chunks: Sequence[Chunk], vectors: NDArray[np.float32]) -> None:
        """Insert or replace chunks with their vectors, in the client's batch size."""
        if len(chunks) != len(vectors):
            raise ValueError("chunks and vectors differ in length")
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self._collection.upsert(
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[start : start + self._batch], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[{**c.metadata, _HASH_KEY: c.content_hash} for c in part],
            )

    def query(self, vector: NDArray[np.float32], k: int, where: Where | None = None) -> list[Hit]:
        """Nearest chunks by cosine (Chroma returns distance = 1 - cosine)."""
        if k <= 0 or self.count() == 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k,
            where=to_chroma(where),
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for chunk_id, text, metadata, distance in zip(
            result["ids"][0],
            result["documents"][0],
            result["metadatas"][0],
            result["distances"][0],
            strict=True,
        ):
            meta = {key: value for key, value in (metadata or {}).items() if key != _HASH_KEY}
            hits.append(
                Hit(id=chunk_id, score=1.0 - float(distance), text=text or "", metadata=meta)
            )
        return hits

    def vectors(self, ids: Sequence[str]) -> NDArray[np.float32]:
        """Stored vectors by id, in the order asked (zeros for unknown ids)."""
        found: dict[str, Any] = {}
        for start in range(0, len(ids), self._batch):
            got = self._collection.get(
                ids=list(ids[start : start + self._batch]), include=["embeddings"]
            )
            found.update(zip(got["ids"], got["embeddings"], strict=True))
        dimension = len(next(iter(found.values()))) if found else 0
        out = np.zeros((len(ids), dimension), dtype=np.float32)
        for row, chunk_id in enumerate(ids):
            if chunk_id in found:
                out[row] = found[chunk_id]
        return out

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""
        for start in range(0, len(ids), self._batch):
            self._collection.delete(ids=list(ids[start : start + self._batch]))

    def hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Content hash per stored chunk id, read page by page."""
        out: dict[str, str] = {}
        if ids is not None:
            for start in range(0, len(ids), _PAGE):
                got = self._collection.get(
                    ids=list(ids[start : start + _PAGE]), include=["metadatas"]
                )
                out.update(_hash_map(got))
            return out
        offset = 0
        while True:
            got = self._collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            out.update(_hash_map(got))
            if len(got["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def count(self) -> int:
        """How many chunks are stored."""
        return int(self._collection.count())


def _hash_map(got: Any) -> dict[str, str]:
    return {
        chunk_id: str((metadata or {}).get(_HASH_KEY, ""))
        for chunk_id, metadata in zip(got["ids"], got["metadatas"], strict=True)
    }
