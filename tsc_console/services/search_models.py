"""Search criteria and results, kept free of database imports so the console loads them fast."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.taxonomy import Specialty

DEFAULT_RADIUS_MILES = 25.0
DEFAULT_PAGE_SIZE = 50


class SearchError(ValueError):
    """Raised for search criteria that cannot be run; the message names the field and value."""


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    specialty: Specialty | None = None
    zip_code: str | None = None
    radius_miles: float = DEFAULT_RADIUS_MILES
    county: str | None = None
    language: str | None = None
    """ISO 639-3 code, e.g. "spa"; "ase" for ASL."""
    accepting_new_only: bool = False
    wheelchair_access: bool = False
    sedation_or_anesthesia: bool = False
    medi_cal_enrolled_only: bool = False
    """Only providers the admin CSV marks enrolled in Medi-Cal Dental."""
    patient_age: int | None = None
    page: int = 0
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class ProviderHit:
    npi: str
    name: str
    entity_type: int
    credential: str | None
    primary_taxonomy: str
    specialty: str
    specialty_short: str
    address_line1: str
    address_line2: str | None
    city: str
    zip5: str
    zip4: str | None
    county: str | None
    phone: str
    fax: str
    languages: tuple[str, ...]
    accepting: AcceptingPatients | None
    wheelchair_access: bool | None
    sedation_permit: bool | None
    general_anesthesia_permit: bool | None
    hospital_privileges: bool | None
    developmental_disability_experience: bool | None
    age_min: int | None
    age_max: int | None
    medi_cal_enrolled: bool | None
    last_verified_on: date | None
    verification_source: str | None
    nppes_last_update: date | None
    distance_miles: float | None
    taxonomies: tuple[tuple[str, str, bool, str | None], ...] = ()
    """(code, label, is primary, license number) for every taxonomy slot."""

    @property
    def zip_display(self) -> str:
        return f"{self.zip5}-{self.zip4}" if self.zip4 else self.zip5

    @property
    def accepting_label(self) -> str:
        return self.accepting.label if self.accepting else "Unknown"

    @property
    def ages_label(self) -> str:
        if self.age_min is None and self.age_max is None:
            return "Not stated"
        youngest = self.age_min if self.age_min is not None else 0
        oldest = self.age_max if self.age_max is not None else "any"
        return f"{youngest} to {oldest}"


@dataclass(frozen=True, slots=True)
class SearchResult:
    criteria: SearchCriteria
    hits: list[ProviderHit]
    total: int
    """Rows matching the criteria (within the radius, or beyond it when `beyond_radius`).

    When `total_is_capped`, counting stopped and more than `total` rows match."""
    beyond_radius: bool = False
    """True when nothing matched within the radius and `hits` are the nearest matches beyond it."""
    origin: str | None = None
    """Origin of the distances, e.g. "95814 Sacramento"."""
    searched_radius_miles: float | None = None
    notes: list[str] = field(default_factory=list)
    total_is_capped: bool = False
    """True when more than `total` rows match, because the search counts up to a limit only."""

    @property
    def page_count(self) -> int:
        """Pages of `total` rows, plus one when the count was capped so that paging can go on."""
        pages = max(1, math.ceil(self.total / self.criteria.page_size))
        return pages + 1 if self.total_is_capped else pages
