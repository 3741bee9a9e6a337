"""Recording knowledge gaps for the curation queue."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.gaps import repository
from kcrm.assist.gaps import service as gap_service
from kcrm.assist.gaps.models import GapSource
from kcrm.core.errors import BadRequest
from kcrm.knowledge.retrieval import RetrievedHit


class TestRecordGap:
    def test_masks_pii_and_keeps_the_best_matches(self, session: Session) -> None:
        hit = RetrievedHit(
            "article:KB-0005:0",
            "text",
            {"source": "article", "doc_id": "KB-0005", "version": 2, "title": "物流"},
            0.41234,
            (),
        )
        gap = gap_service.record_gap(
            session,
            question="我的手机 13812345678 收不到快递",
            language="zh",
            source="chat",
            ref="chat:3",
            matches=[hit, {"citation": "ticket:9", "title": "", "score": 0.2}],
        )
        assert gap.id is not None
        assert "13812345678" not in gap.question
        assert "5678" in gap.question
        assert gap.matches == [
            {"citation": "article:KB-0005@v2", "title": "物流", "score": 0.4123},
            {"citation": "ticket:9", "title": "", "score": 0.2},
        ]
        assert repository.list_gaps(session, source=GapSource.chat)[0].id == gap.id

    def test_refuses_an_unknown_source_or_an_empty_question(self, session: Session) -> None:
        with pytest.raises(BadRequest, match="unknown gap source"):
            gap_service.record_gap(session, question="q", language="en", source="email", ref=None)
        with pytest.raises(BadRequest, match="needs the question"):
            gap_service.record_gap(
                session, question="  ", language="en", source="suggestion", ref=None
            )
