"""The offline generator: a reply assembled only from sentences of the retrieved passages.

It selects sentences that answer the question (term overlap, plus embedding similarity when
given the engine's embedder), drops near-duplicates (merging their citations), orders them as
they stand in their sources and wraps them in a greeting and a closing. It never writes a
claim of its own, so every claim sentence cites the passage it was copied from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kcrm.assist.grounding import Candidate, candidates
from kcrm.knowledge.language import detect_language
from kcrm.knowledge.ports import Answer, Embedder, Generator, Passage, Sentence

GREETING = {"zh": "您好，感谢您的耐心等待。", "en": "Hello, thank you for contacting us."}
CLOSING = {
    "zh": "如有其他问题，欢迎随时联系我们。",
    "en": "If you have any other questions, please feel free to contact us.",
}
_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_STOP = frozenset(
    "a an and are as at be but by can do does for from has have how i if in is it its my "
    "me no not of on or our please the this to was we what when where which who why will "
    "with you your hi hello thanks thank".split()
)
# How much a sentence in the other language is worth, relative to one in the reply's language.
OTHER_LANGUAGE = 0.6
# Candidates embedded per request, the best by terms and passage score: on the 355 demo
# tickets over the demo articles, 12 gave the same draft as 40 for 348 (no embedding: 169),
# at a third of the model time when the sentences are not cached yet.
EMBED_LIMIT = 12


def terms(text: str) -> set[str]:
    """Content terms: Latin words (SKUs and codes included) and CJK character bigrams."""
    lowered = text.lower()
    found = {w for w in _WORD.findall(lowered) if w not in _STOP and len(w) > 1}
    for run in _CJK_RUN.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _similar(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class _Scored:
    candidate: Candidate
    terms: set[str]
    language: str
    score: float = 0.0
    citations: list[str] = field(default_factory=list)


class ExtractiveGenerator(Generator):
    """Quotes the best-matching passage sentences, with claim-level citations."""

    name = "extractive"

    def __init__(
        self, embedder: Embedder | None = None, *, max_sentences: int = 3, duplicate: float = 0.6
    ) -> None:
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.duplicate = duplicate

    def generate(self, question: str, passages: Sequence[Passage], *, language: str) -> Answer:
        """Answer `question` in `language` from `passages` only; an empty answer if none fits."""
        language = language if language in GREETING else "en"
        scored = self._score(question, passages, language)
        chosen = self._select(scored, self.max_sentences, exclude=[], language=language)
        if not chosen:
            return Answer(sentences=(), confidence=0.0, generator=self.name)
        sentences = self._sentences(chosen, language)
        return Answer(
            sentences=tuple(sentences),
            alternatives=self._alternatives(scored, chosen, language, _text(sentences)),
            confidence=self._confidence(question, passages, chosen, language),
            generator=self.name,
        )

    def _alternatives(
        self, scored: list[_Scored], chosen: list[_Scored], language: str, draft: str
    ) -> tuple[str, ...]:
        """A short reply (the best sentence alone) and one from the next-best sentences."""
        best = max(chosen, key=lambda s: s.score)
        others = self._select(scored, self.max_sentences, exclude=chosen, language=language)
        texts = [_text(self._sentences([best], language))]
        if others:
            texts.append(_text(self._sentences(others, language)))
        return tuple(dict.fromkeys(t for t in texts if t != draft))

    def _score(self, question: str, passages: Sequence[Passage], language: str) -> list[_Scored]:
        wanted = terms(question)
        scored = []
        for candidate in candidates(passages):
            words = terms(candidate.text)
            overlap = len(wanted & words) / math.sqrt(len(wanted) * len(words)) if words else 0.0
            passage_score = float(candidate.passage.metadata.get("score", 0.5))
            lang = detect_language(candidate.text)
            # What the sentence says about the question counts more than how its passage ranked.
            score = 0.35 * passage_score + 0.65 * min(1.0, 2 * overlap)
            if lang != language:
                score *= OTHER_LANGUAGE
            scored.append(_Scored(candidate, words, lang, score, [candidate.passage.citation]))
        scored.sort(key=lambda s: s.score, reverse=True)
        if self.embedder is not None and scored:
            self._add_similarity(question, scored[:EMBED_LIMIT])
            scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def _add_similarity(self, question: str, scored: list[_Scored]) -> None:
        assert self.embedder is not None
        vectors = self.embedder.embed_documents([s.candidate.text for s in scored])
        query = self.embedder.embed_query(question)
        for item, cosine in zip(scored, np.asarray(vectors @ query), strict=True):
            item.score = 0.6 * item.score + 0.4 * max(0.0, float(cosine))

    def _select(
        self, scored: list[_Scored], limit: int, *, exclude: list[_Scored], language: str
    ) -> list[_Scored]:
        """The best sentences, near-duplicates folded into the one kept (citations merged)."""
        if not scored:
            return []
        floor = 0.6 * scored[0].score
        chosen: list[_Scored] = []
        for item in scored:
            if item.score < floor or any(
                _similar(e.terms, item.terms) >= self.duplicate for e in exclude
            ):
                continue
            twin = next(
                (c for c in chosen if _similar(c.terms, item.terms) >= self.duplicate), None
            )
            if twin is not None:
                if item.candidate.passage.citation not in twin.citations:
                    twin.citations.append(item.candidate.passage.citation)
                continue
            if len(chosen) < limit:
                chosen.append(item)
        # Read in source order (best passage first, its sentences as written), the reply's
        # language before the other one.
        return sorted(
            chosen,
            key=lambda s: (s.language != language, s.candidate.passage_rank, s.candidate.position),
        )

    def _sentences(self, chosen: Sequence[_Scored], language: str) -> list[Sentence]:
        claims = [Sentence(s.candidate.text, tuple(s.citations)) for s in chosen]
        return [Sentence(GREETING[language], ()), *claims, Sentence(CLOSING[language], ())]

    def _confidence(
        self, question: str, passages: Sequence[Passage], chosen: Sequence[_Scored], language: str
    ) -> float:
        """Retrieval strength of the best passage, times how much of the question is covered."""
        best = max(float(p.metadata.get("score", 0.0)) for p in passages)
        wanted = terms(question)
        covered = set().union(*(s.terms for s in chosen)) & wanted
        coverage = min(1.0, len(covered) / max(1, min(len(wanted), 6)))
        confidence = 0.6 * best + 0.4 * coverage
        if all(s.language != language for s in chosen):
            confidence *= 0.8
        return round(min(1.0, max(0.0, confidence)), 4)


def _text(sentences: Sequence[Sentence]) -> str:
    return Answer(sentences=tuple(sentences)).text
