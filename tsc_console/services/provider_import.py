"""Import provider directory files: scan into a scratch file, then apply in one transaction.

Re-importing a file changes nothing: each NPPES row carries a hash of its
content, and a row whose hash matches the stored one is left alone. A row whose
NPPES "Last Update Date" is older than the stored one is stale and also left
alone, so an old file never overwrites a newer one.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, insert, select, update

from tsc_console.domain.directory import DirectorySource
from tsc_console.domain.languages import language_bit
from tsc_console.importers.admin_csv import scan_admin_csv
from tsc_console.importers.nppes import (
    LOCATION_FIELDS,
    PROVIDER_FIELDS,
    TAXONOMY_FIELDS,
    ProgressCallback,
    ScanCounts,
    scan_nppes,
)
from tsc_console.importers.staging import REJECTED, Problem, StagedRow, Staging
from tsc_console.store.engine import write_session
from tsc_console.store.models import (
    ImportRun,
    PracticeLocation,
    Provider,
    ProviderLanguage,
    ProviderTaxonomy,
)
from tsc_console.store.types import utc_now

log = logging.getLogger(__name__)

provider_table = Provider.__table__  # type: ignore[attr-defined]
location_table = PracticeLocation.__table__  # type: ignore[attr-defined]
taxonomy_table = ProviderTaxonomy.__table__  # type: ignore[attr-defined]
language_table = ProviderLanguage.__table__  # type: ignore[attr-defined]
import_run_table = ImportRun.__table__  # type: ignore[attr-defined]

# Provider columns that NPPES owns (all staged fields but the key); an NPPES
# update never touches the others.
NPPES_PROVIDER_COLUMNS = PROVIDER_FIELDS[1:]


@dataclass
class ImportSummary:
    file_name: str
    file_format: str
    counts: ScanCounts
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    deactivated: int = 0
    """Stored providers that this file reports deactivated, now out of the search."""
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    """The first problems of the report, for display; `report_path` has them all."""
    problem_counts: dict[str, int] = field(default_factory=dict)
    report_path: Path | None = None


def _to_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def import_nppes_file(
    engine: Engine,
    path: Path,
    *,
    state: str = "CA",
    progress: ProgressCallback | None = None,
    report_path: Path | None = None,
    shown_problems: int = 50,
) -> ImportSummary:
    """Import an NPPES main data file. See the module docstring for the update rules.

    Raises:
        FileLayoutError: the file cannot be read as the NPPES layout; nothing is written.
    """
    staging = Staging()
    try:
        started = utc_now()
        counts = scan_nppes(path, staging, state=state, progress=progress)
        summary = ImportSummary(path.name, "nppes", counts)
        with write_session(engine) as session:
            connection = session.connection()
            with _larger_sqlite_cache(connection):
                for batch in staging.batches():
                    _apply_nppes_batch(connection, batch, summary)
            _record_run(connection, summary, started)
        _finish_summary(summary, staging, report_path, shown_problems)
        log.info(
            "NPPES import of %s: %d read, %d kept, %d inserted, %d updated, %d rejected",
            path.name, counts.rows_read, counts.rows_kept, summary.inserted, summary.updated,
            counts.rejected,
        )  # fmt: skip
        return summary
    finally:
        staging.close()


def import_admin_csv(
    engine: Engine,
    path: Path,
    *,
    progress: ProgressCallback | None = None,
    report_path: Path | None = None,
    shown_problems: int = 50,
) -> ImportSummary:
    """Merge an admin directory CSV onto providers already imported from NPPES."""
    staging = Staging()
    try:
        started = utc_now()
        counts = scan_admin_csv(path, staging, progress=progress)
        summary = ImportSummary(path.name, "csv", counts)
        with write_session(engine) as session:
            connection = session.connection()
            for batch in staging.batches():
                missing = _apply_admin_batch(connection, batch, summary)
                # Rows whose NPI is not in the directory were counted as kept by the scan.
                summary.counts.rows_kept -= len(missing)
                for row in missing:
                    staging.add_problem(
                        Problem(
                            row.row_number,
                            "npi",
                            row.npi,
                            "NPI not in the directory; import the NPPES file that lists it first",
                            REJECTED,
                        )
                    )
            staging.flush_problems()
            summary.counts.rejected = staging.rejected_count
            _record_run(connection, summary, started)
        _finish_summary(summary, staging, report_path, shown_problems)
        log.info(
            "admin CSV import of %s: %d read, %d updated, %d rejected",
            path.name, counts.rows_read, summary.updated, summary.counts.rejected,
        )  # fmt: skip
        return summary
    finally:
        staging.close()


IMPORT_CACHE_KIB = 16 * 1024
"""SQLite page cache of the connection that applies an NPPES file, in KiB.

