"""One settings object for the whole service, read from KCRM_* environment variables."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-demo-only"


class Environment(StrEnum):
    demo = "demo"
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    """Service settings; every field can be set as KCRM_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="KCRM_", env_file=".env", extra="ignore")

    env: Environment = Environment.development
    data_dir: Path = Path("./var")
    database_url: str | None = None
    secret_key: str = PLACEHOLDER_SECRET
    access_token_minutes: int = 8 * 60
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 64_000_000

    # Knowledge engine.
    embedder: str = "bilingual"  # chosen by the figures in docs/quality.md
    vector_index: str = "chroma"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chunk_size: int = 500
    chunk_overlap: int = 60
    # Retrieval (kcrm/knowledge/engine.py; the defaults are chosen in docs/quality.md).
    st_model_path: Path | None = None  # any local sentence-transformers model, embedder "st"
    corpus_dir: Path = Path("corpus")  # the demo company's data, loaded by `kcrm demo`
    dictionary_path: Path = Path("corpus/dictionary.txt")
    fusion: str = "score"  # "score" or "rrf"
    fusion_weights: dict[str, tuple[float, float]] = {"en": (1.0, 0.0), "zh": (0.8, 0.2)}
    retrieval_candidates: int = 100
    # Dense pseudo-relevance feedback per query language: (hits averaged in, their weight).
    prf: dict[str, tuple[int, float]] = {"en": (3, 1.0)}
    # Embedder "bilingual": per model (weight for English texts, weight for Chinese texts).
    routing_weights: dict[str, tuple[float, float]] = {
        "minilm": (0.85, 0.0),
        "usem3": (0.15, 1.0),
    }
    score_calibration: dict[str, tuple[float, float]] = {}

    # Customer chat (kcrm/assist/chat): below this confidence the chat hands over to a human.
    chat_min_confidence: float = 0.5
    chat_passages: int = 5
    # Chat rate limits: at most this many requests per window, per customer and per IP.
    rate_limit_backend: str = "memory"  # "memory" (one process) or "redis" (shared)
    redis_url: str = "redis://127.0.0.1:6379/0"
    chat_rate_per_customer: int = 30
    chat_rate_per_ip: int = 60
    chat_rate_window_seconds: float = 60.0
    # Next best actions (kcrm/assist/actions; tuned on a STAR dev split, docs/quality.md).
    assist_playbooks_path: Path = Path("corpus/playbooks.yaml")
    assist_neighbors_k: int = 300  # similar resolved tickets retrieved
    assist_neighbor_votes: int = 10  # closest past steps that vote
    assist_flow_order: int = 2  # actions of history the flow statistics condition on
    # Embedder of the last turns in neighbour votes, as `kcrm eval actions` measures it: the
    # part of that name in a composite embedder, else the engine's embedder itself.
    assist_context_model: str = "usem3"
    assist_weights: dict[str, float] = {
        "flow": 0.2,
        "neighbors": 0.8,
        "playbook": 0.5,
        "rule": 1.0,
    }
    assist_sla_warning_minutes: int = 120

    # Assist (kcrm/assist): the reply generator and when a draft is withheld.
    generator: str = "extractive"  # "extractive" (offline), "openai" or "ollama"
    llm_base_url: str | None = None  # an OpenAI-compatible endpoint; ollama defaults to local
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    llm_timeout_s: float = 20.0
    assist_min_confidence: float = 0.35
    assist_passages: int = 8
    # Curation (kcrm/knowledge/curation): cosine thresholds on the engine's embedder.
    duplicate_threshold: float = 0.9  # a draft this close to a published article is flagged
    ticket_cluster_threshold: float = 0.8  # resolved tickets merged into one draft
    gap_cluster_threshold: float = 0.75  # unanswered questions shown as one gap cluster
    review_interval_days: int = 180  # review_by set on publish when the article has none

    def require_real_secret(self) -> None:
        """Refuse to serve with the placeholder or a short secret outside the demo."""
        if self.env == Environment.demo:
            return
        if self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError(
                "KCRM_SECRET_KEY is the demo placeholder; set a real secret "
                "(or KCRM_ENV=demo for the demo only)"
            )
        if len(self.secret_key) < 32:
            raise ValueError("KCRM_SECRET_KEY must be at least 32 characters")

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL: KCRM_DATABASE_URL or SQLite inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kcrm.db').resolve()}"

    @property
    def embedding_cache_path(self) -> Path:
        """The SQLite embedding cache keyed by model and text hash."""
        return self.data_dir / "embeddings.sqlite"

    @property
    def lexical_path(self) -> Path:
        """The BM25 index log."""
        return self.data_dir / "lexical" / "bm25.jsonl"

    @property
    def chroma_path(self) -> Path:
        """Where the embedded Chroma store lives."""
        return self.data_dir / "chroma"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
