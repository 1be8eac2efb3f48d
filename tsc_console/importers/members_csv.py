"""Reader for the members CSV: eligibility extracts and demo data (columns in `MEMBER_COLUMNS`).

Each row is a member's whole record, keyed by CIN. An empty cell clears the
stored value, and the row's phones, representative and frozen CINs replace the
member's stored ones when the file is applied (`services.member_import`).

A row is rejected only when a required value is missing or invalid: the CIN,
the first and last name, or the date of birth. Any other invalid value is
dropped, reported as "ignored", and the rest of the row is imported. Two
optional values are dropped together with what depends on them: an invalid
representative date or authority drops the whole representative, because a
representative without its dates could look current when it is not.

Member data is protected health information. Problem reasons name the column
and the rule, never the value, and the value is kept in the report only when
the caller asks for it (`MemberStaging(keep_values=True)`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tsc_console.domain.birthdates import InvalidBirthDateError, parse_birth_date
from tsc_console.domain.directory import parse_flag
from tsc_console.domain.geography import county_name, lookup_zip, split_zip
from tsc_console.domain.identifiers import InvalidMemberIdError, parse_member_id
from tsc_console.domain.languages import language_code
from tsc_console.domain.members import AuthorityBasis, DeliverySystem, PhoneType, SpecialNeed
from tsc_console.domain.names import name_key
from tsc_console.domain.phones import InvalidPhoneError, parse_phone
from tsc_console.importers.nppes import ProgressCallback
from tsc_console.importers.reading import CsvSource, FileLayoutError, column_index
from tsc_console.importers.staging import IGNORED, REJECTED, Problem, Staging

MEMBER_COLUMNS: dict[str, str] = {
    "cin": "CIN (8 digits and a letter) or 14-character BIC ID; the CIN is stored (required)",
    "first_name": "first name (required)",
    "middle_name": "middle name or initial",
    "last_name": "last name (required)",
    "second_last_name": "second last name, e.g. the mother's surname in Spanish names",
    "birth_date": "date of birth, MM/DD/YYYY or YYYY-MM-DD with a four-digit year (required)",
    "phones": "phone numbers separated by ';', each as type:number, e.g. "
    "home:916-555-0134;mobile:(279) 555-0101 x12. Types: home, mobile, work, tty, other; "
    "a number without a type is home",
    "residence_line1": "residence street address",
    "residence_line2": "residence apartment, unit or suite",
    "residence_city": "residence city",
    "residence_zip": "residence ZIP code, 5 or 9 digits (95814, 95814-2719 or 958142719)",
    "mailing_line1": "mailing address, when it differs from the residence",
    "mailing_line2": "mailing address second line",
    "mailing_city": "mailing city",
    "mailing_zip": "mailing ZIP code, 5 or 9 digits",
    "county": "California county of residence, e.g. Los Angeles; "
    "when empty, the county of the residence ZIP code",
    "spoken_language": "preferred spoken language: a name such as Spanish or an ISO 639-3 "
    "code such as spa (ASL for American Sign Language)",
    "written_language": "preferred written language, as spoken_language",
    "interpreter_needed": "Y or N: needs an interpreter",
    "tty_relay": "Y or N: uses TTY or the California Relay Service (711)",
    "sign_language": "Y or N: needs a sign language interpreter",
    "delivery_system": "ffs, dmc-sacramento, dmc-los-angeles or hpsm; empty means ffs",
    "dental_plan": "dental managed care plan name, for dmc and hpsm members",
    "special_needs": "special health care needs separated by ';': "
    + ", ".join(need.value for need in SpecialNeed),
    "accommodations": "free text, e.g. wheelchair user, needs morning appointments",
    "frozen_cins": "older CINs of merged duplicate records, separated by ';'; "
    "lookups by these CINs find this member",
    "representative_name": "full name of a person with authority to act for the member",
    "representative_relationship": "representative's relationship, e.g. mother, daughter",
    "representative_authority": "basis of the representative's authority: "
    + ", ".join(basis.value for basis in AuthorityBasis),
    "representative_phone": "representative's phone number",
    "representative_starts_on": "first day of the representative's authority, YYYY-MM-DD",
    "representative_ends_on": "last day of the representative's authority, YYYY-MM-DD; "
    "empty when it has no end",
}

REQUIRED_COLUMNS = ("cin", "first_name", "last_name", "birth_date")
REPRESENTATIVE_COLUMNS = tuple(
    name for name in MEMBER_COLUMNS if name.startswith("representative_")
)

# Keys of the "member" part of a staged payload, in `member` table column names.
MEMBER_FIELDS = (
    "cin",
    "first_name",
    "middle_name",
    "last_name",
    "second_last_name",
    "name_key",
    "birth_date",
    "county",
    "residence_line1",
    "residence_line2",
    "residence_city",
    "residence_state",
    "residence_zip5",
    "residence_zip4",
    "mailing_line1",
    "mailing_line2",
    "mailing_city",
    "mailing_state",
    "mailing_zip5",
    "mailing_zip4",
    "spoken_language",
    "written_language",
    "interpreter_needed",
    "tty_relay",
    "sign_language",
    "delivery_system",
    "dental_plan",
    "special_needs",
    "accommodations",
)

# Maximum lengths of the `member` and `member_representative` text columns.
# PostgreSQL rejects longer values, which would fail the whole import.
NAME_MAX = 60
NAME_KEY_MAX = 250
ADDRESS_LINE_MAX = 120
CITY_MAX = 60
DENTAL_PLAN_MAX = 80
REPRESENTATIVE_NAME_MAX = 120
RELATIONSHIP_MAX = 60

PROGRESS_EVERY = 5000

_DELIVERY_SYSTEMS: dict[str, DeliverySystem] = {}
for _system in DeliverySystem:
    _DELIVERY_SYSTEMS[_system.value] = _system
    _DELIVERY_SYSTEMS[_system.label.casefold()] = _system


@dataclass
class MemberScanCounts:
    rows_read: int = 0
    rows_kept: int = 0
    rejected: int = 0


class MemberStaging(Staging):
    """Scratch file of a members import, with the frozen CINs kept in a table of their own.

    `finish_scan` drops the frozen CINs that would point at two members: one that
    is another row's CIN, and one listed on more than one row (every row after
    the first loses it).
    """

    def __init__(self, *, keep_values: bool = False) -> None:
        super().__init__(key_name="CIN")
        self.keep_values = keep_values
        self._db.execute("CREATE TABLE alias (row_number INTEGER NOT NULL, cin TEXT NOT NULL)")
        self._aliases: list[tuple[int, str]] = []

    def add_row(self, row_number: int, npi: str, payload: dict[str, Any]) -> None:
        self._aliases.extend((row_number, alias) for alias in payload["aliases"])
        super().add_row(row_number, npi, payload)

    def finish_scan(self, npi_column: str = "cin") -> None:
        self._db.executemany("INSERT INTO alias VALUES (?, ?)", self._aliases)
        self._aliases.clear()
        super().finish_scan(npi_column=npi_column)
        if not self.keep_values:
            # The duplicate-CIN problems carry the CIN as their value.
            self._db.execute("UPDATE problem SET value = ''")
        self._drop_conflicting_aliases()
        self._db.commit()

    def _drop_conflicting_aliases(self) -> None:
        db = self._db
        # Rows rejected as duplicate CINs are gone from `staged`.
        db.execute("DELETE FROM alias WHERE row_number NOT IN (SELECT row_number FROM staged)")
        db.execute("CREATE INDEX alias_cin ON alias (cin, row_number)")
        conflicts: list[tuple[int, str, str]] = []
        for row_number, alias, other_row in db.execute(
            """
            SELECT a.row_number, a.cin, s.row_number
            FROM alias a JOIN staged s ON s.npi = a.cin
            """
        ):
            conflicts.append(
                (row_number, alias, f"the frozen CIN is the CIN of the member on row {other_row}")
            )
        for row_number, alias, first_row in db.execute(
            """
            SELECT a.row_number, a.cin, first.row_number
            FROM alias a
            JOIN (SELECT cin, min(row_number) AS row_number FROM alias GROUP BY cin
                  HAVING count(*) > 1) first
              ON first.cin = a.cin AND a.row_number > first.row_number
            """
        ):
            conflicts.append(
                (row_number, alias, f"the frozen CIN is also listed on row {first_row}")
            )

        dropped: dict[int, set[str]] = {}
        for row_number, alias, reason in sorted(conflicts):
            if alias in dropped.get(row_number, set()):
                continue
            dropped.setdefault(row_number, set()).add(alias)
            value = alias if self.keep_values else ""
            self.add_problem(Problem(row_number, "frozen_cins", value, reason, IGNORED))
        for row_number, aliases in dropped.items():
            (text,) = db.execute(
                "SELECT payload FROM staged WHERE row_number = ?", (row_number,)
            ).fetchone()
            payload = json.loads(text)
            payload["aliases"] = [alias for alias in payload["aliases"] if alias not in aliases]
            db.execute(
                "UPDATE staged SET payload = ? WHERE row_number = ?",
                (json.dumps(payload, separators=(",", ":")), row_number),
            )
        self.flush_problems()

    def row_number_of(self, cin: str) -> int | None:
        """Return the file row of a staged CIN, or None when no kept row has it."""
        found = self._db.execute(
            "SELECT row_number FROM staged WHERE npi = ? ORDER BY row_number", (cin,)
        ).fetchone()
        return None if found is None else int(found[0])


def scan_members_csv(
    path: Path,
    staging: MemberStaging,
    *,
    progress: ProgressCallback | None = None,
    today: date | None = None,
) -> MemberScanCounts:
    """Validate every row of a members CSV into `staging`.

    Raises:
        FileLayoutError: the file cannot be opened or read as CSV, lacks a
            required column, or has a column this format does not define.
    """
    reference = today or date.today()
    counts = MemberScanCounts()
    with CsvSource(path) as source:
        header = [name.casefold() for name in source.header]
        index = column_index(header)
        _check_header(header, index)
        column_count = len(header)
        for record in source.records():
            counts.rows_read += 1
            if progress is not None and counts.rows_read % PROGRESS_EVERY == 0:
                progress(
                    counts.rows_read, counts.rows_read - staging.rejected_count, source.bytes_read()
                )
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
            if len(record.values) > column_count:
                staging.add_problem(
                    Problem(
                        record.row_number,
                        "(row)",
                        "",
                        f"the row has {len(record.values)} cells but the header has "
                        f"{column_count} columns; check for a comma outside quotes",
                        REJECTED,
                    )
                )
                continue
            cells = {
                name: record.values[position].strip()
                for name, position in index.items()
                if position < len(record.values)
            }
            reader = _RowReader(record.row_number, cells, staging.keep_values, reference)
            payload = reader.read()
            for problem in reader.problems:
                staging.add_problem(problem)
            if payload is not None:
                staging.add_row(record.row_number, payload["member"]["cin"], payload)
        if progress is not None:
            progress(counts.rows_read, counts.rows_read - staging.rejected_count, source.size)
    staging.finish_scan()
    counts.rejected = staging.rejected_count
    counts.rows_kept = staging.staged_count()
    return counts


def _check_header(header: list[str], index: dict[str, int]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in index]
    if missing:
        raise FileLayoutError(
            f"the members CSV has no {', '.join(repr(name) for name in missing)} column; "
            f"the required columns are {', '.join(REQUIRED_COLUMNS)}"
        )
    unknown = [name for name in header if name and name not in MEMBER_COLUMNS]
    if unknown:
        raise FileLayoutError(
            f"unknown column(s) {', '.join(repr(name) for name in unknown)}; "
            "run `tsc-console members columns` for the columns of the members CSV"
        )


def _single_line(text: str) -> str:
    """Collapse runs of whitespace, including line breaks inside quoted cells, to one space."""
    return " ".join(text.split())


class _RowReader:
    """Validates one row into a staged payload and collects its problems."""

    def __init__(
        self, row_number: int, cells: dict[str, str], keep_values: bool, today: date
    ) -> None:
        self.row_number = row_number
        self.cells = cells
        self.keep_values = keep_values
        self.today = today
        self.problems: list[Problem] = []

    def _problem(self, column: str, reason: str, action: str, value: str | None) -> None:
        reported_value = ""
        if self.keep_values:
            reported_value = self.cells.get(column, "") if value is None else value
        self.problems.append(Problem(self.row_number, column, reported_value, reason, action))

    def reject(self, column: str, reason: str) -> None:
        self._problem(column, reason, REJECTED, None)

    def ignore(self, column: str, reason: str, value: str | None = None) -> None:
        """Report a dropped value. `value` is the part of the cell that was dropped, if not all."""
        self._problem(column, reason, IGNORED, value)

    def text(self, column: str, max_length: int | None = None) -> str | None:
        """Return the cell as one line, None when empty or (reported) longer than `max_length`."""
        value = _single_line(self.cells.get(column, ""))
        if not value:
            return None
        if max_length is not None and len(value) > max_length:
            self.ignore(column, f"longer than {max_length} characters")
            return None
        return value

    # The whole row

    def read(self) -> dict[str, Any] | None:
        """Return the staged payload, or None when the row is rejected."""
        member = self.read_identity()
        if member is None:
            return None
        member.update(self.read_addresses())
        member.update(self.read_preferences())
        aliases = self.read_frozen_cins(member["cin"])
        phones = self.read_phones()
        representative = self.read_representative()
        return {
            "member": member,
            "phones": phones,
            "representatives": [representative] if representative else [],
            "aliases": aliases,
        }

    def read_identity(self) -> dict[str, Any] | None:
        """Read CIN, names and date of birth; None (with problems) when any is unusable."""
        rejected = False
        cin = ""
        cin_text = self.cells.get("cin", "")
        if not cin_text:
            self.reject("cin", "the CIN is missing")
            rejected = True
        else:
            try:
                cin = parse_member_id(cin_text, today=self.today).cin
            except InvalidMemberIdError as error:
                self.reject("cin", f"invalid CIN or BIC ID: {error}")
                rejected = True

        names: dict[str, str | None] = {}
        for column in ("first_name", "last_name"):
            value = _single_line(self.cells.get(column, ""))
            label = column.replace("_", " ")
            if not value:
                self.reject(column, f"the {label} is missing")
                rejected = True
            elif len(value) > NAME_MAX:
                self.reject(column, f"the {label} is longer than {NAME_MAX} characters")
                rejected = True
            names[column] = value
        for column in ("middle_name", "second_last_name"):
            names[column] = self.text(column, NAME_MAX)

        birth_date: date | None = None
        birth_text = self.cells.get("birth_date", "")
        if not birth_text:
            self.reject("birth_date", "the date of birth is missing")
            rejected = True
        else:
            try:
                birth_date = parse_birth_date(birth_text, today=self.today)
            except InvalidBirthDateError as error:
                self.reject("birth_date", f"invalid date of birth: {error}")
                rejected = True

        key = name_key(
            names["first_name"],
            names["middle_name"],
            names["last_name"],
            names["second_last_name"],
        )
        if not rejected and len(key) > NAME_KEY_MAX:
            self.reject("last_name", "the name is too long to index")
            rejected = True
        if rejected or birth_date is None:
            return None
        return {
            "cin": cin,
            **names,
            "name_key": key,
            "birth_date": birth_date.isoformat(),
        }

    # Addresses and county

    def read_addresses(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for kind in ("residence", "mailing"):
            fields[f"{kind}_line1"] = self.text(f"{kind}_line1", ADDRESS_LINE_MAX)
            fields[f"{kind}_line2"] = self.text(f"{kind}_line2", ADDRESS_LINE_MAX)
            fields[f"{kind}_city"] = self.text(f"{kind}_city", CITY_MAX)
            zip5, zip4 = self.read_zip(f"{kind}_zip")
            fields[f"{kind}_zip5"] = zip5
            fields[f"{kind}_zip4"] = zip4
            place = lookup_zip(zip5) if zip5 else None
            has_address = any(fields[f"{kind}_{part}"] for part in ("line1", "city", "zip5"))
            if place is not None:
                fields[f"{kind}_state"] = place.state
            else:
                # Medi-Cal members live in California. A mailing address is
                # assumed in California too unless its ZIP code shows otherwise.
                fields[f"{kind}_state"] = "CA" if has_address else None

        county_text = self.cells.get("county", "")
        county = None
        if county_text:
            county = county_name(county_text)
            if county is None:
                self.ignore("county", "not a California county; the residence ZIP code is used")
        if county is None and fields["residence_zip5"]:
            place = lookup_zip(fields["residence_zip5"])
            if place is not None and place.state == "CA":
                county = place.county
        fields["county"] = county
        return fields

    def read_zip(self, column: str) -> tuple[str | None, str | None]:
        text = self.cells.get(column, "")
        if not text:
            return None, None
        parts = split_zip(text)
        if parts is None:
            self.ignore(column, "invalid ZIP code: 5 or 9 digits expected; the address is kept")
            return None, None
        return parts

    # Languages, flags, delivery system, needs

    def read_preferences(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for column in ("spoken_language", "written_language"):
            text = self.cells.get(column, "")
            code = language_code(text) if text else None
            if text and code is None:
                self.ignore(
                    column,
                    "unknown language: give a name such as Spanish or an "
                    "ISO 639-3 code such as spa",
                )
            fields[column] = code

        for column in ("interpreter_needed", "tty_relay", "sign_language"):
            text = self.cells.get(column, "")
            flag = parse_flag(text)
            if flag is None:
                self.ignore(column, "expected Y or N; N is stored")
                flag = False
            fields[column] = flag

        system = DeliverySystem.FEE_FOR_SERVICE
        system_text = self.cells.get("delivery_system", "")
        if system_text:
            found = _DELIVERY_SYSTEMS.get(system_text.casefold())
            if found is None:
                self.ignore(
                    "delivery_system",
                    "unknown delivery system: expected "
                    + ", ".join(item.value for item in DeliverySystem)
                    + "; ffs is stored",
                )
            else:
                system = found
        fields["delivery_system"] = system.value
        fields["dental_plan"] = self.text("dental_plan", DENTAL_PLAN_MAX)

        needs: set[SpecialNeed] = set()
        for part in self.cells.get("special_needs", "").replace(",", ";").split(";"):
            if not part.strip():
                continue
            try:
                needs.add(SpecialNeed(part.strip().casefold()))
            except ValueError:
                self.ignore(
                    "special_needs",
                    "unknown special need: expected "
                    + ", ".join(need.value for need in SpecialNeed),
                    part.strip(),
                )
        # Stored comma-separated in the enum's order, so that equal sets compare equal.
        fields["special_needs"] = ",".join(need.value for need in SpecialNeed if need in needs)
        accommodations = self.cells.get("accommodations", "")
        fields["accommodations"] = accommodations or None
        return fields

    # Phones, frozen CINs, representative

    def read_phones(self) -> list[list[str | None]]:
        """Return [E.164, extension, type] entries in file order, without repeats."""
        phones: list[list[str | None]] = []
        for entry in self.cells.get("phones", "").split(";"):
            entry = entry.strip()
            if not entry:
                continue
            phone_type = PhoneType.HOME
            number_text = entry
            label, colon, rest = entry.partition(":")
            if colon:
                try:
                    phone_type = PhoneType(label.strip().casefold())
                except ValueError:
                    self.ignore(
                        "phones",
                        "unknown phone type: expected "
                        + ", ".join(item.value for item in PhoneType),
                        entry,
                    )
                    continue
                number_text = rest
            try:
                # The exception message contains the number, so it is not reported.
                phone = parse_phone(number_text)
            except InvalidPhoneError:
                self.ignore("phones", "invalid phone number; the other phones are kept", entry)
                continue
            item: list[str | None] = [phone.e164, phone.extension, phone_type.value]
            if item not in phones:
                phones.append(item)
        return phones

    def read_frozen_cins(self, cin: str) -> list[str]:
        aliases: set[str] = set()
        for part in self.cells.get("frozen_cins", "").replace(",", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            try:
                alias = parse_member_id(part, today=self.today).cin
            except InvalidMemberIdError as error:
                self.ignore("frozen_cins", f"invalid frozen CIN: {error}", part)
                continue
            if alias == cin:
                self.ignore("frozen_cins", "the frozen CIN is the member's own CIN", part)
                continue
            aliases.add(alias)
        return sorted(aliases)

    def read_representative(self) -> dict[str, Any] | None:
        """Return the representative, or None when the row has none or it is unusable."""
        if not any(self.cells.get(column) for column in REPRESENTATIVE_COLUMNS):
            return None

        usable = True
        name = _single_line(self.cells.get("representative_name", ""))
        if not name:
            self.ignore(
                "representative_name",
                "the representative's name is missing; the representative is not imported",
            )
            usable = False
        elif len(name) > REPRESENTATIVE_NAME_MAX:
            self.ignore(
                "representative_name",
                f"longer than {REPRESENTATIVE_NAME_MAX} "
                "characters; the representative is not imported",
            )
            usable = False

        authority_text = self.cells.get("representative_authority", "")
        authority: AuthorityBasis | None = None
        try:
            authority = AuthorityBasis(authority_text.casefold().replace(" ", "-"))
        except ValueError:
            reason = "missing" if not authority_text else "unknown"
            self.ignore(
                "representative_authority",
                f"{reason} authority: expected "
                + ", ".join(basis.value for basis in AuthorityBasis)
                + "; the representative is not imported",
            )
            usable = False

        starts_valid, starts_on = self.read_representative_date("representative_starts_on")
        ends_valid, ends_on = self.read_representative_date("representative_ends_on")
        if not (starts_valid and ends_valid):
            usable = False
        elif starts_on and ends_on and ends_on < starts_on:
            self.ignore(
                "representative_ends_on",
                "the end date is before the start date; the representative is not imported",
            )
            usable = False

        relationship = self.text("representative_relationship", RELATIONSHIP_MAX) or ""

        phone: str | None = None
        phone_text = self.cells.get("representative_phone", "")
        if phone_text:
            try:
                parsed = parse_phone(phone_text)
            except InvalidPhoneError:
                self.ignore(
                    "representative_phone",
                    "invalid phone number; the representative is kept without it",
                )
            else:
                phone = parsed.e164
                if parsed.extension:
                    self.ignore(
                        "representative_phone",
                        "a representative's phone has no "
                        "extension field; the number is kept without it",
                    )

        if not usable or authority is None:
            return None
        return {
            "name": name,
            "name_key": name_key(name),
            "relationship": relationship,
            "authority_basis": authority.value,
            "phone": phone,
            "starts_on": starts_on.isoformat() if starts_on else None,
            "ends_on": ends_on.isoformat() if ends_on else None,
        }

    def read_representative_date(self, column: str) -> tuple[bool, date | None]:
        """Return (valid, date). An empty cell is valid with no date; an invalid one is reported."""
        text = self.cells.get(column, "")
        if not text:
            return True, None
        try:
            return True, date.fromisoformat(text)
        except ValueError:
            self.ignore(
                column, "invalid date: YYYY-MM-DD expected; the representative is not imported"
            )
            return False, None
