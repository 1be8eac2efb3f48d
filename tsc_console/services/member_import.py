"""Import a members CSV: scan into a scratch file, then apply in one write transaction.

Each kept row is compared with the stored member of the same CIN: its member
columns, phones, representatives and frozen CINs, all normalised the same way.
An equal member is left alone, so importing the same file twice changes
nothing. A changed member gets the row's values, its phones and frozen CINs are
replaced, `version` goes up by one and `updated_at` is set. Members that are not
in the file are left as they are.

Representatives that a call refers to are never deleted, so the call history
keeps them. When the file no longer lists such a representative, it stays on
the member with its authority ended the day before the import, and later
imports ignore it when comparing.

Frozen CINs must find exactly one member. A frozen CIN that is another stored
member's CIN, or another stored member's frozen CIN, is dropped and reported.
A new member whose CIN is another member's frozen CIN is rejected. Merging two
stored records is left to an admin.

The audit log gets one IMPORT_MEMBERS event with the counts. Problems returned
for display never contain member values. The report file contains them only
with `report_values=True`, and it is created readable by its owner only.
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from tsc_console.domain.access import AuditAction
from tsc_console.importers.members_csv import (
    MEMBER_FIELDS,
    MemberScanCounts,
    MemberStaging,
    scan_members_csv,
)
from tsc_console.importers.nppes import ProgressCallback
from tsc_console.importers.staging import BATCH_SIZE, IGNORED, REJECTED, Problem, StagedRow
from tsc_console.services.audit import record_event
from tsc_console.services.session import Actor, admin_actor
from tsc_console.store.engine import write_session
from tsc_console.store.member_models import (
    Call,
    Member,
    MemberCinAlias,
    MemberPhone,
    MemberRepresentative,
)
from tsc_console.store.types import utc_now

log = logging.getLogger(__name__)

member_table = Member.__table__  # type: ignore[attr-defined]
phone_table = MemberPhone.__table__  # type: ignore[attr-defined]
representative_table = MemberRepresentative.__table__  # type: ignore[attr-defined]
alias_table = MemberCinAlias.__table__  # type: ignore[attr-defined]
call_table = Call.__table__  # type: ignore[attr-defined]

WITHHELD = "(value withheld)"
"""Written in the report's value column when values are not included."""

ApplyProgressCallback = Callable[[int, int], None]
"""Called with (rows written or compared, rows to write) after each batch of the apply."""

REPRESENTATIVE_FIELDS = (
    "name",
    "name_key",
    "relationship",
    "authority_basis",
    "phone",
    "starts_on",
    "ends_on",
)


@dataclass
class MemberImportSummary:
    file_name: str
    counts: MemberScanCounts
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    representatives_ended: int = 0
    """Representatives no longer in the file, kept for the calls that refer to them, now ended."""
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    """The first problems of the report, with their values withheld; `report_path` has them all."""
    problem_counts: dict[str, int] = field(default_factory=dict)
    report_path: Path | None = None

    @property
    def rejected(self) -> int:
        return self.counts.rejected


def import_actor(engine: Engine) -> Actor:
    """Return the actor recorded for an import (see `admin_actor`)."""
    return admin_actor(engine)


def import_members_csv(
    engine: Engine,
    path: Path,
    *,
    progress: ProgressCallback | None = None,
    apply_progress: ApplyProgressCallback | None = None,
    report_path: Path | None = None,
    report_values: bool = False,
    shown_problems: int = 50,
    actor: Actor | None = None,
    today: date | None = None,
) -> MemberImportSummary:
    """Import a members CSV. See the module docstring for the update rules.

    Args:
        progress: Called during the scan of the file, as for the provider import.
        apply_progress: Called during the write to the database.
        report_path: Write every problem to this CSV file (row, column, value,
            reason, action).
        report_values: Put the rejected or ignored values in the report's value
            column. The report then contains protected health information.
        actor: Who the audit event names; by default `import_actor(engine)`.
        today: Reference day for dates of birth and representatives' authority.

    Raises:
        FileLayoutError: the file cannot be read as a members CSV; nothing is written.
    """
    reference = today or date.today()
    event_actor = actor or import_actor(engine)
    staging = MemberStaging(keep_values=report_values and report_path is not None)
    try:
        counts = scan_members_csv(path, staging, progress=progress, today=reference)
        summary = MemberImportSummary(path.name, counts)
        applier = _Applier(staging, summary, reference, apply_progress)
        with write_session(engine) as session:
            connection = session.connection()
            applier.apply(connection)
            record_event(
                connection,
                event_actor,
                AuditAction.IMPORT_MEMBERS,
                entity_type="member",
                detail=(
                    f"rows read {counts.rows_read}; inserted {summary.inserted}; "
                    f"updated {summary.updated}; unchanged {summary.unchanged}; "
                    f"rejected {counts.rejected}; problems {staging.problem_count}"
                ),
            )
        _finish_summary(summary, staging, report_path, report_values, shown_problems)
        log.info(
            "members import of %s: %d read, %d inserted, %d updated, %d unchanged, %d rejected",
            path.name, counts.rows_read, summary.inserted, summary.updated, summary.unchanged,
            counts.rejected,
        )  # fmt: skip
        return summary
    finally:
        staging.close()


