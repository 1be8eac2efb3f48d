"""Call lifecycle: start, autosaved draft, dentists given, appointments, wrap-up, history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Engine, insert, select, update

from tsc_console.domain.access import AuditAction
from tsc_console.domain.calls import CallerType, CallReason, Disposition
from tsc_console.services.audit import record_event
from tsc_console.services.members import NotVerifiedError, _is_verified
from tsc_console.services.session import Actor
from tsc_console.store.engine import read_session, write_session
from tsc_console.store.member_models import Appointment, Call, DentistGiven, VerificationAttempt
from tsc_console.store.models import Provider
from tsc_console.store.types import utc_now

call_table = Call.__table__  # type: ignore[attr-defined]
given_table = DentistGiven.__table__  # type: ignore[attr-defined]
appointment_table = Appointment.__table__  # type: ignore[attr-defined]
attempt_table = VerificationAttempt.__table__  # type: ignore[attr-defined]
provider_table = Provider.__table__  # type: ignore[attr-defined]

OPEN = "open"
COMPLETED = "completed"


class CallError(ValueError):
    """Raised for a call action that cannot be done; `field_name` names the form field at fault."""

    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


@dataclass(frozen=True, slots=True)
class OpenCall:
    call_id: int
    started_at: datetime
    draft: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WrapUp:
    caller_type: CallerType | None
    caller_name: str
    caller_relationship: str
    reasons: list[CallReason]
    notes: str
    disposition: Disposition | None
    callback_due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EndedCall:
    call_id: int
    duration_seconds: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    kind: str
    summary: str


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "an INSERT of one row returns its key"
    return int(key[0])


def start_call(engine: Engine, actor: Actor) -> OpenCall:
    started = utc_now()
    with write_session(engine) as session:
        connection = session.connection()
        result = connection.execute(
            insert(call_table).values(
                user_id=actor.user_id,
                terminal=actor.terminal[:64],
                status=OPEN,
                started_at=started,
                verified=False,
                reasons="",
                version=1,
                draft="{}",
            )
        )
        call_id = _new_id(result)
        record_event(
            connection, actor, AuditAction.CALL_STARTED, entity_type="call", call_id=call_id
        )
    return OpenCall(call_id, started, {})


def save_draft(engine: Engine, actor: Actor, call_id: int, draft: dict[str, Any]) -> None:
    """Store the call's unsaved wrap-up so a crash or a closed terminal loses nothing."""
    with write_session(engine) as session:
        session.connection().execute(
            update(call_table)
            .where(
                call_table.c.id == call_id,
                call_table.c.user_id == actor.user_id,
                call_table.c.status == OPEN,
            )
            .values(draft=json.dumps(draft, ensure_ascii=False), version=call_table.c.version + 1)
        )


def open_calls(engine: Engine, actor: Actor) -> list[OpenCall]:
    """This user's calls that were never ended, newest first, to offer back on start."""
    with read_session(engine) as session:
        rows = session.connection().execute(
            select(call_table.c.id, call_table.c.started_at, call_table.c.draft)
            .where(call_table.c.user_id == actor.user_id, call_table.c.status == OPEN)
            .order_by(call_table.c.started_at.desc())
        )
        return [OpenCall(row.id, row.started_at, json.loads(row.draft or "{}")) for row in rows]


def resume_call(engine: Engine, actor: Actor, call_id: int) -> OpenCall:
    with write_session(engine) as session:
        connection = session.connection()
        row = connection.execute(
            select(call_table.c.id, call_table.c.started_at, call_table.c.draft).where(
                call_table.c.id == call_id,
                call_table.c.user_id == actor.user_id,
                call_table.c.status == OPEN,
            )
        ).first()
        if row is None:
            raise CallError(None, "That call is no longer open.")
        record_event(
            connection, actor, AuditAction.CALL_RESUMED, entity_type="call", call_id=call_id
        )
    return OpenCall(row.id, row.started_at, json.loads(row.draft or "{}"))


