"""NPPES main-file import on real files and a real SQLite database."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from tests.helpers import (
    count_rows,
    fetch_location,
    fetch_provider,
    fetch_taxonomies,
    import_nppes_rows,
    location_table,
    npi_for,
    nppes_row,
    organization_row,
    provider_table,
    taxonomy_table,
    write_admin_csv,
    write_nppes,
)
from tsc_console.domain.taxonomy import Specialty
from tsc_console.importers import nppes_layout as layout
from tsc_console.importers.reading import FileLayoutError
from tsc_console.importers.staging import BATCH_SIZE
from tsc_console.services.provider_import import import_nppes_file
from tsc_console.services.provider_search import search_providers
from tsc_console.services.search_models import SearchCriteria
from tsc_console.store.models import ImportRun

import_run_table = ImportRun.__table__  # type: ignore[attr-defined]

TAXONOMY_1 = layout.taxonomy_code_column(1)
UNKNOWN_DENTAL_CODE = "1223Z9999X"


# A clean row


@pytest.fixture
def clean_import(engine: Engine, tmp_path: Path):
    return import_nppes_rows(engine, tmp_path / "npidata.csv", [nppes_row()])


def test_clean_row_inserted(clean_import) -> None:
    assert clean_import.inserted == 1


def test_clean_row_has_no_problems(clean_import) -> None:
    assert clean_import.problem_count == 0


def test_clean_row_provider_fields(engine: Engine, clean_import) -> None:
    provider = fetch_provider(engine, npi_for(1))

    assert provider.last_name == "Alvarez"
    assert provider.first_name == "Maria"
    assert provider.credential == "DDS"
    assert provider.entity_type == 1
    assert provider.primary_taxonomy == "1223G0001X"
    assert provider.nppes_last_update == date(2024, 1, 15)


def test_clean_row_specialty_mask(engine: Engine, clean_import) -> None:
    assert fetch_provider(engine, npi_for(1)).specialty_mask == Specialty.GENERAL.bit


def test_county_derived_from_zip(engine: Engine, clean_import) -> None:
    assert fetch_location(engine, npi_for(1)).county == "Sacramento"


def test_zip_plus_four_split(engine: Engine, clean_import) -> None:
    location = fetch_location(engine, npi_for(1))

    assert location.zip5 == "95814"
    assert location.zip4 == "2719"


def test_location_coordinates_set(engine: Engine, clean_import) -> None:
    location = fetch_location(engine, npi_for(1))

    assert location.latitude == pytest.approx(38.58, abs=0.05)
    assert location.longitude == pytest.approx(-121.49, abs=0.05)


def test_location_phone_stored_e164(engine: Engine, clean_import) -> None:
    assert fetch_location(engine, npi_for(1)).phone == "+19165550134"


def test_location_address_and_city(engine: Engine, clean_import) -> None:
    location = fetch_location(engine, npi_for(1))

    assert location.address_line1 == "1500 Capitol Ave"
    assert location.city == "Sacramento"
    assert location.state == "CA"


def test_taxonomy_row_stored(engine: Engine, clean_import) -> None:
    [taxonomy] = fetch_taxonomies(engine, npi_for(1))

    assert taxonomy.code == "1223G0001X"
    assert taxonomy.slot == 1
    assert taxonomy.is_primary
    assert taxonomy.license_number == "D12345"
    assert taxonomy.license_state == "CA"


def test_import_run_recorded(engine: Engine, clean_import) -> None:
    assert count_rows(engine, import_run_table) == 1


def test_organization_row_imported(engine: Engine, tmp_path: Path) -> None:
    row = organization_row(npi_for(2), "Capitol Dental Group", taxonomy="261QD0000X")
    import_nppes_rows(engine, tmp_path / "npidata.csv", [row])
    provider = fetch_provider(engine, npi_for(2))

    assert provider.organization_name == "Capitol Dental Group"
    assert provider.entity_type == 2
    assert provider.last_name is None


# Rows the import skips


def test_other_state_skipped(engine: Engine, tmp_path: Path) -> None:
    rows = [nppes_row(npi=npi_for(1)), nppes_row(npi=npi_for(2), state="NV", zip="89501")]
    summary = import_nppes_rows(engine, tmp_path / "npidata.csv", rows)

    assert summary.counts.other_state == 1
    assert summary.counts.rows_kept == 1
    assert fetch_provider(engine, npi_for(2)) is None


def test_non_dental_skipped(engine: Engine, tmp_path: Path) -> None:
    family_doctor = nppes_row(npi=npi_for(2), taxonomy="207Q00000X")
    summary = import_nppes_rows(engine, tmp_path / "npidata.csv", [nppes_row(), family_doctor])

    assert summary.counts.not_dental == 1
    assert fetch_provider(engine, npi_for(2)) is None


def test_skipped_rows_not_reported(engine: Engine, tmp_path: Path) -> None:
    rows = [
        nppes_row(npi=npi_for(2), taxonomy="207Q00000X"),
        nppes_row(npi=npi_for(3), state="NV", zip="89501"),
    ]
    summary = import_nppes_rows(engine, tmp_path / "npidata.csv", rows)

    assert summary.problem_count == 0


def test_deactivated_npi_skipped(engine: Engine, tmp_path: Path) -> None:
    deactivated = nppes_row(npi=npi_for(2), deactivated_on="05/01/2023")
    summary = import_nppes_rows(engine, tmp_path / "npidata.csv", [nppes_row(), deactivated])

    assert summary.counts.deactivated == 1
    assert fetch_provider(engine, npi_for(2)) is None


def test_reactivated_npi_kept(engine: Engine, tmp_path: Path) -> None:
    reactivated = nppes_row(deactivated_on="05/01/2020", reactivated_on="06/01/2021")
    summary = import_nppes_rows(engine, tmp_path / "npidata.csv", [reactivated])

    assert summary.counts.deactivated == 0
    assert fetch_provider(engine, npi_for(1)) is not None


def test_deactivated_provider_leaves_search(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    later = nppes_row(last_update="06/01/2024", deactivated_on="05/01/2024")
    import_nppes_rows(engine, tmp_path / "later.csv", [later])
    result = search_providers(engine, SearchCriteria(zip_code="95814"))

    assert npi_for(1) not in [hit.npi for hit in result.hits]


def test_deactivated_row_with_blank_columns(engine: Engine, tmp_path: Path) -> None:
    # CMS blanks nearly every column of a deactivated NPI, the practice state included.
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    blank = {"NPI": npi_for(1), "NPI Deactivation Date": "05/01/2024"}
    summary = import_nppes_rows(engine, tmp_path / "later.csv", [blank])

    assert summary.deactivated == 1
    assert fetch_provider(engine, npi_for(1)).deactivated_on == date(2024, 5, 1)
    assert fetch_location(engine, npi_for(1)) is None


def test_deactivation_reimport_unchanged(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    later = [nppes_row(deactivated_on="05/01/2024")]
    import_nppes_rows(engine, tmp_path / "later.csv", later)
    again = import_nppes_rows(engine, tmp_path / "again.csv", later)

    assert again.deactivated == 0


def test_reactivation_returns_to_search(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    import_nppes_rows(engine, tmp_path / "off.csv", [nppes_row(deactivated_on="05/01/2024")])
    back = nppes_row(
        deactivated_on="05/01/2024", reactivated_on="07/01/2024", last_update="07/01/2024"
    )
    summary = import_nppes_rows(engine, tmp_path / "back.csv", [back])
    result = search_providers(engine, SearchCriteria(zip_code="95814"))

    assert summary.updated == 1
    assert fetch_provider(engine, npi_for(1)).deactivated_on is None
    assert [hit.npi for hit in result.hits] == [npi_for(1)]


# Primary taxonomy


def test_primary_from_switch_slot_two(engine: Engine, tmp_path: Path) -> None:
    row = nppes_row(taxonomy="1223G0001X", switch="N", taxonomy2="1223P0221X", switch2="Y")
    import_nppes_rows(engine, tmp_path / "npidata.csv", [row])

    assert fetch_provider(engine, npi_for(1)).primary_taxonomy == "1223P0221X"


def test_switch_slot_two_marks_taxonomy(engine: Engine, tmp_path: Path) -> None:
    row = nppes_row(taxonomy="1223G0001X", switch="N", taxonomy2="1223P0221X", switch2="Y")
    import_nppes_rows(engine, tmp_path / "npidata.csv", [row])
    primary_flags = {entry.code: entry.is_primary for entry in fetch_taxonomies(engine, npi_for(1))}

    assert primary_flags == {"1223G0001X": False, "1223P0221X": True}


def test_primary_defaults_to_slot_one(engine: Engine, tmp_path: Path) -> None:
    row = nppes_row(taxonomy="1223S0112X", switch="N", taxonomy2="1223G0001X", switch2="N")
    import_nppes_rows(engine, tmp_path / "npidata.csv", [row])

    assert fetch_provider(engine, npi_for(1)).primary_taxonomy == "1223S0112X"


def test_specialty_mask_combines_slots(engine: Engine, tmp_path: Path) -> None:
    row = nppes_row(taxonomy="1223G0001X", taxonomy2="1223P0221X", switch2="N")
    import_nppes_rows(engine, tmp_path / "npidata.csv", [row])
    expected = Specialty.GENERAL.bit | Specialty.PEDIATRIC.bit

    assert fetch_location(engine, npi_for(1)).specialty_mask == expected


# Re-importing and updating


def test_reimport_counts_unchanged(engine: Engine, tmp_path: Path) -> None:
    rows = [nppes_row(npi=npi_for(number)) for number in range(1, 4)]
    path = write_nppes(tmp_path / "npidata.csv", rows)
    import_nppes_file(engine, path)
    again = import_nppes_file(engine, path)

    assert again.unchanged == 3
    assert again.inserted == 0
    assert again.updated == 0


def test_reimport_keeps_updated_at(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "npidata.csv", [nppes_row()])
    import_nppes_file(engine, path)
    before = fetch_provider(engine, npi_for(1)).updated_at
    import_nppes_file(engine, path)

    assert fetch_provider(engine, npi_for(1)).updated_at == before


def test_reimport_keeps_row_counts(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "npidata.csv", [nppes_row()])
    import_nppes_file(engine, path)
    import_nppes_file(engine, path)

    assert count_rows(engine, provider_table) == 1
    assert count_rows(engine, location_table) == 1
    assert count_rows(engine, taxonomy_table) == 1


def test_newer_file_updates_row(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    newer = nppes_row(last_update="03/01/2024", address="2000 J St", zip="95811")
    summary = import_nppes_rows(engine, tmp_path / "newer.csv", [newer])

    assert summary.updated == 1
    assert summary.inserted == 0


def test_newer_file_changes_address(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    newer = nppes_row(last_update="03/01/2024", address="2000 J St", zip="95811")
    import_nppes_rows(engine, tmp_path / "newer.csv", [newer])
    location = fetch_location(engine, npi_for(1))

    assert location.address_line1 == "2000 J St"
    assert location.zip5 == "95811"
    assert location.zip4 is None


def test_newer_file_changes_last_update(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    import_nppes_rows(engine, tmp_path / "newer.csv", [nppes_row(last_update="03/01/2024")])

    assert fetch_provider(engine, npi_for(1)).nppes_last_update == date(2024, 3, 1)


def test_newer_file_replaces_taxonomies(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    newer = nppes_row(last_update="03/01/2024", taxonomy="1223P0221X")
    import_nppes_rows(engine, tmp_path / "newer.csv", [newer])
    codes = [entry.code for entry in fetch_taxonomies(engine, npi_for(1))]

    assert codes == ["1223P0221X"]


def test_newer_file_refreshes_location_specialty(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    newer = nppes_row(last_update="03/01/2024", taxonomy="1223P0221X")
    import_nppes_rows(engine, tmp_path / "newer.csv", [newer])

    assert fetch_location(engine, npi_for(1)).specialty_mask == Specialty.PEDIATRIC.bit


def test_older_file_counted_stale(engine: Engine, tmp_path: Path) -> None:
    newer = nppes_row(last_update="03/01/2024", address="2000 J St", zip="95811")
    import_nppes_rows(engine, tmp_path / "newer.csv", [newer])
    summary = import_nppes_rows(engine, tmp_path / "older.csv", [nppes_row()])

    assert summary.stale == 1
    assert summary.updated == 0


def test_older_file_keeps_newer_row(engine: Engine, tmp_path: Path) -> None:
    newer = nppes_row(last_update="03/01/2024", address="2000 J St", zip="95811")
    import_nppes_rows(engine, tmp_path / "newer.csv", [newer])
    import_nppes_rows(engine, tmp_path / "older.csv", [nppes_row()])

    assert fetch_location(engine, npi_for(1)).address_line1 == "2000 J St"
    assert fetch_provider(engine, npi_for(1)).nppes_last_update == date(2024, 3, 1)


# Bad input: each bad row is reported while the good rows import

GOOD_FIRST = npi_for(1)
GOOD_LAST = npi_for(10)
UNKNOWN_CODE_KEPT = npi_for(7)
BAD_PHONE_KEPT = npi_for(9)


def mixed_rows() -> list[dict[str, str]]:
    """Rows 2 to 10 of a file (the header is row 1): two good rows around seven problem rows."""
    return [
        nppes_row(npi=GOOD_FIRST),
        nppes_row(npi="1234567890"),
        nppes_row(npi=GOOD_FIRST, last_name="Duplicate"),
        nppes_row(npi=npi_for(5), zip="9581"),
        nppes_row(npi=npi_for(6), zip="89501"),
        nppes_row(npi=UNKNOWN_CODE_KEPT, taxonomy=UNKNOWN_DENTAL_CODE, taxonomy2="1223P0221X"),
        nppes_row(npi=npi_for(8), taxonomy=UNKNOWN_DENTAL_CODE),
        nppes_row(npi=BAD_PHONE_KEPT, phone="call us"),
        nppes_row(npi=GOOD_LAST),
    ]


@pytest.fixture
def mixed_import(engine: Engine, tmp_path: Path):
    return import_nppes_rows(
        engine, tmp_path / "npidata.csv", mixed_rows(), report_path=tmp_path / "report.csv"
    )


def problems_of_row(summary, row_number: int) -> list[tuple[str, str, str]]:
    return [
        (problem.column, problem.value, problem.action)
        for problem in summary.problems
        if problem.row_number == row_number
    ]


def reason_of(summary, row_number: int, action: str) -> str:
    [reason] = [
        problem.reason
        for problem in summary.problems
        if problem.row_number == row_number and problem.action == action
    ]
    return reason


def stored_npis(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(text("SELECT npi FROM provider")).scalars())


def test_good_rows_import_beside_bad(engine: Engine, mixed_import) -> None:
    expected = {GOOD_FIRST, UNKNOWN_CODE_KEPT, BAD_PHONE_KEPT, GOOD_LAST}

    assert stored_npis(engine) == expected


def test_bad_rows_counted_rejected(mixed_import) -> None:
    assert mixed_import.counts.rejected == 5


def test_invalid_check_digit_rejected(mixed_import) -> None:
    assert problems_of_row(mixed_import, 3) == [("NPI", "1234567890", "rejected")]


def test_invalid_check_digit_reason(mixed_import) -> None:
    assert "check digit" in reason_of(mixed_import, 3, "rejected")


def test_duplicate_npi_rejected(mixed_import) -> None:
    assert problems_of_row(mixed_import, 4) == [("NPI", GOOD_FIRST, "rejected")]


def test_duplicate_reason_names_first_row(mixed_import) -> None:
    assert "row 2" in reason_of(mixed_import, 4, "rejected")


def test_duplicate_keeps_first_row(engine: Engine, mixed_import) -> None:
    assert fetch_provider(engine, GOOD_FIRST).last_name == "Alvarez"


def test_bad_zip_rejected(mixed_import) -> None:
    expected = [(layout.PRACTICE_POSTAL_CODE, "9581", "rejected")]

    assert problems_of_row(mixed_import, 5) == expected


def test_zip_other_state_rejected(mixed_import) -> None:
    expected = [(layout.PRACTICE_POSTAL_CODE, "89501", "rejected")]

    assert problems_of_row(mixed_import, 6) == expected


def test_zip_other_state_reason_names_state(mixed_import) -> None:
    assert "NV" in reason_of(mixed_import, 6, "rejected")


def test_unknown_taxonomy_reported_ignored(mixed_import) -> None:
    expected = [(TAXONOMY_1, UNKNOWN_DENTAL_CODE, "ignored")]

    assert problems_of_row(mixed_import, 7) == expected


def test_unknown_taxonomy_row_kept(engine: Engine, mixed_import) -> None:
    assert fetch_provider(engine, UNKNOWN_CODE_KEPT) is not None


def test_unknown_taxonomy_keeps_known_specialty(engine: Engine, mixed_import) -> None:
    assert fetch_location(engine, UNKNOWN_CODE_KEPT).specialty_mask == Specialty.PEDIATRIC.bit


def test_ignored_taxonomy_not_primary(engine: Engine, mixed_import) -> None:
    assert fetch_provider(engine, UNKNOWN_CODE_KEPT).primary_taxonomy == "1223P0221X"


def test_ignored_taxonomy_not_stored(engine: Engine, mixed_import) -> None:
    codes = [entry.code for entry in fetch_taxonomies(engine, UNKNOWN_CODE_KEPT)]

    assert UNKNOWN_DENTAL_CODE not in codes


def test_only_unknown_taxonomy_rejected(engine: Engine, mixed_import) -> None:
    assert (TAXONOMY_1, UNKNOWN_DENTAL_CODE, "rejected") in problems_of_row(mixed_import, 8)
    assert fetch_provider(engine, npi_for(8)) is None


def test_bad_phone_row_kept(engine: Engine, mixed_import) -> None:
    assert fetch_provider(engine, BAD_PHONE_KEPT) is not None


def test_bad_phone_stored_none(engine: Engine, mixed_import) -> None:
    assert fetch_location(engine, BAD_PHONE_KEPT).phone is None


def test_bad_phone_reported(mixed_import) -> None:
    expected = [(layout.PRACTICE_PHONE, "call us", "ignored")]

    assert problems_of_row(mixed_import, 9) == expected


def test_report_lists_every_problem(tmp_path: Path, mixed_import) -> None:
    with (tmp_path / "report.csv").open(newline="", encoding="utf-8") as handle:
        reported = [
            (int(row["row"]), row["column"], row["value"], row["action"])
            for row in csv.DictReader(handle)
        ]
    expected = [
        (3, "NPI", "1234567890", "rejected"),
        (4, "NPI", GOOD_FIRST, "rejected"),
        (5, layout.PRACTICE_POSTAL_CODE, "9581", "rejected"),
        (6, layout.PRACTICE_POSTAL_CODE, "89501", "rejected"),
        (7, TAXONOMY_1, UNKNOWN_DENTAL_CODE, "ignored"),
        (8, TAXONOMY_1, UNKNOWN_DENTAL_CODE, "ignored"),
        (8, TAXONOMY_1, UNKNOWN_DENTAL_CODE, "rejected"),
        (9, layout.PRACTICE_PHONE, "call us", "ignored"),
    ]

    assert sorted(reported) == sorted(expected)


def test_report_has_reason_column(tmp_path: Path, mixed_import) -> None:
    with (tmp_path / "report.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))

    assert header == ["row", "column", "value", "reason", "action"]


def test_report_beyond_shown_problems(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "npidata.csv", mixed_rows())
    report = tmp_path / "report.csv"
    summary = import_nppes_file(engine, path, report_path=report, shown_problems=2)
    with report.open(newline="", encoding="utf-8") as handle:
        reported = list(csv.DictReader(handle))

    assert len(summary.problems) == 2
    assert len(reported) == summary.problem_count
    assert summary.problem_count == 8


def test_short_row_rejected(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "npidata.csv", [nppes_row()])
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(f'"{npi_for(2)}","1"\r\n')
    summary = import_nppes_file(engine, path)

    assert problems_of_row(summary, 3) == [("(row)", "2 fields", "rejected")]
    assert summary.inserted == 1


# File encodings and CSV quoting


def test_utf8_bom_file_imports(engine: Engine, tmp_path: Path) -> None:
    path = write_nppes(tmp_path / "npidata.csv", [nppes_row(last_name="Peña")], bom=True)
    summary = import_nppes_file(engine, path)

    assert summary.inserted == 1
    assert fetch_provider(engine, npi_for(1)).last_name == "Peña"


def test_cp1252_name_decoded(engine: Engine, tmp_path: Path) -> None:
    rows = [nppes_row(last_name="Muñoz")]
    path = write_nppes(tmp_path / "npidata.csv", rows, encoding="cp1252")
    import_nppes_file(engine, path)

    assert fetch_provider(engine, npi_for(1)).last_name == "Muñoz"


def test_mixed_encoding_lines_decoded(engine: Engine, tmp_path: Path) -> None:
    rows = [
        nppes_row(npi=npi_for(1), last_name="Peña"),
        nppes_row(npi=npi_for(2), last_name="Muñoz"),
    ]
    path = write_nppes(tmp_path / "npidata.csv", rows)
    # Re-encode only the second row as Windows-1252, as a spreadsheet edit leaves it.
    content = path.read_bytes().replace("Muñoz".encode(), "Muñoz".encode("cp1252"))
    path.write_bytes(content)
    import_nppes_file(engine, path)

    assert fetch_provider(engine, npi_for(1)).last_name == "Peña"
    assert fetch_provider(engine, npi_for(2)).last_name == "Muñoz"


def test_quoted_comma_and_line_break(engine: Engine, tmp_path: Path) -> None:
    address = "1500 Capitol Ave, Suite 4\r\nBuilding B"
    import_nppes_rows(engine, tmp_path / "npidata.csv", [nppes_row(address=address)])

    assert fetch_location(engine, npi_for(1)).address_line1 == address


def test_row_numbers_count_records(engine: Engine, tmp_path: Path) -> None:
    rows = [
        nppes_row(npi=npi_for(1), address="1500 Capitol Ave,\nSuite 4"),
        nppes_row(npi=npi_for(2), zip="9581"),
    ]
    summary = import_nppes_rows(engine, tmp_path / "npidata.csv", rows)

    assert [problem.row_number for problem in summary.problems] == [3]


def test_zip_plus_four_with_hyphen(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npidata.csv", [nppes_row(zip="95814-2719")])

    assert fetch_location(engine, npi_for(1)).zip4 == "2719"


def test_zip_five_digits_no_plus_four(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npidata.csv", [nppes_row(zip="95814")])

    assert fetch_location(engine, npi_for(1)).zip4 is None


# Files the import cannot read


def test_admin_csv_not_nppes_layout(engine: Engine, tmp_path: Path) -> None:
    path = write_admin_csv(tmp_path / "admin.csv", [{"npi": npi_for(1), "accepting": "newpt"}])

    with pytest.raises(FileLayoutError, match="NPPES"):
        import_nppes_file(engine, path)


def test_wrong_layout_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_admin_csv(tmp_path / "admin.csv", [{"npi": npi_for(1), "accepting": "newpt"}])
    with pytest.raises(FileLayoutError):
        import_nppes_file(engine, path)

    assert count_rows(engine, provider_table) == 0
    assert count_rows(engine, import_run_table) == 0


def test_empty_file_layout_error(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "npidata.csv"
    path.write_bytes(b"")

    with pytest.raises(FileLayoutError, match="empty"):
        import_nppes_file(engine, path)


def test_missing_file_layout_error(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(FileLayoutError, match="cannot open"):
        import_nppes_file(engine, tmp_path / "absent.csv")


# A failure while applying rolls the whole import back


def test_failed_apply_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row(npi=npi_for(1))])
    # Enough rows for two batches. Batches go in NPI order, so the last NPI is in
    # the second batch, and a trigger makes the database reject its insert.
    rows = [nppes_row(npi=npi_for(number)) for number in range(2, BATCH_SIZE + 102)]
    failing_npi = rows[-1]["NPI"]
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TRIGGER reject_last_npi BEFORE INSERT ON provider "
                f"WHEN NEW.npi = '{failing_npi}' "
                "BEGIN SELECT RAISE(ABORT, 'insert rejected by test trigger'); END"
            )
        )

    with pytest.raises(IntegrityError, match="insert rejected by test trigger"):
        import_nppes_rows(engine, tmp_path / "second.csv", rows)

    assert count_rows(engine, provider_table) == 1
    assert count_rows(engine, location_table) == 1
    assert count_rows(engine, taxonomy_table) == 1
    assert count_rows(engine, import_run_table) == 1


def test_invalid_newer_phone_keeps_stored(engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "first.csv", [nppes_row()])
    later = nppes_row(phone="555-12", last_update="06/01/2024", address="1600 Capitol Ave")
    summary = import_nppes_rows(engine, tmp_path / "later.csv", [later])
    location = fetch_location(engine, npi_for(1))

    assert summary.updated == 1
    assert location.address_line1 == "1600 Capitol Ave"
    assert location.phone == "+19165550134"
