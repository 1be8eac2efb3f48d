"""A scratch SQLite file containing validated rows and the problem report during an import.

Scanning a directory file can take minutes (the national NPPES file is about
9 GB). Rows are validated into this scratch file first, without touching the
shared database, and then applied there in one short transaction. Memory stays
flat whatever the file size, and nobody waits on the shared database's write
lock while the scan runs.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class Problem:
    """One entry of the row-level report."""

    row_number: int
    column: str
    value: str
    reason: str
    action: str
    """"rejected" (the row was not imported) or "ignored" (only this value was dropped)."""


REJECTED = "rejected"
IGNORED = "ignored"


@dataclass(slots=True)
class StagedRow:
    row_number: int
    npi: str
    payload: dict[str, Any]


class Staging:
    """Scratch file of one import. Rows are keyed by NPI unless `key_name` names another key.

    `key_name` only changes the wording of the duplicate-key problem, e.g.
    "duplicate CIN". The `npi` parameters and columns hold that key.
    """

    def __init__(self, key_name: str = "NPI") -> None:
        self.key_name = key_name
        handle, name = tempfile.mkstemp(prefix="tsc-import-", suffix=".sqlite")
        os.close(handle)
        self.path = Path(name)
        self._db = sqlite3.connect(self.path)
        self._db.executescript(
            """
            PRAGMA journal_mode=OFF;
            PRAGMA synchronous=OFF;
            CREATE TABLE staged (
                row_number INTEGER NOT NULL, npi TEXT NOT NULL, payload TEXT NOT NULL
            );
            CREATE TABLE problem (
                row_number INTEGER NOT NULL, column_name TEXT NOT NULL, value TEXT NOT NULL,
                reason TEXT NOT NULL, action TEXT NOT NULL
            );
            """
        )
        self._rows: list[tuple[int, str, str]] = []
        self._problems: list[tuple[int, str, str, str, str]] = []
        self.problem_count = 0
        self.rejected_count = 0
        self._last_rejected_row = 0

    def add_row(self, row_number: int, npi: str, payload: dict[str, Any]) -> None:
        self._rows.append((row_number, npi, json.dumps(payload, separators=(",", ":"))))
        if len(self._rows) >= BATCH_SIZE:
            self._flush_rows()

    def add_problem(self, problem: Problem) -> None:
        self.problem_count += 1
        # A row's problems are added together, so comparing with the previous
        # rejected row is enough to count each rejected row once.
        if problem.action == REJECTED and problem.row_number != self._last_rejected_row:
            self.rejected_count += 1
            self._last_rejected_row = problem.row_number
        self._problems.append(
            (problem.row_number, problem.column, problem.value, problem.reason, problem.action)
        )
        if len(self._problems) >= BATCH_SIZE:
            self.flush_problems()

    def _flush_rows(self) -> None:
        self._db.executemany("INSERT INTO staged VALUES (?, ?, ?)", self._rows)
        self._rows.clear()

    def flush_problems(self) -> None:
        self._db.executemany("INSERT INTO problem VALUES (?, ?, ?, ?, ?)", self._problems)
        self._problems.clear()

    def finish_scan(self, npi_column: str = "NPI") -> None:
        """Flush buffers and reject every repeat of a key after its first row.

        `npi_column` is the key column's header in this file format, for the report.
        """
        self._flush_rows()
        self._db.execute("CREATE INDEX staged_npi ON staged (npi, row_number)")
        repeats = self._db.execute(
            """
            SELECT s.row_number, s.npi, first.row_number
            FROM staged s
            JOIN (SELECT npi, min(row_number) AS row_number FROM staged GROUP BY npi
                  HAVING count(*) > 1) first
              ON first.npi = s.npi AND s.row_number > first.row_number
            """
        ).fetchall()
        for row_number, npi, first_row in repeats:
            self.add_problem(
                Problem(
                    row_number,
                    npi_column,
                    npi,
                    f"duplicate {self.key_name}, first seen on row {first_row}",
                    REJECTED,
                )
            )
        self._db.executemany(
            "DELETE FROM staged WHERE row_number = ?", [(row,) for row, _, _ in repeats]
        )
        self.flush_problems()
        self._db.commit()

    def staged_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM staged").fetchone()[0])

    def batches(self, size: int = BATCH_SIZE) -> Iterator[list[StagedRow]]:
        """Staged rows in NPI order, `size` at a time."""
        cursor = self._db.execute("SELECT row_number, npi, payload FROM staged ORDER BY npi")
        while True:
            chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield [StagedRow(row, npi, json.loads(payload)) for row, npi, payload in chunk]

    def problems(self, limit: int | None = None) -> list[Problem]:
        sql = "SELECT * FROM problem ORDER BY row_number, column_name"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [Problem(*row) for row in self._db.execute(sql)]

    def problem_counts(self) -> dict[str, int]:
        """Number of problems by reason, with the row-specific part of duplicate reasons folded."""
        counts: dict[str, int] = {}
        for (reason,) in self._db.execute("SELECT reason FROM problem"):
            key = reason.split(", first seen")[0]
            counts[key] = counts.get(key, 0) + 1
        return counts

    def close(self) -> None:
        self._db.close()
        self.path.unlink(missing_ok=True)
