"""`tsc-console users`: who may use the console, and in which role."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from tsc_console.commands.common import console, fail, settings_from, user_errors
from tsc_console.domain.access import Role

app = typer.Typer(help="Manage console users and their roles.", no_args_is_help=True)

ROLE_HELP = ", ".join(role.value for role in Role)


@app.command("add")
def add(
    context: typer.Context,
    login: str = typer.Argument(..., help="Operating-system login of the user."),
    name: str = typer.Option(None, "--name", help="Display name (default: the login)."),
    role: str = typer.Option("representative", "--role", help=f"One of: {ROLE_HELP}."),
) -> None:
    """Add a user, or change the name and role of an existing one (and reactivate it)."""
    from tsc_console.services.database import open_ready_engine
    from tsc_console.services.session import InvalidLoginError, add_user

    login = login.strip()
    try:
        chosen = Role(role.strip().lower())
    except ValueError:
        fail(f"--role {role!r} is unknown: use one of {ROLE_HELP}")
    with user_errors():
        try:
            created = add_user(
                open_ready_engine(settings_from(context)), login, name or login, chosen
            )
        except InvalidLoginError as error:
            fail(f"login {login!r} is invalid: {error}")
    verb = "Added" if created else "Updated"
    console.print(f"{verb} user {escape(login)} as {chosen.value}.")


@app.command("list")
def list_command(context: typer.Context) -> None:
    """List users and their roles."""
    from tsc_console.services.database import open_ready_engine
    from tsc_console.services.session import list_users

    with user_errors():
        users = list_users(open_ready_engine(settings_from(context)))
    table = Table(title="Console users")
    for column in ("Login", "Name", "Role", "Active"):
        table.add_column(column)
    for user in users:
        table.add_row(
            escape(user.username),
            escape(user.display_name),
            user.role.value,
            "yes" if user.active else "no",
        )
    console.print(table)
