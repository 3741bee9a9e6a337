"""Agents' verdicts on suggestions, and acceptance rates per article and per action."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy.orm import Session

from kcrm.assist.gaps import service as gap_service
from kcrm.assist.suggestions import repository
from kcrm.assist.suggestions.models import Suggestion, SuggestionFeedback, Verdict
from kcrm.assist.suggestions.schemas import AcceptanceRow, AcceptanceStats, FeedbackCreate
from kcrm.assist.suggestions.service import get
from kcrm.auth.principal import Principal
from kcrm.core.errors import BadRequest, Conflict
from kcrm.knowledge.curation.models import UsageKind
from kcrm.knowledge.curation.usage import record_chunk_usage


def _check(suggestion: Suggestion, data: FeedbackCreate) -> None:
    if data.action is None:
        if suggestion.draft_text is None and data.verdict != Verdict.rejected:
            raise Conflict(f"suggestion {suggestion.id} has no draft to accept or edit")
        return
    suggested = {a.get("action") for a in suggestion.next_actions}
    if data.action not in suggested:
        raise BadRequest(f"action {data.action!r} was not suggested in suggestion {suggestion.id}")


def _record_verdict_usage(session: Session, suggestion: Suggestion, verdict: Verdict) -> None:
    """The draft's cited articles were accepted (an edited draft was used too) or rejected."""
    cited = [s.chunk_id for s in repository.sources(session, suggestion.id) if s.cited]
    kind = UsageKind.rejected if verdict == Verdict.rejected else UsageKind.accepted
    if cited:
        record_chunk_usage(session, chunk_ids=cited, kind=kind, ref=f"suggestion:{suggestion.id}")


def create(
    session: Session, *, suggestion_id: int, principal: Principal, data: FeedbackCreate
) -> SuggestionFeedback:
    """Store a verdict (once per draft and per action); a rejected draft is a knowledge gap."""
    suggestion = get(session, suggestion_id=suggestion_id)
    _check(suggestion, data)
    if repository.find_feedback(session, suggestion.id, data.action) is not None:
        what = f"action {data.action!r}" if data.action else "the draft"
        raise Conflict(f"a verdict on {what} of suggestion {suggestion.id} is already recorded")
    feedback = SuggestionFeedback(
        suggestion_id=suggestion.id,
        user_id=principal.user_id,
        verdict=data.verdict,
        edited_text=data.edited_text,
        action=data.action,
    )
    session.add(feedback)
    session.flush()
    if data.action is None:
        _record_verdict_usage(session, suggestion, data.verdict)
    if data.action is None and data.verdict == Verdict.rejected and suggestion.reason is None:
        # A withheld draft was recorded as a gap when it was suggested; this one was shown.
        matches = [
            {"citation": s.citation, "title": s.title, "score": s.score}
            for s in repository.sources(session, suggestion.id)[:3]
        ]
        gap_service.record_gap(
            session,
            question=suggestion.query,
            language=suggestion.language,
            source="suggestion",
            ref=f"ticket:{suggestion.ticket_id}",
            matches=matches,
        )
    return feedback


def _row(key: str, counts: dict[str, int], title: str = "") -> AcceptanceRow:
    total = sum(counts.values())
    accepted, edited = counts.get("accepted", 0), counts.get("edited", 0)
    return AcceptanceRow(
        key=key,
        title=title,
        total=total,
        accepted=accepted,
        edited=edited,
        rejected=counts.get("rejected", 0),
        acceptance_rate=round(accepted / total, 4) if total else 0.0,
        use_rate=round((accepted + edited) / total, 4) if total else 0.0,
    )


def _rows(
    grouped: Iterable[tuple[str, str, str, int]],
) -> list[AcceptanceRow]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    titles: dict[str, str] = {}
    for key, title, verdict, count in grouped:
        counts[key][str(verdict)] = counts[key].get(str(verdict), 0) + int(count)
        titles[key] = title or titles.get(key, "")
    rows = [_row(key, c, titles[key]) for key, c in counts.items()]
    return sorted(rows, key=lambda r: (-r.total, r.key))


def acceptance(session: Session) -> AcceptanceStats:
    """Acceptance over all drafts, per cited article and per suggested action."""
    drafts = {str(v): int(n) for v, n in repository.draft_verdicts(session)}
    articles = _rows(
        (str(doc), str(title or ""), str(v), int(n))
        for doc, title, v, n in repository.article_verdicts(session)
    )
    actions = _rows((str(a), "", str(v), int(n)) for a, v, n in repository.action_verdicts(session))
    return AcceptanceStats(drafts=_row("drafts", drafts), articles=articles, actions=actions)
