"""The predictor's view of a conversation, and the question a ticket asks."""

from __future__ import annotations

from kcrm.assist.actions.conversation import MAX_QUESTION_CHARS, ticket_question


class TestTicketQuestion:
    def test_subject_and_the_last_two_customer_messages(self) -> None:
        question = ticket_question("Late parcel", [" first ", "second\n", "third"])
        assert question == "Late parcel\nsecond\nthird"

    def test_a_subject_alone_and_a_capped_length(self) -> None:
        assert ticket_question("只有标题", []) == "只有标题"
        assert len(ticket_question("x", ["y" * 5000])) == MAX_QUESTION_CHARS
