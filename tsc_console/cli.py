"""`tsc-console`: the admin and automation command line, and the console launcher."""

from __future__ import annotations

import logging

import typer

from tsc_console.commands import db, members, providers, users
from tsc_console.config import load_settings

app = typer.Typer(
    help="TSC Console: Medi-Cal Dental Telephone Service Center console and admin tools.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(providers.app, name="providers")
app.add_typer(members.app, name="members")
app.add_typer(users.app, name="users")


@app.callback()
def root(
    context: typer.Context,
    database: str | None = typer.Option(
        None,
        "--db",
        help="Database URL or SQLite file path (default: TSC_DATABASE_URL, "
        "else tsc.db in the user data directory).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to standard error."),
) -> None:
    """Open the console when no command is given."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    context.obj = load_settings(database)
    if context.invoked_subcommand is None:
        from tsc_console.tui.app import run_console

        run_console(context.obj)


def main() -> None:
    app()