def record_dentists_given(engine: Engine, actor: Actor, call_id: int, npis: list[str]) -> int:
    """Record the dentists whose details were given to the caller; returns how many were new."""
    with write_session(engine) as session:
        connection = session.connection()
        call = connection.execute(
            select(call_table.c.member_id, call_table.c.verified).where(call_table.c.id == call_id)
        ).one()
        member_id = call.member_id if call.verified else None
        known = {
            npi
            for (npi,) in connection.execute(
                select(given_table.c.npi).where(given_table.c.call_id == call_id)
            )
        }
        new = [npi for npi in dict.fromkeys(npis) if npi not in known]
        if new:
            now = utc_now()
            connection.execute(
                insert(given_table),
                [
                    {"call_id": call_id, "member_id": member_id, "npi": npi, "given_at": now}
                    for npi in new
                ],
            )
            record_event(
                connection,
                actor,
                AuditAction.CREATE,
                entity_type="dentist_given",
                member_id=member_id,
                call_id=call_id,
                detail=f"{len(new)} dentist(s) given",
            )
    return len(new)


def dentists_given(engine: Engine, call_id: int) -> list[str]:
    with read_session(engine) as session:
        return [
            npi
            for (npi,) in session.connection().execute(
                select(given_table.c.npi)
                .where(given_table.c.call_id == call_id)
                .order_by(given_table.c.id)
            )
        ]


def book_appointment(
    engine: Engine,
    actor: Actor,
    call_id: int,
    member_id: int,
    npi: str,
    scheduled_at: datetime,
    location_text: str,
) -> int:
    """Record an appointment the representative helped book; needs a verified caller."""
    if scheduled_at.tzinfo is None:
        raise CallError("appointment_time", "The appointment time needs a time zone.")
    if scheduled_at <= utc_now():
        raise CallError("appointment_time", "The appointment time is in the past.")
    with write_session(engine) as session:
        verified = _is_verified(session.connection(), actor, call_id, member_id)
    if not verified:
        raise NotVerifiedError("Verify the caller before booking an appointment.")
    with write_session(engine) as session:
        connection = session.connection()
        exists = connection.execute(
            select(provider_table.c.npi).where(provider_table.c.npi == npi)
        ).first()
        if exists is None:
            raise CallError(
                "appointment_provider", f"No provider with NPI {npi} is in the directory."
            )
        result = connection.execute(
            insert(appointment_table).values(
                member_id=member_id,
                call_id=call_id,
                npi=npi,
                location_text=location_text[:250],
                scheduled_at=scheduled_at,
                created_at=utc_now(),
                created_by=actor.user_id,
            )
        )
        appointment_id = _new_id(result)
        record_event(
            connection,
            actor,
            AuditAction.CREATE,
            entity_type="appointment",
            entity_id=appointment_id,
            member_id=member_id,
            call_id=call_id,
        )
    return appointment_id


