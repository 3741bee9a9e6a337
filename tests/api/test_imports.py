"""POST /imports/{kind}: uploads, access, the error shape with the report, and size limits."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcrm.api.app import create_app
from kcrm.auth.models import Role
from kcrm.auth.schemas import ApiKeyCreate
from kcrm.auth.service import create_api_key
from kcrm.config import Settings
from kcrm.crm.customers.models import Customer
from tests.crm.imports import files
from tests.factories.users import auth_headers, make_user


def _upload(name: str, content: str) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, content.encode("utf-8"), "application/octet-stream")}


class TestImportFile:
    def test_admin_imports_csv_and_gets_the_report(
        self, client: TestClient, session: Session
    ) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        response = client.post(
            "/imports/customers", files=_upload("c.csv", files.CUSTOMERS_CSV), headers=admin
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["created"], body["format"]) == (3, "csv")
        names = session.scalars(select(Customer.name).where(Customer.external_id == "IC002"))
        assert names.one() == "Emily Carter"

    def test_same_upload_twice_with_upsert_changes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        upload = _upload("c.xml", files.CUSTOMERS_XML)
        client.post("/imports/customers", files=upload, headers=admin)
        again = client.post("/imports/customers?upsert=true", files=upload, headers=admin)
        assert again.json()["unchanged"] == 2
        assert again.json()["created"] == again.json()["updated"] == 0

    def test_admin_api_key_may_import(self, client: TestClient, session: Session) -> None:
        _, key = create_api_key(
            session, data=ApiKeyCreate(name="erp", role=Role.admin), creator_id=None
        )
        response = client.post(
            "/imports/customers?format=json",
            files=_upload("feed", '[{"external_id": "K1", "name": "Key"}]'),
            headers={"X-API-Key": key},
        )
        assert response.status_code == 200, response.text

    def test_agent_is_refused(self, client: TestClient, session: Session) -> None:
        agent = auth_headers(make_user(session, role=Role.agent))
        response = client.post(
            "/imports/customers", files=_upload("c.csv", files.CUSTOMERS_CSV), headers=agent
        )
        assert response.status_code == 403

    def test_bad_row_is_400_with_the_report(self, client: TestClient, session: Session) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        content = files.CUSTOMERS_CSV.replace(",en,", ",fr,")
        response = client.post("/imports/customers", files=_upload("c.csv", content), headers=admin)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "import_failed"
        assert error["details"][0]["row"] == 2
        assert error["details"][0]["field"] == "language"

    def test_existing_external_id_is_409(self, client: TestClient, session: Session) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        upload = _upload("c.csv", files.CUSTOMERS_CSV)
        client.post("/imports/customers", files=upload, headers=admin)
        response = client.post("/imports/customers", files=upload, headers=admin)
        assert response.status_code == 409
        assert response.json()["error"]["details"][0]["field"] == "external_id"

    def test_entity_expansion_is_400(self, client: TestClient, session: Session) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        response = client.post(
            "/imports/customers", files=_upload("c.xml", files.BILLION_LAUGHS), headers=admin
        )
        assert response.status_code == 400
        assert "refused XML" in response.json()["error"]["message"]

    def test_unknown_extension_without_format_is_400(
        self, client: TestClient, session: Session
    ) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        response = client.post("/imports/customers", files=_upload("c.txt", "x"), headers=admin)
        assert response.status_code == 400

    def test_unknown_kind_is_422(self, client: TestClient, session: Session) -> None:
        admin = auth_headers(make_user(session, role=Role.admin))
        response = client.post("/imports/tickets", files=_upload("c.csv", "x"), headers=admin)
        assert response.status_code == 422


class TestUploadLimit:
    def test_oversize_multipart_upload_is_413(self, settings: Settings, session: Session) -> None:
        small = settings.model_copy(update={"max_upload_bytes": 2_000})
        app = create_app(small, session_factory=lambda: session)
        admin = auth_headers(make_user(session, role=Role.admin))
        big = files.CUSTOMERS_CSV + "\n".join(f"X{i},person,N{i}" for i in range(200))
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post("/imports/customers", files=_upload("c.csv", big), headers=admin)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
