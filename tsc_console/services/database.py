"""Opening the configured database for the console and the CLI."""

from __future__ import annotations

from sqlalchemy import Engine

from tsc_console.config import Settings
from tsc_console.services.errors import DatabaseNotReadyError
from tsc_console.store.database import current_revision, head_revision, upgrade_database
from tsc_console.store.engine import create_db_engine, sqlite_path


def open_engine(settings: Settings) -> Engine:
    return create_db_engine(settings.database_url, busy_timeout_ms=settings.busy_timeout_ms)


def open_ready_engine(settings: Settings) -> Engine:
    """Open the database and check that its schema is current.

    Raises:
        DatabaseNotReadyError: the database is missing its tables or is behind the code.
    """
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        # Opening would create an empty file, which then looks like a database.
        raise DatabaseNotReadyError(
            f"there is no database at {path}: run `tsc-console db init` first"
        )
    engine = open_engine(settings)
    current = current_revision(engine)
    head = head_revision()
    if current is None:
        raise DatabaseNotReadyError(
            "the database has no tables yet: run `tsc-console db init` first"
        )
    if current != head:
        raise DatabaseNotReadyError(
            f"the database schema is at revision {current}, the code needs {head}: "
            "run `tsc-console db upgrade`"
        )
    return engine


def initialise(settings: Settings) -> tuple[str | None, str | None]:
    """Create or migrate the database to the current schema."""
    return upgrade_database(open_engine(settings))
