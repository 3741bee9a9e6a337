"""The admin pages and the background import over HTTP: users, import jobs with progress,
index status and reindex, and who may use them."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcrm.api.cookies import CSRF_COOKIE
from kcrm.auth.models import Role
from kcrm.crm.customers.models import Customer
from kcrm.crm.imports import jobs as import_jobs
from kcrm.crm.imports import reader
from kcrm.crm.imports import service as import_service
from kcrm.crm.imports.schemas import ImportFormat, ImportKind
from kcrm.crm.orders.models import OrderLine
from tests.crm.imports import files
from tests.factories.knowledge import make_article
from tests.factories.users import make_user
from tests.web.forms import HTML, login

CSV = "external_id,name,language,email\n"


def _admin(client: TestClient, session: Session) -> None:
    login(client, make_user(session, role=Role.admin, language="en").email)


def _run_job(
    client: TestClient, body: str, name: str = "c.csv", kind: str = "customers"
) -> dict[str, object]:
    started = client.post(
        f"/imports/{kind}/jobs",
        files={"file": (name, body.encode(), "text/csv")},
        headers={"X-CSRF-Token": client.cookies[CSRF_COOKIE]},
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    assert import_jobs.get(job_id).done.wait(60)
    result: dict[str, object] = client.get(f"/imports/jobs/{job_id}").json()
    return result


class TestUsers:
    def test_lists_accounts_with_roles(self, client: TestClient, session: Session) -> None:
        _admin(client, session)
        manager = make_user(session, role=Role.knowledge_manager, full_name="Page Manager")
        page = client.get("/admin/users", headers=HTML).text
        assert f'data-email="{manager.email}"' in page
        assert '<option value="knowledge_manager" selected>' in page

    def test_agents_may_not_open_admin_pages(self, client: TestClient, session: Session) -> None:
        login(client, make_user(session, role=Role.agent).email)
        for path in ("/admin/users", "/admin/import", "/admin/index"):
            assert client.get(path, headers=HTML).status_code == 403, path


class TestImportJobs:
    def test_reports_progress_and_writes_the_rows(
        self, client: TestClient, session: Session
    ) -> None:
        _admin(client, session)
        rows = "".join(f"JOB-{n},Job Customer {n},en,job{n}@example.com\n" for n in range(30))
        job = _run_job(client, CSV + rows)
        assert job["state"] == "done"
        assert (job["rows"], job["fraction"], job["read"]) == (30, 1.0, job["size"])
        assert job["report"]["created"] == 30  # type: ignore[index]
        written = session.scalars(select(Customer).where(Customer.external_id == "JOB-7")).one()
        assert written.name == "Job Customer 7"

    def test_a_bad_row_fails_the_job_and_writes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        _admin(client, session)
        job = _run_job(client, CSV + "JOB-OK,Fine,en,\nJOB-BAD,,en,nope\n")
        assert job["state"] == "failed"
        assert "nothing was written" in str(job["error"])
        fields = {e["field"] for e in job["report"]["errors"]}  # type: ignore[index]
        assert {"name", "email"} <= fields
        kept = session.scalars(select(Customer).where(Customer.external_id == "JOB-OK")).all()
        assert kept == []

    @pytest.mark.slow  # 8 MB of orders: about 20 s on PostgreSQL, where no helper applies
    def test_a_large_order_feed_is_read_by_a_helper_process(
        self, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _admin(client, session)
        for kind, content, fmt in (
            (ImportKind.customers, files.CUSTOMERS_CSV, ImportFormat.csv),
            (ImportKind.products, files.PRODUCTS_JSON, ImportFormat.json),
        ):
            import_service.run(session, kind=kind, stream=files.as_bytes(content), fmt=fmt)
        header, line = files.ORDERS_CSV.splitlines()[:2]
        count = reader.PARALLEL_BYTES // len(line) + 1
        body = "\n".join([header, *(line.replace("SO-I-1", f"SO-J-{n}") for n in range(count))])
        started: list[object] = []
        produced = reader.produced
        monkeypatch.setattr(reader, "produced", lambda *a: started.append(a) or produced(*a))
        job = _run_job(client, body + "\n", "orders.csv", kind="orders")
        assert job["state"] == "done", job
        assert (job["rows"], job["fraction"]) == (count, 1.0)
        assert job["report"]["created"] == count  # type: ignore[index]
        sqlite = session.get_bind().dialect.name == "sqlite"
        assert len(started) == (1 if sqlite and (os.cpu_count() or 1) > 1 else 0)
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 2 * count

    def test_an_unknown_job_is_404(self, client: TestClient, session: Session) -> None:
        _admin(client, session)
        assert client.get("/imports/jobs/not-a-job-id").status_code == 404


class TestIndexStatus:
    def test_shows_drift_and_reindex_repairs_it(self, client: TestClient, session: Session) -> None:
        _admin(client, session)
        make_article(session, title="Unindexed kettle guide")
        page = client.get("/admin/index", headers=HTML).text
        assert "The indexes have drifted from the database" in page

        refused = client.post("/admin/index/reindex", data={"source": "article"})
        assert refused.status_code == 403
        token = client.cookies[CSRF_COOKIE]
        done = client.post("/admin/index/reindex", data={"source": "all", "csrf_token": token})
        assert done.status_code == 200
        assert "Reindexed:" in done.text
        assert "The indexes match the database." in done.text
