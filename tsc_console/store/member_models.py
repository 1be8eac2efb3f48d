"""Tables of members, calls, users and the audit log.

Member rows are protected health information. Reads and changes go through the
services, which append an `AuditEvent` for each. Triggers created by the
migration reject UPDATE and DELETE on the audit table.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tsc_console.domain.access import AuditAction, Role
from tsc_console.domain.calls import CallerType, Disposition
from tsc_console.domain.members import AuthorityBasis, DeliverySystem, PhoneType
from tsc_console.store.types import UTCDateTime, enum_column, utc_now


class User(SQLModel, table=True):
    """A console user, identified by operating-system login."""

    __tablename__ = "tsc_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=120)
    role: Role = Field(sa_column=enum_column(Role, nullable=False))
    active: bool = True
    created_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (Index("ix_member_birth_name", "birth_date", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    cin: str = Field(max_length=9, unique=True)
    first_name: str = Field(max_length=60)
    middle_name: str | None = Field(default=None, max_length=60)
    last_name: str = Field(max_length=60)
    second_last_name: str | None = Field(default=None, max_length=60)
    name_key: str = Field(max_length=250, index=True, description="sorted name tokens")
    birth_date: date
    county: str | None = Field(default=None, max_length=40)

    residence_line1: str | None = Field(default=None, max_length=120)
    residence_line2: str | None = Field(default=None, max_length=120)
    residence_city: str | None = Field(default=None, max_length=60)
    residence_state: str | None = Field(default=None, max_length=2)
    residence_zip5: str | None = Field(default=None, max_length=5)
    residence_zip4: str | None = Field(default=None, max_length=4)
    mailing_line1: str | None = Field(default=None, max_length=120)
    mailing_line2: str | None = Field(default=None, max_length=120)
    mailing_city: str | None = Field(default=None, max_length=60)
    mailing_state: str | None = Field(default=None, max_length=2)
    mailing_zip5: str | None = Field(default=None, max_length=5)
    mailing_zip4: str | None = Field(default=None, max_length=4)

    spoken_language: str | None = Field(default=None, max_length=3, description="ISO 639-3")
    written_language: str | None = Field(default=None, max_length=3, description="ISO 639-3")
    interpreter_needed: bool = False
    tty_relay: bool = False
    sign_language: bool = False
    delivery_system: DeliverySystem = Field(
        default=DeliverySystem.FEE_FOR_SERVICE,
        sa_column=enum_column(DeliverySystem, nullable=False),
    )
    dental_plan: str | None = Field(default=None, max_length=80)
    special_needs: str = Field(
        default="", max_length=200, description="comma-separated SpecialNeed values"
    )
    accommodations: str | None = Field(default=None, sa_column=Column(Text))

    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )


class MemberCinAlias(SQLModel, table=True):
    """A frozen CIN of a member whose duplicate records were merged; it still finds the member."""

    __tablename__ = "member_cin_alias"

    cin: str = Field(primary_key=True, max_length=9)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")


class MemberPhone(SQLModel, table=True):
    __tablename__ = "member_phone"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    e164: str = Field(max_length=20, index=True)
    extension: str | None = Field(default=None, max_length=10)
    phone_type: PhoneType = Field(
        default=PhoneType.HOME, sa_column=enum_column(PhoneType, nullable=False)
    )


class MemberRepresentative(SQLModel, table=True):
    """Someone with authority to act for the member, with the dates that authority runs."""

    __tablename__ = "member_representative"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=250)
    relationship: str = Field(max_length=60)
    authority_basis: AuthorityBasis = Field(sa_column=enum_column(AuthorityBasis, nullable=False))
    phone: str | None = Field(default=None, max_length=20)
    starts_on: date | None = None
    ends_on: date | None = None


class Call(SQLModel, table=True):
    """One phone call, from the moment the representative starts it to wrap-up.

    `status` is "open" until the call is ended. An open call's typed wrap-up
    lives in `draft` (JSON), saved as the representative types, so a crash or a
    closed terminal loses nothing: the next start offers the draft back.
    """

    __tablename__ = "call"
    __table_args__ = (Index("ix_call_user_status", "user_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="tsc_user.id")
    terminal: str = Field(max_length=64)
    status: str = Field(default="open", max_length=16)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    duration_seconds: int | None = None

    caller_type: CallerType | None = Field(default=None, sa_column=enum_column(CallerType))
    caller_name: str | None = Field(default=None, max_length=120)
    caller_relationship: str | None = Field(default=None, max_length=60)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    verified: bool = False
    representative_id: int | None = Field(default=None, foreign_key="member_representative.id")

    reasons: str = Field(default="", max_length=200, description="comma-separated CallReason")
    notes: str | None = Field(default=None, sa_column=Column(Text))
    disposition: Disposition | None = Field(default=None, sa_column=enum_column(Disposition))
    callback_due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    draft: str | None = Field(default=None, sa_column=Column(Text))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False))


class VerificationAttempt(SQLModel, table=True):
    __tablename__ = "verification_attempt"

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    passed: bool
    checked: str = Field(max_length=200, description="identifier names checked, not values")
    matched: str = Field(max_length=200, description="identifier names that matched")
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DentistGiven(SQLModel, table=True):
    """A dentist whose name and number the representative gave the caller."""

    __tablename__ = "dentist_given"
    __table_args__ = (UniqueConstraint("call_id", "npi"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    npi: str = Field(foreign_key="provider.npi", max_length=10)
    given_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Appointment(SQLModel, table=True):
    __tablename__ = "appointment"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    call_id: int | None = Field(default=None, foreign_key="call.id")
    npi: str = Field(foreign_key="provider.npi", max_length=10)
    location_text: str = Field(max_length=250)
    scheduled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: int = Field(foreign_key="tsc_user.id")


class AuditEvent(SQLModel, table=True):
    """Append-only record of who viewed or changed what, when and from which terminal.

    Holds ids and field names, never member data values.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    username: str = Field(max_length=64)
    role: str = Field(max_length=32)
    terminal: str = Field(max_length=64)
    action: AuditAction = Field(sa_column=enum_column(AuditAction, nullable=False))
    entity_type: str | None = Field(default=None, max_length=40)
    entity_id: str | None = Field(default=None, max_length=40)
    member_id: int | None = Field(default=None, index=True)
    call_id: int | None = None
    detail: str | None = Field(default=None, max_length=400)
    outcome: str = Field(default="ok", max_length=20)
