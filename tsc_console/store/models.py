"""Tables of the provider directory.

A `Provider` is one NPI, individual (entity type 1) or organization (type 2).
Its practice locations carry geography plus copies of the provider's search
attributes (specialties, languages, capabilities), so that a dentist search
reads one table. The importers keep those copies in step inside the same
transaction that changes the provider.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Integer
from sqlmodel import Field, SQLModel

from tsc_console.domain.directory import AcceptingPatients, DirectorySource
from tsc_console.store.types import UTCDateTime, enum_column, utc_now


class Provider(SQLModel, table=True):
    __tablename__ = "provider"

    npi: str = Field(primary_key=True, max_length=10)
    entity_type: int = Field(description="1 = individual, 2 = organization")
    organization_name: str | None = Field(default=None, max_length=150)
    last_name: str | None = Field(default=None, max_length=60)
    first_name: str | None = Field(default=None, max_length=60)
    middle_name: str | None = Field(default=None, max_length=40)
    name_prefix: str | None = Field(default=None, max_length=10)
    name_suffix: str | None = Field(default=None, max_length=10)
    credential: str | None = Field(default=None, max_length=40)
    sex: str | None = Field(default=None, max_length=1)
    enumeration_date: date | None = None
    nppes_last_update: date | None = None
    deactivated_on: date | None = Field(
        default=None,
        description="NPPES deactivation date; a deactivated provider has no practice "
        "location, so searches never offer it, but its row stays for the history "
        "that refers to it",
    )
    primary_taxonomy: str = Field(max_length=10)
    specialty_mask: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    language_mask: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))

    accepting: AcceptingPatients | None = Field(
        default=None, sa_column=enum_column(AcceptingPatients)
    )
    wheelchair_access: bool | None = None
    sedation_permit: bool | None = None
    general_anesthesia_permit: bool | None = None
    hospital_privileges: bool | None = None
    age_min: int | None = Field(default=None, ge=0, le=130)
    age_max: int | None = Field(default=None, ge=0, le=130)
    developmental_disability_experience: bool | None = None
    medi_cal_enrolled: bool | None = None
    medi_cal_provider_number: str | None = Field(default=None, max_length=20)

    last_verified_on: date | None = None
    verification_source: str | None = Field(default=None, max_length=80)
    source: DirectorySource = Field(
        default=DirectorySource.NPPES, sa_column=enum_column(DirectorySource, nullable=False)
    )
    nppes_hash: str | None = Field(default=None, max_length=32)
    admin_hash: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(UTCDateTime(), nullable=False)
    )


# Search attribute columns, in the order the search indexes list them after their
# leading columns. With them in the index, SQLite runs the count and page
# queries on the index alone, without reading table rows.
SEARCH_FILTER_COLUMNS = (
    "specialty_mask",
    "language_mask",
    "accepting",
    "wheelchair_access",
    "sedation_or_anesthesia",
    "age_min",
    "age_max",
    "medi_cal_enrolled",
)


class PracticeLocation(SQLModel, table=True):
    __tablename__ = "practice_location"
    __table_args__ = (
        # Distance searches: one index range per latitude band, narrowed by longitude.
        Index(
            "ix_location_band",
            "latitude_band",
            "longitude",
            "latitude",
            *SEARCH_FILTER_COLUMNS,
            "county",
            "npi",
        ),
        # County searches, listed by city, or by distance from a ZIP.
        Index(
            "ix_location_county",
            "county",
            "city",
            "npi",
            "latitude",
            "longitude",
            *SEARCH_FILTER_COLUMNS,
        ),
        # The statewide list, ordered by city.
        Index("ix_location_city", "city", "npi"),
        Index("ix_location_zip", "zip5"),
    )

    id: int | None = Field(default=None, primary_key=True)
    npi: str = Field(foreign_key="provider.npi", index=True, max_length=10, ondelete="CASCADE")
    is_primary: bool = True
    address_line1: str = Field(max_length=120)
    address_line2: str | None = Field(default=None, max_length=120)
    city: str = Field(max_length=60)
    state: str = Field(max_length=2)
    zip5: str = Field(max_length=5)
    zip4: str | None = Field(default=None, max_length=4)
    county: str | None = Field(default=None, max_length=40)
    latitude: float | None = None
    longitude: float | None = None
    latitude_band: int | None = Field(
        default=None,
        description="floor(latitude x 20), see geography.latitude_band; set by the importer "
        "whenever it sets the latitude",
    )
    phone: str | None = Field(default=None, max_length=20, description="E.164")
    phone_extension: str | None = Field(default=None, max_length=10)
    fax: str | None = Field(default=None, max_length=20, description="E.164")

    # Copies of the provider's search attributes; see the module docstring.
    specialty_mask: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    language_mask: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    accepting: AcceptingPatients | None = Field(
        default=None, sa_column=enum_column(AcceptingPatients)
    )
    wheelchair_access: bool | None = None
    sedation_or_anesthesia: bool | None = None
    age_min: int | None = None
    age_max: int | None = None
    medi_cal_enrolled: bool | None = None


class ProviderTaxonomy(SQLModel, table=True):
    __tablename__ = "provider_taxonomy"

    npi: str = Field(
        foreign_key="provider.npi", primary_key=True, max_length=10, ondelete="CASCADE"
    )
    slot: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    code: str = Field(max_length=10, index=True)
    is_primary: bool = False
    license_number: str | None = Field(default=None, max_length=30)
    license_state: str | None = Field(default=None, max_length=2)


class ProviderLanguage(SQLModel, table=True):
    __tablename__ = "provider_language"
    __table_args__ = (Index("ix_provider_language_code", "code", "npi"),)

    npi: str = Field(
        foreign_key="provider.npi", primary_key=True, max_length=10, ondelete="CASCADE"
    )
    code: str = Field(primary_key=True, max_length=3, description="ISO 639-3; ase = ASL")


class ImportRun(SQLModel, table=True):
    """One run of a directory import, kept for the audit trail and `providers stats`."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    file_format: str = Field(max_length=16)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    rows_read: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    rows_kept: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    rows_rejected: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    rows_inserted: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    rows_updated: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    actor: str = Field(max_length=64)
