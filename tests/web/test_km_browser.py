"""The knowledge manager journey in headless chromium: a visitor asks the chat something no
article answers, so it becomes a gap; the knowledge manager turns the gap cluster into a
draft, writes the answer, sends it to review, publishes it from the review queue, and the
chat then answers the same question from the new article, citing it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import login, shot

pytestmark = pytest.mark.slow

# Nothing in the demo corpus is about e-sports, so the chat hands this question over.
QUESTION = "你们公司赞助电子竞技比赛吗？"
ANSWER = "暖居电器每年赞助全国高校电子竞技联赛，报名方式见官网“品牌活动”页面。"
BODY = f"## 客户提出的问题\n\n- {QUESTION}\n\n## 解答\n\n{ANSWER}\n"


def _ask(chat: Page, question: str) -> None:
    chat.goto("/chat?lang=zh")
    chat.fill("#question", question)
    chat.press("#question", "Enter")


def _draft_from_gap(page: Page) -> str:
    page.goto("/km/gaps")
    row = page.locator("tr.gap-cluster", has_text=QUESTION)
    expect(row).to_be_visible()
    expect(row.locator(".count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    shot(page, "km-gaps")
    row.get_by_test_id("draft-cluster").click()
    page.wait_for_url(re.compile(r"/km/articles/\d+$"))
    expect(page.get_by_test_id("article-status")).to_have_text("草稿")
    expect(page.get_by_test_id("preview")).to_contain_text(QUESTION)
    return page.url.rsplit("/", 1)[1]


def _write_and_submit(page: Page) -> None:
    page.fill("#f-body", BODY)
    # The preview is rendered by the server as the reader will see it.
    expect(page.get_by_test_id("preview").locator("h2").first).to_have_text("客户提出的问题")
    expect(page.get_by_test_id("preview")).to_contain_text(ANSWER)
    page.select_option("#f-visibility", "public")
    shot(page, "km-editor")
    page.get_by_test_id("to-in_review").click()
    expect(page.get_by_test_id("article-status")).to_have_text("审核中")
    expect(page.locator("#f-visibility")).to_have_value("public")


def _publish_from_review(page: Page, article_id: str) -> None:
    page.goto("/km/review")
    item = page.locator(f".review-item[data-article='{article_id}']")
    expect(item).to_contain_text(QUESTION)
    shot(page, "km-review")
    confirm = item.locator(".confirm-unique")
    if confirm.count():
        confirm.check()  # a flagged draft is published only once a person says it is new
    item.get_by_test_id("publish").click()
    expect(page.locator(f".review-item[data-article='{article_id}']")).to_have_count(0)


class TestKnowledgeManagerJourney:
    def test_gap_becomes_a_published_article_the_chat_answers_from(
        self, page: Page, phone: Page
    ) -> None:
        _ask(phone, QUESTION)
        expect(phone.get_by_test_id("handoff")).to_be_visible()

        login(page, "km", lang="zh")
        expect(page).to_have_url(re.compile(r"/km/articles$"))
        article_id = _draft_from_gap(page)
        _write_and_submit(page)
        _publish_from_review(page, article_id)

        page.goto(f"/km/articles/{article_id}")
        expect(page.get_by_test_id("article-status")).to_have_text("已发布")
        expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(1)
        shot(page, "km-article-published")
        page.goto("/km/gaps")
        expect(page.locator("tr.gap-cluster", has_text=QUESTION)).to_have_count(0)

        phone.click("#restart")  # a new chat session, not the handed-over one
        _ask(phone, QUESTION)
        answer = phone.get_by_test_id("answer").last
        expect(answer).to_have_class(re.compile(r"\bdone\b"))
        expect(answer).to_contain_text("全国高校电子竞技联赛")
        expect(answer.get_by_test_id("citations")).to_contain_text(QUESTION[:6])
        shot(phone, "km-chat-answers-375")


class TestKnowledgePages:
    def test_article_list_filters_and_usage_charts(self, page: Page) -> None:
        login(page, "km", lang="en")
        page.select_option("select[name=status]", "published")
        page.select_option("select[name=language]", "zh")
        page.click("[data-testid=article-filters] button[type=submit]")
        page.wait_for_url(re.compile(r"status=published"))
        statuses = page.locator("[data-testid=articles] tbody td:nth-child(4)").all_inner_texts()
        assert statuses
        assert set(statuses) == {"Published"}
        shot(page, "km-articles")

        page.select_option("#auto-drafts select[name=days]", "365")
        page.click("#auto-drafts button[type=submit]")
        page.wait_for_url(re.compile(r"status=draft"))
        drafted = page.locator("[data-testid=articles] tbody td:first-child", has_text="KB-D")
        expect(drafted.first).to_be_visible()

        page.goto("/km/usage")
        expect(page.get_by_test_id("rate-deflection")).to_contain_text("%")
        expect(page.get_by_test_id("rate-acceptance")).to_contain_text("%")
        shot(page, "km-usage")