Inserts land at random places in the practice-location indexes, and with SQLite's
default cache of 2 MiB most of them read and write index pages again. A 16 MiB
cache cut the insert time of 100,000 locations from 2.1 to 1.2 s
(scripts/bench_import.py on a 2-core VM). A larger cache gained nothing more.
"""


@contextmanager
def _larger_sqlite_cache(connection: Connection) -> Iterator[None]:
    """Raise the SQLite page cache of `connection` to IMPORT_CACHE_KIB, then restore it."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


def _finish_summary(
    summary: ImportSummary, staging: Staging, report_path: Path | None, shown: int
) -> None:
    summary.problem_count = staging.problem_count
    summary.problems = staging.problems(limit=shown)
    summary.problem_counts = staging.problem_counts()
    if report_path is not None:
        import csv

        with report_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "column", "value", "reason", "action"])
            for problem in staging.problems():
                writer.writerow(
                    [
                        problem.row_number,
                        problem.column,
                        problem.value,
                        problem.reason,
                        problem.action,
                    ]
                )
        summary.report_path = report_path


def _record_run(connection: Connection, summary: ImportSummary, started: datetime) -> None:
    try:
        actor = getpass.getuser()
    except (KeyError, OSError):
        actor = "unknown"
    connection.execute(
        insert(import_run_table).values(
            file_name=summary.file_name[:255],
            file_format=summary.file_format,
            started_at=started,
            finished_at=utc_now(),
            rows_read=summary.counts.rows_read,
            rows_kept=summary.counts.rows_kept,
            rows_rejected=summary.counts.rejected,
            rows_inserted=summary.inserted,
            rows_updated=summary.updated,
            actor=actor[:64],
        )
    )


# Columns of the bulk inserts, in the order of the rows built for them.
_NEW_PROVIDER_COLUMNS = (
    *PROVIDER_FIELDS,
    "language_mask",
    "source",
    "nppes_hash",
    "created_at",
    "updated_at",
)
_NEW_LOCATION_COLUMNS = ("npi", "is_primary", *LOCATION_FIELDS, "specialty_mask", "language_mask")
_TAXONOMY_COLUMNS = ("npi", *TAXONOMY_FIELDS)
_LOCATION_PHONE = _NEW_LOCATION_COLUMNS.index("phone")
_LOCATION_EXTENSION = _NEW_LOCATION_COLUMNS.index("phone_extension")
_ENUMERATION_DATE = PROVIDER_FIELDS.index("enumeration_date")
_LAST_UPDATE = PROVIDER_FIELDS.index("nppes_last_update")
_SPECIALTY_MASK = PROVIDER_FIELDS.index("specialty_mask")


