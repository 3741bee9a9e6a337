"""Metadata filters (`Where`) evaluated in Python, shared by the in-memory and BM25 indexes.

Grammar: {"key": value} is equality; {"key": {"$in": [...]}}, {"key": {"$nin": [...]}},
{"key": {"$eq": v}} and {"key": {"$ne": v}} compare one key; {"$or": [where, ...]} and
{"$and": [where, ...]} combine. Several keys in one mapping are ANDed. Chroma gets the
same mapping translated by `to_chroma`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kcrm.knowledge.ports import Where

_OPERATORS = {"$eq", "$ne", "$in", "$nin"}


def _match_condition(value: Any, condition: Any) -> bool:
    if not isinstance(condition, Mapping):
        return bool(value == condition)
    for op, operand in condition.items():
        if op not in _OPERATORS:
            raise ValueError(f"unsupported filter operator {op!r}")
        if op == "$eq" and value != operand:
            return False
        if op == "$ne" and value == operand:
            return False
        if op == "$in" and value not in operand:
            return False
        if op == "$nin" and value in operand:
            return False
    return True


def matches(metadata: Mapping[str, Any], where: Where | None) -> bool:
    """Whether a chunk's metadata satisfies the filter (None matches everything)."""
    if not where:
        return True
    for key, condition in where.items():
        if key == "$or":
            if not any(matches(metadata, sub) for sub in condition):
                return False
        elif key == "$and":
            if not all(matches(metadata, sub) for sub in condition):
                return False
        elif not _match_condition(metadata.get(key), condition):
            return False
    return True


def combine(*wheres: Where | None) -> Where | None:
    """AND several filters into one (None and empty ones are dropped)."""
    parts = [w for w in wheres if w]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return {"$and": parts}


def _chroma_clause(key: str, condition: Any) -> dict[str, Any]:
    if isinstance(condition, Mapping):
        clauses = [
            {key: {op: list(v) if op in ("$in", "$nin") else v}} for op, v in condition.items()
        ]
        for op in condition:
            if op not in _OPERATORS:
                raise ValueError(f"unsupported filter operator {op!r}")
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}
    return {key: {"$eq": condition}}


def to_chroma(where: Where | None) -> dict[str, Any] | None:
    """Translate a `Where` into Chroma's syntax (one key per clause, explicit $and)."""
    if not where:
        return None
    clauses: list[dict[str, Any]] = []
    for key, condition in where.items():
        if key in ("$or", "$and"):
            subs = [c for c in (to_chroma(s) for s in condition) if c]
            if len(subs) == 1:
                clauses.append(subs[0])
            elif subs:
                clauses.append({key: subs})
        else:
            clauses.append(_chroma_clause(key, condition))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class MetadataColumns:
    """Metadata stored column-wise as integer codes, so filters are vectorised numpy masks.

    Rows are positions in the owning index; at a million rows a filter costs milliseconds
    instead of a Python loop over dicts.
    """

    def __init__(self) -> None:
        self.size = 0
        self._codes: dict[str, NDArray[np.int32]] = {}
        self._vocab: dict[str, dict[Any, int]] = {}

    def _grow(self, size: int) -> None:
        for key, codes in self._codes.items():
            if len(codes) < size:
                grown = np.full(max(size, 2 * len(codes)), -1, dtype=np.int32)
                grown[: len(codes)] = codes
                self._codes[key] = grown
        self.size = max(self.size, size)

    def take(self, rows: NDArray[np.intp]) -> MetadataColumns:
        """A copy holding only `rows`, in that order (row i of the copy is rows[i] here)."""
        copy = MetadataColumns()
        copy.size = len(rows)
        copy._vocab = self._vocab
        copy._codes = {key: codes[rows] for key, codes in self._codes.items()}
        return copy

    def set(self, row: int, metadata: Mapping[str, Any]) -> None:
        """Store one row's metadata (replacing what the row held)."""
        self._grow(row + 1)
        for codes in self._codes.values():
            codes[row] = -1
        for key, value in metadata.items():
            vocab = self._vocab.setdefault(key, {})
            if key not in self._codes:
                self._codes[key] = np.full(max(self.size, 16), -1, dtype=np.int32)
                self._grow(self.size)
            self._codes[key][row] = vocab.setdefault(_hashable(value), len(vocab))

    def _condition(self, key: str, condition: Any) -> NDArray[np.bool_]:
        codes = self._codes.get(key)
        if codes is None:
            codes = np.full(self.size, -1, dtype=np.int32)
        codes = codes[: self.size]
        if not isinstance(condition, Mapping):
            condition = {"$eq": condition}
        mask = np.ones(self.size, dtype=bool)
        for op, operand in condition.items():
            if op not in _OPERATORS:
                raise ValueError(f"unsupported filter operator {op!r}")
            hit = self._member(key, codes, [operand] if op in ("$eq", "$ne") else operand)
            mask &= hit if op in ("$eq", "$in") else ~hit
        return mask

    def _member(self, key: str, codes: NDArray[np.int32], values: Any) -> NDArray[np.bool_]:
        vocab = self._vocab.get(key, {})
        wanted = [vocab[h] for h in map(_hashable, values) if h in vocab]
        hit: NDArray[np.bool_]
        if len(wanted) == 1:
            # One value (the common case) is a plain comparison: several times faster than isin.
            hit = codes == wanted[0]
        elif wanted:
            hit = np.isin(codes, wanted)
        else:
            hit = np.zeros(len(codes), dtype=bool)
        return hit

    def mask(self, where: Where | None) -> NDArray[np.bool_]:
        """A boolean mask over rows that satisfy the filter."""
        mask = np.ones(self.size, dtype=bool)
        for key, condition in (where or {}).items():
            if key == "$or":
                any_mask = np.zeros(self.size, dtype=bool)
                for sub in condition:
                    any_mask |= self.mask(sub)
                mask &= any_mask
            elif key == "$and":
                for sub in condition:
                    mask &= self.mask(sub)
            else:
                mask &= self._condition(key, condition)
        return mask


def _hashable(value: Any) -> Any:
    # Keep 1 and True (equal in Python) apart, and ints and floats that compare equal together.
    return (type(value) is bool, value)
