"""Streaming reader for the NPPES main data file.

Keeps dental providers (any taxonomy slot in the dental grouping) whose primary
practice location is in the configured state, skips deactivated NPIs, validates
each kept row and stages it. Rows of other states or specialties are counted,
not reported: the national file is mostly such rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from tsc_console.domain.geography import latitude_band, lookup_zip, split_zip
from tsc_console.domain.npi import npi_problem
from tsc_console.domain.phones import InvalidPhoneError, parse_phone
from tsc_console.domain.taxonomy import (
    DENTAL_TAXONOMY,
    TAXONOMY_PATTERN,
    looks_dental,
    specialty_mask,
)
from tsc_console.importers import nppes_layout as layout
from tsc_console.importers.reading import CsvSource, FileLayoutError, column_index
from tsc_console.importers.staging import IGNORED, REJECTED, Problem, Staging

ProgressCallback = Callable[[int, int, int], None]
"""Called with (rows read, rows kept, bytes read) every few thousand rows."""

PROGRESS_EVERY = 5000

# A kept row is staged as {"provider": [...], "location": [...], "taxonomies":
# [[...], ...], "hash": "..."}, each list in the order of these field names. Lists
# encode and decode about twice as fast as dicts, and the apply step inserts
# them as they are. Dates are ISO strings (JSON has no date type).
PROVIDER_FIELDS = (
    "npi",
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
LOCATION_FIELDS = (
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip5",
    "zip4",
    "county",
    "latitude",
    "longitude",
    "latitude_band",
    "phone",
    "phone_extension",
    "fax",
)
TAXONOMY_FIELDS = ("slot", "code", "is_primary", "license_number", "license_state")


@dataclass
class ScanCounts:
    rows_read: int = 0
    rows_kept: int = 0
    other_state: int = 0
    not_dental: int = 0
    deactivated: int = 0
    rejected: int = 0


def parse_nppes_date(text: str) -> date | None:
    """Parse MM/DD/YYYY; None for an empty cell. Raises ValueError when malformed."""
    text = text.strip()
    if not text:
        return None
    # NPPES writes every date as 10 characters, and slicing them is about ten
    # times faster than strptime. Other forms that strptime accepts ("1/5/2024") go
    # through strptime, so both paths accept the same text.
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        month, day, year = text[:2], text[3:5], text[6:]
        if (month + day + year).isascii() and (month + day + year).isdigit():
            return date(int(year), int(month), int(day))
    return datetime.strptime(text, "%m/%d/%Y").date()


@cache
def _specialty_mask(codes: tuple[str, ...]) -> int:
    # Few distinct combinations of codes occur, and `specialty_mask` looks up
    # each specialty's bit by position in the enum.
    return specialty_mask(codes)


class _Columns:
    """Positions of the columns the reader uses, resolved once from the header."""

    def __init__(self, header: list[str]) -> None:
        index = column_index(header)
        missing = [name for name in layout.REQUIRED_COLUMNS if name not in index]
        if missing:
            shown = ", ".join(repr(name) for name in missing[:5])
            raise FileLayoutError(
                f"the file is not in the NPPES main-file layout: missing column(s) {shown}. "
                "For the admin directory CSV, add --format csv."
            )
        self.width = len(header)
        self.index = index

        def at(name: str) -> int | None:
            return index.get(name)

        self.npi = index["NPI"]
        self.entity_type = index["Entity Type Code"]
        self.organization = index["Provider Organization Name (Legal Business Name)"]
        self.last_name = index["Provider Last Name (Legal Name)"]
        self.first_name = index["Provider First Name"]
        self.middle_name = at("Provider Middle Name")
        self.prefix = at("Provider Name Prefix Text")
        self.suffix = at("Provider Name Suffix Text")
        self.credential = at("Provider Credential Text")
        self.sex = next((index[name] for name in layout.SEX_COLUMNS if name in index), None)
        self.enumeration_date = at("Provider Enumeration Date")
        self.last_update = index["Last Update Date"]
        self.deactivation_date = index["NPI Deactivation Date"]
        self.reactivation_date = at("NPI Reactivation Date")
        self.address1 = index[layout.PRACTICE_ADDRESS_1]
        self.address2 = at(layout.PRACTICE_ADDRESS_2)
        self.city = index[layout.PRACTICE_CITY]
        self.state = index[layout.PRACTICE_STATE]
        self.postal_code = index[layout.PRACTICE_POSTAL_CODE]
        self.phone = at(layout.PRACTICE_PHONE)
        self.fax = at(layout.PRACTICE_FAX)
        self.taxonomy_slots: list[tuple[int, int, int | None, int | None, int | None]] = []
        for slot in range(1, layout.TAXONOMY_SLOTS + 1):
            code = at(layout.taxonomy_code_column(slot))
            if code is None:
                continue
            self.taxonomy_slots.append(
                (
                    slot,
                    code,
                    at(layout.license_number_column(slot)),
                    at(layout.license_state_column(slot)),
                    at(layout.primary_switch_column(slot)),
                )
            )
        self.taxonomy_code_positions = [slot[1] for slot in self.taxonomy_slots]


def _cell(values: list[str], position: int | None) -> str:
    if position is None:
        return ""
    return values[position].strip()


def _optional(values: list[str], position: int | None) -> str | None:
    return _cell(values, position) or None


def scan_nppes(
    path: Path,
    staging: Staging,
    *,
    state: str = "CA",
    progress: ProgressCallback | None = None,
) -> ScanCounts:
    """Read `path`, staging every kept row and recording problems.

    Raises:
        FileLayoutError: the file cannot be opened or is not the NPPES layout.
    """
    counts = ScanCounts()
    deactivations_staged = 0
    with CsvSource(path) as source:
        columns = _Columns(source.header)
        for record in source.records():
            counts.rows_read += 1
            if progress is not None and counts.rows_read % PROGRESS_EVERY == 0:
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
            values = record.values
            if len(values) != columns.width:
                staging.add_problem(
                    Problem(
                        record.row_number,
                        "(row)",
                        f"{len(values)} fields",
                        f"expected {columns.width} fields like the header",
                        REJECTED,
                    )
                )
                continue
            outcome = _scan_row(record.row_number, values, columns, state, staging)
            if outcome == "kept":
                counts.rows_kept += 1
            elif outcome == "other-state":
                counts.other_state += 1
            elif outcome == "not-dental":
                counts.not_dental += 1
            elif outcome == "deactivated-staged":
                counts.deactivated += 1
                deactivations_staged += 1
            elif outcome == "deactivated":
                counts.deactivated += 1
        if progress is not None:
            progress(counts.rows_read, counts.rows_kept, source.size)
    staging.finish_scan()
    counts.rejected = staging.rejected_count
    counts.rows_kept = staging.staged_count() - deactivations_staged
    return counts


def _scan_row(
    row_number: int, values: list[str], columns: _Columns, state: str, staging: Staging
) -> str:
    # Deactivated NPIs come first because CMS blanks most of their columns, the
    # practice state included. Each is staged so that a provider imported from an
    # earlier file leaves the search.
    deactivated_on = _deactivation_date(values, columns)
    if deactivated_on is not None:
        npi = values[columns.npi].strip()
        if npi_problem(npi) is None:
            staging.add_row(row_number, npi, {"deactivated_on": deactivated_on.isoformat()})
            return "deactivated-staged"
        return "deactivated"

    # Cheap filters next: most of the national file is skipped here.
    if values[columns.state].strip().upper() != state:
        return "other-state"
    # Most of the 15 slots are empty, and skipping strip() and upper() for them
    # saves a noticeable share of the scan.
    codes = [
        cell.strip().upper() if cell else ""
        for cell in [values[position] for position in columns.taxonomy_code_positions]
    ]
    if not any(code and looks_dental(code) for code in codes):
        return "not-dental"

    problems: list[Problem] = []

    def reject(column: str, value: str, reason: str) -> str:
        problems.append(Problem(row_number, column, value, reason, REJECTED))
        for problem in problems:
            staging.add_problem(problem)
        return "rejected"

    def ignore(column: str, value: str, reason: str) -> None:
        problems.append(Problem(row_number, column, value, reason, IGNORED))

    npi = values[columns.npi].strip()
    reason = npi_problem(npi)
    if reason is not None:
        return reject("NPI", npi, f"invalid NPI: {reason}")

    entity_text = values[columns.entity_type].strip()
    if entity_text not in ("1", "2"):
        return reject("Entity Type Code", entity_text, "entity type must be 1 or 2")
    entity_type = int(entity_text)

    organization = _optional(values, columns.organization)
    last_name = _optional(values, columns.last_name)
    if entity_type == 2 and not organization:
        return reject(
            "Provider Organization Name (Legal Business Name)", "", "organization name is empty"
        )
    if entity_type == 1 and not last_name:
        return reject("Provider Last Name (Legal Name)", "", "last name is empty")

    # Taxonomy slots: keep valid codes, report malformed or unknown dental ones.
    # Each entry is [slot, code, is primary, license number, license state].
    taxonomies: list[list[Any]] = []
    primary_code: str | None = None
    for (slot, _code_at, license_at, license_state_at, switch_at), code in zip(
        columns.taxonomy_slots, codes, strict=True
    ):
        if not code:
            continue
        if not TAXONOMY_PATTERN.match(code):
            ignore(
                layout.taxonomy_code_column(slot),
                code,
                "invalid taxonomy code: 10 characters ending in X expected",
            )
            continue
        if looks_dental(code) and code not in DENTAL_TAXONOMY:
            ignore(layout.taxonomy_code_column(slot), code, "unknown dental taxonomy code")
            continue
        is_primary = _cell(values, switch_at).upper() == "Y"
        taxonomies.append(
            [
                slot,
                code,
                is_primary,
                _optional(values, license_at),
                _optional(values, license_state_at),
            ]
        )
    taxonomy_codes = tuple(entry[1] for entry in taxonomies)
    if not any(code in DENTAL_TAXONOMY for code in taxonomy_codes):
        return reject(
            layout.taxonomy_code_column(1),
            codes[0] if codes else "",
            "no known dental taxonomy code in any slot",
        )
    # The primary switch decides; with no "Y" anywhere, slot 1 is primary.
    primaries = [entry for entry in taxonomies if entry[2]]
    if primaries:
        primary_code = primaries[0][1]
    else:
        taxonomies[0][2] = True
        primary_code = taxonomies[0][1]

    postal = values[columns.postal_code].strip()
    split = split_zip(postal)
    if split is None:
        return reject(
            layout.PRACTICE_POSTAL_CODE, postal, "invalid ZIP code: 5 or 9 digits expected"
        )
    zip5, zip4 = split
    place = lookup_zip(zip5)
    if place is None:
        return reject(
            layout.PRACTICE_POSTAL_CODE, postal, "ZIP code not found in the ZIP directory"
        )
    if place.state != state:
        return reject(
            layout.PRACTICE_POSTAL_CODE, postal, f"ZIP code is in {place.state}, not {state}"
        )

    phone: str | None = None
    extension: str | None = None
    phone_text = _cell(values, columns.phone)
    if phone_text:
        try:
            parsed = parse_phone(phone_text)
            phone, extension = parsed.e164, parsed.extension
        except InvalidPhoneError:
            ignore(layout.PRACTICE_PHONE, phone_text, "invalid phone number")
    fax: str | None = None
    fax_text = _cell(values, columns.fax)
    if fax_text:
        try:
            fax = parse_phone(fax_text).e164
        except InvalidPhoneError:
            ignore(layout.PRACTICE_FAX, fax_text, "invalid fax number")

    dates: list[str | None] = []
    for position, column in (
        (columns.enumeration_date, "Provider Enumeration Date"),
        (columns.last_update, "Last Update Date"),
    ):
        text = _cell(values, position)
        try:
            parsed_date = parse_nppes_date(text)
        except ValueError:
            ignore(column, text, "invalid date: MM/DD/YYYY expected")
            parsed_date = None
        dates.append(parsed_date.isoformat() if parsed_date else None)

    sex = _cell(values, columns.sex).upper() or None
    if sex is not None and sex not in ("M", "F", "U", "X"):
        ignore("Provider Sex Code", sex, "unknown sex code")
        sex = None

    individual = entity_type == 1
    provider = [
        npi,
        entity_type,
        None if individual else organization,
        last_name if individual else None,
        _optional(values, columns.first_name) if individual else None,
        _optional(values, columns.middle_name) if individual else None,
        _optional(values, columns.prefix),
        _optional(values, columns.suffix),
        _optional(values, columns.credential),
        sex,
        *dates,
        primary_code,
        _specialty_mask(taxonomy_codes),
    ]
    location = [
        _cell(values, columns.address1),
        _optional(values, columns.address2),
        _cell(values, columns.city) or place.city,
        state,
        zip5,
        zip4,
        place.county,
        place.latitude,
        place.longitude,
        latitude_band(place.latitude),
        phone,
        extension,
        fax,
    ]
    payload: dict[str, Any] = {"provider": provider, "location": location, "taxonomies": taxonomies}
    if phone_text and phone is None:
        # Tells the apply step to keep a stored phone rather than erase it.
        payload["phone_invalid"] = True
    # The hash covers every validated value, so a change in any of them, or in
    # how a value is derived (a ZIP's coordinates, say), counts as an update.
    payload["hash"] = hashlib.md5(
        json.dumps(payload, separators=(",", ":")).encode(), usedforsecurity=False
    ).hexdigest()
    for problem in problems:
        staging.add_problem(problem)
    staging.add_row(row_number, npi, payload)
    return "kept"


def _deactivation_date(values: list[str], columns: _Columns) -> date | None:
    """Return the NPI's deactivation date, or None when it is active or was reactivated."""
    deactivated = _cell(values, columns.deactivation_date)
    if not deactivated:
        return None
    try:
        deactivated_on = parse_nppes_date(deactivated)
    except ValueError:
        deactivated_on = None
    if deactivated_on is None:
        # A malformed date still marks the NPI deactivated, with today's date in its place.
        deactivated_on = date.today()
    reactivated = _cell(values, columns.reactivation_date)
    try:
        reactivated_on = parse_nppes_date(reactivated) if reactivated else None
    except ValueError:
        reactivated_on = None
    if reactivated_on is not None and reactivated_on >= deactivated_on:
        return None
    return deactivated_on
