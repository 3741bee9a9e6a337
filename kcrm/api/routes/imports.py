"""ERP import over HTTP: upload a customers, products or orders file (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from kcrm.api.deps import AdminUser, SessionDep
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.parsers import format_for
from kcrm.crm.imports.schemas import ImportFormat, ImportKind, ImportReport

router = APIRouter(tags=["imports"])


@router.post("/imports/{kind}", response_model=ImportReport)
def import_file(
    session: SessionDep,
    _admin: AdminUser,
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="The ERP export (CSV, JSON or XML)")],
    fmt: Annotated[
        ImportFormat | None, Query(alias="format", description="Default: from the file name")
    ] = None,
    upsert: bool = False,
) -> ImportReport:
    """Import a file: all rows or none; bad rows are 400 and existing ids 409 with a report."""
    fmt = fmt or format_for(file.filename or "")
    return import_service.run(
        session, kind=kind, stream=file.file, fmt=fmt, upsert=upsert, source=file.filename
    )
