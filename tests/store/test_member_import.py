"""Members CSV import: real files under tmp_path, imported into a real SQLite database."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from tsc_console.domain.access import AuditAction, Role
from tsc_console.importers.members_csv import MEMBER_COLUMNS
from tsc_console.importers.reading import FileLayoutError
from tsc_console.services.member_import import (
    WITHHELD,
    MemberImportSummary,
    import_members_csv,
)
from tsc_console.services.session import add_user, current_login
from tsc_console.store.member_models import (
    AuditEvent,
    Call,
    Member,
    MemberCinAlias,
    MemberPhone,
    MemberRepresentative,
    User,
)
from tsc_console.store.types import utc_now

member_table = Member.__table__  # type: ignore[attr-defined]
phone_table = MemberPhone.__table__  # type: ignore[attr-defined]
representative_table = MemberRepresentative.__table__  # type: ignore[attr-defined]
alias_table = MemberCinAlias.__table__  # type: ignore[attr-defined]
audit_table = AuditEvent.__table__  # type: ignore[attr-defined]
call_table = Call.__table__  # type: ignore[attr-defined]
user_table = User.__table__  # type: ignore[attr-defined]

REPO_ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(sys.executable).parent / "tsc-console"
if not PROGRAM.exists():
    PROGRAM = Path(shutil.which("tsc-console") or "tsc-console")

CIN = "91234567A"
OTHER_CIN = "92345678C"
THIRD_CIN = "93456789D"
FROZEN_CIN = "90000001E"

FULL_ROW = {
    "cin": CIN,
    "first_name": "María",
    "middle_name": "José",
    "last_name": "García-López",
    "second_last_name": "Hernández",
    "birth_date": "03/14/1987",
    "phones": "home:916-555-0134;mobile:(279) 555-0101 x12",
    "residence_line1": "1500 Capitol Ave",
    "residence_line2": "Apt 4",
    "residence_city": "Sacramento",
    "residence_zip": "95814-2719",
    "mailing_line1": "PO Box 77",
    "mailing_line2": "",
    "mailing_city": "Sacramento",
    "mailing_zip": "95812",
    "county": "",
    "spoken_language": "Spanish",
    "written_language": "eng",
    "interpreter_needed": "Y",
    "tty_relay": "N",
    "sign_language": "N",
    "delivery_system": "dmc-sacramento",
    "dental_plan": "Capitol Smiles Dental Plan",
    "special_needs": "physical;developmental",
    "accommodations": "wheelchair user",
    "frozen_cins": FROZEN_CIN,
    "representative_name": "Rosa García",
    "representative_relationship": "mother",
    "representative_authority": "parent-of-minor",
    "representative_phone": "916-555-0150",
    "representative_starts_on": "1987-03-14",
    "representative_ends_on": "2005-03-14",
}


def member_row(**fields: str) -> dict[str, str]:
    """Return a minimal valid member row with `fields` changed."""
    row = {
        "cin": CIN,
        "first_name": "Ana",
        "last_name": "Lee",
        "birth_date": "1990-01-02",
    }
    row.update(fields)
    return row


def write_members(
    path: Path, rows: list[dict[str, str]], encoding: str = "utf-8", bom: bool = False
) -> Path:
    """Write a members CSV whose header is every column named in `rows`, in order."""
    header: list[str] = []
    for row in rows:
        header.extend(name for name in row if name not in header)
    with path.open("w", encoding=encoding, newline="") as handle:
        if bom:
            handle.write("\ufeff")
        writer = csv.DictWriter(handle, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_rows(
    engine: Engine, tmp_path: Path, rows: list[dict[str, str]], **options: Any
) -> MemberImportSummary:
    path = write_members(tmp_path / "members.csv", rows)
    return import_members_csv(engine, path, **options)


def fetch_member(engine: Engine, cin: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(member_table).where(member_table.c.cin == cin)).first()


def fetch_children(engine: Engine, table: Any, member_id: int) -> list[Any]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(table).where(table.c.member_id == member_id).order_by(*table.primary_key)
            )
        )


def count(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def problems_of(summary: MemberImportSummary, column: str) -> list[tuple[int, str, str]]:
    return [
        (problem.row_number, problem.action, problem.reason)
        for problem in summary.problems
        if problem.column == column
    ]


# A complete row


@pytest.fixture
def full_import(engine: Engine, tmp_path: Path) -> MemberImportSummary:
    return import_rows(engine, tmp_path, [FULL_ROW])


def test_full_row_inserted(engine: Engine, full_import: MemberImportSummary) -> None:
    assert full_import.inserted == 1
    assert full_import.problems == []


def test_full_row_names(engine: Engine, full_import: MemberImportSummary) -> None:
    member = fetch_member(engine, CIN)

    assert (member.first_name, member.middle_name) == ("María", "José")
    assert (member.last_name, member.second_last_name) == ("García-López", "Hernández")
    assert member.name_key == "garcia hernandez jose lopez maria"
    assert member.birth_date == date(1987, 3, 14)


def test_full_row_addresses(engine: Engine, full_import: MemberImportSummary) -> None:
    member = fetch_member(engine, CIN)

    assert (member.residence_line1, member.residence_line2) == ("1500 Capitol Ave", "Apt 4")
    assert (member.residence_zip5, member.residence_zip4) == ("95814", "2719")
    assert member.residence_state == "CA"
    assert (member.mailing_line1, member.mailing_zip5) == ("PO Box 77", "95812")
    assert member.county == "Sacramento"


def test_full_row_preferences(engine: Engine, full_import: MemberImportSummary) -> None:
    member = fetch_member(engine, CIN)

    assert (member.spoken_language, member.written_language) == ("spa", "eng")
    assert member.interpreter_needed is True
    assert member.tty_relay is False
    assert member.delivery_system.value == "dmc-sacramento"
    assert member.dental_plan == "Capitol Smiles Dental Plan"
    assert member.special_needs == "physical,developmental"
    assert member.accommodations == "wheelchair user"
    assert member.version == 1


def test_full_row_phones(engine: Engine, full_import: MemberImportSummary) -> None:
    member = fetch_member(engine, CIN)
    phones = [
        (phone.e164, phone.extension, phone.phone_type.value)
        for phone in fetch_children(engine, phone_table, member.id)
    ]

    assert phones == [("+19165550134", None, "home"), ("+12795550101", "12", "mobile")]


def test_full_row_representative(engine: Engine, full_import: MemberImportSummary) -> None:
    member = fetch_member(engine, CIN)
    (representative,) = fetch_children(engine, representative_table, member.id)

    assert representative.name == "Rosa García"
    assert representative.name_key == "garcia rosa"
    assert representative.relationship == "mother"
    assert representative.authority_basis.value == "parent-of-minor"
    assert representative.phone == "+19165550150"
    assert representative.starts_on == date(1987, 3, 14)
    assert representative.ends_on == date(2005, 3, 14)


def test_full_row_frozen_cin(engine: Engine, full_import: MemberImportSummary) -> None:
    member = fetch_member(engine, CIN)
    aliases = [alias.cin for alias in fetch_children(engine, alias_table, member.id)]

    assert aliases == [FROZEN_CIN]


def test_columns_all_documented() -> None:
    assert set(FULL_ROW) == set(MEMBER_COLUMNS)


# Identifiers and required values


def test_bic_id_stores_cin(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(cin=f"{CIN}09180")])

    assert summary.inserted == 1
    assert fetch_member(engine, CIN) is not None


def test_cin_spaces_and_case_normalised(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(cin="9123 4567a")])

    assert fetch_member(engine, CIN) is not None


@pytest.mark.parametrize("cin", ["12345", "9123456AA", "91234567", "ABCDEFGHI", ""])
def test_invalid_cin_rejected(engine: Engine, tmp_path: Path, cin: str) -> None:
    summary = import_rows(engine, tmp_path, [member_row(cin=cin)])

    assert summary.rejected == 1
    assert count(engine, member_table) == 0
    assert [action for _, action, _ in problems_of(summary, "cin")] == ["rejected"]


def test_duplicate_cin_rejected(engine: Engine, tmp_path: Path) -> None:
    rows = [member_row(first_name="Ana"), member_row(first_name="Second")]
    summary = import_rows(engine, tmp_path, rows)

    assert summary.inserted == 1
    assert fetch_member(engine, CIN).first_name == "Ana"
    assert problems_of(summary, "cin") == [(3, "rejected", "duplicate CIN, first seen on row 2")]


def test_duplicate_cin_given_as_bic_rejected(engine: Engine, tmp_path: Path) -> None:
    rows = [member_row(), member_row(cin=f"{CIN}09180")]
    summary = import_rows(engine, tmp_path, rows)

    assert summary.inserted == 1
    assert summary.rejected == 1


@pytest.mark.parametrize("column", ["first_name", "last_name"])
def test_missing_name_rejected(engine: Engine, tmp_path: Path, column: str) -> None:
    summary = import_rows(engine, tmp_path, [member_row(**{column: "  "})])

    assert summary.rejected == 1
    assert count(engine, member_table) == 0
    assert [action for _, action, _ in problems_of(summary, column)] == ["rejected"]


def test_long_last_name_rejected(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(last_name="x" * 61)])

    assert summary.rejected == 1
    assert "longer than 60" in problems_of(summary, "last_name")[0][2]


def test_long_middle_name_ignored(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(middle_name="x" * 61)])

    assert summary.inserted == 1
    assert fetch_member(engine, CIN).middle_name is None
    assert problems_of(summary, "middle_name")[0][1] == "ignored"


def test_name_whitespace_collapsed(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(first_name=" Mary   Ann ")])

    assert fetch_member(engine, CIN).first_name == "Mary Ann"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "missing"),
        ("2/3/99", "two-digit year"),
        ("02/30/1990", "not a valid calendar date"),
        ((date.today() + timedelta(days=1)).isoformat(), "in the future"),
        ("01/01/1880", "more than 130 years"),
        ("March 3, 1990", "format"),
    ],
)
def test_bad_birth_date_rejected(engine: Engine, tmp_path: Path, text: str, reason: str) -> None:
    summary = import_rows(engine, tmp_path, [member_row(birth_date=text)])

    assert summary.rejected == 1
    (problem,) = problems_of(summary, "birth_date")
    assert problem[1] == "rejected"
    assert reason in problem[2]


@pytest.mark.parametrize("text", ["03/04/1990", "3/4/1990", "1990-03-04", "03041990"])
def test_birth_date_formats_accepted(engine: Engine, tmp_path: Path, text: str) -> None:
    import_rows(engine, tmp_path, [member_row(birth_date=text)])

    assert fetch_member(engine, CIN).birth_date == date(1990, 3, 4)


def test_rejected_row_keeps_others(engine: Engine, tmp_path: Path) -> None:
    rows = [member_row(cin="bad"), member_row(cin=OTHER_CIN)]
    summary = import_rows(engine, tmp_path, rows)

    assert summary.inserted == 1
    assert summary.rejected == 1
    assert summary.counts.rows_read == 2


def test_missing_required_column_fails(engine: Engine, tmp_path: Path) -> None:
    path = write_members(tmp_path / "m.csv", [{"cin": CIN, "first_name": "Ana"}])

    with pytest.raises(FileLayoutError, match="last_name"):
        import_members_csv(engine, path)
    assert count(engine, member_table) == 0


def test_unknown_column_fails(engine: Engine, tmp_path: Path) -> None:
    path = write_members(tmp_path / "m.csv", [member_row(favourite_color="blue")])

    with pytest.raises(FileLayoutError, match="favourite_color"):
        import_members_csv(engine, path)
    assert count(engine, member_table) == 0


def test_header_case_ignored(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("CIN,First_Name,LAST_NAME,Birth_Date\n91234567A,Ana,Lee,1990-01-02\n")

    summary = import_members_csv(engine, path)

    assert summary.inserted == 1


def test_extra_cells_rejected(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "cin,first_name,last_name,birth_date\n"
        "91234567A,Ana,Lee,1990-01-02,unquoted, comma\n"
        "92345678C,Bo,Kim,1990-01-02\n"
    )

    summary = import_members_csv(engine, path)

    assert summary.inserted == 1
    assert problems_of(summary, "(row)")[0][:2] == (2, "rejected")


# Optional values: dropped and reported, row kept


def test_invalid_phone_dropped(engine: Engine, tmp_path: Path) -> None:
    row = member_row(phones="home:916-555-01;mobile:916 555 0177;call me")
    summary = import_rows(engine, tmp_path, [row])
    member = fetch_member(engine, CIN)
    phones = [phone.e164 for phone in fetch_children(engine, phone_table, member.id)]

    assert summary.inserted == 1
    assert phones == ["+19165550177"]
    assert [action for _, action, _ in problems_of(summary, "phones")] == ["ignored", "ignored"]


def test_unknown_phone_type_dropped(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(phones="pager:916-555-0134")])

    assert count(engine, phone_table) == 0
    assert "unknown phone type" in problems_of(summary, "phones")[0][2]


def test_phone_without_type_is_home(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(phones="9165550134")])
    member = fetch_member(engine, CIN)
    (phone,) = fetch_children(engine, phone_table, member.id)

    assert phone.phone_type.value == "home"


def test_repeated_phone_stored_once(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(phones="916-555-0134;(916) 555-0134")])

    assert count(engine, phone_table) == 1


def test_bad_zip_keeps_address(engine: Engine, tmp_path: Path) -> None:
    row = member_row(residence_line1="1 Main St", residence_city="Fresno", residence_zip="9372")
    summary = import_rows(engine, tmp_path, [row])
    member = fetch_member(engine, CIN)

    assert member.residence_line1 == "1 Main St"
    assert member.residence_zip5 is None
    assert member.residence_state == "CA"
    assert problems_of(summary, "residence_zip")[0][1] == "ignored"


def test_nine_digit_zip_without_hyphen(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(residence_zip="937211234")])
    member = fetch_member(engine, CIN)

    assert (member.residence_zip5, member.residence_zip4) == ("93721", "1234")
    assert member.county == "Fresno"


def test_county_given_overrides_zip(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(residence_zip="95814", county="yolo county")])

    assert fetch_member(engine, CIN).county == "Yolo"


def test_unknown_county_uses_zip(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(residence_zip="95814", county="Narnia")])

    assert fetch_member(engine, CIN).county == "Sacramento"
    assert problems_of(summary, "county")[0][1] == "ignored"


def test_unknown_language_ignored(engine: Engine, tmp_path: Path) -> None:
    row = member_row(spoken_language="Klingon", written_language="vi")
    summary = import_rows(engine, tmp_path, [row])
    member = fetch_member(engine, CIN)

    assert member.spoken_language is None
    assert member.written_language == "vie"
    assert problems_of(summary, "spoken_language")[0][1] == "ignored"


def test_bad_flag_stores_no(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(interpreter_needed="maybe")])

    assert fetch_member(engine, CIN).interpreter_needed is False
    assert problems_of(summary, "interpreter_needed")[0][1] == "ignored"


def test_unknown_delivery_system_stores_ffs(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(delivery_system="dmc-fresno")])

    assert fetch_member(engine, CIN).delivery_system.value == "ffs"
    assert problems_of(summary, "delivery_system")[0][1] == "ignored"


def test_delivery_system_label_accepted(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(delivery_system="Health Plan of San Mateo")])

    assert fetch_member(engine, CIN).delivery_system.value == "hpsm"


def test_unknown_special_need_ignored(engine: Engine, tmp_path: Path) -> None:
    row = member_row(special_needs="Sensory; telepathic; physical")
    summary = import_rows(engine, tmp_path, [row])

    assert fetch_member(engine, CIN).special_needs == "physical,sensory"
    assert [action for _, action, _ in problems_of(summary, "special_needs")] == ["ignored"]


def test_representative_end_before_start(engine: Engine, tmp_path: Path) -> None:
    row = member_row(
        representative_name="Bo Lee",
        representative_authority="guardian",
        representative_starts_on="2024-05-01",
        representative_ends_on="2024-04-30",
    )
    summary = import_rows(engine, tmp_path, [row])

    assert summary.inserted == 1
    assert count(engine, representative_table) == 0
    assert problems_of(summary, "representative_ends_on")[0][1] == "ignored"


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"representative_authority": "neighbor"}, "representative_authority"),
        ({"representative_authority": ""}, "representative_authority"),
        ({"representative_name": ""}, "representative_name"),
        ({"representative_ends_on": "04/30/2030"}, "representative_ends_on"),
    ],
)
def test_unusable_representative_dropped(
    engine: Engine, tmp_path: Path, fields: dict[str, str], column: str
) -> None:
    representative = {
        "representative_name": "Bo Lee",
        "representative_authority": "conservator",
        "representative_starts_on": "2024-05-01",
    }
    summary = import_rows(engine, tmp_path, [member_row(**{**representative, **fields})])

    assert summary.inserted == 1
    assert count(engine, representative_table) == 0
    assert problems_of(summary, column)[0][1] == "ignored"


def test_representative_bad_phone_kept(engine: Engine, tmp_path: Path) -> None:
    row = member_row(
        representative_name="Bo Lee",
        representative_authority="Power of Attorney",
        representative_phone="call the office",
    )
    summary = import_rows(engine, tmp_path, [row])
    (representative,) = fetch_children(engine, representative_table, 1)

    assert representative.phone is None
    assert representative.relationship == ""
    assert representative.authority_basis.value == "power-of-attorney"
    assert problems_of(summary, "representative_phone")[0][1] == "ignored"


# Frozen CINs


def test_frozen_cin_invalid_ignored(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(frozen_cins=f"123;{FROZEN_CIN}")])

    assert count(engine, alias_table) == 1
    assert problems_of(summary, "frozen_cins")[0][1] == "ignored"


def test_frozen_cin_own_ignored(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, [member_row(frozen_cins=CIN)])

    assert count(engine, alias_table) == 0
    assert "own CIN" in problems_of(summary, "frozen_cins")[0][2]


def test_frozen_cin_of_other_row_ignored(engine: Engine, tmp_path: Path) -> None:
    rows = [member_row(frozen_cins=OTHER_CIN), member_row(cin=OTHER_CIN)]
    summary = import_rows(engine, tmp_path, rows)

    assert summary.inserted == 2
    assert count(engine, alias_table) == 0
    assert problems_of(summary, "frozen_cins") == [
        (2, "ignored", "the frozen CIN is the CIN of the member on row 3")
    ]


def test_frozen_cin_on_two_rows(engine: Engine, tmp_path: Path) -> None:
    rows = [member_row(frozen_cins=FROZEN_CIN), member_row(cin=OTHER_CIN, frozen_cins=FROZEN_CIN)]
    summary = import_rows(engine, tmp_path, rows)

    with engine.connect() as connection:
        owners = connection.execute(select(alias_table.c.member_id)).scalars().all()
    assert owners == [fetch_member(engine, CIN).id]
    assert problems_of(summary, "frozen_cins")[0][:2] == (3, "ignored")


def test_frozen_cin_of_stored_member_ignored(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(cin=OTHER_CIN)])
    summary = import_rows(engine, tmp_path, [member_row(frozen_cins=OTHER_CIN)])

    assert count(engine, alias_table) == 0
    assert "another stored member" in problems_of(summary, "frozen_cins")[0][2]


def test_new_cin_frozen_elsewhere_rejected(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(frozen_cins=FROZEN_CIN)])
    summary = import_rows(
        engine,
        tmp_path,
        [member_row(cin=OTHER_CIN), member_row(cin=FROZEN_CIN, phones="9165550134")],
    )

    assert fetch_member(engine, FROZEN_CIN) is None
    assert count(engine, phone_table) == 0
    assert summary.inserted == 1
    assert summary.rejected == 1
    assert summary.counts.rows_kept == 1
    assert problems_of(summary, "cin")[0][:2] == (3, "rejected")


def test_frozen_cin_freed_by_owner_row(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(frozen_cins=FROZEN_CIN)])

    summary = import_rows(engine, tmp_path, [member_row(), member_row(cin=FROZEN_CIN)])

    assert summary.updated == 1
    assert summary.inserted == 1
    assert count(engine, alias_table) == 0


def test_frozen_cin_moves_between_members(engine: Engine, tmp_path: Path) -> None:
    """A file that moves a frozen CIN from one member to another applies in any row order."""
    import_rows(engine, tmp_path, [member_row(cin=THIRD_CIN, frozen_cins=FROZEN_CIN)])
    rows = [member_row(cin=CIN, frozen_cins=FROZEN_CIN), member_row(cin=THIRD_CIN)]
    summary = import_rows(engine, tmp_path, rows)

    with engine.connect() as connection:
        owners = connection.execute(select(alias_table.c.member_id)).scalars().all()
    assert owners == [fetch_member(engine, CIN).id]
    assert summary.problems == []


# Encodings and CSV quoting


def test_utf8_bom_header(engine: Engine, tmp_path: Path) -> None:
    path = write_members(tmp_path / "m.csv", [member_row(first_name="Zoë")], bom=True)

    summary = import_members_csv(engine, path)

    assert summary.inserted == 1
    assert fetch_member(engine, CIN).first_name == "Zoë"


def test_windows_1252_file(engine: Engine, tmp_path: Path) -> None:
    row = member_row(first_name="José", last_name="Núñez", accommodations="needs “quiet” room")
    path = write_members(tmp_path / "m.csv", [row], encoding="cp1252")

    import_members_csv(engine, path)
    member = fetch_member(engine, CIN)

    assert (member.first_name, member.last_name) == ("José", "Núñez")
    assert member.accommodations == "needs “quiet” room"


def test_quoted_newline_and_comma(engine: Engine, tmp_path: Path) -> None:
    row = member_row(
        residence_line1="12 Oak Ave, Rear",
        accommodations="wheelchair user;\nneeds a ground-floor office",
    )
    summary = import_rows(engine, tmp_path, [row, member_row(cin=OTHER_CIN)])
    member = fetch_member(engine, CIN)

    assert summary.inserted == 2
    assert member.residence_line1 == "12 Oak Ave, Rear"
    assert member.accommodations == "wheelchair user;\nneeds a ground-floor office"


def test_line_break_in_name_collapsed(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(last_name="De la\nCruz")])

    assert fetch_member(engine, CIN).last_name == "De la Cruz"


def test_header_only_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("cin,first_name,last_name,birth_date\n")

    summary = import_members_csv(engine, path)

    assert summary.counts.rows_read == 0
    assert summary.inserted == 0


# Re-import and updates


def test_reimport_unchanged(engine: Engine, tmp_path: Path) -> None:
    rows = [FULL_ROW, member_row(cin=OTHER_CIN, phones="916-555-0101")]
    import_rows(engine, tmp_path, rows)
    before = fetch_member(engine, CIN)
    phone_ids = [phone.id for phone in fetch_children(engine, phone_table, before.id)]

    summary = import_rows(engine, tmp_path, rows)
    after = fetch_member(engine, CIN)

    assert (summary.inserted, summary.updated, summary.unchanged) == (0, 0, 2)
    assert after.version == 1
    assert after.updated_at == before.updated_at
    assert [phone.id for phone in fetch_children(engine, phone_table, after.id)] == phone_ids


def test_reimport_same_values_other_spelling(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])
    respelled = {
        **FULL_ROW,
        "cin": CIN.lower(),
        "birth_date": "1987-03-14",
        "phones": "home:(916) 555-0134;mobile:279.555.0101 ext. 12",
        "spoken_language": "spa",
        "residence_zip": "958142719",
        "special_needs": "Developmental, Physical",
    }

    summary = import_rows(engine, tmp_path, [respelled])

    assert summary.unchanged == 1


def test_update_replaces_phones(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])
    changed = {**FULL_ROW, "phones": "work:530-555-0111 x7", "last_name": "García"}

    summary = import_rows(engine, tmp_path, [changed])
    member = fetch_member(engine, CIN)
    phones = [
        (phone.e164, phone.extension, phone.phone_type.value)
        for phone in fetch_children(engine, phone_table, member.id)
    ]

    assert summary.updated == 1
    assert phones == [("+15305550111", "7", "work")]
    assert member.last_name == "García"
    assert member.name_key == "garcia hernandez jose maria"
    assert member.version == 2


def test_update_sets_updated_at(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])
    before = fetch_member(engine, CIN)

    import_rows(engine, tmp_path, [{**FULL_ROW, "accommodations": ""}])
    after = fetch_member(engine, CIN)

    assert after.accommodations is None
    assert after.updated_at > before.updated_at
    assert after.created_at == before.created_at


def test_update_replaces_aliases(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])

    import_rows(engine, tmp_path, [{**FULL_ROW, "frozen_cins": "90000002F;90000003G"}])
    member = fetch_member(engine, CIN)

    assert [alias.cin for alias in fetch_children(engine, alias_table, member.id)] == [
        "90000002F",
        "90000003G",
    ]


def test_update_replaces_representative(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])
    changed = {
        **FULL_ROW,
        "representative_name": "Luis García",
        "representative_relationship": "son",
        "representative_authority": "power-of-attorney",
        "representative_starts_on": "2020-01-01",
        "representative_ends_on": "",
    }

    import_rows(engine, tmp_path, [changed])
    member = fetch_member(engine, CIN)
    names = [rep.name for rep in fetch_children(engine, representative_table, member.id)]

    assert names == ["Luis García"]


def test_member_missing_from_file_kept(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row(), member_row(cin=OTHER_CIN)])

    import_rows(engine, tmp_path, [member_row()])

    assert count(engine, member_table) == 2


def add_call_for_representative(engine: Engine, member_id: int, representative_id: int) -> None:
    with engine.begin() as connection:
        user_id = connection.execute(
            insert(user_table).values(
                username="rep1",
                display_name="Rep One",
                role=Role.REPRESENTATIVE,
                active=True,
                created_at=utc_now(),
            )
        ).inserted_primary_key[0]
        connection.execute(
            insert(call_table).values(
                user_id=user_id,
                terminal="test",
                status="closed",
                started_at=utc_now(),
                member_id=member_id,
                representative_id=representative_id,
                verified=True,
                reasons="",
                version=1,
            )
        )


def test_referenced_representative_ended(engine: Engine, tmp_path: Path) -> None:
    current = {**FULL_ROW, "representative_authority": "conservator", "representative_ends_on": ""}
    import_rows(engine, tmp_path, [current])
    member = fetch_member(engine, CIN)
    (representative,) = fetch_children(engine, representative_table, member.id)
    add_call_for_representative(engine, member.id, representative.id)
    dropped = {name: value for name, value in current.items() if "representative" not in name}

    summary = import_rows(engine, tmp_path, [dropped])
    (kept,) = fetch_children(engine, representative_table, member.id)

    assert summary.updated == 1
    assert summary.representatives_ended == 1
    assert kept.id == representative.id
    assert kept.ends_on == date.today() - timedelta(days=1)


def test_referenced_representative_reimport_unchanged(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])
    member = fetch_member(engine, CIN)
    (representative,) = fetch_children(engine, representative_table, member.id)
    add_call_for_representative(engine, member.id, representative.id)
    dropped = {name: value for name, value in FULL_ROW.items() if "representative" not in name}
    import_rows(engine, tmp_path, [dropped])

    summary = import_rows(engine, tmp_path, [dropped])

    assert summary.unchanged == 1
    assert len(fetch_children(engine, representative_table, member.id)) == 1


def test_unreferenced_representative_deleted(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW])
    dropped = {name: value for name, value in FULL_ROW.items() if "representative" not in name}

    import_rows(engine, tmp_path, [dropped])

    assert count(engine, representative_table) == 0


# Audit and protected health information


def audit_events(engine: Engine) -> list[Any]:
    """Import audit events, oldest first (adding a user is audited too)."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                select(audit_table)
                .where(audit_table.c.action == AuditAction.IMPORT_MEMBERS)
                .order_by(audit_table.c.id)
            )
        )


