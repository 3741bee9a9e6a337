"""ERP import over HTTP: upload a customers, products or orders file (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Path, Query, Request, UploadFile

from kcrm.api.deps import AdminUser, SessionDep
from kcrm.crm.imports import jobs as import_jobs
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.parsers import format_for
from kcrm.crm.imports.schemas import ImportFormat, ImportJobRead, ImportKind, ImportReport

router = APIRouter(tags=["imports"])
ImportFile = Annotated[UploadFile, File(description="The ERP export (CSV, JSON or XML)")]
FormatQuery = Annotated[
    ImportFormat | None, Query(alias="format", description="Default: from the file name")
]
JobId = Annotated[str, Path(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]


def _job_read(job: import_jobs.ImportJob) -> ImportJobRead:
    return ImportJobRead(
        id=job.id,
        kind=job.kind,
        source=job.source,
        state=job.state,
        size=job.size,
        read=job.read,
        rows=job.rows,
        fraction=round(job.fraction, 4),
        error=job.error,
        report=job.report,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.post("/imports/{kind}", response_model=ImportReport)
def import_file(
    session: SessionDep,
    _admin: AdminUser,
    kind: ImportKind,
    file: ImportFile,
    fmt: FormatQuery = None,
    upsert: bool = False,
) -> ImportReport:
    """Import a file: all rows or none; bad rows are 400 and existing ids 409 with a report."""
    fmt = fmt or format_for(file.filename or "")
    return import_service.run(
        session, kind=kind, stream=file.file, fmt=fmt, upsert=upsert, source=file.filename
    )


@router.post("/imports/{kind}/jobs", response_model=ImportJobRead, status_code=202)
def start_import_job(
    request: Request,
    tasks: BackgroundTasks,
    admin: AdminUser,
    kind: ImportKind,
    file: ImportFile,
    fmt: FormatQuery = None,
    upsert: bool = False,
) -> ImportJobRead:
    """Start importing a file in the background; poll the job for its progress and report."""
    fmt = fmt or format_for(file.filename or "")
    data = file.file.read()
    job = import_jobs.create(kind=kind, size=len(data), source=file.filename)
    # Runs once the 202 is sent and this request's session is closed; the job opens its own.
    tasks.add_task(
        import_jobs.run,
        job,
        request.app.state.session_factory,
        data=data,
        fmt=fmt,
        upsert=upsert,
        actor=admin.actor,
    )
    return _job_read(job)


@router.get("/imports/jobs/{job_id}", response_model=ImportJobRead)
def get_import_job(_admin: AdminUser, job_id: JobId) -> ImportJobRead:
    """A background import's progress (share of the file read, rows) and, once done, its report."""
    return _job_read(import_jobs.get(job_id))
