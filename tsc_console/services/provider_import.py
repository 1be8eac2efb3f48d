"""Import provider directory files: scan into a scratch file, then apply in one transaction.

Re-importing a file changes nothing: each NPPES row carries a hash of its
content, and a row whose hash matches the stored one is left alone. A row whose
NPPES "Last Update Date" is older than the stored one is stale and also left
alone, so an old file never overwrites a newer one.
"""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from tsc_console.domain.directory import DirectorySource
from tsc_console.domain.languages import language_bit
from tsc_console.importers.admin_csv import scan_admin_csv
from tsc_console.importers.nppes import ProgressCallback, ScanCounts, scan_nppes
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

# Provider columns that NPPES owns; an NPPES update never touches the others.
NPPES_PROVIDER_COLUMNS = (
    "entity_type",
    "organization_name",
    "last_name",
    "first_name",
    "middle_name",
    "name_prefix",
    "name_suffix",
    "credential",
    "sex",
    "enumeration_date",
    "nppes_last_update",
    "primary_taxonomy",
    "specialty_mask",
)
LOCATION_GEOGRAPHY_COLUMNS = (
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip5",
    "zip4",
    "county",
    "latitude",
    "longitude",
    "phone",
    "phone_extension",
    "fax",
)
ADMIN_PROVIDER_COLUMNS = (
    "accepting",
    "wheelchair_access",
    "sedation_permit",
    "general_anesthesia_permit",
    "hospital_privileges",
    "age_min",
    "age_max",
    "developmental_disability_experience",
    "medi_cal_enrolled",
    "medi_cal_provider_number",
    "last_verified_on",
    "verification_source",
)


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
    new_providers: list[dict[str, Any]] = []
    new_locations: list[dict[str, Any]] = []
    changed_providers: list[dict[str, Any]] = []
    changed_locations: list[dict[str, Any]] = []
    taxonomy_rows: list[dict[str, Any]] = []
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
        provider = dict(payload["provider"])
        provider["enumeration_date"] = _to_date(provider["enumeration_date"])
        provider["nppes_last_update"] = _to_date(provider["nppes_last_update"])
        stored = existing.get(row.npi)
        if stored is not None:
            stored_hash, stored_update, _deactivated_on = stored
            if stored_hash == payload["hash"]:
                summary.unchanged += 1
                continue
            incoming_update = provider["nppes_last_update"]
            if stored_update and incoming_update and incoming_update < stored_update:
                summary.stale += 1
                continue
        taxonomy_rows.extend({"npi": row.npi, **entry} for entry in payload["taxonomies"])
        if stored is None:
            new_providers.append(
                {
                    **provider,
                    "language_mask": 0,
                    "source": DirectorySource.NPPES.value,
                    "nppes_hash": payload["hash"],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            new_locations.append(
                {
                    "npi": row.npi,
                    "is_primary": True,
                    **payload["location"],
                    "specialty_mask": provider["specialty_mask"],
                    "language_mask": 0,
                }
            )
        else:
            changed_npis.append(row.npi)
            changed_providers.append(
                {
                    "b_npi": row.npi,
                    **{name: provider[name] for name in NPPES_PROVIDER_COLUMNS},
                    "nppes_hash": payload["hash"],
                    "deactivated_on": None,
                    "updated_at": now,
                }
            )
            changed_locations.append(
                {
                    "npi": row.npi,
                    "is_primary": True,
                    **payload["location"],
                    "specialty_mask": provider["specialty_mask"],
                    "language_mask": 0,
                }
            )

    if new_providers:
        connection.execute(insert(provider_table), new_providers)
        connection.execute(insert(location_table), new_locations)
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
        connection.execute(insert(location_table), changed_locations)
        connection.execute(delete(taxonomy_table).where(taxonomy_table.c.npi.in_(changed_npis)))
        summary.updated += len(changed_providers)
    if taxonomy_rows:
        connection.execute(insert(taxonomy_table), taxonomy_rows)
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
            }
        )
    if parameters:
        connection.execute(
            update(location_table).where(location_table.c.npi == bindparam("b_npi")), parameters
        )
