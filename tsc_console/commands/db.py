"""`tsc-console db`: create and migrate the database."""

from __future__ import annotations

import typer
from rich.markup import escape

from tsc_console.commands.common import console, settings_from, user_errors

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("init")
def init(context: typer.Context) -> None:
    """Create the database (or bring an existing one up to date)."""
    from tsc_console.services.database import initialise

    settings = settings_from(context)
    with user_errors():
        before, after = initialise(settings)
    if before is None:
        console.print(f"Created the database at revision {after}.")
    elif before == after:
        console.print(f"The database is already at the current revision {after}.")
    else:
        console.print(f"Migrated the database from revision {before} to {after}.")
    console.print(f"Location: {escape(_safe_url(settings.database_url))}")


@app.command("upgrade")
def upgrade(context: typer.Context) -> None:
    """Apply any pending migrations."""
    init(context)


@app.command("status")
def status(context: typer.Context) -> None:
    """Show the database location and its schema revision."""
    from tsc_console.services.database import open_engine
    from tsc_console.store.database import current_revision, head_revision

    settings = settings_from(context)
    with user_errors():
        current = current_revision(open_engine(settings))
    head = head_revision()
    console.print(f"Location: {escape(_safe_url(settings.database_url))}")
    console.print(f"Revision: {current or 'none (run `tsc-console db init`)'}; code needs {head}")


def _safe_url(url: str) -> str:
    """Return the URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