def _bulk_insert(
    connection: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert `rows` (values in the order of `columns`) with one DB-API executemany.

    This skips SQLAlchemy's per-row parameter processing, which took about as
    long as SQLite's own work, so every value must already be what the driver
    stores: strings, numbers, None, and the output of `_DatabaseValues` for dates
    and times.
    """
    if not rows:
        return
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup or ()]
        if order == list(range(len(columns))):
            parameters: list[Any] = rows
        else:
            parameters = [tuple(row[index] for index in order) for row in rows]
    else:
        parameters = [dict(zip(columns, row, strict=True)) for row in rows]
    connection.exec_driver_sql(compiled.string, parameters)


class _DatabaseValues:
    """Converts dates and times the way SQLAlchemy's column types would for this connection.

    SQLite has no date type: SQLAlchemy stores dates and times as text there, and
    `_bulk_insert` bypasses it, so the same conversion is done here.
    """

    def __init__(self, connection: Connection) -> None:
        dialect = connection.dialect
        self._date = provider_table.c.nppes_last_update.type.bind_processor(dialect)
        self._timestamp = provider_table.c.updated_at.type.bind_processor(dialect)

    def date(self, text: str | None) -> Any:
        value = _to_date(text)
        if value is None or self._date is None:
            return value
        return self._date(value)

    def timestamp(self, value: datetime) -> Any:
        return self._timestamp(value) if self._timestamp is not None else value


def _apply_nppes_batch(
    connection: Connection, batch: list[StagedRow], summary: ImportSummary
) -> None:
    npis = [row.npi for row in batch]
    existing = {
        npi: (stored_hash, stored_update, deactivated_on)
        for npi, stored_hash, stored_update, deactivated_on in connection.execute(
            select(
                provider_table.c.npi,
                provider_table.c.nppes_hash,
                provider_table.c.nppes_last_update,
                provider_table.c.deactivated_on,
            ).where(provider_table.c.npi.in_(npis))
        )
    }
    now = utc_now()
    database = _DatabaseValues(connection)
    stored_now = database.timestamp(now)
    new_providers: list[tuple[Any, ...]] = []
    new_locations: list[tuple[Any, ...]] = []
    taxonomy_rows: list[tuple[Any, ...]] = []
    changed_providers: list[dict[str, Any]] = []
    changed_locations: list[tuple[Any, ...]] = []
    keep_phone_npis: list[str] = []
    changed_npis: list[str] = []
    deactivations: list[dict[str, Any]] = []

    for row in batch:
        payload = row.payload
        if "deactivated_on" in payload:
            stored_state = existing.get(row.npi)
            if stored_state is not None and stored_state[2] is None:
                deactivations.append(
                    {
                        "b_npi": row.npi,
                        "deactivated_on": _to_date(payload["deactivated_on"]),
                        # Cleared so that a later active row for the NPI counts as a change.
                        "nppes_hash": None,
                        "updated_at": now,
                    }
                )
            continue
        provider = payload["provider"]
        stored = existing.get(row.npi)
        if stored is not None:
            stored_hash, stored_update, _deactivated_on = stored
            if stored_hash == payload["hash"]:
                summary.unchanged += 1
                continue
            incoming_update = _to_date(provider[_LAST_UPDATE])
            if stored_update and incoming_update and incoming_update < stored_update:
                summary.stale += 1
                continue
        specialty = provider[_SPECIALTY_MASK]
        location = (row.npi, True, *payload["location"], specialty, 0)
        taxonomy_rows.extend((row.npi, *entry) for entry in payload["taxonomies"])
        if stored is None:
            values = list(provider)
            values[_ENUMERATION_DATE] = database.date(provider[_ENUMERATION_DATE])
            values[_LAST_UPDATE] = database.date(provider[_LAST_UPDATE])
            new_providers.append(
                (
                    *values,
                    0,
                    DirectorySource.NPPES.value,
                    payload["hash"],
                    stored_now,
                    stored_now,
                )
            )
            new_locations.append(location)
        else:
            fields = dict(zip(PROVIDER_FIELDS, provider, strict=True))
            fields["enumeration_date"] = _to_date(fields["enumeration_date"])
            fields["nppes_last_update"] = _to_date(fields["nppes_last_update"])
            changed_npis.append(row.npi)
            changed_providers.append(
                {
                    "b_npi": row.npi,
                    **{name: fields[name] for name in NPPES_PROVIDER_COLUMNS},
                    "nppes_hash": payload["hash"],
                    "deactivated_on": None,
                    "updated_at": now,
                }
            )
            changed_locations.append(location)
            if payload.get("phone_invalid"):
                keep_phone_npis.append(row.npi)

    if keep_phone_npis:
        # An invalid phone in a newer file is reported and ignored: the stored one stays.
        stored_phones = {
            npi: (phone, extension)
            for npi, phone, extension in connection.execute(
                select(
                    location_table.c.npi,
                    location_table.c.phone,
                    location_table.c.phone_extension,
                ).where(location_table.c.npi.in_(keep_phone_npis), location_table.c.is_primary)
            )
        }
        for index, location in enumerate(changed_locations):
            kept_phone = stored_phones.get(location[0])
            if kept_phone is not None and kept_phone[0] is not None:
                updated = list(location)
                updated[_LOCATION_PHONE], updated[_LOCATION_EXTENSION] = kept_phone
                changed_locations[index] = tuple(updated)

    if new_providers:
        _bulk_insert(connection, provider_table, _NEW_PROVIDER_COLUMNS, new_providers)
        _bulk_insert(connection, location_table, _NEW_LOCATION_COLUMNS, new_locations)
        summary.inserted += len(new_providers)
    if changed_providers:
        connection.execute(
            update(provider_table).where(provider_table.c.npi == bindparam("b_npi")),
            changed_providers,
        )
        # Replaced rather than updated: a reactivated NPI has no location left.
        connection.execute(
            delete(location_table).where(
                location_table.c.npi.in_(changed_npis), location_table.c.is_primary
            )
        )
        _bulk_insert(connection, location_table, _NEW_LOCATION_COLUMNS, changed_locations)
        connection.execute(delete(taxonomy_table).where(taxonomy_table.c.npi.in_(changed_npis)))
        summary.updated += len(changed_providers)
    _bulk_insert(connection, taxonomy_table, _TAXONOMY_COLUMNS, taxonomy_rows)
    if changed_npis:
        refresh_location_copies(connection, changed_npis)
    if deactivations:
        connection.execute(
            update(provider_table).where(provider_table.c.npi == bindparam("b_npi")),
            deactivations,
        )
        # Without a practice location the provider drops out of every search.
        connection.execute(
            delete(location_table).where(
                location_table.c.npi.in_([entry["b_npi"] for entry in deactivations])
            )
        )
        summary.deactivated += len(deactivations)


def _apply_admin_batch(
    connection: Connection, batch: list[StagedRow], summary: ImportSummary
) -> list[StagedRow]:
    """Apply one batch of admin rows; return the rows whose NPI is not in the directory."""
    npis = [row.npi for row in batch]
    existing: dict[str, str | None] = dict(
        connection.execute(
            select(provider_table.c.npi, provider_table.c.admin_hash).where(
                provider_table.c.npi.in_(npis)
            )
        ).all()
    )
    now = utc_now()
    missing: list[StagedRow] = []
    changed: list[str] = []
    language_rows: list[dict[str, Any]] = []
    language_npis: list[str] = []
    for row in batch:
        if row.npi not in existing:
            missing.append(row)
            continue
        if existing[row.npi] == row.payload["hash"]:
            summary.unchanged += 1
            continue
        fields = dict(row.payload["fields"])
        values: dict[str, Any] = {"admin_hash": row.payload["hash"], "updated_at": now}
        languages = fields.pop("languages", None)
        if languages is not None:
            language_npis.append(row.npi)
            language_rows.extend({"npi": row.npi, "code": code} for code in languages)
            mask = 0
            for code in languages:
                mask |= language_bit(code)
            values["language_mask"] = mask
        if "last_verified_on" in fields:
            fields["last_verified_on"] = _to_date(fields["last_verified_on"])
        values.update(fields)
        values["source"] = DirectorySource.ADMIN_CSV.value
        # Rows carry different column sets, so they cannot share one executemany.
        connection.execute(
            update(provider_table).where(provider_table.c.npi == row.npi).values(**values)
        )
        changed.append(row.npi)
    if language_npis:
        connection.execute(delete(language_table).where(language_table.c.npi.in_(language_npis)))
        connection.execute(insert(language_table), language_rows)
    if changed:
        refresh_location_copies(connection, changed)
    summary.updated += len(changed)
    return missing


def refresh_location_copies(connection: Connection, npis: list[str]) -> None:
    """Copy the providers' search attributes onto their practice locations."""
    rows = connection.execute(
        select(
            provider_table.c.npi,
            provider_table.c.specialty_mask,
            provider_table.c.language_mask,
            provider_table.c.accepting,
            provider_table.c.wheelchair_access,
            provider_table.c.sedation_permit,
            provider_table.c.general_anesthesia_permit,
            provider_table.c.age_min,
            provider_table.c.age_max,
            provider_table.c.medi_cal_enrolled,
        ).where(provider_table.c.npi.in_(npis))
    ).all()
    parameters = []
    for row in rows:
        sedation = row.sedation_permit
        anesthesia = row.general_anesthesia_permit
        either: bool | None
        if sedation or anesthesia:
            either = True
        elif sedation is None and anesthesia is None:
            either = None
        else:
            either = False
        parameters.append(
            {
                "b_npi": row.npi,
                "specialty_mask": row.specialty_mask,
                "language_mask": row.language_mask,
                "accepting": row.accepting,
                "wheelchair_access": row.wheelchair_access,
                "sedation_or_anesthesia": either,
                "age_min": row.age_min,
                "age_max": row.age_max,
                "medi_cal_enrolled": row.medi_cal_enrolled,
            }
        )
    if parameters:
        connection.execute(
            update(location_table).where(location_table.c.npi == bindparam("b_npi")), parameters
        )
