"""Run scripts/make_demo_data.py --members as a user would and check the members file."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from tsc_console.domain.birthdates import age_on
from tsc_console.domain.geography import lookup_zip, split_zip
from tsc_console.domain.identifiers import parse_member_id
from tsc_console.domain.languages import language_code
from tsc_console.domain.members import AuthorityBasis, DeliverySystem, SpecialNeed
from tsc_console.domain.phones import parse_phone
from tsc_console.importers.members_csv import MEMBER_COLUMNS

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_demo_data.py"
MEMBERS = 3000
AS_OF = date(2026, 12, 1)
MEMBERS_NAME = "members_demo.csv"
CIN_PATTERN = re.compile(r"9[0-9]{7}[ACDEFGHMNTUVWXYZ]")


@dataclass
class MemberFile:
    folder: Path
    header: list[str]
    rows: list[dict[str, str]]
    output: str


def run_generator(out_dir: Path, seed: int, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        str(SCRIPT),
        "--members",
        str(MEMBERS),
        "--out",
        str(out_dir),
        "--seed",
        str(seed),
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> MemberFile:
    folder = tmp_path_factory.mktemp("members")
    result = run_generator(folder, seed=5)
    with (folder / MEMBERS_NAME).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    return MemberFile(folder, header, rows, result.stdout)


def share(rows: list[dict[str, str]], predicate) -> float:
    return sum(1 for row in rows if predicate(row)) / len(rows)


def stored_cin(row: dict[str, str]) -> str:
    return parse_member_id(row["cin"], today=AS_OF).cin


def birth_date(row: dict[str, str]) -> date:
    month, day, year = row["birth_date"].split("/")
    return date(int(year), int(month), int(day))


def test_header_matches_columns(demo: MemberFile) -> None:
    assert demo.header == list(MEMBER_COLUMNS)


def test_row_count_matches_request(demo: MemberFile) -> None:
    assert len(demo.rows) == MEMBERS


def test_only_members_file_written(demo: MemberFile) -> None:
    assert sorted(path.name for path in demo.folder.iterdir()) == [MEMBERS_NAME]


def test_cins_valid_without_warnings(demo: MemberFile) -> None:
    for row in demo.rows:
        member_id = parse_member_id(row["cin"], today=AS_OF)
        assert CIN_PATTERN.fullmatch(member_id.cin), row["cin"]
        assert member_id.warnings == (), row["cin"]


def test_some_rows_give_bic_id(demo: MemberFile) -> None:
    bic_rows = [row for row in demo.rows if len(row["cin"]) == 14]

    assert 0 < len(bic_rows) < 0.05 * MEMBERS


def test_cins_unique(demo: MemberFile) -> None:
    cins = [stored_cin(row) for row in demo.rows]

    assert len(set(cins)) == len(cins)


def test_frozen_cins_unique_and_distinct(demo: MemberFile) -> None:
    cins = {stored_cin(row) for row in demo.rows}
    frozen = [cin for row in demo.rows for cin in row["frozen_cins"].split(";") if cin]

    assert len(set(frozen)) == len(frozen)
    assert not cins & set(frozen)
    assert all(CIN_PATTERN.fullmatch(cin) for cin in frozen)
    assert 0.03 < share(demo.rows, lambda row: row["frozen_cins"]) < 0.07


def test_birth_dates_in_range(demo: MemberFile) -> None:
    dates = [birth_date(row) for row in demo.rows]

    assert min(dates) >= date(1930, 1, 1)
    assert max(dates) <= date(2024, 12, 31)


def test_minors_share(demo: MemberFile) -> None:
    minors = share(demo.rows, lambda row: age_on(birth_date(row), AS_OF) < 18)

    assert 0.3 < minors < 0.4


def test_names_present_and_varied(demo: MemberFile) -> None:
    assert all(row["first_name"] and row["last_name"] for row in demo.rows)
    text = " ".join(row["first_name"] + " " + row["last_name"] for row in demo.rows)
    assert re.search(r"[áéíóúñü]", text)
    assert "'" in text or "’" in text
    assert "-" in text
    assert 0.1 < share(demo.rows, lambda row: row["second_last_name"]) < 0.4


def test_phones_fictional_and_valid(demo: MemberFile) -> None:
    numbers = []
    for row in demo.rows:
        for entry in filter(None, row["phones"].split(";")):
            kind, _, text = entry.rpartition(":")
            assert kind in ("", "home", "mobile", "work", "other"), entry
            numbers.append(parse_phone(text).e164)
    assert numbers
    assert all(re.fullmatch(r"\+1[0-9]{3}55501[0-9]{2}", number) for number in numbers)


def test_residence_zips_in_california(demo: MemberFile) -> None:
    for row in demo.rows:
        parts = split_zip(row["residence_zip"])
        assert parts is not None, row["residence_zip"]
        place = lookup_zip(parts[0])
        assert place is not None and place.state == "CA", row["residence_zip"]


def test_spanish_share_near_forty_percent(demo: MemberFile) -> None:
    spanish = share(demo.rows, lambda row: language_code(row["spoken_language"]) == "spa")

    assert 0.33 < spanish < 0.47


def test_languages_recognised(demo: MemberFile) -> None:
    for row in demo.rows:
        for column in ("spoken_language", "written_language"):
            assert language_code(row[column]) is not None, row[column]


def test_interpreter_mostly_for_other_languages(demo: MemberFile) -> None:
    other = [row for row in demo.rows if language_code(row["spoken_language"]) != "eng"]
    english = [row for row in demo.rows if language_code(row["spoken_language"]) == "eng"]

    assert share(other, lambda row: row["interpreter_needed"] == "Y") > 0.75
    assert share(english, lambda row: row["interpreter_needed"] == "Y") == 0


def test_special_needs_valid(demo: MemberFile) -> None:
    values = {need.value for need in SpecialNeed}
    for row in demo.rows:
        assert set(filter(None, row["special_needs"].split(";"))) <= values
    developmental = share(demo.rows, lambda row: "developmental" in row["special_needs"])
    assert 0.07 < developmental < 0.13


def test_delivery_systems(demo: MemberFile) -> None:
    systems = {row["delivery_system"] for row in demo.rows}

    assert systems <= {system.value for system in DeliverySystem}
    assert share(demo.rows, lambda row: row["delivery_system"] == "ffs") > 0.8
    for row in demo.rows:
        if row["delivery_system"] == "dmc-sacramento":
            place = lookup_zip(row["residence_zip"][:5])
            assert place is not None and place.county == "Sacramento"


def test_representative_share(demo: MemberFile) -> None:
    represented = share(demo.rows, lambda row: row["representative_name"])

    assert 0.07 < represented < 0.13


def test_parent_authority_ends_at_eighteen(demo: MemberFile) -> None:
    parents = [row for row in demo.rows if row["representative_authority"] == "parent-of-minor"]
    assert parents
    for row in parents:
        born = birth_date(row)
        ends_on = date.fromisoformat(row["representative_ends_on"])
        assert date.fromisoformat(row["representative_starts_on"]) == born
        assert age_on(born, ends_on) == 18
        assert age_on(born, ends_on - timedelta(days=1)) == 17


def test_representatives_valid(demo: MemberFile) -> None:
    authorities = {basis.value for basis in AuthorityBasis}
    ended = 0
    for row in demo.rows:
        if not row["representative_name"]:
            continue
        assert row["representative_authority"] in authorities
        parse_phone(row["representative_phone"])
        starts_on = date.fromisoformat(row["representative_starts_on"])
        if row["representative_ends_on"]:
            ends_on = date.fromisoformat(row["representative_ends_on"])
            assert ends_on > starts_on
            ended += ends_on < AS_OF
    assert ended > 0


def test_adult_representatives_present(demo: MemberFile) -> None:
    adult_kinds = {
        row["representative_authority"]
        for row in demo.rows
        if row["representative_authority"] and row["representative_authority"] != "parent-of-minor"
    }

    assert {"conservator", "guardian", "power-of-attorney"} <= adult_kinds


def test_summary_printed(demo: MemberFile) -> None:
    assert f"Wrote {MEMBERS} members" in demo.output


def test_same_seed_same_file(demo: MemberFile, tmp_path: Path) -> None:
    run_generator(tmp_path, seed=5)

    assert (tmp_path / MEMBERS_NAME).read_bytes() == (demo.folder / MEMBERS_NAME).read_bytes()


def test_members_leave_provider_files_alone(tmp_path: Path) -> None:
    providers_only = tmp_path / "providers"
    both = tmp_path / "both"
    common = ["--providers", "50", "--seed", "9"]
    subprocess.run(
        [sys.executable, str(SCRIPT), *common, "--out", str(providers_only)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [sys.executable, str(SCRIPT), *common, "--members", "20", "--out", str(both)],
        check=True,
        capture_output=True,
        timeout=120,
    )

    for name in ("npidata_pfile_demo.csv", "admin_directory_demo.csv"):
        assert (both / name).read_bytes() == (providers_only / name).read_bytes(), name
    assert (both / MEMBERS_NAME).exists()


def test_no_counts_given_fails(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "--members" in result.stderr
