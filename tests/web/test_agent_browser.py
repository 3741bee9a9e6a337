"""The agent journey in headless chromium at 1280×800: 李娜 logs in, opens 王小明's open
complaint from the filtered queue, gets a suggestion with citations, opens a citation,
accepts the draft, resolves the ticket and approves the follow-up visit it then suggests."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import assert_fits_width, login, shot

pytestmark = pytest.mark.slow


def _open_demo_complaint(page: Page) -> None:
    page.select_option("select[name=kind]", "complaint")
    page.click("form[data-testid=filters] button[type=submit]")
    page.wait_for_url(re.compile(r"kind=complaint"))
    rows = page.locator("[data-testid=queue] tbody tr", has_text="王小明")
    expect(rows.first).to_be_visible()
    for kind in page.locator("[data-testid=queue] tbody tr td:nth-child(4)").all_inner_texts():
        assert kind == "投诉"
    assert_fits_width(page)
    shot(page, "agent-queue")
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r"/agent/tickets/\d+$"))


class TestAgentJourney:
    def test_suggestion_accepted_and_follow_up_approved(self, page: Page) -> None:
        login(page, "agent", lang="zh")
        expect(page).to_have_url(re.compile(r"/agent/tickets$"))
        _open_demo_complaint(page)
        expect(page.get_by_test_id("customer-360")).to_contain_text("王小明")
        expect(page.get_by_test_id("customer-360")).to_contain_text("SO-2026-00721")

        page.get_by_test_id("suggest").click()
        draft = page.get_by_test_id("draft")
        expect(draft).not_to_be_empty()
        citations = draft.locator("a.cite")
        expect(citations.first).to_be_visible()
        expect(page.get_by_test_id("sources").locator("li").first).to_be_visible()
        expect(page.get_by_test_id("alternatives").locator("li")).to_have_count(2)
        assert_fits_width(page)
        shot(page, "agent-ticket-suggestion")

        with page.context.expect_page() as opened:
            citations.first.click()
        cited = opened.value
        cited.wait_for_load_state()
        expect(
            cited.get_by_test_id("article").or_(cited.get_by_test_id("ticket-subject"))
        ).to_be_visible()
        shot(cited, "agent-cited-source")
        cited.close()

        draft_text = draft.inner_text().split("[")[0].strip()[:12]
        page.get_by_test_id("accept").click()
        expect(page.locator("#assist-status")).to_contain_text("已采纳")
        expect(page.get_by_test_id("conversation")).to_contain_text(draft_text)

        page.fill("#resolution", "已补发包装并致歉，客户接受。")
        page.click("#resolve")
        expect(page.get_by_test_id("ticket-status")).to_have_text("已解决")

        page.get_by_test_id("suggest").click()
        follow_up = page.locator(".next-action[data-action=schedule_follow_up]")
        expect(follow_up).to_be_visible()
        follow_up.locator("button").click()
        expect(follow_up.get_by_test_id("executed")).to_be_visible()
        expect(page.get_by_test_id("action-log")).to_contain_text("follow_up_scheduled")
        shot(page, "agent-follow-up-approved")
        page.reload()
        expect(page.get_by_test_id("action-log")).to_contain_text("follow_up_scheduled")


class TestEnglishAgent:
    def test_edits_a_draft_in_english(self, page: Page) -> None:
        login(page, "agent_en", lang="en")
        page.select_option("select[name=owner]", "mine")
        page.select_option("select[name=language]", "en")
        page.click("form[data-testid=filters] button[type=submit]")
        row = page.locator("[data-testid=queue] tbody tr", has_text="Slim Robot Vacuum S5")
        expect(row).to_contain_text("Emily Carter")
        expect(page.locator("h1")).to_contain_text("Ticket queue")
        row.locator("a").click()
        expect(page.get_by_test_id("customer-360")).to_contain_text("Emily Carter")

        page.get_by_test_id("suggest").click()
        expect(page.get_by_test_id("draft")).not_to_be_empty()
        page.click("#edit")
        page.fill("#draft-edit", "Dear Emily, your return is approved; a courier will call you.")
        page.click("#send-edit")
        expect(page.locator("#assist-status")).to_contain_text("edited reply was sent")
        expect(page.get_by_test_id("conversation")).to_contain_text("your return is approved")
        assert_fits_width(page)
        shot(page, "agent-ticket-en")
