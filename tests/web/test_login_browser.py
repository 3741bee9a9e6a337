"""The login page in headless chromium: both languages, a failed and a successful login."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import login, shot

pytestmark = pytest.mark.slow


class TestLoginPage:
    def test_switches_language_and_reports_a_bad_password(self, page: Page) -> None:
        page.goto("/login?lang=en")
        expect(page.locator("h1")).to_have_text("Log in to kcrm")
        shot(page, "login")
        page.click("a[hreflang=zh]")
        expect(page.locator("h1")).to_have_text("登录 kcrm")
        page.fill("input[name=username]", "agent@hearth-demo.com")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
        expect(page.locator("[role=alert]")).to_contain_text("邮箱或密码错误")

    def test_customer_logs_in_and_out(self, page: Page) -> None:
        login(page, "wang", lang="zh")
        expect(page.get_by_test_id("who")).to_contain_text("王小明")
        page.click("form[action='/logout'] button")
        page.wait_for_url("**/login")
        expect(page.get_by_test_id("who")).to_have_count(0)
