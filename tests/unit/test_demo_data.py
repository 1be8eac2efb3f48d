"""Run scripts/make_demo_data.py as a user would and check the files it writes."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tsc_console.domain.npi import is_valid_npi
from tsc_console.domain.taxonomy import DENTAL_TAXONOMY
from tsc_console.importers.admin_layout import ADMIN_COLUMNS
from tsc_console.importers.nppes_layout import (
    NPPES_HEADERS,
    PRACTICE_POSTAL_CODE,
    PRACTICE_STATE,
    TAXONOMY_SLOTS,
    taxonomy_code_column,
)

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_demo_data.py"
PROVIDERS = 300
OTHER_ROWS = 0.2
NPPES_NAME = "npidata_pfile_demo.csv"
ADMIN_NAME = "admin_directory_demo.csv"
MAILING_POSTAL_CODE = "Provider Business Mailing Address Postal Code"
DATE_COLUMNS = ("Provider Enumeration Date", "Last Update Date", "NPI Deactivation Date")


@dataclass
class DemoFiles:
    folder: Path
    header: list[str]
    rows: list[dict[str, str]]
    admin_header: list[str]
    admin_rows: list[dict[str, str]]


def run_generator(out_dir: Path, seed: int) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        str(SCRIPT),
        "--providers",
        str(PROVIDERS),
        "--out",
        str(out_dir),
        "--other-rows",
        str(OTHER_ROWS),
        "--seed",
        str(seed),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    folder = tmp_path_factory.mktemp("demo")
    run_generator(folder, seed=11)
    with (folder / NPPES_NAME).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [dict(zip(header, values, strict=True)) for values in reader]
    with (folder / ADMIN_NAME).open(newline="", encoding="utf-8") as handle:
        admin_reader = csv.DictReader(handle)
        admin_rows = list(admin_reader)
        admin_header = list(admin_reader.fieldnames or [])
    return DemoFiles(folder, header, rows, admin_header, admin_rows)


def taxonomy_codes(row: dict[str, str]) -> list[str]:
    codes = (row[taxonomy_code_column(slot)] for slot in range(1, TAXONOMY_SLOTS + 1))
    return [code for code in codes if code]


def test_row_count_matches_request(demo: DemoFiles) -> None:
    assert len(demo.rows) == PROVIDERS


def test_header_matches_layout(demo: DemoFiles) -> None:
    assert tuple(demo.header) == NPPES_HEADERS


def test_npis_valid(demo: DemoFiles) -> None:
    invalid = [row["NPI"] for row in demo.rows if not is_valid_npi(row["NPI"])]
    assert invalid == []


def test_npis_unique(demo: DemoFiles) -> None:
    npis = [row["NPI"] for row in demo.rows]
    assert len(set(npis)) == len(npis)


def test_values_all_quoted(demo: DemoFiles) -> None:
    raw_lines = (demo.folder / NPPES_NAME).read_text(encoding="utf-8").splitlines()
    first_data_line = raw_lines[1]
    assert first_data_line.startswith('"')
    assert first_data_line.endswith('"')
    assert ",," not in first_data_line


def test_zip_codes_five_or_nine_digits(demo: DemoFiles) -> None:
    for row in demo.rows:
        for column in (PRACTICE_POSTAL_CODE, MAILING_POSTAL_CODE):
            postal = row[column]
            # Deactivated NPIs may carry no address at all.
            if postal:
                assert re.fullmatch(r"\d{5}|\d{9}", postal), (row["NPI"], column, postal)


def test_dates_month_day_year(demo: DemoFiles) -> None:
    for row in demo.rows:
        for column in DATE_COLUMNS:
            if row[column]:
                assert re.fullmatch(r"\d\d/\d\d/\d{4}", row[column]), (row["NPI"], column)


def test_kept_rows_dental_in_california(demo: DemoFiles) -> None:
    kept = {row["npi"] for row in demo.admin_rows}
    for row in demo.rows:
        if row["NPI"] not in kept:
            continue
        assert row[PRACTICE_STATE] == "CA", row["NPI"]
        assert row["NPI Deactivation Date"] == "", row["NPI"]
        assert taxonomy_codes(row), row["NPI"]
        for code in taxonomy_codes(row):
            assert code in DENTAL_TAXONOMY, (row["NPI"], code)


def test_skipped_rows_match_fraction(demo: DemoFiles) -> None:
    assert len(demo.admin_rows) == PROVIDERS - round(PROVIDERS * OTHER_ROWS)


def test_skipped_rows_have_reason(demo: DemoFiles) -> None:
    kept = {row["npi"] for row in demo.admin_rows}
    reasons: set[str] = set()
    for row in demo.rows:
        if row["NPI"] in kept:
            continue
        row_reasons = set()
        if row["NPI Deactivation Date"]:
            row_reasons.add("deactivated")
        if row[PRACTICE_STATE] != "CA":
            row_reasons.add("other state")
        if not any(code in DENTAL_TAXONOMY for code in taxonomy_codes(row)):
            row_reasons.add("not dental")
        assert row_reasons, row["NPI"]
        reasons |= row_reasons
    assert reasons == {"deactivated", "other state", "not dental"}


def test_admin_columns_match_layout(demo: DemoFiles) -> None:
    assert demo.admin_header == list(ADMIN_COLUMNS)


def test_admin_npis_in_nppes_file(demo: DemoFiles) -> None:
    nppes_npis = {row["NPI"] for row in demo.rows}
    missing = [row["npi"] for row in demo.admin_rows if row["npi"] not in nppes_npis]
    assert missing == []


def test_same_seed_same_files(demo: DemoFiles, tmp_path: Path) -> None:
    run_generator(tmp_path, seed=11)
    for name in (NPPES_NAME, ADMIN_NAME):
        assert (tmp_path / name).read_bytes() == (demo.folder / name).read_bytes(), name
