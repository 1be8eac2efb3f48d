"""Admin directory CSV import: merging office data onto providers imported from NPPES."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.helpers import (
    fetch_language_codes,
    fetch_location,
    fetch_provider,
    import_admin_rows,
    import_nppes_rows,
    npi_for,
    nppes_row,
    write_admin_csv,
)
from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.languages import language_bit
from tsc_console.importers.reading import FileLayoutError
from tsc_console.services.provider_import import import_admin_csv

FIRST = npi_for(1)
SECOND = npi_for(2)
NOT_IMPORTED = npi_for(3)

FULL_ROW = {
    "npi": FIRST,
    "languages": "Spanish; Vietnamese; ASL",
    "accepting": "newpt",
    "wheelchair_access": "Y",
    "sedation_permit": "N",
    "general_anesthesia_permit": "Y",
    "hospital_privileges": "Y",
    "age_min": "0",
    "age_max": "20",
    "developmental_disability_experience": "Y",
    "medi_cal_enrolled": "Y",
    "medi_cal_provider_number": "DEN123456",
    "last_verified_on": "2024-05-01",
    "verification_source": "phone call",
}


@pytest.fixture
def directory(engine: Engine, tmp_path: Path) -> Engine:
    """Two providers imported from NPPES, neither with admin data yet."""
    rows = [nppes_row(npi=FIRST), nppes_row(npi=SECOND, last_name="Nguyen")]
    import_nppes_rows(engine, tmp_path / "npidata.csv", rows)
    return engine


@pytest.fixture
def full_import(directory: Engine, tmp_path: Path):
    return import_admin_rows(directory, tmp_path / "admin.csv", [FULL_ROW])


def reported(summary) -> list[tuple[int, str, str, str]]:
    return [
        (problem.row_number, problem.column, problem.value, problem.action)
        for problem in summary.problems
    ]


# A complete row


def test_full_row_counted_updated(full_import) -> None:
    assert full_import.updated == 1


def test_full_row_has_no_problems(full_import) -> None:
    assert full_import.problem_count == 0


def test_languages_stored(directory: Engine, full_import) -> None:
    assert fetch_language_codes(directory, FIRST) == ["ase", "spa", "vie"]


def test_language_mask_set(directory: Engine, full_import) -> None:
    expected = language_bit("spa") | language_bit("vie") | language_bit("ase")

    assert fetch_provider(directory, FIRST).language_mask == expected


def test_accepting_stored(directory: Engine, full_import) -> None:
    assert fetch_provider(directory, FIRST).accepting is AcceptingPatients.ACCEPTING


def test_flags_stored(directory: Engine, full_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert provider.wheelchair_access is True
    assert provider.sedation_permit is False
    assert provider.general_anesthesia_permit is True
    assert provider.hospital_privileges is True
    assert provider.developmental_disability_experience is True


def test_ages_stored(directory: Engine, full_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert provider.age_min == 0
    assert provider.age_max == 20


def test_enrollment_stored(directory: Engine, full_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert provider.medi_cal_enrolled is True
    assert provider.medi_cal_provider_number == "DEN123456"


def test_verification_stored(directory: Engine, full_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert provider.last_verified_on == date(2024, 5, 1)
    assert provider.verification_source == "phone call"


def test_source_marked_admin_csv(directory: Engine, full_import) -> None:
    assert fetch_provider(directory, FIRST).source == "admin-csv"


def test_other_provider_untouched(directory: Engine, full_import) -> None:
    provider = fetch_provider(directory, SECOND)

    assert provider.accepting is None
    assert provider.language_mask == 0
    assert fetch_language_codes(directory, SECOND) == []


def test_unlisted_language_stored(directory: Engine, tmp_path: Path) -> None:
    import_admin_rows(directory, tmp_path / "admin.csv", [{"npi": FIRST, "languages": "tam"}])

    assert fetch_language_codes(directory, FIRST) == ["tam"]
    assert fetch_provider(directory, FIRST).language_mask == 0


def test_header_case_ignored(directory: Engine, tmp_path: Path) -> None:
    import_admin_rows(directory, tmp_path / "admin.csv", [{"NPI": FIRST, "Accepting": "nopt"}])

    assert fetch_provider(directory, FIRST).accepting is AcceptingPatients.NOT_ACCEPTING


# Copies of the search attributes on the practice location


def test_location_language_mask_follows(directory: Engine, full_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert fetch_location(directory, FIRST).language_mask == provider.language_mask


def test_location_accepting_follows(directory: Engine, full_import) -> None:
    assert fetch_location(directory, FIRST).accepting is AcceptingPatients.ACCEPTING


def test_location_wheelchair_follows(directory: Engine, full_import) -> None:
    assert fetch_location(directory, FIRST).wheelchair_access is True


def test_location_ages_follow(directory: Engine, full_import) -> None:
    location = fetch_location(directory, FIRST)

    assert location.age_min == 0
    assert location.age_max == 20


@pytest.mark.parametrize(
    ("sedation", "anesthesia", "expected"),
    [("Y", "N", True), ("N", "Y", True), ("N", "N", False), ("", "", None)],
)
def test_location_sedation_or_anesthesia(
    directory: Engine, tmp_path: Path, sedation: str, anesthesia: str, expected: bool | None
) -> None:
    row = {
        "npi": FIRST,
        "sedation_permit": sedation,
        "general_anesthesia_permit": anesthesia,
        "accepting": "newpt",
    }
    import_admin_rows(directory, tmp_path / "admin.csv", [row])

    assert fetch_location(directory, FIRST).sedation_or_anesthesia is expected


def test_nppes_update_keeps_admin_copies(directory: Engine, full_import, tmp_path: Path) -> None:
    newer = nppes_row(npi=FIRST, last_update="03/01/2024", address="2000 J St", zip="95811")
    import_nppes_rows(directory, tmp_path / "newer.csv", [newer])
    location = fetch_location(directory, FIRST)

    assert location.address_line1 == "2000 J St"
    assert location.accepting is AcceptingPatients.ACCEPTING
    assert location.wheelchair_access is True


# Empty cells and re-imports


def test_empty_cells_keep_stored_values(directory: Engine, full_import, tmp_path: Path) -> None:
    partial = {name: "" for name in FULL_ROW}
    partial |= {"npi": FIRST, "wheelchair_access": "N"}
    import_admin_rows(directory, tmp_path / "partial.csv", [partial])
    provider = fetch_provider(directory, FIRST)

    assert provider.wheelchair_access is False
    assert provider.accepting is AcceptingPatients.ACCEPTING
    assert provider.age_max == 20
    assert provider.last_verified_on == date(2024, 5, 1)
    assert fetch_language_codes(directory, FIRST) == ["ase", "spa", "vie"]


def test_new_languages_replace_old(directory: Engine, full_import, tmp_path: Path) -> None:
    import_admin_rows(directory, tmp_path / "again.csv", [{"npi": FIRST, "languages": "Korean"}])

    assert fetch_language_codes(directory, FIRST) == ["kor"]
    assert fetch_provider(directory, FIRST).language_mask == language_bit("kor")


def test_reimport_counts_unchanged(directory: Engine, full_import, tmp_path: Path) -> None:
    again = import_admin_csv(directory, tmp_path / "admin.csv")

    assert again.unchanged == 1
    assert again.updated == 0


def test_reimport_keeps_updated_at(directory: Engine, full_import, tmp_path: Path) -> None:
    before = fetch_provider(directory, FIRST).updated_at
    import_admin_csv(directory, tmp_path / "admin.csv")

    assert fetch_provider(directory, FIRST).updated_at == before


# Rows and values that are rejected or ignored


def test_unknown_npi_rejected(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": FIRST, "accepting": "newpt"}, {"npi": NOT_IMPORTED, "accepting": "newpt"}]
    summary = import_admin_rows(directory, tmp_path / "admin.csv", rows)

    assert reported(summary) == [(3, "npi", NOT_IMPORTED, "rejected")]
    assert summary.counts.rejected == 1


def test_unknown_npi_reason(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": NOT_IMPORTED, "accepting": "newpt"}]
    summary = import_admin_rows(directory, tmp_path / "admin.csv", rows)

    assert "not in the directory" in summary.problems[0].reason


def test_unknown_npi_other_rows_apply(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": NOT_IMPORTED, "accepting": "newpt"}, {"npi": FIRST, "accepting": "newpt"}]
    summary = import_admin_rows(directory, tmp_path / "admin.csv", rows)

    assert summary.updated == 1
    assert fetch_provider(directory, FIRST).accepting is AcceptingPatients.ACCEPTING


def test_invalid_npi_rejected(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": "1234567890", "accepting": "newpt"}]
    summary = import_admin_rows(directory, tmp_path / "admin.csv", rows)

    assert reported(summary) == [(2, "npi", "1234567890", "rejected")]


def test_duplicate_npi_rejected(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": FIRST, "accepting": "newpt"}, {"npi": FIRST, "accepting": "nopt"}]
    summary = import_admin_rows(directory, tmp_path / "admin.csv", rows)

    [(row_number, column, value, action)] = reported(summary)

    assert row_number == 3
    assert column == "npi"
    assert value == FIRST
    assert action == "rejected"


def test_duplicate_npi_keeps_first(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": FIRST, "accepting": "newpt"}, {"npi": FIRST, "accepting": "nopt"}]
    import_admin_rows(directory, tmp_path / "admin.csv", rows)

    assert fetch_provider(directory, FIRST).accepting is AcceptingPatients.ACCEPTING


BAD_VALUES_ROW = {
    "npi": FIRST,
    "languages": "Spanish; Klingon",
    "accepting": "maybe",
    "wheelchair_access": "perhaps",
    "sedation_permit": "Y",
    "age_min": "abc",
    "age_max": "18",
    "last_verified_on": "2024-13-01",
    "medi_cal_enrolled": "Y",
}


@pytest.fixture
def bad_values_import(directory: Engine, tmp_path: Path):
    return import_admin_rows(directory, tmp_path / "admin.csv", [BAD_VALUES_ROW])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("accepting", "maybe"),
        ("age_min", "abc"),
        ("wheelchair_access", "perhaps"),
        ("last_verified_on", "2024-13-01"),
        ("languages", "Klingon"),
    ],
)
def test_bad_value_reported(bad_values_import, column: str, value: str) -> None:
    assert (2, column, value, "ignored") in reported(bad_values_import)


def test_bad_values_count(bad_values_import) -> None:
    assert bad_values_import.problem_count == 5


def test_bad_values_row_not_rejected(bad_values_import) -> None:
    assert bad_values_import.counts.rejected == 0


def test_bad_values_rest_applies(directory: Engine, bad_values_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert provider.sedation_permit is True
    assert provider.age_max == 18
    assert provider.medi_cal_enrolled is True


def test_bad_values_leave_fields_empty(directory: Engine, bad_values_import) -> None:
    provider = fetch_provider(directory, FIRST)

    assert provider.accepting is None
    assert provider.wheelchair_access is None
    assert provider.age_min is None
    assert provider.last_verified_on is None


def test_known_language_kept_beside_unknown(directory: Engine, bad_values_import) -> None:
    assert fetch_language_codes(directory, FIRST) == ["spa"]


def test_future_verification_date_ignored(directory: Engine, tmp_path: Path) -> None:
    row = {"npi": FIRST, "last_verified_on": "2999-01-01"}
    summary = import_admin_rows(directory, tmp_path / "admin.csv", [row])

    assert reported(summary) == [(2, "last_verified_on", "2999-01-01", "ignored")]
    assert fetch_provider(directory, FIRST).last_verified_on is None


def test_age_over_limit_ignored(directory: Engine, tmp_path: Path) -> None:
    summary = import_admin_rows(
        directory, tmp_path / "admin.csv", [{"npi": FIRST, "age_max": "131"}]
    )

    assert reported(summary) == [(2, "age_max", "131", "ignored")]


def test_age_max_below_min_reported(directory: Engine, tmp_path: Path) -> None:
    row = {"npi": FIRST, "age_min": "20", "age_max": "10"}
    summary = import_admin_rows(directory, tmp_path / "admin.csv", [row])

    assert reported(summary) == [(2, "age_max", "10", "ignored")]


def test_age_min_kept_when_max_ignored(directory: Engine, tmp_path: Path) -> None:
    row = {"npi": FIRST, "age_min": "20", "age_max": "10"}
    import_admin_rows(directory, tmp_path / "admin.csv", [row])

    assert fetch_provider(directory, FIRST).age_min == 20


# Files the import cannot read


def test_unknown_column_layout_error(directory: Engine, tmp_path: Path) -> None:
    path = write_admin_csv(tmp_path / "admin.csv", [{"npi": FIRST, "favourite_color": "blue"}])

    with pytest.raises(FileLayoutError, match="favourite_color"):
        import_admin_csv(directory, path)


def test_unknown_column_writes_nothing(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": FIRST, "accepting": "newpt", "favourite_color": "blue"}]
    path = write_admin_csv(tmp_path / "admin.csv", rows)
    with pytest.raises(FileLayoutError):
        import_admin_csv(directory, path)

    assert fetch_provider(directory, FIRST).accepting is None


def test_missing_npi_column_layout_error(directory: Engine, tmp_path: Path) -> None:
    path = write_admin_csv(tmp_path / "admin.csv", [{"accepting": "newpt"}])

    with pytest.raises(FileLayoutError, match="npi"):
        import_admin_csv(directory, path)


def test_unknown_npi_not_counted_kept(directory: Engine, tmp_path: Path) -> None:
    rows = [{"npi": FIRST, "accepting": "newpt"}, {"npi": "1234567893", "accepting": "newpt"}]
    summary = import_admin_rows(directory, tmp_path / "admin.csv", rows)

    assert summary.counts.rows_kept == 1
    assert summary.counts.rejected == 1
