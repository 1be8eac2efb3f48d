"""Console identity: the operating-system login, mapped to a user row with a role."""

from __future__ import annotations

import getpass
import os
import re
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


LOGIN_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


class InvalidLoginError(ValueError):
    """Raised for a login that no operating system would issue."""


def admin_actor(engine: Engine) -> Actor:
    """Return the actor for an admin command: the login's user row, or the login as an admin.

    Admin commands need access to the database file or server, which only admins
    have, so a login without a user row is recorded with the admin role.
    """
    login = current_login()
    terminal = current_terminal()
    try:
        return actor_for(engine, login, terminal)
    except UnknownUserError:
        return Actor(
            user_id=0, username=login, display_name=login, role=Role.ADMIN, terminal=terminal
        )


def add_user(engine: Engine, username: str, display_name: str, role: Role) -> bool:
    """Create the user, or update name and role (and reactivate) when it exists.

    The change is audited under the admin who ran it. Returns True when a user was created.

    Raises:
        InvalidLoginError: `username` is not a valid login name.
    """
    from tsc_console.domain.access import AuditAction
    from tsc_console.services.audit import record_event

    if not LOGIN_PATTERN.match(username):
        raise InvalidLoginError(
            "a login starts with a letter or underscore and has up to 64 letters, digits, "
            "'.', '_' or '-'"
        )
    actor = admin_actor(engine)
    with write_session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        created = user is None
        if user is None:
            user = User(username=username, display_name=display_name, role=role)
        else:
            user.display_name = display_name
            user.role = role
            user.active = True
        session.add(user)
        session.flush()
        record_event(
            session.connection(),
            actor,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            entity_type="user",
            entity_id=user.id,
            detail=f"role {role.value}",
        )
        return created


def list_users(engine: Engine) -> list[User]:
    with read_session(engine) as session:
        return list(session.exec(select(User).order_by(User.username)))
