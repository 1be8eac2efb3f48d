"""Member lookup, caller verification, disclosure gating and audit, on a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from tests.helpers import CIN, TODAY, add_member, member_answers
from tsc_console.domain.access import AuditAction, Role
from tsc_console.domain.calls import CallerType
from tsc_console.domain.members import AuthorityBasis
from tsc_console.domain.names import name_key
from tsc_console.services.calls import start_call
from tsc_console.services.members import (
    CallerAnswers,
    MemberLookupError,
    NotVerifiedError,
    find_by_member_id,
    find_by_name,
    find_by_phone,
    member_detail,
    verify_caller,
)
from tsc_console.services.session import Actor, actor_for, add_user
from tsc_console.store.engine import write_session
from tsc_console.store.member_models import (
    AuditEvent,
    MemberCinAlias,
    MemberRepresentative,
)


@pytest.fixture
def actor(engine: Engine) -> Actor:
    add_user(engine, "rep1", "Rep One", Role.REPRESENTATIVE)
    return actor_for(engine, "rep1", "test-terminal")


@pytest.fixture
def member_id(engine: Engine) -> int:
    return add_member(engine)


def audit_actions(engine: Engine) -> list[str]:
    """Audit actions about members, oldest first (adding the test user is audited too)."""
    with engine.connect() as connection:
        table = AuditEvent.__table__  # type: ignore[attr-defined]
        rows = connection.execute(
            select(table).where(table.c.entity_type != "user").order_by(table.c.id)
        )
        return [row.action.value for row in rows]


def audit_text(engine: Engine) -> str:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM audit_event")).all()
    return " ".join(str(value) for row in rows for value in row)


# Lookups


def test_lookup_by_cin(engine: Engine, actor: Actor, member_id: int) -> None:
    result = find_by_member_id(engine, actor, "9123 4567a")
    assert [match.member_id for match in result.matches] == [member_id]


def test_lookup_by_bic_id(engine: Engine, actor: Actor, member_id: int) -> None:
    result = find_by_member_id(engine, actor, CIN + "2" + "9180")
    assert [match.member_id for match in result.matches] == [member_id]


def test_lookup_by_frozen_cin(engine: Engine, actor: Actor, member_id: int) -> None:
    with write_session(engine) as session:
        session.add(MemberCinAlias(cin="97654321C", member_id=member_id))
    result = find_by_member_id(engine, actor, "97654321C")
    assert [match.member_id for match in result.matches] == [member_id]


def test_lookup_masks_identifiers(engine: Engine, actor: Actor, member_id: int) -> None:
    match = find_by_member_id(engine, actor, CIN).matches[0]
    assert CIN not in match.masked_cin
    assert match.masked_cin.endswith("567A")
    assert "1987" in match.masked_birth_date
    assert "04" not in match.masked_birth_date


def test_invalid_cin_names_field(engine: Engine, actor: Actor) -> None:
    with pytest.raises(MemberLookupError) as raised:
        find_by_member_id(engine, actor, "12345")
    assert raised.value.field_name == "member_id"
    assert "12345" not in str(raised.value)


@pytest.mark.parametrize(
    "typed",
    ["jose garcia lopez", "GARCIA-LOPEZ JOSE", "José García López", "Jose Gracia-Lopez"],
)
def test_name_and_birth_date_lookup(
    engine: Engine, actor: Actor, member_id: int, typed: str
) -> None:
    result = find_by_name(engine, actor, typed, "04/15/1987")
    assert [match.member_id for match in result.matches] == [member_id]


def test_name_lookup_wrong_birth_date(engine: Engine, actor: Actor, member_id: int) -> None:
    assert find_by_name(engine, actor, "Jose Garcia Lopez", "04/16/1987").matches == []


def test_name_lookup_rejects_future_birth(engine: Engine, actor: Actor) -> None:
    future = (date.today() + timedelta(days=3)).strftime("%m/%d/%Y")
    with pytest.raises(MemberLookupError) as raised:
        find_by_name(engine, actor, "Jose Garcia", future)
    assert raised.value.field_name == "birth_date"


def test_lookup_by_phone(engine: Engine, actor: Actor, member_id: int) -> None:
    result = find_by_phone(engine, actor, "(916) 555-0134")
    assert [match.member_id for match in result.matches] == [member_id]


def test_phone_lookup_rejects_text(engine: Engine, actor: Actor) -> None:
    with pytest.raises(MemberLookupError):
        find_by_phone(engine, actor, "call me maybe")


def test_lookups_audited_without_values(engine: Engine, actor: Actor, member_id: int) -> None:
    find_by_member_id(engine, actor, CIN)
    find_by_name(engine, actor, "Jose Garcia", "04/15/1987")
    assert audit_actions(engine) == ["search-member", "search-member"]
    logged = audit_text(engine)
    assert CIN not in logged
    assert "Garcia" not in logged
    assert "1987" not in logged


# Verification and disclosure


def test_member_caller_verified(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, member_answers(), today=TODAY
    )
    assert outcome.passed
    assert set(outcome.matched) == {"CIN", "name", "date of birth"}


def test_two_identifiers_not_enough(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    answers = CallerAnswers(member_id=CIN, birth_date="04/15/1987")
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, answers, today=TODAY
    )
    assert not outcome.passed


def test_wrong_identifier_fails(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    answers = CallerAnswers(
        member_id=CIN, full_name="José García-López", birth_date="04/15/1988", address="95814"
    )
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, answers, today=TODAY
    )
    assert not outcome.passed
    assert outcome.mismatched == ("date of birth",)
    assert "failed-verify" in audit_actions(engine)


def test_details_hidden_before_verification(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    with pytest.raises(NotVerifiedError):
        member_detail(engine, actor, call.call_id, member_id)
    assert audit_actions(engine)[-1] == AuditAction.ACCESS_DENIED.value


def test_details_shown_after_verification(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, member_answers(), today=TODAY
    )
    detail = member_detail(engine, actor, call.call_id, member_id, today=TODAY)
    assert detail.cin == CIN
    assert detail.age == 39
    assert detail.special_needs == ["Developmental"]
    assert detail.spoken_language == "Spanish"
    assert audit_actions(engine)[-1] == AuditAction.VIEW_MEMBER.value


def test_failed_verification_keeps_hidden(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    answers = CallerAnswers(member_id=CIN, full_name="Someone Else", birth_date="04/15/1987")
    verify_caller(engine, actor, call.call_id, member_id, CallerType.MEMBER, answers, today=TODAY)
    with pytest.raises(NotVerifiedError):
        member_detail(engine, actor, call.call_id, member_id)


def test_other_caller_never_verified(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.OTHER, member_answers(), today=TODAY
    )
    assert not outcome.passed


def add_representative(engine: Engine, member_id: int, ends_on: date | None) -> None:
    with write_session(engine) as session:
        session.add(
            MemberRepresentative(
                member_id=member_id,
                name="Ana Torres",
                name_key=name_key("Ana Torres"),
                relationship="mother",
                authority_basis=AuthorityBasis.GUARDIAN,
                starts_on=date(2020, 1, 1),
                ends_on=ends_on,
            )
        )


def test_representative_with_current_authority(
    engine: Engine, actor: Actor, member_id: int
) -> None:
    add_representative(engine, member_id, ends_on=date(2027, 6, 30))
    call = start_call(engine, actor)
    answers = CallerAnswers(
        member_id=CIN,
        full_name="José García-López",
        birth_date="04/15/1987",
        caller_name="ana torres",
    )
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.REPRESENTATIVE, answers, today=TODAY
    )
    assert outcome.passed
    assert outcome.authority == "Guardian until 06/30/2027"


def test_representative_authority_expired(engine: Engine, actor: Actor, member_id: int) -> None:
    add_representative(engine, member_id, ends_on=date(2025, 1, 31))
    call = start_call(engine, actor)
    answers = CallerAnswers(
        member_id=CIN,
        full_name="José García-López",
        birth_date="04/15/1987",
        caller_name="Ana Torres",
    )
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.REPRESENTATIVE, answers, today=TODAY
    )
    assert not outcome.passed
    assert "ended 01/31/2025" in outcome.message


def test_unknown_representative_refused(engine: Engine, actor: Actor, member_id: int) -> None:
    add_representative(engine, member_id, ends_on=None)
    call = start_call(engine, actor)
    answers = CallerAnswers(
        member_id=CIN, full_name="José García-López", birth_date="04/15/1987", caller_name="Bo Li"
    )
    outcome = verify_caller(
        engine, actor, call.call_id, member_id, CallerType.REPRESENTATIVE, answers, today=TODAY
    )
    assert not outcome.passed


def test_other_users_call_not_verified(engine: Engine, actor: Actor, member_id: int) -> None:
    call = start_call(engine, actor)
    verify_caller(
        engine, actor, call.call_id, member_id, CallerType.MEMBER, member_answers(), today=TODAY
    )
    add_user(engine, "rep2", "Rep Two", Role.REPRESENTATIVE)
    other = actor_for(engine, "rep2", "other-terminal")
    with pytest.raises(NotVerifiedError):
        member_detail(engine, other, call.call_id, member_id)


def test_audit_log_append_only(engine: Engine, actor: Actor, member_id: int) -> None:
    find_by_member_id(engine, actor, CIN)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_event"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE audit_event SET username = 'x'"))