def test_audit_event_appended(engine: Engine, full_import: MemberImportSummary) -> None:
    (audit,) = audit_events(engine)

    assert audit.action == AuditAction.IMPORT_MEMBERS
    assert audit.username == current_login()
    assert audit.role == "admin"
    assert "inserted 1" in audit.detail
    assert "rejected 0" in audit.detail


def test_audit_event_has_no_member_values(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [FULL_ROW, member_row(cin=OTHER_CIN, birth_date="2/3/99")])
    (audit,) = audit_events(engine)
    text = " ".join(str(value) for value in audit)

    for value in (CIN, OTHER_CIN, "María", "García", "1987", "2/3/99", "916"):
        assert value not in text


def test_audit_role_from_user_row(engine: Engine, tmp_path: Path) -> None:
    add_user(engine, current_login(), "Import Admin", Role.SUPERVISOR)

    import_rows(engine, tmp_path, [member_row()])
    (audit,) = audit_events(engine)

    assert audit.role == "supervisor"


def test_audit_event_per_import(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, [member_row()])
    import_rows(engine, tmp_path, [member_row()])

    assert len(audit_events(engine)) == 2


BAD_ROWS = [
    member_row(cin="91234567", first_name="Xiomara"),
    member_row(cin=OTHER_CIN, birth_date="2/3/99", last_name="Quintanilla"),
    member_row(cin=THIRD_CIN, phones="916-555-01", residence_zip="9581x"),
]
BAD_VALUES = ("91234567", "Xiomara", OTHER_CIN, "2/3/99", "Quintanilla", "916-555-01", "9581x")


