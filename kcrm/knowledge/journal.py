"""The ingest journal: documents whose SQL may be ahead of the indexes.

An ingest writes the ids of a batch here before it commits the batch to SQL, and removes the
journal once every batch is indexed. A run that dies in between leaves the ids behind, so
the next ingest re-indexes exactly those documents from SQL before it skips anything as
unchanged. Ids are appended one per line; a torn last line only costs an extra re-index.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class PendingJournal:
    """A plain-text set of document ids in one file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, ids: Iterable[str]) -> None:
        """Record ids before their SQL commits; closing the file hands them to the OS."""
        lines = "".join(f"{i}\n" for i in ids)
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as journal:
            journal.write(lines)

    def read(self) -> list[str]:
        """The recorded ids, each once, in first-recorded order."""
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))

    def clear(self) -> None:
        """Forget every id: all of them are indexed."""
        self.path.unlink(missing_ok=True)
