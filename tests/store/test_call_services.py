"""Call lifecycle: drafts that survive a restart, wrap-up rules, dentists given, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.helpers import TODAY, add_member, import_nppes_rows, member_answers, npi_for, nppes_row
from tsc_console.domain.access import Role
from tsc_console.domain.calls import CallerType, CallReason, Disposition
from tsc_console.services.calls import (
    CallError,
    WrapUp,
    book_appointment,
    dentists_given,
    end_call,
    member_history,
    open_calls,
    record_dentists_given,
    resume_call,
    save_draft,
    start_call,
)
from tsc_console.services.members import NotVerifiedError, verify_caller
from tsc_console.services.session import Actor, actor_for, add_user
from tsc_console.store.member_models import Call, DentistGiven


@pytest.fixture
def actor(engine: Engine) -> Actor:
    add_user(engine, "rep1", "Rep One", Role.REPRESENTATIVE)
    return actor_for(engine, "rep1", "test-terminal")


def wrap_up(**overrides: object) -> WrapUp:
    values: dict[str, object] = {
        "caller_type": CallerType.MEMBER,
        "caller_name": "José",
        "caller_relationship": "self",
        "reasons": [CallReason.FIND_DENTIST],
        "notes": "Gave two pediatric dentists near home.",
        "disposition": Disposition.DENTISTS_GIVEN,
    }
    values.update(overrides)
    return WrapUp(**values)  # type: ignore[arg-type]


def verified_call(engine: Engine, actor: Actor) -> tuple[int, int]:
    member_id = add_member(engine)
    call = start_call(engine, actor)
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, member_answers(), today=TODAY
    )
    assert outcome.passed
    return call.call_id, member_id


def test_draft_offered_back(engine: Engine, actor: Actor) -> None:
    call = start_call(engine, actor)
    save_draft(engine, actor, call.call_id, {"notes": "Caller asked about [b]transport[/b]"})
    drafts = open_calls(engine, actor)
    assert [draft.call_id for draft in drafts] == [call.call_id]
    assert drafts[0].draft == {"notes": "Caller asked about [b]transport[/b]"}


def test_drafts_private_to_user(engine: Engine, actor: Actor) -> None:
    start_call(engine, actor)
    add_user(engine, "rep2", "Rep Two", Role.REPRESENTATIVE)
    other = actor_for(engine, "rep2", "t2")
    assert open_calls(engine, other) == []


def test_resume_returns_draft(engine: Engine, actor: Actor) -> None:
    call = start_call(engine, actor)
    save_draft(engine, actor, call.call_id, {"caller_name": "Ana"})
    assert resume_call(engine, actor, call.call_id).draft == {"caller_name": "Ana"}


def test_end_call_stores_duration(engine: Engine, actor: Actor) -> None:
    call = start_call(engine, actor)
    ended = end_call(engine, actor, call.call_id, wrap_up())
    with engine.connect() as connection:
        table = Call.__table__  # type: ignore[attr-defined]
        row = connection.execute(select(table).where(table.c.id == call.call_id)).one()
    assert row.status == "completed"
    assert row.duration_seconds == ended.duration_seconds
    assert row.draft is None
    assert open_calls(engine, actor) == []


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"caller_type": None}, "caller_type"),
        ({"reasons": []}, "reasons"),
        ({"disposition": None}, "disposition"),
        ({"disposition": Disposition.CALLBACK_SCHEDULED}, "callback"),
        ({"callback_due_at": datetime.now(UTC) - timedelta(hours=1)}, "callback"),
    ],
)
def test_wrap_up_rules(
    engine: Engine, actor: Actor, overrides: dict[str, object], field_name: str
) -> None:
    call = start_call(engine, actor)
    save_draft(engine, actor, call.call_id, {"notes": "keep me"})
    with pytest.raises(CallError) as raised:
        end_call(engine, actor, call.call_id, wrap_up(**overrides))
    assert raised.value.field_name == field_name
    assert open_calls(engine, actor)[0].draft == {"notes": "keep me"}


def test_end_call_twice_refused(engine: Engine, actor: Actor) -> None:
    call = start_call(engine, actor)
    end_call(engine, actor, call.call_id, wrap_up())
    with pytest.raises(CallError):
        end_call(engine, actor, call.call_id, wrap_up())


def test_dentists_given_recorded_once(engine: Engine, actor: Actor, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npi.csv", [nppes_row(npi=npi_for(1))])
    call = start_call(engine, actor)
    assert record_dentists_given(engine, actor, call.call_id, [npi_for(1)]) == 1
    assert record_dentists_given(engine, actor, call.call_id, [npi_for(1)]) == 0
    assert dentists_given(engine, call.call_id) == [npi_for(1)]


def test_appointment_needs_verification(engine: Engine, actor: Actor, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npi.csv", [nppes_row(npi=npi_for(1))])
    member_id = add_member(engine)
    call = start_call(engine, actor)
    when = datetime.now(UTC) + timedelta(days=3)
    with pytest.raises(NotVerifiedError):
        book_appointment(engine, actor, call.call_id, member_id, npi_for(1), when, "Suite 1")


def test_appointment_in_past_refused(engine: Engine, actor: Actor, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npi.csv", [nppes_row(npi=npi_for(1))])
    call_id, member_id = verified_call(engine, actor)
    when = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(CallError) as raised:
        book_appointment(engine, actor, call_id, member_id, npi_for(1), when, "Suite 1")
    assert raised.value.field_name == "appointment_time"


def test_history_lists_call_and_dentist(engine: Engine, actor: Actor, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npi.csv", [nppes_row(npi=npi_for(1))])
    call_id, member_id = verified_call(engine, actor)
    record_dentists_given(engine, actor, call_id, [npi_for(1)])
    when = datetime.now(UTC) + timedelta(days=3)
    book_appointment(engine, actor, call_id, member_id, npi_for(1), when, "1500 Capitol Ave")
    end_call(engine, actor, call_id, wrap_up())

    second = start_call(engine, actor)
    verify_caller(
        engine, actor, second.call_id, member_id, CallerType.MEMBER, member_answers(), today=TODAY
    )
    kinds = [entry.kind for entry in member_history(engine, actor, second.call_id, member_id)]
    assert sorted(kinds) == ["appointment", "call", "dentist"]


def test_history_hidden_before_verification(engine: Engine, actor: Actor) -> None:
    member_id = add_member(engine)
    call = start_call(engine, actor)
    with pytest.raises(NotVerifiedError):
        member_history(engine, actor, call.call_id, member_id)


def test_history_names_dentist_in_pacific(engine: Engine, actor: Actor, tmp_path: Path) -> None:
    import_nppes_rows(engine, tmp_path / "npi.csv", [nppes_row(npi=npi_for(1), last_name="Ito")])
    call_id, member_id = verified_call(engine, actor)
    when = datetime(2031, 1, 15, 22, 30, tzinfo=UTC)  # 2:30 PM Pacific standard time
    book_appointment(engine, actor, call_id, member_id, npi_for(1), when, "1500 Capitol Ave")
    history = member_history(engine, actor, call_id, member_id)
    [appointment] = [entry for entry in history if entry.kind == "appointment"]

    assert "01/15/2031 14:30" in appointment.summary
    assert "Maria Ito" in appointment.summary


def test_dentist_given_before_verification_attached(
    engine: Engine, actor: Actor, tmp_path: Path
) -> None:
    import_nppes_rows(engine, tmp_path / "npi.csv", [nppes_row(npi=npi_for(1))])
    member_id = add_member(engine)
    call = start_call(engine, actor)
    record_dentists_given(engine, actor, call.call_id, [npi_for(1)])
    verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, member_answers(), today=TODAY
    )
    end_call(engine, actor, call.call_id, wrap_up())
    given = DentistGiven.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        members = [row.member_id for row in connection.execute(select(given))]

    assert members == [member_id]