def end_call(engine: Engine, actor: Actor, call_id: int, wrap_up: WrapUp) -> EndedCall:
    """Complete the call with its wrap-up; the duration is stored.

    Raises:
        CallError: a required wrap-up field is missing or invalid (the draft stays saved).
    """
    if wrap_up.caller_type is None:
        raise CallError("caller_type", "Choose who called.")
    if not wrap_up.reasons:
        raise CallError("reasons", "Choose at least one call reason.")
    if wrap_up.disposition is None:
        raise CallError("disposition", "Choose a disposition.")
    if wrap_up.callback_due_at is not None and wrap_up.callback_due_at <= utc_now():
        raise CallError("callback", "The callback time is in the past.")
    if wrap_up.disposition is Disposition.CALLBACK_SCHEDULED and wrap_up.callback_due_at is None:
        raise CallError("callback", "Enter when the callback is due.")
    ended = utc_now()
    with write_session(engine) as session:
        connection = session.connection()
        row = connection.execute(
            select(call_table.c.started_at, call_table.c.member_id).where(
                call_table.c.id == call_id,
                call_table.c.user_id == actor.user_id,
                call_table.c.status == OPEN,
            )
        ).first()
        if row is None:
            raise CallError(None, "That call is no longer open.")
        duration = max(0, int((ended - row.started_at).total_seconds()))
        verified = connection.execute(
            select(call_table.c.verified).where(call_table.c.id == call_id)
        ).scalar_one()
        if verified and row.member_id is not None:
            # Dentists given before the caller was verified belong to the member all the same.
            connection.execute(
                update(given_table)
                .where(given_table.c.call_id == call_id, given_table.c.member_id.is_(None))
                .values(member_id=row.member_id)
            )
        connection.execute(
            update(call_table)
            .where(call_table.c.id == call_id)
            .values(
                status=COMPLETED,
                ended_at=ended,
                duration_seconds=duration,
                caller_type=wrap_up.caller_type,
                caller_name=wrap_up.caller_name[:120] or None,
                caller_relationship=wrap_up.caller_relationship[:60] or None,
                reasons=",".join(reason.value for reason in wrap_up.reasons),
                notes=wrap_up.notes or None,
                disposition=wrap_up.disposition,
                callback_due_at=wrap_up.callback_due_at,
                draft=None,
                version=call_table.c.version + 1,
            )
        )
        record_event(
            connection,
            actor,
            AuditAction.CALL_ENDED,
            entity_type="call",
            entity_id=call_id,
            member_id=row.member_id,
            call_id=call_id,
            detail=f"disposition {wrap_up.disposition.value}; {duration} s",
        )
    return EndedCall(call_id, duration)


def member_history(
    engine: Engine,
    actor: Actor,
    call_id: int,
    member_id: int,
    *,
    timezone: str = "America/Los_Angeles",
) -> list[HistoryEntry]:
    """Calls, dentists given, appointments and verifications for a member, newest first."""
    with write_session(engine) as session:
        verified = _is_verified(session.connection(), actor, call_id, member_id)
    if not verified:
        raise NotVerifiedError("Verify the caller before viewing this member's history.")
    entries: list[HistoryEntry] = []
    with write_session(engine) as session:
        connection = session.connection()
        for row in connection.execute(
            select(call_table).where(
                call_table.c.member_id == member_id, call_table.c.status == COMPLETED
            )
        ):
            reasons = ", ".join(
                CallReason(value).label for value in (row.reasons or "").split(",") if value
            )
            minutes = (row.duration_seconds or 0) // 60
            disposition = row.disposition.label if row.disposition else "no disposition"
            entries.append(
                HistoryEntry(
                    row.started_at,
                    "call",
                    f"Call ({minutes} min): {reasons or 'no reason'}; {disposition}",
                )
            )
        for row in connection.execute(
            select(given_table.c.given_at, given_table.c.npi, provider_table)
            .join(provider_table, provider_table.c.npi == given_table.c.npi)
            .where(given_table.c.member_id == member_id)
        ):
            name = row.organization_name or " ".join(
                part for part in (row.first_name, row.last_name) if part
            )
            entries.append(
                HistoryEntry(row.given_at, "dentist", f"Dentist given: {name} (NPI {row.npi})")
            )
        zone = ZoneInfo(timezone)
        for row in connection.execute(
            select(appointment_table, provider_table)
            .join(provider_table, provider_table.c.npi == appointment_table.c.npi)
            .where(appointment_table.c.member_id == member_id)
        ):
            name = row.organization_name or " ".join(
                part for part in (row.first_name, row.last_name) if part
            )
            when = row.scheduled_at.astimezone(zone)
            entries.append(
                HistoryEntry(
                    row.created_at,
                    "appointment",
                    f"Appointment booked for {when:%m/%d/%Y %H:%M} with {name} "
                    f"(NPI {row.npi}) at {row.location_text}",
                )
            )
        record_event(
            connection,
            actor,
            AuditAction.VIEW_HISTORY,
            entity_type="member",
            entity_id=member_id,
            member_id=member_id,
            call_id=call_id,
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries
