"""members calls and audit

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tsc_console.store.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("terminal", sa.String(length=64), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "call-started",
                "call-ended",
                "call-resumed",
                "search-member",
                "view-member",
                "view-history",
                "verify-caller",
                "failed-verify",
                "create",
                "update",
                "disclose",
                "import-members",
                "seed-providers",
                "access-denied",
                name="auditaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("entity_type", sa.String(length=40), nullable=True),
        sa.Column("entity_id", sa.String(length=40), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=400), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cin", sa.String(length=9), nullable=False),
        sa.Column("first_name", sa.String(length=60), nullable=False),
        sa.Column("middle_name", sa.String(length=60), nullable=True),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("second_last_name", sa.String(length=60), nullable=True),
        sa.Column("name_key", sa.String(length=250), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("county", sa.String(length=40), nullable=True),
        sa.Column("residence_line1", sa.String(length=120), nullable=True),
        sa.Column("residence_line2", sa.String(length=120), nullable=True),
        sa.Column("residence_city", sa.String(length=60), nullable=True),
        sa.Column("residence_state", sa.String(length=2), nullable=True),
        sa.Column("residence_zip5", sa.String(length=5), nullable=True),
        sa.Column("residence_zip4", sa.String(length=4), nullable=True),
        sa.Column("mailing_line1", sa.String(length=120), nullable=True),
        sa.Column("mailing_line2", sa.String(length=120), nullable=True),
        sa.Column("mailing_city", sa.String(length=60), nullable=True),
        sa.Column("mailing_state", sa.String(length=2), nullable=True),
        sa.Column("mailing_zip5", sa.String(length=5), nullable=True),
        sa.Column("mailing_zip4", sa.String(length=4), nullable=True),
        sa.Column("spoken_language", sa.String(length=3), nullable=True),
        sa.Column("written_language", sa.String(length=3), nullable=True),
        sa.Column("interpreter_needed", sa.Boolean(), nullable=False),
        sa.Column("tty_relay", sa.Boolean(), nullable=False),
        sa.Column("sign_language", sa.Boolean(), nullable=False),
        sa.Column(
            "delivery_system",
            sa.Enum(
                "ffs",
                "dmc-sacramento",
                "dmc-los-angeles",
                "hpsm",
                name="deliverysystem",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("dental_plan", sa.String(length=80), nullable=True),
        sa.Column("special_needs", sa.String(length=200), nullable=False),
        sa.Column("accommodations", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cin"),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index("ix_member_birth_name", ["birth_date", "name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_name_key"), ["name_key"], unique=False)

    op.create_table(
        "tsc_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "representative",
                "case-manager",
                "supervisor",
                "admin",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "member_cin_alias",
        sa.Column("cin", sa.String(length=9), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("cin"),
    )
    with op.batch_alter_table("member_cin_alias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_cin_alias_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "member_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("e164", sa.String(length=20), nullable=False),
        sa.Column("extension", sa.String(length=10), nullable=True),
        sa.Column(
            "phone_type",
            sa.Enum(
                "home",
                "mobile",
                "work",
                "tty",
                "other",
                name="phonetype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member_phone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_phone_e164"), ["e164"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_phone_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_representative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=250), nullable=False),
        sa.Column("relationship", sa.String(length=60), nullable=False),
        sa.Column(
            "authority_basis",
            sa.Enum(
                "parent-of-minor",
                "guardian",
                "conservator",
                "power-of-attorney",
                "authorized-representative",
                name="authoritybasis",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member_representative", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_representative_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("terminal", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column(
            "caller_type",
            sa.Enum(
                "member",
                "representative",
                "provider-office",
                "case-worker",
                "other",
                name="callertype",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("caller_name", sa.String(length=120), nullable=True),
        sa.Column("caller_relationship", sa.String(length=60), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("representative_id", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "disposition",
            sa.Enum(
                "resolved",
                "information-given",
                "dentists-given",
                "appointment-booked",
                "referred-to-plan",
                "callback-scheduled",
                "transferred",
                "caller-disconnected",
                "verification-failed",
                name="disposition",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("callback_due_at", UTCDateTime(), nullable=True),
        sa.Column("draft", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["representative_id"],
            ["member_representative.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["tsc_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_call_user_status", ["user_id", "status"], unique=False)

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("location_text", sa.String(length=250), nullable=False),
        sa.Column("scheduled_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["tsc_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["npi"],
            ["provider.npi"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_member_id"), ["member_id"], unique=False)

    op.create_table(
        "dentist_given",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["npi"],
            ["provider.npi"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("call_id", "npi"),
    )
    with op.batch_alter_table("dentist_given", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dentist_given_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dentist_given_member_id"), ["member_id"], unique=False)

    op.create_table(
        "verification_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("checked", sa.String(length=200), nullable=False),
        sa.Column("matched", sa.String(length=200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["call.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("verification_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verification_attempt_call_id"), ["call_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_verification_attempt_member_id"), ["member_id"], unique=False
        )

    _make_audit_append_only()


def _make_audit_append_only() -> None:
    """Reject UPDATE and DELETE on audit_event in the database itself, for every client."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table("verification_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verification_attempt_member_id"))
        batch_op.drop_index(batch_op.f("ix_verification_attempt_call_id"))

    op.drop_table("verification_attempt")
    with op.batch_alter_table("dentist_given", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dentist_given_member_id"))
        batch_op.drop_index(batch_op.f("ix_dentist_given_call_id"))

    op.drop_table("dentist_given")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_member_id"))

    op.drop_table("appointment")
    with op.batch_alter_table("call", schema=None) as batch_op:
        batch_op.drop_index("ix_call_user_status")
        batch_op.drop_index(batch_op.f("ix_call_member_id"))

    op.drop_table("call")
    with op.batch_alter_table("member_representative", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_representative_member_id"))

    op.drop_table("member_representative")
    with op.batch_alter_table("member_phone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_phone_member_id"))
        batch_op.drop_index(batch_op.f("ix_member_phone_e164"))

    op.drop_table("member_phone")
    with op.batch_alter_table("member_cin_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_cin_alias_member_id"))

    op.drop_table("member_cin_alias")
    op.drop_table("tsc_user")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_name_key"))
        batch_op.drop_index("ix_member_birth_name")

    op.drop_table("member")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_member_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
