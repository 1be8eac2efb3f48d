"""Finding members, verifying callers, and showing member records once verification passes.

Every lookup, verification and view appends an audit event in the same
transaction. Lookup results carry masked identifiers only; the full record
comes from `member_detail`, which refuses unless the call has verified the
caller for that member.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, or_, select, update

from tsc_console.domain.access import AuditAction
from tsc_console.domain.birthdates import (
    InvalidBirthDateError,
    age_on,
    mask_birth_date,
    parse_birth_date,
)
from tsc_console.domain.calls import CallerType
from tsc_console.domain.identifiers import InvalidMemberIdError, mask_cin, parse_member_id
from tsc_console.domain.languages import language_name
from tsc_console.domain.members import DeliverySystem, SpecialNeed
from tsc_console.domain.names import (
    NAME_MATCH_THRESHOLD,
    display_name,
    name_key,
    name_similarity,
    name_tokens,
    token_similarity,
)
from tsc_console.domain.phones import InvalidPhoneError, format_phone, parse_phone
from tsc_console.services.audit import record_event
from tsc_console.services.session import Actor
from tsc_console.store.engine import write_session
from tsc_console.store.member_models import (
    Call,
    Member,
    MemberCinAlias,
    MemberPhone,
    MemberRepresentative,
    VerificationAttempt,
)
from tsc_console.store.types import utc_now

member_table = Member.__table__  # type: ignore[attr-defined]
alias_table = MemberCinAlias.__table__  # type: ignore[attr-defined]
phone_table = MemberPhone.__table__  # type: ignore[attr-defined]
representative_table = MemberRepresentative.__table__  # type: ignore[attr-defined]
call_table = Call.__table__  # type: ignore[attr-defined]
attempt_table = VerificationAttempt.__table__  # type: ignore[attr-defined]

MAX_MATCHES = 25
# Identifiers a caller must give correctly, at least, before member details are disclosed.
REQUIRED_MATCHES = 3


class MemberLookupError(ValueError):
    """Raised for lookup input that cannot be used; the message names the field, not the value."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


class NotVerifiedError(PermissionError):
    """Raised when member details are requested before the caller is verified for that member."""


@dataclass(frozen=True, slots=True)
class MemberMatch:
    """One lookup result, safe to show before verification."""

    member_id: int
    name: str
    masked_cin: str
    masked_birth_date: str
    city: str | None
    county: str | None
    score: float


@dataclass(frozen=True, slots=True)
class LookupResult:
    matches: list[MemberMatch]
    warnings: list[str] = field(default_factory=list)
    """Soft warnings about the identifier typed, e.g. an unusual CIN letter."""


@dataclass(frozen=True, slots=True)
class CallerAnswers:
    """Identifiers as the caller gave them; an empty field was not asked."""

    member_id: str = ""
    full_name: str = ""
    birth_date: str = ""
    address: str = ""
    """Residence ZIP code or street line."""
    phone: str = ""
    caller_name: str = ""
    """For a representative caller: their own name, matched to the representatives on file."""


@dataclass(frozen=True, slots=True)
class VerificationOutcome:
    passed: bool
    matched: tuple[str, ...]
    mismatched: tuple[str, ...]
    message: str
    authority: str | None = None
    """A representative caller's current authority, e.g. "Guardian until 06/30/2027"."""


@dataclass(frozen=True, slots=True)
class RepresentativeInfo:
    name: str
    relationship: str
    authority: str
    phone: str
    starts_on: date | None
    ends_on: date | None
    current: bool


@dataclass(frozen=True, slots=True)
class MemberDetail:
    member_id: int
    cin: str
    name: str
    birth_date: date
    age: int
    county: str | None
    residence: str
    mailing: str
    phones: list[str]
    spoken_language: str | None
    written_language: str | None
    interpreter_needed: bool
    tty_relay: bool
    sign_language: bool
    delivery_system: DeliverySystem
    dental_plan: str | None
    special_needs: list[str]
    accommodations: str | None
    representatives: list[RepresentativeInfo]
    residence_zip5: str | None
    spoken_language_code: str | None = None
    """ISO 639-3 code of the spoken language, for prefilling the dentist search."""

    @property
    def accommodation_flags(self) -> list[str]:
        flags = []
        if self.interpreter_needed:
            flags.append(f"Interpreter: {self.spoken_language or 'language not recorded'}")
        if self.sign_language:
            flags.append("ASL interpreter")
        if self.tty_relay:
            flags.append("TTY or relay (711)")
        return flags


def _store_lookup_audit(
    connection: Connection, actor: Actor, call_id: int | None, how: str, count: int
) -> None:
    record_event(
        connection,
        actor,
        AuditAction.SEARCH_MEMBER,
        entity_type="member",
        call_id=call_id,
        detail=f"by {how}; {count} result(s)",
    )