def _finish_summary(
    summary: MemberImportSummary,
    staging: MemberStaging,
    report_path: Path | None,
    report_values: bool,
    shown_problems: int,
) -> None:
    summary.problem_count = staging.problem_count
    summary.problems = [
        Problem(problem.row_number, problem.column, "", problem.reason, problem.action)
        for problem in staging.problems(limit=shown_problems)
    ]
    summary.problem_counts = staging.problem_counts()
    if report_path is None:
        return
    # Created for the owner only, because with values the report contains member data.
    descriptor = os.open(report_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", newline="", encoding="utf-8") as handle:
        if os.name == "posix":
            os.fchmod(handle.fileno(), 0o600)
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "value", "reason", "action"])
        for problem in staging.problems():
            value = problem.value if report_values else WITHHELD
            writer.writerow(
                [problem.row_number, problem.column, value, problem.reason, problem.action]
            )
    summary.report_path = report_path


@dataclass
class _StoredMember:
    """A stored member in the same normalised form as a staged payload."""

    member_id: int
    version: int
    member: dict[str, Any]
    phones: list[list[str | None]]
    representatives: list[tuple[int, dict[str, Any]]]
    """(id, fields) in id order."""
    referenced: set[int]
    """Ids of representatives that a call refers to."""
    aliases: list[str]


