"""Chat models behind the ChatModel port, through langchain's OpenAI-compatible client.

Ollama speaks the same chat-completions protocol at /v1, so one client serves both and no
extra package is needed. The only module that imports a model client for generation.
"""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from kcrm.config import Settings
from kcrm.knowledge.ports import ChatModel

OLLAMA_URL = "http://127.0.0.1:11434/v1"


class LangchainChatModel(ChatModel):
    """One non-streaming chat completion per call; no retries, so a dead endpoint fails fast."""

    def __init__(
        self, *, name: str, model: str, base_url: str | None, api_key: str, timeout: float
    ) -> None:
        self.name = name
        self._client = ChatOpenAI(
            model=model,
            base_url=base_url,
            api_key=SecretStr(api_key),
            timeout=timeout,
            max_retries=0,
            temperature=0,
        )

    def complete(self, system: str, user: str) -> str:
        """The model's reply text to one system + user exchange."""
        reply = self._client.invoke([SystemMessage(content=system), HumanMessage(content=user)])
        content = reply.content
        if isinstance(content, str):
            return content
        return "".join(
            part if isinstance(part, str) else str(part.get("text", "")) for part in content
        )


def _openai(settings: Settings) -> ChatModel:
    if not settings.llm_base_url and not settings.llm_api_key:
        raise ValueError("generator 'openai' needs KCRM_LLM_API_KEY or KCRM_LLM_BASE_URL")
    return LangchainChatModel(
        name=f"openai:{settings.llm_model}",
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        # Local OpenAI-compatible servers ignore the key, but the client insists on one.
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout_s,
    )


def _ollama(settings: Settings) -> ChatModel:
    return LangchainChatModel(
        name=f"ollama:{settings.llm_model}",
        model=settings.llm_model,
        base_url=settings.llm_base_url or OLLAMA_URL,
        api_key=settings.llm_api_key or "ollama",
        timeout=settings.llm_timeout_s,
    )


CHAT_MODELS: dict[str, Callable[[Settings], ChatModel]] = {"openai": _openai, "ollama": _ollama}


def build_chat_model(settings: Settings, name: str) -> ChatModel:
    """The chat model for a generator name ("openai" or "ollama")."""
    factory = CHAT_MODELS.get(name)
    if factory is None:
        raise ValueError(f"unknown chat model {name!r}; choose one of {', '.join(CHAT_MODELS)}")
    return factory(settings)
