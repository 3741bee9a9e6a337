"""Usage events, ratings, per-article stats and the overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from kcrm.assist.chat.models import ChatMessage, ChatRole, ChatSession, ChatStatus
from kcrm.assist.suggestions.models import Suggestion, SuggestionFeedback, Verdict
from kcrm.auth.models import Role
from kcrm.auth.principal import Principal
from kcrm.core.db import utcnow
from kcrm.core.errors import InvalidInput, NotFound
from kcrm.core.pagination import PageParams
from kcrm.knowledge.curation import overview, usage
from kcrm.knowledge.curation.models import UsageKind
from tests.factories.knowledge import make_article
from tests.factories.tickets import make_ticket

CUSTOMER = Principal(role=Role.customer, user_id=7, customer_id=3)


def _suggestion(session: Session, ticket_id: int) -> Suggestion:
    row = Suggestion(ticket_id=ticket_id, language="zh", query="?", generator="x", confidence=0.5)
    session.add(row)
    session.flush()
    return row


def _verdict(session: Session, suggestion: Suggestion, verdict: Verdict, **extra: object) -> None:
    session.add(SuggestionFeedback(suggestion_id=suggestion.id, verdict=verdict, **extra))
    session.flush()


class TestRecordUsage:
    def test_records_an_event(self, session: Session) -> None:
        article = make_article(session)
        event = usage.record_usage(session, article_id=article.id, kind="cited", ref="chat:1")
        assert (event.article_id, event.kind, event.ref) == (article.id, UsageKind.cited, "chat:1")

    def test_unknown_kind_is_refused(self, session: Session) -> None:
        article = make_article(session)
        with pytest.raises(ValueError, match="liked"):
            usage.record_usage(session, article_id=article.id, kind="liked")


class TestRecordChunkUsage:
    def test_one_event_per_article_behind_the_chunks(self, session: Session) -> None:
        article = make_article(session)
        chunks = [
            f"article:{article.external_id}:0",
            f"article:{article.external_id}:1",
            "resolution:5:0",
            "article:NOPE:0",
        ]
        assert (
            usage.record_chunk_usage(
                session, chunk_ids=chunks, kind="retrieved", ref="suggestion:1"
            )
            == 1
        )


class TestRate:
    def test_a_later_rating_replaces_the_earlier(self, session: Session) -> None:
        article = make_article(session)
        usage.rate(session, principal=CUSTOMER, article=article, helpful=True)
        usage.rate(session, principal=CUSTOMER, article=article, helpful=False)
        stats, _ = usage.article_stats(session, params=PageParams())
        assert (stats[0].counts["helpful"], stats[0].counts["unhelpful"]) == (0, 1)

    @pytest.mark.parametrize("values", [{"status": "draft"}, {"visibility": "internal"}])
    def test_customers_cannot_rate_unpublished_or_internal(
        self, session: Session, values: dict[str, str]
    ) -> None:
        article = make_article(session, **values)
        with pytest.raises(NotFound):
            usage.rate(session, principal=CUSTOMER, article=article, helpful=True)


class TestArticleStats:
    def test_counts_and_rates_busiest_first(self, session: Session) -> None:
        quiet, busy = make_article(session), make_article(session)
        for kind in (
            "retrieved",
            "retrieved",
            "cited",
            "accepted",
            "accepted",
            "rejected",
            "helpful",
        ):
            usage.record_usage(session, article_id=busy.id, kind=kind)
        usage.record_usage(session, article_id=quiet.id, kind="retrieved")
        stats, total = usage.article_stats(session, params=PageParams())
        assert total == 2
        assert [s.article.id for s in stats] == [busy.id, quiet.id]
        assert stats[0].counts == {
            "retrieved": 2,
            "cited": 1,
            "accepted": 2,
            "rejected": 1,
            "helpful": 1,
            "unhelpful": 0,
        }
        assert stats[0].acceptance_rate == pytest.approx(2 / 3, abs=1e-4)
        assert (stats[0].helpful_rate, stats[1].helpful_rate) == (1.0, None)

    def test_unknown_sort_is_refused(self, session: Session) -> None:
        with pytest.raises(InvalidInput):
            usage.article_stats(session, params=PageParams(sort="likes"))


class TestSuggestionsFromFeedback:
    def test_a_suggestion_counts_once_and_edited_counts_as_used(self, session: Session) -> None:
        ticket = make_ticket(session)
        first, second, third = (_suggestion(session, ticket.id) for _ in range(3))
        _verdict(session, first, Verdict.accepted)
        _verdict(session, first, Verdict.rejected, action="schedule_follow_up")
        _verdict(session, second, Verdict.edited)
        _verdict(session, third, Verdict.rejected)
        assert overview.suggestions_from_feedback(session, None) == (2, 3)
        result = overview.overview(session)
        assert result.suggestion_acceptance_rate == round(2 / 3, 4)

    def test_since_leaves_older_verdicts_out(self, session: Session) -> None:
        suggestion = _suggestion(session, make_ticket(session).id)
        _verdict(session, suggestion, Verdict.accepted, created_at=utcnow() - timedelta(days=9))
        assert overview.suggestions_from_feedback(session, overview.days_ago(3)) == (0, 0)
        assert overview.suggestions_from_feedback(session, overview.days_ago(30)) == (1, 1)


class TestOverview:
    def test_usage_totals_and_article_counts(self, session: Session) -> None:
        article = make_article(session)
        usage.record_usage(session, article_id=article.id, kind="rejected", ref="suggestion:2")
        usage.record_usage(session, article_id=article.id, kind="rejected", ref="suggestion:3")
        result = overview.overview(session)
        assert result.usage["rejected"] == 2
        assert result.articles["published"] >= 1
        assert 0.0 <= result.suggestion_acceptance_rate <= 1.0

    def test_deflection_and_handoff_reasons_from_chat(self, session: Session) -> None:
        sessions = [ChatSession(token_hash=f"{n:064d}") for n in range(4)]
        sessions[0].status = ChatStatus.handed_off
        session.add_all(sessions)
        session.flush()
        session.add(
            ChatMessage(
                session_id=sessions[0].id,
                role=ChatRole.assistant,
                text="-",
                handoff=True,
                handoff_reason="asked_for_human",
            )
        )
        session.flush()
        result = overview.overview(session)
        assert "chat" in result.sources
        assert (result.chat_sessions, result.handed_off) == (4, 1)
        assert result.deflection_rate == 0.75
        assert result.handoff_reasons == {"asked_for_human": 1}

    def test_a_handoff_reply_without_a_ticket_is_not_deflected(self, session: Session) -> None:
        anonymous = ChatSession(token_hash="a" * 64)
        helped = ChatSession(token_hash="b" * 64)
        session.add_all([anonymous, helped])
        session.flush()
        session.add(
            ChatMessage(
                session_id=anonymous.id,
                role=ChatRole.assistant,
                text="-",
                handoff=True,
                handoff_reason="low_confidence",
            )
        )
        session.add(ChatMessage(session_id=helped.id, role=ChatRole.assistant, text="answer"))
        session.flush()
        result = overview.overview(session)
        assert (result.chat_sessions, result.handed_off, result.deflection_rate) == (2, 1, 0.5)

    def test_no_chat_sessions_gives_clear_zeros(self, session: Session) -> None:
        result = overview.overview(session)
        assert (result.chat_sessions, result.deflection_rate, result.handoff_reasons) == (
            0,
            0.0,
            {},
        )
