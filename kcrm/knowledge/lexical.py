"""BM25 keyword search (bm25s) with a bilingual tokenizer and a user dictionary.

Chinese runs are cut by rjieba, everything else is split into lowercase words, and terms
from the user dictionary (product names, SKUs, model numbers) are kept whole. The index is
persisted as an append-only log of upserts and deletes under the data directory and the
bm25s matrix is rebuilt lazily from stored token ids (fast: no re-tokenising).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import rjieba

from kcrm.knowledge.filters import MetadataColumns
from kcrm.knowledge.ports import Chunk, Hit, LexicalIndex, Where

_CJK_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_EN_STOPWORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)
_ZH_STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 么 是 在 我 你 他 她 它 和 与 也 就 都 而 及 着 么".split()
)


def load_dictionary(path: Path | None) -> list[str]:
    """Terms from a user dictionary file: one per line, '#' comments, jieba's 'word freq tag' ok."""
    if path is None or not path.exists():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            terms.append(line.split()[0])
    return terms


class Tokenizer:
    """Mixed Chinese/English tokenizer: rjieba for CJK runs, lowercase words elsewhere."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self.terms = sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True)
        for term in self.terms:
            if _CJK_RUN.search(term):
                self._jieba.add_word(term, None, None)
        pattern = "|".join(re.escape(t) for t in self.terms)
        self._terms = re.compile(f"({pattern})") if pattern else None

    def __call__(self, text: str) -> list[str]:
        """Tokens of one text, stopwords removed."""
        text = text.lower()
        pieces = self._terms.split(text) if self._terms else [text]
        tokens: list[str] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 1:  # a dictionary term: keep it whole
                tokens.append(piece)
            else:
                tokens.extend(self._plain(piece))
        return tokens

    def _plain(self, text: str) -> list[str]:
        tokens: list[str] = []
        for index, run in enumerate(_CJK_RUN.split(text)):
            if index % 2 == 1:
                tokens.extend(w for w in self._jieba.cut(run) if w not in _ZH_STOPWORDS)
            else:
                tokens.extend(w for w in _WORD.findall(run) if w not in _EN_STOPWORDS)
        return tokens


class Bm25Index(LexicalIndex):
    """bm25s over token ids; filters use the same column masks as the in-memory vector index."""

    def __init__(self, tokenizer: Tokenizer, path: Path | None = None) -> None:
        self.tokenizer = tokenizer
        self.path = path
        self._vocab: dict[str, int] = {"": 0}
        self._rows: dict[str, int] = {}
        self._chunks: list[Chunk | None] = []
        self._tokens: list[list[int]] = []
        self._free: list[int] = []
        self._columns = MetadataColumns()
        self._model: Any = None
        self._log_lines = 0
        if path is not None and path.exists():
            self._replay(path)

    def upsert(self, chunks: Sequence[Chunk]) -> None:
        """Tokenise and store chunks (same id replaces), appending them to the log."""
        self._apply_upsert(chunks, [self._token_ids(c.text) for c in chunks])
        self._log([{"op": "upsert", **_chunk_record(c)} for c in chunks])

    def _token_ids(self, text: str) -> list[int]:
        return [self._vocab.setdefault(t, len(self._vocab)) for t in self.tokenizer(text)]

    def _apply_upsert(self, chunks: Sequence[Chunk], tokens: Sequence[list[int]]) -> None:
        for chunk, ids in zip(chunks, tokens, strict=True):
            row = self._rows.get(chunk.id)
            if row is None:
                row = self._free.pop() if self._free else len(self._chunks)
                if row == len(self._chunks):
                    self._chunks.append(None)
                    self._tokens.append([])
                self._rows[chunk.id] = row
            self._chunks[row], self._tokens[row] = chunk, ids
            self._columns.set(row, chunk.metadata)
        self._model = None

    def delete(self, ids: Sequence[str]) -> None:
        """Remove chunks by id; unknown ids are ignored."""
        gone = self._apply_delete(ids)
        if gone:
            self._log([{"op": "delete", "id": chunk_id} for chunk_id in gone])

    def _apply_delete(self, ids: Sequence[str]) -> list[str]:
        gone = []
        for chunk_id in ids:
            row = self._rows.pop(chunk_id, None)
            if row is not None:
                self._chunks[row], self._tokens[row] = None, []
                self._columns.set(row, {})
                self._free.append(row)
                gone.append(chunk_id)
        if gone:
            self._model = None
        return gone

    def _ensure_model(self) -> Any:
        if self._model is None:
            model = bm25s.BM25()
            # Free rows index as one empty token so positions stay aligned with metadata.
            corpus = [ids or [0] for ids in self._tokens]
            model.index(
                bm25s.tokenization.Tokenized(ids=corpus, vocab=self._vocab), show_progress=False
            )
            self._model = model
        return self._model

    def query(self, text: str, k: int, where: Where | None = None) -> list[Hit]:
        """The k best BM25 matches with a positive score, filtered by `where`."""
        if not self._rows or k <= 0:
            return []
        ids = [self._vocab[t] for t in self.tokenizer(text) if t in self._vocab]
        if not ids:
            return []
        size = len(self._chunks)
        scores = _scores(self._ensure_model(), ids, size)
        # Free rows hold one empty token, so they score 0 and drop out below with no mask.
        candidates = np.flatnonzero(scores > 0)
        if where:
            candidates = candidates[self._columns.mask(where)[candidates]]
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [self._hit(int(row), float(scores[row])) for row in ordered]

    def _hit(self, row: int, score: float) -> Hit:
        chunk = self._chunks[row]
        assert chunk is not None
        return Hit(id=chunk.id, score=score, text=chunk.text, metadata=dict(chunk.metadata))

    def count(self) -> int:
        """How many chunks are stored."""
        return len(self._rows)

    def hashes(self, ids: Sequence[str] | None = None) -> dict[str, str]:
        """Content hash per stored chunk id (all chunks when `ids` is None)."""
        wanted = self._rows if ids is None else [i for i in ids if i in self._rows]
        return {cid: c.content_hash for cid in wanted if (c := self._chunks[self._rows[cid]])}

    # Persistence: an append-only JSON-lines log, compacted when it grows past twice the live rows.
    def _log(self, records: list[dict[str, Any]]) -> None:
        if self.path is None or not records:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as log:
            log.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        self._log_lines += len(records)
        if self._log_lines > 2 * len(self._rows) + 1000:
            self.compact()

    def compact(self) -> None:
        """Rewrite the log with only the live chunks (atomic rename)."""
        if self.path is None:
            return
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            for row in self._rows.values():
                chunk = self._chunks[row]
                assert chunk is not None
                out.write(
                    json.dumps({"op": "upsert", **_chunk_record(chunk)}, ensure_ascii=False) + "\n"
                )
        tmp.replace(self.path)
        self._log_lines = len(self._rows)

    def _replay(self, path: Path) -> None:
        chunks: dict[str, Chunk] = {}
        with path.open(encoding="utf-8") as log:
            for line in log:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a torn last line after a crash: that write never completed
                self._log_lines += 1
                if record["op"] == "delete":
                    chunks.pop(record["id"], None)
                else:
                    chunks[record["id"]] = _chunk_from(record)
        items = list(chunks.values())
        self._apply_upsert(items, [self._token_ids(c.text) for c in items])


def _scores(model: Any, ids: list[int], size: int) -> np.ndarray:
    """BM25 of every row for the query's token ids, as bm25s computes it, but summed with one
    bincount over the postings (bm25s' own sum uses np.add.at, several times slower)."""
    if model.nonoccurrence_array is not None:  # variants that score absent terms too
        return np.asarray(model.get_scores(ids), dtype=np.float32)
    data, indices, indptr = model.scores["data"], model.scores["indices"], model.scores["indptr"]
    spans = [(int(indptr[t]), int(indptr[t + 1])) for t in ids]
    rows = np.concatenate([indices[a:b] for a, b in spans])
    weights = np.concatenate([data[a:b] for a, b in spans])
    return np.bincount(rows, weights=weights, minlength=size).astype(np.float32)


def _chunk_record(chunk: Chunk) -> dict[str, Any]:
    return {
        "id": chunk.id,
        "text": chunk.text,
        "hash": chunk.content_hash,
        "meta": dict(chunk.metadata),
    }


def _chunk_from(record: dict[str, Any]) -> Chunk:
    return Chunk(
        id=record["id"], text=record["text"], content_hash=record["hash"], metadata=record["meta"]
    )