class _Applier:
    """Writes the staged rows in batches inside the caller's transaction."""

    def __init__(
        self,
        staging: MemberStaging,
        summary: MemberImportSummary,
        today: date,
        progress: ApplyProgressCallback | None,
    ) -> None:
        self.staging = staging
        self.progress = progress
        self.summary = summary
        self.today = today
        self.now: datetime = utc_now()
        # Frozen CINs to write once every member is in place: (row, member id, CINs).
        self.pending_aliases: list[tuple[int, int, list[str]]] = []

    def apply(self, connection: Connection) -> None:
        total = self.staging.staged_count()
        done = 0
        for batch in self.staging.batches():
            self.apply_batch(connection, batch)
            done += len(batch)
            if self.progress is not None:
                self.progress(done, total)
        for start in range(0, len(self.pending_aliases), BATCH_SIZE):
            self.write_aliases(connection, self.pending_aliases[start : start + BATCH_SIZE])
        self.reject_cins_frozen_elsewhere(connection)
        self.staging.flush_problems()
        self.summary.counts.rejected = self.staging.rejected_count

    # Members, phones and representatives

    def apply_batch(self, connection: Connection, batch: list[StagedRow]) -> None:
        stored = self.load_stored(connection, [row.npi for row in batch])
        new_rows: list[StagedRow] = []
        changed: list[tuple[StagedRow, _StoredMember]] = []
        for row in batch:
            existing = stored.get(row.npi)
            if existing is None:
                new_rows.append(row)
            elif self.is_unchanged(row.payload, existing):
                self.summary.unchanged += 1
            else:
                changed.append((row, existing))
        if new_rows:
            self.insert_members(connection, new_rows)
        if changed:
            self.update_members(connection, changed)

    def load_stored(self, connection: Connection, cins: list[str]) -> dict[str, _StoredMember]:
        columns = [member_table.c.id, member_table.c.version] + [
            member_table.c[name] for name in MEMBER_FIELDS
        ]
        stored: dict[str, _StoredMember] = {}
        by_id: dict[int, _StoredMember] = {}
        for member_id, version, *values in connection.execute(
            select(*columns).where(member_table.c.cin.in_(cins))
        ):
            # Only the date and the enum differ from their payload form; the
            # other columns load as the str, bool or None the payload contains.
            member = dict(zip(MEMBER_FIELDS, values, strict=True))
            member["birth_date"] = member["birth_date"].isoformat()
            member["delivery_system"] = member["delivery_system"].value
            entry = _StoredMember(member_id, version, member, [], [], set(), [])
            stored[member["cin"]] = entry
            by_id[entry.member_id] = entry
        if not by_id:
            return stored

        ids = list(by_id)
        for phone in connection.execute(
            select(
                phone_table.c.member_id,
                phone_table.c.e164,
                phone_table.c.extension,
                phone_table.c.phone_type,
            )
            .where(phone_table.c.member_id.in_(ids))
            .order_by(phone_table.c.id)
        ):
            by_id[phone.member_id].phones.append(
                [phone.e164, phone.extension, _plain(phone.phone_type)]
            )
        for representative in connection.execute(
            select(representative_table)
            .where(representative_table.c.member_id.in_(ids))
            .order_by(representative_table.c.id)
        ):
            fields = {name: _plain(representative._mapping[name]) for name in REPRESENTATIVE_FIELDS}
            by_id[representative.member_id].representatives.append((representative.id, fields))
        for member_id, representative_id in connection.execute(
            select(call_table.c.member_id, call_table.c.representative_id).where(
                call_table.c.member_id.in_(ids), call_table.c.representative_id.is_not(None)
            )
        ):
            by_id[member_id].referenced.add(representative_id)
        for alias in connection.execute(
            select(alias_table.c.member_id, alias_table.c.cin)
            .where(alias_table.c.member_id.in_(ids))
            .order_by(alias_table.c.cin)
        ):
            by_id[alias.member_id].aliases.append(alias.cin)
        return stored

    def is_unchanged(self, payload: dict[str, Any], stored: _StoredMember) -> bool:
        if payload["member"] != stored.member or payload["phones"] != stored.phones:
            return False
        if payload["aliases"] != stored.aliases:
            return False
        compared = [
            fields
            for representative_id, fields in stored.representatives
            if not self.is_kept_history(representative_id, fields, stored, payload)
        ]
        return compared == payload["representatives"]

    def is_kept_history(
        self,
        representative_id: int,
        fields: dict[str, Any],
        stored: _StoredMember,
        payload: dict[str, Any],
    ) -> bool:
        """True for an ended representative, absent from the file, that a call refers to."""
        ends_on = fields["ends_on"]
        return (
            representative_id in stored.referenced
            and fields not in payload["representatives"]
            and ends_on is not None
            and date.fromisoformat(ends_on) < self.today
        )

    def insert_members(self, connection: Connection, rows: list[StagedRow]) -> None:
        values = [
            {
                **_member_values(row.payload["member"]),
                "version": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }
            for row in rows
        ]
        ids = {
            cin: member_id
            for cin, member_id in connection.execute(
                insert(member_table).returning(member_table.c.cin, member_table.c.id), values
            )
        }
        phones: list[dict[str, Any]] = []
        representatives: list[dict[str, Any]] = []
        for row in rows:
            member_id = ids[row.npi]
            phones.extend(_phone_values(member_id, row.payload["phones"]))
            representatives.extend(
                _representative_values(member_id, fields)
                for fields in row.payload["representatives"]
            )
            if row.payload["aliases"]:
                self.pending_aliases.append((row.row_number, member_id, row.payload["aliases"]))
        if phones:
            connection.execute(insert(phone_table), phones)
        if representatives:
            connection.execute(insert(representative_table), representatives)
        self.summary.inserted += len(rows)

    def update_members(
        self, connection: Connection, changed: list[tuple[StagedRow, _StoredMember]]
    ) -> None:
        member_ids = [stored.member_id for _, stored in changed]
        connection.execute(
            update(member_table).where(member_table.c.id == bindparam("b_id")),
            [
                {
                    **_member_values(row.payload["member"]),
                    "b_id": stored.member_id,
                    "version": stored.version + 1,
                    "updated_at": self.now,
                }
                for row, stored in changed
            ],
        )

        connection.execute(delete(phone_table).where(phone_table.c.member_id.in_(member_ids)))
        phones = [
            value
            for row, stored in changed
            for value in _phone_values(stored.member_id, row.payload["phones"])
        ]
        if phones:
            connection.execute(insert(phone_table), phones)

        self.replace_representatives(connection, changed)

        connection.execute(delete(alias_table).where(alias_table.c.member_id.in_(member_ids)))
        for row, stored in changed:
            if row.payload["aliases"]:
                self.pending_aliases.append(
                    (row.row_number, stored.member_id, row.payload["aliases"])
                )
        self.summary.updated += len(changed)

    def replace_representatives(
        self, connection: Connection, changed: list[tuple[StagedRow, _StoredMember]]
    ) -> None:
        """Keep stored representatives equal to the file's, add the new ones, remove the rest.

        A representative that a call refers to is ended instead of deleted.
        """
        yesterday = (self.today - timedelta(days=1)).isoformat()
        deleted: list[int] = []
        ended: list[dict[str, Any]] = []
        added: list[dict[str, Any]] = []
        for row, stored in changed:
            to_add = list(row.payload["representatives"])
            for representative_id, fields in stored.representatives:
                if fields in to_add:
                    to_add.remove(fields)
                elif representative_id not in stored.referenced:
                    deleted.append(representative_id)
                elif fields["ends_on"] is None or fields["ends_on"] >= self.today.isoformat():
                    ended.append({"b_id": representative_id, "ends_on": yesterday})
            added.extend(_representative_values(stored.member_id, fields) for fields in to_add)
        if deleted:
            connection.execute(
                delete(representative_table).where(representative_table.c.id.in_(deleted))
            )
        if ended:
            connection.execute(
                update(representative_table).where(representative_table.c.id == bindparam("b_id")),
                [{**entry, "ends_on": date.fromisoformat(entry["ends_on"])} for entry in ended],
            )
            self.summary.representatives_ended += len(ended)
        if added:
            connection.execute(insert(representative_table), added)

    # Frozen CINs

    def write_aliases(
        self, connection: Connection, pending: list[tuple[int, int, list[str]]]
    ) -> None:
        """Insert frozen CINs, dropping those that already find another member."""
        cins = [cin for _, _, aliases in pending for cin in aliases]
        member_cins = set(
            connection.execute(select(member_table.c.cin).where(member_table.c.cin.in_(cins)))
            .scalars()
            .all()
        )
        owners: dict[str, int] = {
            cin: member_id
            for cin, member_id in connection.execute(
                select(alias_table.c.cin, alias_table.c.member_id).where(
                    alias_table.c.cin.in_(cins)
                )
            )
        }
        values: list[dict[str, Any]] = []
        for row_number, member_id, aliases in pending:
            for cin in aliases:
                if cin in member_cins:
                    reason = "the frozen CIN is the CIN of another stored member; it is not stored"
                elif cin in owners and owners[cin] != member_id:
                    reason = "the frozen CIN already belongs to another member; it is not stored"
                else:
                    values.append({"cin": cin, "member_id": member_id})
                    continue
                value = cin if self.staging.keep_values else ""
                self.staging.add_problem(Problem(row_number, "frozen_cins", value, reason, IGNORED))
        if values:
            connection.execute(insert(alias_table), values)

    def reject_cins_frozen_elsewhere(self, connection: Connection) -> None:
        """Remove the members inserted now whose CIN is another member's frozen CIN."""
        conflicts = connection.execute(
            select(member_table.c.id, member_table.c.cin)
            .join(alias_table, alias_table.c.cin == member_table.c.cin)
            .where(
                alias_table.c.member_id != member_table.c.id, member_table.c.created_at == self.now
            )
        ).all()
        if not conflicts:
            return
        ids = [member_id for member_id, _ in conflicts]
        for table in (phone_table, representative_table, alias_table):
            connection.execute(delete(table).where(table.c.member_id.in_(ids)))
        connection.execute(delete(member_table).where(member_table.c.id.in_(ids)))
        for _, cin in conflicts:
            row_number = self.staging.row_number_of(cin) or 0
            self.staging.add_problem(
                Problem(
                    row_number,
                    "cin",
                    cin if self.staging.keep_values else "",
                    "the CIN is a frozen CIN of another member (a merged record); "
                    "correct the file or the merged record",
                    REJECTED,
                )
            )
        self.summary.inserted -= len(conflicts)
        self.summary.counts.rows_kept -= len(conflicts)


def _plain(value: Any) -> Any:
    """Convert a stored value to its form in a staged payload (ISO dates, enum values)."""
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def _member_values(member: dict[str, Any]) -> dict[str, Any]:
    values = dict(member)
    values["birth_date"] = date.fromisoformat(member["birth_date"])
    return values


def _phone_values(member_id: int, phones: Iterable[list[str | None]]) -> list[dict[str, Any]]:
    return [
        {"member_id": member_id, "e164": e164, "extension": extension, "phone_type": phone_type}
        for e164, extension, phone_type in phones
    ]


def _representative_values(member_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    values = {"member_id": member_id, **fields}
    for name in ("starts_on", "ends_on"):
        values[name] = date.fromisoformat(fields[name]) if fields[name] else None
    return values
