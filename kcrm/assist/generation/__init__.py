"""Reply generators behind the Generator port, picked by the `generator` setting."""

from __future__ import annotations

from collections.abc import Callable

from kcrm.assist.generation.extractive import ExtractiveGenerator
from kcrm.config import Settings
from kcrm.knowledge.ports import Embedder, Generator


def _extractive(settings: Settings, embedder: Embedder | None) -> Generator:
    return ExtractiveGenerator(embedder)


def _llm(name: str) -> Callable[[Settings, Embedder | None], Generator]:
    def factory(settings: Settings, embedder: Embedder | None) -> Generator:
        from kcrm.assist.generation.llm import LlmGenerator
        from kcrm.knowledge.adapters.llm import build_chat_model

        return LlmGenerator(build_chat_model(settings, name), ExtractiveGenerator(embedder))

    return factory


GENERATORS: dict[str, Callable[[Settings, Embedder | None], Generator]] = {
    "extractive": _extractive,
    "openai": _llm("openai"),
    "ollama": _llm("ollama"),
}


def build_generator(settings: Settings, *, embedder: Embedder | None = None) -> Generator:
    """The generator named in settings; `embedder` (the engine's) sharpens sentence choice."""
    factory = GENERATORS.get(settings.generator)
    if factory is None:
        choices = ", ".join(sorted(GENERATORS))
        raise ValueError(f"unknown generator {settings.generator!r}; choose one of {choices}")
    return factory(settings, embedder)


__all__ = ["ExtractiveGenerator", "build_generator"]
