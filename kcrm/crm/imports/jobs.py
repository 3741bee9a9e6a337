"""Imports that run in the background and report their progress, for the admin console.

A job reads the uploaded bytes after the upload request has answered (a background task),
with a session of its own, so the page can ask how far it is while it runs. Progress is the
share of the file the parser has consumed, with the rows seen so far; the file is written
in one transaction, all rows or none, as a synchronous import is. Jobs live in this
process's memory: with several workers the page must reach the worker that started the job
(kcrm serves one worker by default).
"""

from __future__ import annotations

import io
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kcrm.core.db import utcnow
from kcrm.core.errors import KcrmError, NotFound
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.exceptions import ImportConflict, ImportFailed
from kcrm.crm.imports.schemas import ImportFormat, ImportKind, ImportReport

log = logging.getLogger(__name__)
KEEP = 50  # finished jobs kept for their pages; the oldest are forgotten first


@dataclass
class ImportJob:
    """One background import and how far it has got."""

    id: str
    kind: ImportKind
    source: str | None
    size: int
    state: str = "running"  # running → committing → done | failed
    read: int = 0
    rows: int = 0
    report: ImportReport | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def fraction(self) -> float:
        """Share of the file consumed, 1.0 once finished."""
        if self.state in ("done", "failed") or self.size == 0:
            return 1.0
        return min(self.read / self.size, 1.0)

    def _finish(self, state: str, report: ImportReport | None, error: str | None) -> None:
        self.state, self.report, self.error = state, report, error
        self.finished_at = utcnow()
        self.done.set()


_jobs: OrderedDict[str, ImportJob] = OrderedDict()
_lock = threading.Lock()


def _remember(job: ImportJob) -> None:
    with _lock:
        _jobs[job.id] = job
        finished = [j.id for j in _jobs.values() if j.done.is_set()]
        for old in finished[: max(0, len(_jobs) - KEEP)]:
            del _jobs[old]


def get(job_id: str) -> ImportJob:
    """A job of this process by id, or NotFound."""
    with _lock:
        job = _jobs.get(job_id)
    if job is None:
        raise NotFound(f"import job {job_id} not found")
    return job


def run(
    job: ImportJob,
    factory: Callable[[], Session],
    *,
    data: bytes,
    fmt: ImportFormat,
    upsert: bool = False,
    actor: str = "system",
) -> None:
    """Import the job's file with a session of its own, recording progress as it goes."""
    stream = io.BytesIO(data)
    session = factory()
    session.info["actor"] = actor

    def advance(rows: int) -> None:
        job.rows += rows
        job.read = stream.tell()

    try:
        report = import_service.run(
            session,
            kind=job.kind,
            stream=stream,
            fmt=fmt,
            upsert=upsert,
            source=job.source,
            progress=advance,
        )
        job.state = "committing"
        session.commit()
    except (ImportFailed, ImportConflict) as exc:
        session.rollback()
        job._finish("failed", exc.report, exc.message)
    except KcrmError as exc:
        session.rollback()
        job._finish("failed", None, exc.message)
    except Exception:
        session.rollback()
        log.exception("import job %s failed", job.id)
        job._finish("failed", None, "the import failed unexpectedly; see the server log")
    else:
        job._finish("done", report, None)
    finally:
        session.close()


def create(*, kind: ImportKind, size: int, source: str | None = None) -> ImportJob:
    """Register a job that `run` will carry out (the caller runs it after answering)."""
    job = ImportJob(id=secrets.token_urlsafe(12), kind=kind, source=source, size=size)
    _remember(job)
    return job
