"""Runtime configuration, read from `TSC_*` environment variables and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "tsc-console"


def default_database_url() -> str:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite:///{data_dir / 'tsc.db'}"


class Settings(BaseSettings):
    """Console and CLI settings. Each field can be set with `TSC_<FIELD>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="TSC_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    """SQLAlchemy URL: `sqlite:///PATH` (default: tsc.db in the user data directory) or
    `postgresql+psycopg://USER@HOST/DB`."""

    display_timezone: str = "America/Los_Angeles"
    """IANA time zone in which times are shown; they are stored in UTC."""

    practice_state: str = "CA"
    """Two-letter state whose practice locations the NPPES import keeps."""

    busy_timeout_ms: int = 10_000
    """How long a SQLite write waits for another process's write to finish, in milliseconds."""

    search_page_size: int = 50
    """Rows per page of dentist search results."""

    search_debounce_seconds: float = 0.3
    """Pause in typing, in seconds, before the dentist search runs."""


def load_settings(database_url: str | None = None) -> Settings:
    """Read settings from the environment; `database_url` (the `--db` option) wins when given."""
    settings = Settings()
    if database_url:
        settings = settings.model_copy(
            update={"database_url": normalise_database_url(database_url)}
        )
    return settings


def normalise_database_url(value: str) -> str:
    """Accept a URL or a plain file path; a path becomes a SQLite URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"
