"""A fresh PostgreSQL database for each test, on the server the test run points at.

The server is `TSC_TEST_POSTGRES_URL` (default: the local one on 127.0.0.1:5432,
database `test`, trust authentication). Tests are skipped when it does not accept connections,
unless `TSC_REQUIRE_POSTGRES=1` (set by CI), where that is an error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tsc_console.store.database import upgrade_database
from tsc_console.store.engine import create_db_engine

SERVER_URL = os.environ.get(
    "TSC_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    name = f"tsc_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        if os.environ.get("TSC_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL at {SERVER_URL} is required but unavailable: {error.orig}")
        pytest.skip(f"no PostgreSQL server at {SERVER_URL}")
    try:
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_db_engine(postgres_url)
    upgrade_database(engine)
    yield engine
    engine.dispose()