def _match_from_row(row: object, score: float) -> MemberMatch:
    return MemberMatch(
        member_id=row.id,  # type: ignore[attr-defined]
        name=display_name(
            row.first_name,  # type: ignore[attr-defined]
            row.middle_name,  # type: ignore[attr-defined]
            row.last_name,  # type: ignore[attr-defined]
            row.second_last_name,  # type: ignore[attr-defined]
        ),
        masked_cin=mask_cin(row.cin),  # type: ignore[attr-defined]
        masked_birth_date=mask_birth_date(row.birth_date),  # type: ignore[attr-defined]
        city=row.residence_city,  # type: ignore[attr-defined]
        county=row.county,  # type: ignore[attr-defined]
        score=score,
    )


def find_by_member_id(
    engine: Engine, actor: Actor, text: str, *, call_id: int | None = None
) -> LookupResult:
    """Find a member by CIN or BIC ID (frozen CINs of merged records included)."""
    try:
        parsed = parse_member_id(text)
    except InvalidMemberIdError as error:
        raise MemberLookupError("member_id", str(error)) from None
    with write_session(engine) as session:
        connection = session.connection()
        rows = connection.execute(
            select(member_table).where(
                or_(
                    member_table.c.cin == parsed.cin,
                    member_table.c.id.in_(
                        select(alias_table.c.member_id).where(alias_table.c.cin == parsed.cin)
                    ),
                )
            )
        ).all()
        _store_lookup_audit(connection, actor, call_id, parsed.source, len(rows))
    return LookupResult([_match_from_row(row, 1.0) for row in rows], list(parsed.warnings))


def find_by_name(
    engine: Engine,
    actor: Actor,
    name: str,
    birth_date_text: str,
    *,
    call_id: int | None = None,
) -> LookupResult:
    """Find members by name and date of birth, tolerant of accents, order and small typos.

    Without a date of birth only exact name matches (any word order) are returned.
    """
    if not name_tokens(name):
        raise MemberLookupError("name", "Enter the member's name.")
    birth_date = None
    if birth_date_text.strip():
        try:
            birth_date = parse_birth_date(birth_date_text)
        except InvalidBirthDateError as error:
            raise MemberLookupError("birth_date", str(error)) from None

    with write_session(engine) as session:
        connection = session.connection()
        if birth_date is not None:
            rows = connection.execute(
                select(member_table).where(member_table.c.birth_date == birth_date)
            ).all()
            typed_tokens = name_tokens(name)
            scored = []
            for row in rows:
                score = token_similarity(typed_tokens, row.name_key.split())
                if score >= NAME_MATCH_THRESHOLD:
                    scored.append((score, row))
            scored.sort(key=lambda pair: (-pair[0], pair[1].last_name, pair[1].id))
            matches = [_match_from_row(row, score) for score, row in scored[:MAX_MATCHES]]
            how = "name and birth date"
        else:
            rows = connection.execute(
                select(member_table)
                .where(member_table.c.name_key == name_key(name))
                .order_by(member_table.c.birth_date)
                .limit(MAX_MATCHES)
            ).all()
            matches = [_match_from_row(row, 1.0) for row in rows]
            how = "name"
        _store_lookup_audit(connection, actor, call_id, how, len(matches))
    return LookupResult(matches)


def find_by_phone(
    engine: Engine, actor: Actor, text: str, *, call_id: int | None = None
) -> LookupResult:
    try:
        phone = parse_phone(text)
    except InvalidPhoneError:
        raise MemberLookupError(
            "phone", "The phone number is not valid: enter 10 digits, e.g. 916 555 0134."
        ) from None
    with write_session(engine) as session:
        connection = session.connection()
        rows = connection.execute(
            select(member_table)
            .where(
                member_table.c.id.in_(
                    select(phone_table.c.member_id).where(phone_table.c.e164 == phone.e164)
                )
            )
            .limit(MAX_MATCHES)
        ).all()
        _store_lookup_audit(connection, actor, call_id, "phone", len(rows))
    return LookupResult([_match_from_row(row, 1.0) for row in rows])


def _current(starts_on: date | None, ends_on: date | None, today: date) -> bool:
    return (starts_on is None or starts_on <= today) and (ends_on is None or today <= ends_on)


def _address_matches(answer: str, row: object) -> bool:
    text = answer.strip()
    if text.isdigit() and len(text) == 5:
        return text == row.residence_zip5  # type: ignore[attr-defined]
    line = row.residence_line1 or ""  # type: ignore[attr-defined]
    return bool(line) and name_key(text) == name_key(line)


