"""provider directory

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tsc_console.store.types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_kept", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rows_inserted", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "provider",
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("entity_type", sa.Integer(), nullable=False),
        sa.Column("organization_name", sa.String(length=150), nullable=True),
        sa.Column("last_name", sa.String(length=60), nullable=True),
        sa.Column("first_name", sa.String(length=60), nullable=True),
        sa.Column("middle_name", sa.String(length=40), nullable=True),
        sa.Column("name_prefix", sa.String(length=10), nullable=True),
        sa.Column("name_suffix", sa.String(length=10), nullable=True),
        sa.Column("credential", sa.String(length=40), nullable=True),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("enumeration_date", sa.Date(), nullable=True),
        sa.Column("nppes_last_update", sa.Date(), nullable=True),
        sa.Column("deactivated_on", sa.Date(), nullable=True),
        sa.Column("primary_taxonomy", sa.String(length=10), nullable=False),
        sa.Column("specialty_mask", sa.BigInteger(), nullable=False),
        sa.Column("language_mask", sa.BigInteger(), nullable=False),
        sa.Column(
            "accepting",
            sa.Enum(
                "newpt",
                "existptonly",
                "existptfam",
                "nopt",
                name="acceptingpatients",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("wheelchair_access", sa.Boolean(), nullable=True),
        sa.Column("sedation_permit", sa.Boolean(), nullable=True),
        sa.Column("general_anesthesia_permit", sa.Boolean(), nullable=True),
        sa.Column("hospital_privileges", sa.Boolean(), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("developmental_disability_experience", sa.Boolean(), nullable=True),
        sa.Column("medi_cal_enrolled", sa.Boolean(), nullable=True),
        sa.Column("medi_cal_provider_number", sa.String(length=20), nullable=True),
        sa.Column("last_verified_on", sa.Date(), nullable=True),
        sa.Column("verification_source", sa.String(length=80), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "nppes", "admin-csv", "manual", name="directorysource", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("nppes_hash", sa.String(length=32), nullable=True),
        sa.Column("admin_hash", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("npi"),
    )
    op.create_table(
        "practice_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("address_line1", sa.String(length=120), nullable=False),
        sa.Column("address_line2", sa.String(length=120), nullable=True),
        sa.Column("city", sa.String(length=60), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip5", sa.String(length=5), nullable=False),
        sa.Column("zip4", sa.String(length=4), nullable=True),
        sa.Column("county", sa.String(length=40), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude_band", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_extension", sa.String(length=10), nullable=True),
        sa.Column("fax", sa.String(length=20), nullable=True),
        sa.Column("specialty_mask", sa.BigInteger(), nullable=False),
        sa.Column("language_mask", sa.BigInteger(), nullable=False),
        sa.Column(
            "accepting",
            sa.Enum(
                "newpt",
                "existptonly",
                "existptfam",
                "nopt",
                name="acceptingpatients",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("wheelchair_access", sa.Boolean(), nullable=True),
        sa.Column("sedation_or_anesthesia", sa.Boolean(), nullable=True),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("medi_cal_enrolled", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["npi"], ["provider.npi"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("practice_location", schema=None) as batch_op:
        batch_op.create_index(
            "ix_location_band",
            [
                "latitude_band",
                "longitude",
                "latitude",
                "specialty_mask",
                "language_mask",
                "accepting",
                "wheelchair_access",
                "sedation_or_anesthesia",
                "age_min",
                "age_max",
                "medi_cal_enrolled",
                "county",
                "npi",
            ],
            unique=False,
        )
        batch_op.create_index("ix_location_city", ["city", "npi"], unique=False)
        batch_op.create_index(
            "ix_location_county",
            [
                "county",
                "city",
                "npi",
                "latitude",
                "longitude",
                "specialty_mask",
                "language_mask",
                "accepting",
                "wheelchair_access",
                "sedation_or_anesthesia",
                "age_min",
                "age_max",
                "medi_cal_enrolled",
            ],
            unique=False,
        )
        batch_op.create_index("ix_location_zip", ["zip5"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_location_npi"), ["npi"], unique=False)

    op.create_table(
        "provider_language",
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(["npi"], ["provider.npi"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("npi", "code"),
    )
    with op.batch_alter_table("provider_language", schema=None) as batch_op:
        batch_op.create_index("ix_provider_language_code", ["code", "npi"], unique=False)

    op.create_table(
        "provider_taxonomy",
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("license_number", sa.String(length=30), nullable=True),
        sa.Column("license_state", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(["npi"], ["provider.npi"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("npi", "slot"),
    )
    with op.batch_alter_table("provider_taxonomy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_taxonomy_code"), ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("provider_taxonomy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_taxonomy_code"))

    op.drop_table("provider_taxonomy")
    with op.batch_alter_table("provider_language", schema=None) as batch_op:
        batch_op.drop_index("ix_provider_language_code")

    op.drop_table("provider_language")
    with op.batch_alter_table("practice_location", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_location_npi"))
        batch_op.drop_index("ix_location_zip")
        batch_op.drop_index("ix_location_county")
        batch_op.drop_index("ix_location_city")
        batch_op.drop_index("ix_location_band")

    op.drop_table("practice_location")
    op.drop_table("provider")
    op.drop_table("import_run")
