"""Intent rules: order status, ticket status and human requests in Chinese and English."""

from __future__ import annotations

import pytest

from kcrm.assist.chat.intent import Intent, classify, is_complaint, order_numbers


class TestClassify:
    @pytest.mark.parametrize(
        "text",
        [
            "我的订单到哪了？",
            "快递到哪了",
            "帮我查一下物流",
            "where is my order",
            "Where's my package?",
            "Has my order shipped yet?",
            "SO-2026-00001",
            "订单 SO-2026-00001 发货了吗",
        ],
    )
    def test_order_status(self, text: str) -> None:
        assert classify(text).intent == Intent.order_status

    @pytest.mark.parametrize(
        "text", ["转人工", "我要人工客服", "找真人", "talk to a human", "Can I speak to an agent?"]
    )
    def test_human(self, text: str) -> None:
        assert classify(text).intent == Intent.human

    @pytest.mark.parametrize("text", ["我的工单进展如何", "what is the status of my ticket"])
    def test_ticket_status(self, text: str) -> None:
        assert classify(text).intent == Intent.ticket_status

    @pytest.mark.parametrize(
        "text", ["空调显示E1怎么办", "How do I descale my kettle?", "how do I cancel my order"]
    )
    def test_knowledge(self, text: str) -> None:
        assert classify(text).intent == Intent.knowledge

    def test_human_request_wins_over_order_words(self) -> None:
        understanding = classify("订单一直不到，转人工！")
        assert understanding.intent == Intent.human


class TestOrderNumbers:
    def test_finds_and_upper_cases_each_once(self) -> None:
        text = "so-2026-00001 and SO-2026-00001, also KC-1A2B3C4D5E"
        assert order_numbers(text) == ("SO-2026-00001", "KC-1A2B3C4D5E")

    def test_product_skus_are_not_orders(self) -> None:
        assert order_numbers("my RV-3001 and AC-1002 are broken") == ()


class TestIsComplaint:
    @pytest.mark.parametrize("text", ["我要投诉", "This is unacceptable, I want to complain"])
    def test_complaints(self, text: str) -> None:
        assert is_complaint(text)

    def test_plain_question(self) -> None:
        assert not is_complaint("how do I clean the filter?")
