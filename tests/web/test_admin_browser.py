"""Admin pages in headless chromium at 1280×800: users and roles, an import followed by its
progress bar to the server's report, and the index status with a reindex."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Response, expect

from tests.web.conftest import login, shot

pytestmark = pytest.mark.slow

HEADER = "external_id,kind,name,language,email,city,country\n"
ROWS = 5000  # three batches of the import service, so the bar moves in steps


def _customers_csv(folder: Path) -> Path:
    path = folder / "web-customers.csv"
    lines = (
        f"WEB-{n:05d},person,Web Import {n},en,web{n}@example.com,Leeds,GB" for n in range(ROWS)
    )
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestUsers:
    def test_create_change_role_and_deactivate(self, page: Page) -> None:
        login(page, "admin", lang="en")
        expect(page).to_have_url(re.compile(r"/admin/users$"))
        form = page.get_by_test_id("new-user")
        form.locator("[name=email]").fill("new.helper@hearth-demo.com")
        form.locator("[name=full_name]").fill("New Helper")
        form.locator("[name=role]").select_option("agent")
        form.locator("[name=password]").fill("helper-pass-2026")
        form.locator("button[type=submit]").click()
        row = page.locator("tr[data-email='new.helper@hearth-demo.com']")
        expect(row).to_contain_text("New Helper")

        with page.expect_navigation():  # the list reloads from the server after each change
            row.locator("select.role").select_option("knowledge_manager")
        row = page.locator("tr[data-email='new.helper@hearth-demo.com']")
        expect(row.locator("select.role")).to_have_value("knowledge_manager")
        row.locator("button[data-active=false]").click()
        expect(
            page.locator("tr[data-email='new.helper@hearth-demo.com']").get_by_test_id("state")
        ).to_have_text("Deactivated")
        shot(page, "admin-users")


class TestImport:
    def test_progress_bar_follows_the_server_to_the_report(
        self, page: Page, tmp_path: Path
    ) -> None:
        polls: list[dict[str, Any]] = []

        def keep(response: Response) -> None:
            if "/imports/jobs/" in response.url:
                polls.append(response.json())

        page.on("response", keep)
        login(page, "admin", lang="zh")
        page.goto("/admin/import")
        page.select_option("select[name=kind]", "customers")
        page.set_input_files("input[name=file]", str(_customers_csv(tmp_path)))
        page.click("[data-testid=import-form] button[type=submit]")
        report = page.get_by_test_id("job-report")
        expect(report.locator("dd[data-key=created]")).to_have_text(str(ROWS), timeout=120_000)
        expect(page.get_by_test_id("import-progress")).to_have_js_property("value", 1)
        expect(page.get_by_test_id("job-detail")).to_contain_text(f"{ROWS} 行")
        shot(page, "admin-import")

        assert polls
        assert polls[-1]["state"] == "done"
        fractions = [p["fraction"] for p in polls]
        assert fractions == sorted(fractions)
        assert polls[-1]["rows"] == ROWS

    def test_a_bad_file_reports_its_rows_and_writes_nothing(
        self, page: Page, tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.csv"
        bad.write_text(HEADER + "WEB-BAD-1,person,,en,not-an-email,Leeds,GB\n", encoding="utf-8")
        login(page, "admin", lang="en")
        page.goto("/admin/import")
        page.set_input_files("input[name=file]", str(bad))
        page.click("[data-testid=import-form] button[type=submit]")
        errors = page.get_by_test_id("job-errors")
        expect(errors).to_contain_text("email")
        expect(page.locator("#admin-status")).to_contain_text("nothing was written")


class TestIndexStatus:
    def test_counts_per_source_and_reindex(self, page: Page) -> None:
        login(page, "admin", lang="en")
        page.goto("/admin/index")
        table = page.get_by_test_id("index-status")
        for source in ("article", "resolution", "history"):
            expected = table.locator(f"tr[data-source={source}] .expected").inner_text()
            assert int(expected) > 0, source
        shot(page, "admin-index")
        page.get_by_test_id("reindex").click()
        expect(page.get_by_test_id("reindexed")).to_contain_text("Reindexed")
        expect(page.get_by_test_id("drift-verdict")).to_have_text("The indexes match the database.")
        for source in ("article", "resolution", "history"):
            row = table.locator(f"tr[data-source={source}]")
            assert row.locator(".expected").inner_text() == row.locator(".vector").inner_text()
