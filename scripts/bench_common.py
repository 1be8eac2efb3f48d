"""Helpers shared by the benchmark scripts: demo data, fresh databases, statistics and output.

The benchmarks import this module by its plain name, which works because Python
puts the directory of the script it runs (`scripts/`) first on `sys.path`. It
imports only the standard library at module level.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_OUT = REPO_ROOT / "bench-out"
"""Default folder for generated files and databases (listed in .gitignore)."""

DEMO_SCRIPT = REPO_ROOT / "scripts" / "make_demo_data.py"
NPPES_FILE_NAME = "npidata_pfile_demo.csv"
ADMIN_FILE_NAME = "admin_directory_demo.csv"


@dataclass(frozen=True, slots=True)
class DemoFiles:
    nppes: Path
    admin: Path


def generate_demo_data(providers: int, folder: Path, seed: int) -> DemoFiles:
    """Write the demo NPPES file and admin CSV with `make_demo_data.py`, unless already there.

    A file `generated.json` next to them records the size, seed and generator
    version, so a folder written with other settings is generated again instead
    of reused.

    Raises:
        RuntimeError: the generator failed; the message contains its standard error.
    """
    files = DemoFiles(folder / NPPES_FILE_NAME, folder / ADMIN_FILE_NAME)
    marker = folder / "generated.json"
    expected = {"providers": providers, "seed": seed, "generator": generator_fingerprint()}
    cached = files.nppes.exists() and files.admin.exists() and marker.exists()
    if cached and json.loads(marker.read_text()) == expected:
        return files
    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    command = [
        sys.executable,
        str(DEMO_SCRIPT),
        "--providers",
        str(providers),
        "--out",
        str(folder),
        "--seed",
        str(seed),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"make_demo_data.py failed with exit code {completed.returncode}: "
            f"{completed.stderr.strip() or completed.stdout.strip()}"
        )
    marker.write_text(json.dumps(expected))
    return files


def generator_fingerprint() -> str:
    """Return a hash of `make_demo_data.py`, so that files of an older generator are not reused."""
    return hashlib.sha256(DEMO_SCRIPT.read_bytes()).hexdigest()[:16]


def schema_fingerprint() -> str:
    """Return a hash of the migration scripts, stored with a cached database to detect staleness.

    A hash rather than the Alembic revision, because a migration may still be
    edited in place before its first release.
    """
    digest = hashlib.sha256()
    versions = REPO_ROOT / "tsc_console" / "store" / "migrations" / "versions"
    for script in sorted(versions.glob("*.py")):
        digest.update(script.name.encode())
        digest.update(script.read_bytes())
    return digest.hexdigest()[:16]


def remove_database(path: Path) -> None:
    """Delete a SQLite file and its WAL and shared-memory companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_fresh_database(path: Path) -> Engine:
    """Delete any database at `path`, then create it with the current schema."""
    # Imported here so that start-up benchmark children do not pay for SQLAlchemy and Alembic.
    from tsc_console.store.database import upgrade_database
    from tsc_console.store.engine import create_db_engine

    remove_database(path)
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    return engine


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return a percentile, interpolating between the closest ranks (`fraction` 0.95 = p95)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    weight = position - lower
    return ordered[lower] * (1 - weight) + ordered[upper] * weight


def median(values: Sequence[float]) -> float:
    return percentile(values, 0.5)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Format a plain-text table with columns padded to their widest cell."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = ["  ".join(header.ljust(widths[i]) for i, header in enumerate(headers))]
    lines.append("  ".join("-" * width for width in widths))
    for row in cells:
        lines.append("  ".join(value.ljust(widths[i]) for i, value in enumerate(row)))
    return "\n".join(lines)


def machine_summary() -> dict[str, Any]:
    """Return the CPU count, Python and SQLite versions and platform, stored with each result."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(terse=True),
    }


def append_json_line(path: Path, benchmark: str, results: dict[str, Any]) -> None:
    """Append one JSON object (benchmark name, UTC time, machine, results) to `path`."""
    record = {
        "benchmark": benchmark,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_summary(),
        "results": results,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


class StatementTimer:
    """Adds the time of each SQL statement an engine runs, and of opening connections, by part.

    `classify` names the part a statement belongs to from its SQL text. Statement
    time is measured around the DB-API `execute`; rows fetched later count as
    Python work.
    """

    def __init__(self, engine: Engine, classify: Callable[[str], str]) -> None:
        # Imported here: this module loads only the standard library at import time.
        from sqlalchemy import event

        self.parts: dict[str, float] = {}
        self._classify = classify
        self._started: list[float] = []
        self._connect_started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "do_connect", self._before_connect)
        event.listen(engine, "connect", self._after_connect)

    def _before(self, *_args: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = time.perf_counter() - self._started.pop()
        part = self._classify(statement.lstrip())
        self.parts[part] = self.parts.get(part, 0.0) + elapsed

    def _before_connect(self, *_args: Any) -> None:
        self._connect_started = time.perf_counter()

    def _after_connect(self, *_args: Any) -> None:
        elapsed = time.perf_counter() - self._connect_started
        self.parts["connect + PRAGMAs"] = self.parts.get("connect + PRAGMAs", 0.0) + elapsed

    def take(self) -> dict[str, float]:
        parts, self.parts = self.parts, {}
        return parts
