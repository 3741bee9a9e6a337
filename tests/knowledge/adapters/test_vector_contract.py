"""One contract every VectorIndex adapter passes: memory, embedded Chroma and a Chroma server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from kcrm.knowledge.adapters.chroma import ChromaVectorIndex
from kcrm.knowledge.adapters.memory import MemoryVectorIndex
from kcrm.knowledge.ports import Chunk, VectorIndex

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` on loopback, for the HttpClient adapter."""
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=20)


_collections = iter(range(10**6))


def _memory(tmp_path: Path, server: Callable[[], tuple[str, int]]) -> VectorIndex:
    return MemoryVectorIndex()


def _persistent(tmp_path: Path, server: Callable[[], tuple[str, int]]) -> VectorIndex:
    return ChromaVectorIndex.persistent(tmp_path / "chroma")


def _http(tmp_path: Path, server: Callable[[], tuple[str, int]]) -> VectorIndex:
    host, port = server()
    return ChromaVectorIndex.http(host, port, collection=f"contract_{next(_collections)}")


@pytest.fixture(params=[_memory, _persistent, _http], ids=["memory", "chroma", "chroma-http"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> VectorIndex:
    """A fresh, empty index of each adapter."""
    factory = request.param
    return factory(tmp_path, lambda: request.getfixturevalue("chroma_server"))  # type: ignore[no-any-return]


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def chunk(chunk_id: str, text: str = "", content_hash: str = "h", **metadata: object) -> Chunk:
    return Chunk(id=chunk_id, text=text or chunk_id, content_hash=content_hash, metadata=metadata)  # type: ignore[arg-type]


def seed(index: VectorIndex) -> None:
    index.upsert(
        [
            chunk("a", source="article", language="en", customer_id=0),
            chunk("b", source="article", language="zh", customer_id=0),
            chunk("c", source="history", language="en", customer_id=7),
            chunk("d", source="resolution", language="en", customer_id=0),
        ],
        np.stack([unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0.5, 0.5, 0), unit(0, 0, 1)]),
    )


class TestVectorIndexContract:
    def test_empty_index_returns_nothing(self, index: VectorIndex) -> None:
        assert index.count() == 0
        assert index.query(unit(1, 0, 0), 5) == []
        assert index.hashes() == {}

    def test_query_orders_by_cosine(self, index: VectorIndex) -> None:
        seed(index)
        hits = index.query(unit(1, 0, 0), 3)
        assert [h.id for h in hits] == ["a", "b", "c"]
        assert hits[0].score == pytest.approx(1.0, abs=1e-4)
        assert hits[2].score == pytest.approx(float(unit(0.5, 0.5, 0)[0]), abs=1e-4)
        assert hits[0].text == "a"
        assert hits[0].metadata["language"] == "en"

    def test_k_larger_than_the_index(self, index: VectorIndex) -> None:
        seed(index)
        assert len(index.query(unit(1, 0, 0), 50)) == 4

    def test_upsert_replaces_by_id(self, index: VectorIndex) -> None:
        seed(index)
        index.upsert([chunk("a", "new text", "h2", source="article")], np.stack([unit(0, 0, 1)]))
        assert index.count() == 4
        assert index.query(unit(0, 0, 1), 1)[0].id in ("a", "d")
        assert index.hashes(["a"]) == {"a": "h2"}
        assert [h.text for h in index.query(unit(0, 0, 1), 2) if h.id == "a"] == ["new text"]

    def test_equality_filter(self, index: VectorIndex) -> None:
        seed(index)
        hits = index.query(unit(1, 0, 0), 5, {"language": "zh"})
        assert [h.id for h in hits] == ["b"]

    def test_in_filter_and_several_keys(self, index: VectorIndex) -> None:
        seed(index)
        where = {"source": {"$in": ["article", "history"]}, "language": "en"}
        assert [h.id for h in index.query(unit(1, 0, 0), 5, where)] == ["a", "c"]

    def test_ne_and_or_filters(self, index: VectorIndex) -> None:
        seed(index)
        where = {"$or": [{"source": {"$ne": "history"}}, {"source": "history", "customer_id": 7}]}
        assert len(index.query(unit(1, 0, 0), 5, where)) == 4
        guarded = {"$or": [{"source": {"$ne": "history"}}, {"source": "history", "customer_id": 8}]}
        assert "c" not in [h.id for h in index.query(unit(1, 0, 0), 5, guarded)]

    def test_filter_matching_nothing(self, index: VectorIndex) -> None:
        seed(index)
        assert index.query(unit(1, 0, 0), 5, {"language": "fr"}) == []

    def test_delete(self, index: VectorIndex) -> None:
        seed(index)
        index.delete(["a", "missing"])
        assert index.count() == 3
        assert "a" not in [h.id for h in index.query(unit(1, 0, 0), 5)]
        assert set(index.hashes()) == {"b", "c", "d"}

    def test_hashes_for_some_ids(self, index: VectorIndex) -> None:
        seed(index)
        assert index.hashes(["a", "d", "zzz"]) == {"a": "h", "d": "h"}

    def test_vectors_by_id_in_the_order_asked(self, index: VectorIndex) -> None:
        seed(index)
        vectors = index.vectors(["c", "missing", "a"])
        assert vectors.shape == (3, 3)
        assert vectors[0] == pytest.approx(unit(0.5, 0.5, 0), abs=1e-6)
        assert vectors[1].tolist() == [0.0, 0.0, 0.0]
        assert vectors[2] == pytest.approx(unit(1, 0, 0), abs=1e-6)

    def test_length_mismatch_is_refused(self, index: VectorIndex) -> None:
        with pytest.raises(ValueError, match="differ"):
            index.upsert([chunk("a")], np.stack([unit(1, 0), unit(0, 1)]))
