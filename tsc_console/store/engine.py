"""Engine set-up for SQLite (WAL, shared by many processes) and PostgreSQL.

On SQLite every connection turns on WAL, foreign keys and a busy timeout. The
pysqlite driver's own transaction handling is switched off, so this module
decides how each transaction starts. Writes use `BEGIN IMMEDIATE`, which takes
the write lock up front and waits (busy timeout) instead of failing half-way.
Reads use a plain `BEGIN`, which never blocks other readers or the writer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from tsc_console.store.errors import DatabaseLocationError

log = logging.getLogger(__name__)

WRITE_OPTION = "tsc_write"
NETWORK_FILESYSTEMS = {"nfs", "nfs4", "cifs", "smb", "smb2", "smbfs", "sshfs", "fuse.sshfs", "9p"}


def _filesystem_type(path: Path) -> str | None:
    """Return the file system type of the mount containing `path` (Linux /proc/mounts)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best: tuple[int, str] | None = None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) > best[0]):
            best = (len(mount_point), parts[2])
    return best[1] if best else None


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def create_db_engine(url: str, *, busy_timeout_ms: int = 10_000) -> Engine:
    """Create an engine for `url`, with the SQLite connection settings described above.

    Raises:
        DatabaseLocationError: the SQLite file is on a network file system, where
            SQLite's locking (and WAL's shared memory) does not work across hosts.
    """
    path = sqlite_path(url)
    if path is None:
        return create_engine(url, pool_pre_ping=True)

    path.parent.mkdir(parents=True, exist_ok=True)
    fs_type = _filesystem_type(path.parent)
    if fs_type in NETWORK_FILESYSTEMS:
        raise DatabaseLocationError(
            f"the database {path} is on a network file system ({fs_type}). SQLite cannot "
            "lock a file shared between hosts; keep the file on a local disk of the host "
            "every representative logs in to, or set TSC_DATABASE_URL to a PostgreSQL server."
        )

    # Pooled connections stay open between actions. With none open, SQLite
    # checkpoints and deletes the WAL files on the last close and recreates them on
    # the next open, which costs about a millisecond per lookup. A connection is
    # used by one thread at a time (checked out from the pool), so check_same_thread
    # can be off.
    engine = create_engine(
        url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        pool_size=5,
        max_overflow=10,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        _remove_other_permissions(path)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def _remove_other_permissions(path: Path) -> None:
    """Take every permission away from "others" on the database and its WAL files.

    The files hold member data. The owner's and group's bits are kept, so a
    center can share the file through a group. Files owned by another user are
    left as they are (changing them is not permitted).
    """
    if os.name != "posix":
        return
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = candidate.stat().st_mode
            if mode & 0o007:
                os.chmod(candidate, mode & 0o770)
        except OSError:
            continue


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """Open one write transaction (BEGIN IMMEDIATE on SQLite), committed on success.

    Any exception rolls the whole transaction back.
    """
    with engine.connect() as connection:
        connection = connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin(), Session(bind=connection) as session:
            yield session
            session.flush()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """Open a read-only session on one consistent snapshot."""
    with Session(engine) as session:
        yield session
