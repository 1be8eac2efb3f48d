"""Create and migrate the database with Alembic."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from tsc_console.store.engine import WRITE_OPTION

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply migrations up to `revision`; return the revisions before and after."""
    before = current_revision(engine)
    config = alembic_config()
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
    after = current_revision(engine)
    if before != after:
        log.info("database migrated from %s to %s", before, after)
    return before, after


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
