"""Shared fixtures: a real SQLite database file, migrated to the current schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tsc_console.store.database import upgrade_database
from tsc_console.store.engine import create_db_engine


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tsc.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    db_engine = create_db_engine(database_url)
    upgrade_database(db_engine)
    yield db_engine
    db_engine.dispose()
