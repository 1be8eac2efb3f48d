"""Helpers shared by the sub-commands: settings from the context, errors as clean messages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from tsc_console.config import Settings, load_settings
from tsc_console.services.errors import DatabaseNotReadyError
from tsc_console.store.errors import DatabaseLocationError

console = Console()
# soft_wrap keeps each message on one line when standard error is a file or a pipe.
error_console = Console(stderr=True, soft_wrap=True)


def settings_from(context: typer.Context) -> Settings:
    settings = context.obj if isinstance(context.obj, Settings) else None
    return settings or load_settings()


def check_input_file(file: Path) -> None:
    """Stop with a one-line error unless `file` is a readable regular file."""
    if not file.exists():
        fail(f"file {file} was not found")
    if not file.is_file():
        fail(f"{file} is not a file: give the path of a CSV file")


def check_report_path(report: Path | None) -> None:
    """Stop before any work when the report file cannot be written where asked."""
    if report is None:
        return
    folder = report.expanduser().resolve().parent
    if not folder.is_dir():
        fail(f"--report {report}: the folder {folder} does not exist")
    if report.exists() and not report.is_file():
        fail(f"--report {report} is not a file")
    if not os.access(folder, os.W_OK):
        fail(f"--report {report}: the folder {folder} is not writable")


def fail(message: str, code: int = 1) -> None:
    error_console.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one-line messages and an exit code, never a traceback."""
    # Imported here: loading SQLAlchemy at start-up would slow the console's first frame.
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    try:
        yield
    except (DatabaseNotReadyError, DatabaseLocationError) as error:
        fail(str(error))
    except OperationalError as error:
        fail(f"the database could not be used: {error.orig}")
    except SQLAlchemyError as error:
        fail(f"the database reported an error: {type(error).__name__}")