def verify_caller(
    engine: Engine,
    actor: Actor,
    call_id: int,
    member_id: int,
    caller_type: CallerType,
    answers: CallerAnswers,
    *,
    today: date | None = None,
) -> VerificationOutcome:
    """Check the identifiers the caller gives against the record and store the attempt.

    The caller passes when at least three identifiers match and none is wrong; a
    representative must also be on file with authority current today. Anyone
    else (caller type "other") never passes: they get general help only.
    """
    today = today or date.today()
    with write_session(engine) as session:
        connection = session.connection()
        row = connection.execute(select(member_table).where(member_table.c.id == member_id)).one()
        matched: list[str] = []
        mismatched: list[str] = []
        checked: list[str] = []

        def check(label: str, given: str, is_match: bool) -> None:
            if not given.strip():
                return
            checked.append(label)
            (matched if is_match else mismatched).append(label)

        if answers.member_id.strip():
            try:
                given_cin = parse_member_id(answers.member_id).cin
            except InvalidMemberIdError:
                given_cin = ""
            aliases = {
                cin
                for (cin,) in connection.execute(
                    select(alias_table.c.cin).where(alias_table.c.member_id == member_id)
                )
            }
            check("CIN", answers.member_id, given_cin == row.cin or given_cin in aliases)
        if answers.full_name.strip():
            parts = [row.first_name, row.middle_name, row.last_name, row.second_last_name]
            # Identity checks need the whole name, so a typo-tolerant match is not enough.
            given = set(name_tokens(answers.full_name))
            stored = set(name_tokens(" ".join(part for part in parts if part)))
            required = set(name_tokens(f"{row.first_name} {row.last_name}"))
            check("name", answers.full_name, required <= given <= stored)
        if answers.birth_date.strip():
            try:
                given_birth = parse_birth_date(answers.birth_date, today=today)
            except InvalidBirthDateError:
                given_birth = None
            check("date of birth", answers.birth_date, given_birth == row.birth_date)
        if answers.address.strip():
            check("address", answers.address, _address_matches(answers.address, row))
        if answers.phone.strip():
            try:
                e164 = parse_phone(answers.phone).e164
            except InvalidPhoneError:
                e164 = ""
            phones = {
                number
                for (number,) in connection.execute(
                    select(phone_table.c.e164).where(phone_table.c.member_id == member_id)
                )
            }
            check("phone", answers.phone, e164 in phones)

        authority: str | None = None
        representative_id: int | None = None
        if mismatched:
            passed = False
            message = "Verification failed: " + ", ".join(mismatched) + " did not match."
        elif len(matched) < REQUIRED_MATCHES:
            passed = False
            message = (
                f"Verification needs {REQUIRED_MATCHES} matching identifiers; "
                f"{len(matched)} matched. Ask for another."
            )
        elif caller_type is CallerType.OTHER:
            passed = False
            message = (
                "Identifiers match, but this caller has no authority on file: "
                "give general help only."
            )
        elif caller_type is CallerType.REPRESENTATIVE:
            passed, message, authority, representative_id = _check_authority(
                connection, member_id, answers.caller_name, today
            )
        else:
            passed = True
            message = "Caller verified."

        connection.execute(
            attempt_table.insert().values(
                call_id=call_id,
                member_id=member_id,
                passed=passed,
                checked=", ".join(checked),
                matched=", ".join(matched),
                at=utc_now(),
            )
        )
        values: dict[str, object] = {"member_id": member_id, "verified": passed}
        if representative_id is not None:
            values["representative_id"] = representative_id
        connection.execute(
            update(call_table)
            .where(call_table.c.id == call_id, call_table.c.user_id == actor.user_id)
            .values(**values)
        )
        record_event(
            connection,
            actor,
            AuditAction.VERIFY_CALLER if passed else AuditAction.FAILED_VERIFY,
            entity_type="member",
            entity_id=member_id,
            member_id=member_id,
            call_id=call_id,
            detail=(
                f"checked: {', '.join(checked) or 'none'}; matched: {', '.join(matched) or 'none'}"
            ),
            outcome="passed" if passed else "failed",
        )
    return VerificationOutcome(passed, tuple(matched), tuple(mismatched), message, authority)


def _check_authority(
    connection: Connection, member_id: int, caller_name: str, today: date
) -> tuple[bool, str, str | None, int | None]:
    if not name_tokens(caller_name):
        return False, "Enter the representative's own name to check their authority.", None, None
    representatives = connection.execute(
        select(representative_table).where(representative_table.c.member_id == member_id)
    ).all()
    named = [
        rep
        for rep in representatives
        if name_similarity(caller_name, [rep.name]) >= NAME_MATCH_THRESHOLD
    ]
    if not named:
        return False, "No representative by that name is on file for this member.", None, None
    current = [rep for rep in named if _current(rep.starts_on, rep.ends_on, today)]
    if not current:
        latest = max(named, key=lambda rep: rep.ends_on or date.max)
        ended = f" ended {latest.ends_on:%m/%d/%Y}" if latest.ends_on else " is not current"
        return False, f"The representative's authority{ended}: give general help only.", None, None
    rep = current[0]
    until = f" until {rep.ends_on:%m/%d/%Y}" if rep.ends_on else ""
    authority = f"{rep.authority_basis.label}{until}"
    return True, f"Caller verified as member representative ({authority}).", authority, rep.id


