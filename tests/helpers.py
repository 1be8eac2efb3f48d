"""Builders for the files the importers read, and small queries on a test database.

Tests write real NPPES-layout and admin CSV files under `tmp_path` and import
them through the real services. No helper replaces a product component.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, select

from tsc_console.domain.members import PhoneType, SpecialNeed
from tsc_console.domain.names import name_key
from tsc_console.domain.npi import make_npi
from tsc_console.importers import nppes_layout as layout
from tsc_console.importers.nppes_layout import NPPES_HEADERS
from tsc_console.services.members import CallerAnswers
from tsc_console.services.provider_import import ImportSummary, import_admin_csv, import_nppes_file
from tsc_console.store.engine import write_session
from tsc_console.store.member_models import Member, MemberPhone
from tsc_console.store.models import PracticeLocation, Provider, ProviderLanguage, ProviderTaxonomy

provider_table: Table = Provider.__table__  # type: ignore[attr-defined]
location_table: Table = PracticeLocation.__table__  # type: ignore[attr-defined]
taxonomy_table: Table = ProviderTaxonomy.__table__  # type: ignore[attr-defined]
language_table: Table = ProviderLanguage.__table__  # type: ignore[attr-defined]

# Keyword names accepted by `nppes_row`, mapped to the NPPES headers they set.
NPPES_FIELDS: dict[str, str] = {
    "npi": "NPI",
    "entity_type": "Entity Type Code",
    "organization": "Provider Organization Name (Legal Business Name)",
    "last_name": "Provider Last Name (Legal Name)",
    "first_name": "Provider First Name",
    "credential": "Provider Credential Text",
    "address": layout.PRACTICE_ADDRESS_1,
    "address2": layout.PRACTICE_ADDRESS_2,
    "city": layout.PRACTICE_CITY,
    "state": layout.PRACTICE_STATE,
    "zip": layout.PRACTICE_POSTAL_CODE,
    "phone": layout.PRACTICE_PHONE,
    "last_update": "Last Update Date",
    "deactivated_on": "NPI Deactivation Date",
    "reactivated_on": "NPI Reactivation Date",
    "taxonomy": layout.taxonomy_code_column(1),
    "switch": layout.primary_switch_column(1),
    "taxonomy2": layout.taxonomy_code_column(2),
    "switch2": layout.primary_switch_column(2),
}


def npi_for(number: int) -> str:
    """Return a valid individual NPI built from `number` (0 to 99,999,999)."""
    return make_npi(f"1{number:08d}")


def nppes_row(*, columns: dict[str, str] | None = None, **fields: str) -> dict[str, str]:
    """Build one NPPES row: a California general dentist in downtown Sacramento.

    Keyword arguments use the short names of `NPPES_FIELDS`. `columns` sets any
    other header by its full NPPES name.
    """
    row = {
        "NPI": npi_for(1),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": "Alvarez",
        "Provider First Name": "Maria",
        "Provider Credential Text": "DDS",
        layout.PRACTICE_ADDRESS_1: "1500 Capitol Ave",
        layout.PRACTICE_CITY: "Sacramento",
        layout.PRACTICE_STATE: "CA",
        layout.PRACTICE_POSTAL_CODE: "958142719",
        layout.PRACTICE_PHONE: "9165550134",
        "Last Update Date": "01/15/2024",
        layout.taxonomy_code_column(1): "1223G0001X",
        layout.primary_switch_column(1): "Y",
        layout.license_number_column(1): "D12345",
        layout.license_state_column(1): "CA",
    }
    for name, value in fields.items():
        row[NPPES_FIELDS[name]] = value
    row.update(columns or {})
    return row


def organization_row(npi: str, name: str, **fields: str) -> dict[str, str]:
    """Build one NPPES row for an organization (entity type 2), such as a dental clinic."""
    row = nppes_row(npi=npi, entity_type="2", organization=name, last_name="", first_name="")
    row["Provider Credential Text"] = ""
    for key, value in fields.items():
        row[NPPES_FIELDS[key]] = value
    return row


def write_nppes(
    path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", bom: bool = False
) -> Path:
    """Write `rows` under the 330 NPPES headers, every field quoted as CMS quotes them."""
    for row in rows:
        unknown = [name for name in row if name not in NPPES_HEADERS]
        if unknown:
            raise KeyError(f"not NPPES headers: {unknown}")
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(NPPES_HEADERS)
        for row in rows:
            writer.writerow([row.get(name, "") for name in NPPES_HEADERS])
    return path


def write_admin_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write an admin directory CSV whose header is every column named in `rows`, in order."""
    header: list[str] = []
    for row in rows:
        header.extend(name for name in row if name not in header)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_nppes_rows(
    engine: Engine, path: Path, rows: list[dict[str, str]], **options: Any
) -> ImportSummary:
    """Write `rows` to `path` as an NPPES file and import it."""
    write_nppes(path, rows)
    return import_nppes_file(engine, path, **options)


def import_admin_rows(
    engine: Engine, path: Path, rows: list[dict[str, str]], **options: Any
) -> ImportSummary:
    """Write `rows` to `path` as an admin CSV and import it."""
    write_admin_csv(path, rows)
    return import_admin_csv(engine, path, **options)


def count_rows(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def fetch_provider(engine: Engine, npi: str) -> Any:
    """Return the stored provider row for `npi`, or None."""
    with engine.connect() as connection:
        return connection.execute(select(provider_table).where(provider_table.c.npi == npi)).first()


def fetch_location(engine: Engine, npi: str) -> Any:
    """Return the primary practice location row of `npi`, or None."""
    with engine.connect() as connection:
        return connection.execute(
            select(location_table).where(location_table.c.npi == npi, location_table.c.is_primary)
        ).first()


def fetch_taxonomies(engine: Engine, npi: str) -> list[Any]:
    """Return the taxonomy rows of `npi` in slot order."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(taxonomy_table)
                .where(taxonomy_table.c.npi == npi)
                .order_by(taxonomy_table.c.slot)
            )
        )


def fetch_language_codes(engine: Engine, npi: str) -> list[str]:
    """Return the language codes stored for `npi`, sorted."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(language_table.c.code)
                .where(language_table.c.npi == npi)
                .order_by(language_table.c.code)
            ).scalars()
        )


# Members

CIN = "91234567A"
TODAY = date(2026, 12, 4)


def add_member(engine: Engine, **overrides: object) -> int:
    values: dict[str, object] = {
        "cin": CIN,
        "first_name": "José",
        "last_name": "García-López",
        "birth_date": date(1987, 4, 15),
        "residence_line1": "1500 Capitol Ave",
        "residence_city": "Sacramento",
        "residence_zip5": "95814",
        "county": "Sacramento",
        "spoken_language": "spa",
        "interpreter_needed": True,
        "special_needs": SpecialNeed.DEVELOPMENTAL.value,
    }
    values.update(overrides)
    values["name_key"] = name_key(
        str(values["first_name"]),
        str(values["last_name"]),
        values.get("second_last_name"),  # type: ignore[arg-type]
    )
    with write_session(engine) as session:
        member = Member(**values)  # type: ignore[arg-type]
        session.add(member)
        session.flush()
        assert member.id is not None
        session.add(
            MemberPhone(member_id=member.id, e164="+19165550134", phone_type=PhoneType.HOME)
        )
        return member.id


def member_answers() -> CallerAnswers:
    return CallerAnswers(member_id=CIN, full_name="José García-López", birth_date="04/15/1987")
