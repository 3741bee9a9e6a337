"""Import failures; each carries the full report as the error details."""

from __future__ import annotations

from kcrm.core.errors import BadRequest, Conflict
from kcrm.crm.imports.schemas import ImportReport


def _details(report: ImportReport) -> list[dict[str, object]]:
    return [error.model_dump() for error in report.errors]


class ImportFailed(BadRequest):
    """Some rows are invalid; nothing from the file was written."""

    code = "import_failed"

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{report.kind.value} import failed: {report.error_count} bad row(s) of "
            f"{report.total}; nothing was written",
            details=_details(report),
        )
        self.report = report


class ImportConflict(Conflict):
    """Rows name external ids that already exist and the import did not ask to upsert."""

    code = "import_conflict"

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            f"{report.kind.value} import refused: {report.conflicts} external id(s) already "
            "exist; re-run with upsert to update them. Nothing was written",
            details=_details(report),
        )
        self.report = report