def _is_verified(connection: Connection, actor: Actor, call_id: int, member_id: int) -> bool:
    """True when this user's call has verified the caller for `member_id`; audits a refusal."""
    call = connection.execute(
        select(call_table.c.member_id, call_table.c.verified, call_table.c.user_id).where(
            call_table.c.id == call_id
        )
    ).first()
    if (
        call is not None
        and call.user_id == actor.user_id
        and call.member_id == member_id
        and call.verified
    ):
        return True
    record_event(
        connection,
        actor,
        AuditAction.ACCESS_DENIED,
        entity_type="member",
        entity_id=member_id,
        member_id=member_id,
        call_id=call_id,
        detail="member details requested before verification",
        outcome="denied",
    )
    return False


def _address(line1: str | None, line2: str | None, city: str | None, zip5: str | None) -> str:
    parts = [part for part in (line1, line2) if part]
    place = " ".join(part for part in (city, zip5) if part)
    if place:
        parts.append(place)
    return ", ".join(parts)


def member_detail(
    engine: Engine, actor: Actor, call_id: int, member_id: int, *, today: date | None = None
) -> MemberDetail:
    """Return the full member record, for a call that verified the caller for this member.

    Raises:
        NotVerifiedError: the call has not verified the caller for this member;
            the refusal is audited.
    """
    today = today or date.today()
    # The refusal is audited in a transaction of its own, which must commit.
    with write_session(engine) as session:
        verified = _is_verified(session.connection(), actor, call_id, member_id)
    if not verified:
        raise NotVerifiedError("Verify the caller before viewing this member's details.")

    with write_session(engine) as session:
        connection = session.connection()
        row = connection.execute(select(member_table).where(member_table.c.id == member_id)).one()
        phones = [
            f"{format_phone(phone.e164, phone.extension)} ({phone.phone_type.value})"
            for phone in connection.execute(
                select(phone_table)
                .where(phone_table.c.member_id == member_id)
                .order_by(phone_table.c.id)
            )
        ]
        representatives = [
            RepresentativeInfo(
                name=rep.name,
                relationship=rep.relationship,
                authority=rep.authority_basis.label,
                phone=format_phone(rep.phone),
                starts_on=rep.starts_on,
                ends_on=rep.ends_on,
                current=_current(rep.starts_on, rep.ends_on, today),
            )
            for rep in connection.execute(
                select(representative_table).where(representative_table.c.member_id == member_id)
            )
        ]
        record_event(
            connection,
            actor,
            AuditAction.VIEW_MEMBER,
            entity_type="member",
            entity_id=member_id,
            member_id=member_id,
            call_id=call_id,
            detail="member record, phones, representatives",
        )
    needs = [SpecialNeed(value).label for value in row.special_needs.split(",") if value]
    return MemberDetail(
        member_id=row.id,
        cin=row.cin,
        name=display_name(row.first_name, row.middle_name, row.last_name, row.second_last_name),
        birth_date=row.birth_date,
        age=age_on(row.birth_date, today),
        county=row.county,
        residence=_address(
            row.residence_line1, row.residence_line2, row.residence_city, row.residence_zip5
        ),
        mailing=_address(row.mailing_line1, row.mailing_line2, row.mailing_city, row.mailing_zip5),
        phones=phones,
        spoken_language=language_name(row.spoken_language) if row.spoken_language else None,
        written_language=language_name(row.written_language) if row.written_language else None,
        interpreter_needed=row.interpreter_needed,
        tty_relay=row.tty_relay,
        sign_language=row.sign_language,
        delivery_system=row.delivery_system,
        dental_plan=row.dental_plan,
        special_needs=needs,
        accommodations=row.accommodations,
        representatives=representatives,
        residence_zip5=row.residence_zip5,
        spoken_language_code=row.spoken_language,
    )


def verified_member_id(engine: Engine, call_id: int) -> int | None:
    """Return the id of the member this call has verified the caller for, if any."""
    with engine.connect() as connection:
        call = connection.execute(
            select(call_table.c.member_id, call_table.c.verified).where(call_table.c.id == call_id)
        ).first()
    if call is None or not call.verified:
        return None
    return int(call.member_id)
