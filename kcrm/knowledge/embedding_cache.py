"""A persistent embedding cache keyed by (model name, text hash), so nothing is embedded twice.

Stored in one SQLite file under the data directory; SQLite's own locking makes it safe to
share between processes (unlike the embedded Chroma store).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.adapters.embedders import Kind
from kcrm.knowledge.ports import Embedder

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    key BLOB NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID
"""
_LOOKUP_BATCH = 500


def text_key(text: str, kind: Kind) -> bytes:
    """The cache key of one text: models may embed queries and documents differently."""
    return hashlib.sha1(f"{kind}\x00{text}".encode()).digest()


class EmbeddingCache:
    """Vectors by (model, key) in SQLite."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, NDArray[np.float32]]:
        """The cached vectors among `keys`."""
        found: dict[bytes, NDArray[np.float32]] = {}
        with self._lock:
            for start in range(0, len(keys), _LOOKUP_BATCH):
                batch = list(keys[start : start + _LOOKUP_BATCH])
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(
                    f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})",
                    [model, *batch],
                )
                for key, blob in rows:
                    found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: Sequence[tuple[bytes, NDArray[np.float32]]]) -> None:
        """Store vectors (existing keys are replaced)."""
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, key, vector) VALUES (?, ?, ?)",
                [(model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items],
            )

    def count(self, model: str | None = None) -> int:
        """How many vectors are cached (for one model, or all)."""
        with self._lock:
            if model is None:
                row = self._conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()
            else:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()


class CachedEmbedder(Embedder):
    """Wraps an embedder: cached texts are read back, only the rest reach the model."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dimension = inner.dimension
        self.computed = 0

    def embed_batch(self, texts: Sequence[str], *, kind: Kind) -> NDArray[np.float32]:
        """Embed only the texts whose vectors are not cached yet, and cache them."""
        keys = [text_key(t, kind) for t in texts]
        found = self.cache.get_many(self.name, keys)
        missing = [i for i, key in enumerate(keys) if key not in found]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if missing:
            unique: dict[bytes, int] = {}
            for i in missing:
                unique.setdefault(keys[i], i)
            vectors = self.inner.embed_batch([texts[i] for i in unique.values()], kind=kind)
            self.computed += len(unique)
            fresh = dict(zip(unique, vectors, strict=True))
            self.cache.put_many(self.name, list(fresh.items()))
            found.update(fresh)
        for i, key in enumerate(keys):
            out[i] = found[key]
        return out
