"""The customer journey in headless chromium at phone width: 王小明 asks where his order is
in Chinese, gets its status streamed with the order cited, then asks for a human; the
handoff ticket then shows in the agent's queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import assert_fits_width, login, shot

pytestmark = pytest.mark.slow


class TestCustomerChat:
    def test_order_status_then_handoff(self, phone: Page, page: Page) -> None:
        login(phone, "wang", lang="zh")
        expect(phone).to_have_url(re.compile(r"/chat$"))
        phone.fill("#question", "我的订单到哪了？")
        phone.press("#question", "Enter")
        answer = phone.get_by_test_id("answer").last
        expect(answer).to_have_class(re.compile(r"\bdone\b"))
        expect(answer).to_contain_text("SO-2026-00721")
        expect(answer).to_contain_text("已发货")
        expect(answer.get_by_test_id("citations")).to_contain_text("SO-2026-00721")
        assert_fits_width(phone)
        shot(phone, "chat-order-status-375")

        phone.get_by_test_id("human").click()
        handoff = phone.get_by_test_id("handoff")
        expect(handoff).to_be_visible()
        expect(handoff).to_contain_text(re.compile(r"工单号 #\d+"))
        ticket = re.search(r"#(\d+)", handoff.inner_text())
        assert ticket is not None
        assert_fits_width(phone)
        shot(phone, "chat-handoff-375")

        # The handoff survives a reload: the page restores the session and its state.
        phone.reload()
        expect(phone.get_by_test_id("handoff")).to_contain_text(f"#{ticket.group(1)}")

        # An agent (another browser context, desktop size) finds the ticket in the queue.
        login(page, "agent", lang="zh")
        row = page.locator(f"[data-testid=queue] tr[data-ticket='{ticket.group(1)}']")
        expect(row).to_contain_text("王小明")
        expect(row).to_contain_text("新建")
        row.locator("a").click()
        expect(page.get_by_test_id("conversation")).to_contain_text("我的订单到哪了")
        shot(page, "agent-handoff-ticket")

    def test_anonymous_visitor_gets_a_cited_public_answer(self, page: Page) -> None:
        page.goto("/chat?lang=en")
        page.fill("#question", "How do I descale my kettle?")
        page.press("#question", "Enter")
        answer = page.get_by_test_id("answer").last
        expect(answer).to_have_class(re.compile(r"\bdone\b"))
        assert answer.inner_text().strip()
        shot(page, "chat-anonymous")
