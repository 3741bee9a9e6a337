"""Errors of the knowledge package, all answered with the one error shape."""

from __future__ import annotations

from pathlib import PurePath

from kcrm.core.errors import BadRequest


class DocumentError(BadRequest):
    """A file that cannot be ingested; the message names the file and, when known, the line."""

    code = "invalid_document"

    def __init__(self, path: str | PurePath, problem: str, *, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}", details=[{"loc": [str(path)], "msg": problem}])
        self.path = str(path)
        self.line = line
        self.problem = problem
