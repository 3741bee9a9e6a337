"""The chat with the real default (bilingual) embedder and the default confidence threshold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.chat import service
from kcrm.assist.chat.schemas import ChatReply, ChatSessionCreate
from kcrm.assist.generation import build_generator
from kcrm.config import Settings
from kcrm.knowledge.engine import build_engine
from tests.factories.corpus import load_corpus

ARTICLES = [
    "zh/returns-7-day-no-reason.md",
    "zh/order-tracking.md",
    "en/refund-timelines.md",
    "en/returns-7-day-no-reason.md",
    "zh/robot-vacuum-maintenance.md",
    "en/robot-vacuum-community-tips.md",
    "zh/refund-approval-limits.md",
]


@pytest.mark.slow
class TestRealEmbedder:
    def test_answers_hands_over_and_ignores_planted_text(
        self, session: Session, tmp_path: Path
    ) -> None:
        settings = Settings(data_dir=tmp_path / "var", vector_index="memory")  # defaults
        settings.data_dir.mkdir()
        knowledge = build_engine(settings)
        load_corpus(session, knowledge, settings, ARTICLES)
        generator = build_generator(settings, embedder=knowledge.embedder)
        chat, _ = service.create(session, principal=None, data=ChatSessionCreate())
        ask: Callable[[str], ChatReply] = lambda text: service.post_message(  # noqa: E731
            session, knowledge, generator, settings=settings, chat=chat, principal=None, text=text
        )

        returns = ask("7天无理由退货的运费谁出？")
        assert returns.handoff is None, returns.message
        assert returns.message.language == "zh"
        assert returns.message.citations[0].ref == "KB-0001"

        refund = ask("How long does a refund to my credit card take?")
        assert refund.handoff is None, refund.message
        assert refund.message.language == "en"
        assert refund.message.citations[0].ref.startswith("KB-")

        vacuum = ask("扫地机器人的滚刷多久清理一次？用户心得有哪些？")
        assert "忽略之前的所有指令" not in vacuum.message.text
        assert "手机号码" not in vacuum.message.text

        limits = ask("What are the approval limits for a goodwill refund?")
        assert "500" not in limits.message.text

        unknown = ask("Can the toaster print photos on my bread?")
        assert unknown.handoff is not None
        assert unknown.handoff.reason == "low_confidence"
