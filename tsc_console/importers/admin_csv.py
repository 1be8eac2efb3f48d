"""Reader for the admin directory CSV (columns in `admin_layout.ADMIN_COLUMNS`)."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from tsc_console.domain.directory import parse_accepting, parse_flag
from tsc_console.domain.languages import language_code
from tsc_console.domain.npi import npi_problem
from tsc_console.importers.admin_layout import ADMIN_COLUMNS
from tsc_console.importers.nppes import ProgressCallback, ScanCounts
from tsc_console.importers.reading import CsvSource, FileLayoutError, column_index
from tsc_console.importers.staging import IGNORED, REJECTED, Problem, Staging

FLAG_COLUMNS = (
    "wheelchair_access",
    "sedation_permit",
    "general_anesthesia_permit",
    "hospital_privileges",
    "developmental_disability_experience",
    "medi_cal_enrolled",
)


def scan_admin_csv(
    path: Path, staging: Staging, *, progress: ProgressCallback | None = None
) -> ScanCounts:
    """Validate every row of an admin CSV into `staging`.

    Raises:
        FileLayoutError: the file cannot be opened, has no `npi` column, or has a
            column this format does not define.
    """
    counts = ScanCounts()
    with CsvSource(path) as source:
        header = [name.casefold() for name in source.header]
        index = column_index(header)
        if "npi" not in index:
            raise FileLayoutError("the admin CSV has no 'npi' column")
        unknown = [name for name in header if name and name not in ADMIN_COLUMNS]
        if unknown:
            raise FileLayoutError(
                f"unknown column(s) {', '.join(repr(n) for n in unknown)}; "
                f"the admin CSV columns are {', '.join(ADMIN_COLUMNS)}"
            )
        for record in source.records():
            counts.rows_read += 1
            if progress is not None and counts.rows_read % 5000 == 0:
                progress(counts.rows_read, counts.rows_kept, source.bytes_read())
            if record.error is not None:
                staging.add_problem(
                    Problem(
                        record.row_number,
                        "(row)",
                        "",
                        f"unreadable CSV row: {record.error}",
                        REJECTED,
                    )
                )
                continue
            cells = {
                name: record.values[position].strip()
                for name, position in index.items()
                if position < len(record.values)
            }
            payload = _parse_admin_row(record.row_number, cells, staging)
            if payload is not None:
                staging.add_row(record.row_number, payload["npi"], payload)
        if progress is not None:
            progress(counts.rows_read, counts.rows_kept, source.size)
    staging.finish_scan(npi_column="npi")
    counts.rejected = staging.rejected_count
    counts.rows_kept = staging.staged_count()
    return counts


def _parse_admin_row(
    row_number: int, cells: dict[str, str], staging: Staging
) -> dict[str, Any] | None:
    problems: list[Problem] = []

    def flush() -> None:
        for problem in problems:
            staging.add_problem(problem)

    def ignore(column: str, value: str, reason: str) -> None:
        problems.append(Problem(row_number, column, value, reason, IGNORED))

    npi = cells.get("npi", "")
    reason = npi_problem(npi)
    if reason is not None:
        problems.append(Problem(row_number, "npi", npi, f"invalid NPI: {reason}", REJECTED))
        flush()
        return None

    fields: dict[str, Any] = {}
    languages_text = cells.get("languages", "")
    if languages_text:
        codes: list[str] = []
        for part in languages_text.replace(",", ";").split(";"):
            if not part.strip():
                continue
            code = language_code(part)
            if code is None:
                ignore("languages", part.strip(), "unknown language")
            elif code not in codes:
                codes.append(code)
        if codes:
            fields["languages"] = codes

    accepting_text = cells.get("accepting", "")
    if accepting_text:
        accepting = parse_accepting(accepting_text)
        if accepting is None:
            ignore("accepting", accepting_text, "expected newpt, existptonly, existptfam or nopt")
        else:
            fields["accepting"] = accepting.value

    for column in FLAG_COLUMNS:
        text = cells.get(column, "")
        if not text:
            continue
        flag = parse_flag(text)
        if flag is None:
            ignore(column, text, "expected Y or N")
        else:
            fields[column] = flag

    ages: dict[str, int] = {}
    for column in ("age_min", "age_max"):
        text = cells.get(column, "")
        if not text:
            continue
        if not text.isdigit() or int(text) > 130:
            ignore(column, text, "expected a whole number of years from 0 to 130")
            continue
        ages[column] = int(text)
    if "age_min" in ages and "age_max" in ages and ages["age_min"] > ages["age_max"]:
        ignore("age_max", str(ages.pop("age_max")), f"smaller than age_min {ages['age_min']}")
    fields.update(ages)

    number = cells.get("medi_cal_provider_number", "")
    if number:
        if len(number) > 20:
            ignore("medi_cal_provider_number", number, "longer than 20 characters")
        else:
            fields["medi_cal_provider_number"] = number

    verified = cells.get("last_verified_on", "")
    if verified:
        try:
            verified_on = date.fromisoformat(verified)
        except ValueError:
            ignore("last_verified_on", verified, "invalid date: YYYY-MM-DD expected")
        else:
            if verified_on > date.today():
                ignore("last_verified_on", verified, "date is in the future")
            else:
                fields["last_verified_on"] = verified_on.isoformat()

    source = cells.get("verification_source", "")
    if source:
        fields["verification_source"] = source[:80]

    flush()
    payload: dict[str, Any] = {"npi": npi, "fields": fields}
    payload["hash"] = hashlib.md5(
        json.dumps(fields, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()
    return payload