def test_problems_withhold_values(engine: Engine, tmp_path: Path) -> None:
    summary = import_rows(engine, tmp_path, BAD_ROWS)
    text = " ".join(f"{p.column} {p.value} {p.reason}" for p in summary.problems)

    assert summary.problem_count == 4
    assert all(problem.value == "" for problem in summary.problems)
    for value in BAD_VALUES:
        assert value not in text
    for reason in summary.problem_counts:
        assert not any(value in reason for value in BAD_VALUES)


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_report_without_values(engine: Engine, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    import_rows(engine, tmp_path, BAD_ROWS, report_path=report)
    rows = read_report(report)

    assert len(rows) == 4
    assert {row["value"] for row in rows} == {WITHHELD}
    assert not any(value in report.read_text() for value in BAD_VALUES)


def test_report_with_values(engine: Engine, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    import_rows(engine, tmp_path, BAD_ROWS, report_path=report, report_values=True)
    values = {(row["row"], row["column"]): row["value"] for row in read_report(report)}

    assert values[("2", "cin")] == "91234567"
    assert values[("3", "birth_date")] == "2/3/99"
    assert values[("4", "phones")] == "916-555-01"
    assert values[("4", "residence_zip")] == "9581x"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_report_owner_only(engine: Engine, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    report.write_text("old")
    report.chmod(0o644)

    import_rows(engine, tmp_path, BAD_ROWS, report_path=report, report_values=True)

    assert report.stat().st_mode & 0o077 == 0


def test_duplicate_problem_withholds_cin(engine: Engine, tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    import_rows(engine, tmp_path, [member_row(), member_row()], report_path=report)

    assert CIN not in report.read_text()


# The command line, run as a subprocess


def run_cli(database_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")
    }
    environment["TSC_DATABASE_URL"] = database_url
    return subprocess.run(
        [str(PROGRAM), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def cli_import(tmp_path_factory: pytest.TempPathFactory):
    """A database made with `db init` and a members file with good and bad rows, imported."""
    folder = tmp_path_factory.mktemp("members-cli")
    database_url = f"sqlite:///{folder / 'tsc.db'}"
    run_cli(database_url, "db", "init")
    path = write_members(folder / "members.csv", [FULL_ROW, *BAD_ROWS])
    report = folder / "report.csv"
    result = run_cli(
        database_url, "members", "import", str(path), "--report", str(report), "--report-values"
    )
    return database_url, path, report, result


def test_cli_import_exits_zero(cli_import) -> None:
    _, _, _, result = cli_import

    assert result.returncode == 0, result.stderr


def test_cli_import_prints_counts(cli_import) -> None:
    _, _, _, result = cli_import

    assert "Rows read: 4" in result.stdout
    assert "Rejected: 2" in result.stdout
    assert "Inserted: 2" in result.stdout


def test_cli_prints_problem_rows(cli_import) -> None:
    _, _, _, result = cli_import

    assert "birth_date" in result.stdout
    assert "two-digit year" in result.stdout
    assert "not shown because they are member data" in result.stdout


def test_cli_output_has_no_member_values(cli_import) -> None:
    _, _, _, result = cli_import
    output = result.stdout + result.stderr
    good_values = (
        CIN,
        "María",
        "García",
        "Hernández",
        "03/14/1987",
        "1987",
        "916-555-0134",
        "5550134",
        "Capitol Ave",
        FROZEN_CIN,
        "Rosa",
    )

    for value in (*good_values, *BAD_VALUES):
        assert value not in output, value


def test_cli_report_has_values(cli_import) -> None:
    _, _, report, _ = cli_import

    assert "2/3/99" in report.read_text()


def test_cli_reimport_unchanged(cli_import) -> None:
    database_url, path, _, _ = cli_import

    result = run_cli(database_url, "members", "import", str(path))

    assert "Unchanged: 2" in result.stdout


def test_cli_report_values_needs_report(cli_import) -> None:
    database_url, path, _, _ = cli_import

    result = run_cli(database_url, "members", "import", str(path), "--report-values")

    assert result.returncode == 1
    assert "--report-values needs --report" in result.stderr


def test_cli_layout_error_exit_two(cli_import, tmp_path: Path) -> None:
    database_url, _, _, _ = cli_import
    path = write_members(tmp_path / "m.csv", [{"cin": CIN, "name": "Ana Lee"}])

    result = run_cli(database_url, "members", "import", str(path))

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "first_name" in result.stderr


def test_cli_empty_file_exit_two(cli_import, tmp_path: Path) -> None:
    database_url, _, _, _ = cli_import
    path = tmp_path / "m.csv"
    path.write_text("cin,first_name,last_name,birth_date\n")

    result = run_cli(database_url, "members", "import", str(path))

    assert result.returncode == 2


def test_cli_columns_lists_all(tmp_path: Path) -> None:
    result = run_cli(f"sqlite:///{tmp_path / 'tsc.db'}", "members", "columns")

    assert result.returncode == 0
    for name in MEMBER_COLUMNS:
        assert name in result.stdout


# Demo data


def test_demo_members_import_cleanly(engine: Engine, tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "make_demo_data.py"),
            "--members",
            "400",
            "--out",
            str(tmp_path),
            "--seed",
            "3",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    summary = import_members_csv(engine, tmp_path / "members_demo.csv")

    assert summary.problem_count == 0
    assert summary.inserted == 400
    assert count(engine, alias_table) > 0
    assert count(engine, representative_table) > 0
