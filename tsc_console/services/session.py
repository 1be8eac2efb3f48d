"""Who is using the console: the operating-system login, mapped to a user row with a role."""

from __future__ import annotations

import getpass
import os
import socket
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import select

from tsc_console.domain.access import Role
from tsc_console.store.engine import read_session, write_session
from tsc_console.store.member_models import User


class UnknownUserError(LookupError):
    """Raised when the login has no active user row."""


@dataclass(frozen=True, slots=True)
class Actor:
    """The user behind an action, and the terminal it came from (for the audit log)."""

    user_id: int
    username: str
    display_name: str
    role: Role
    terminal: str


def current_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def current_terminal() -> str:
    """Host and terminal device, e.g. "tsc-host:/dev/pts/3", or the SSH client address."""
    host = socket.gethostname()
    tty = None
    for stream in (0, 1, 2):
        try:
            tty = os.ttyname(stream)
            break
        except OSError:
            continue
    ssh = os.environ.get("SSH_CONNECTION", "").split(" ")[0]
    parts = [host, tty or "no-tty"]
    if ssh:
        parts.append(f"from {ssh}")
    return ":".join(parts[:2]) + (f" {parts[2]}" if len(parts) > 2 else "")


def actor_for(engine: Engine, username: str, terminal: str) -> Actor:
    """Look up the active user for `username`.

    Raises:
        UnknownUserError: no active user has this login.
    """
    with read_session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            raise UnknownUserError(
                f"the login {username!r} is not a TSC Console user: "
                f"ask an admin to run `tsc-console users add {username} --role representative`"
            )
        assert user.id is not None
        return Actor(user.id, user.username, user.display_name, user.role, terminal)


def add_user(engine: Engine, username: str, display_name: str, role: Role) -> bool:
    """Create the user, or update name and role (and reactivate) when it exists.

    Returns True when a user was created.
    """
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None:
            session.add(User(username=username, display_name=display_name, role=role))
            return True
        user.display_name = display_name
        user.role = role
        user.active = True
        session.add(user)
        return False


def list_users(engine: Engine) -> list[User]:
    with read_session(engine) as session:
        return list(session.exec(select(User).order_by(User.username)))
