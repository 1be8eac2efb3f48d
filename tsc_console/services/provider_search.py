"""Dentist search over the provider directory.

Distances: rows are filtered with an index-friendly latitude/longitude box and
ordered by an equirectangular distance computed in SQL (plain arithmetic that
SQLite and PostgreSQL both run fast). Within the few hundred miles of one state
that ordering matches great-circle order to within a fraction of a percent; the
miles shown are then computed exactly (haversine) for the rows of the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, and_, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.geography import (
    MILES_PER_DEGREE_LATITUDE,
    bounding_box,
    county_name,
    distance_miles,
    lookup_zip,
    split_zip,
)
from tsc_console.domain.languages import language_bit, language_name
from tsc_console.domain.phones import format_phone
from tsc_console.domain.taxonomy import specialty_of, taxonomy_label
from tsc_console.services.search_models import (
    ProviderHit,
    SearchCriteria,
    SearchError,
    SearchResult,
)
from tsc_console.store.engine import read_session
from tsc_console.store.models import PracticeLocation, Provider, ProviderLanguage, ProviderTaxonomy

location = PracticeLocation.__table__  # type: ignore[attr-defined]
provider = Provider.__table__  # type: ignore[attr-defined]
language_table = ProviderLanguage.__table__  # type: ignore[attr-defined]
taxonomy_table = ProviderTaxonomy.__table__  # type: ignore[attr-defined]

MAX_RADIUS_MILES = 500.0
# Radii tried, as multiples of the requested radius, when nothing matches
# within it: a rural member still gets the nearest matches. Widening stops once
# FALLBACK_ENOUGH matches are found, so the caller has a few to choose from.
FALLBACK_GROWTH = (2, 4, 8, 16, 32, 64)
FALLBACK_LIMIT_MILES = 1000.0
FALLBACK_ENOUGH = 10


@dataclass(frozen=True, slots=True)
class _Origin:
    zip5: str
    label: str
    latitude: float
    longitude: float


def _resolve_origin(criteria: SearchCriteria) -> _Origin | None:
    if not criteria.zip_code or not criteria.zip_code.strip():
        return None
    split = split_zip(criteria.zip_code)
    if split is None:
        raise SearchError(f"ZIP code {criteria.zip_code.strip()!r} is invalid: enter 5 digits")
    place = lookup_zip(split[0])
    if place is None:
        raise SearchError(f"ZIP code {split[0]} was not found")
    return _Origin(split[0], f"{place.zip5} {place.city}", place.latitude, place.longitude)


def validate_criteria(criteria: SearchCriteria) -> SearchCriteria:
    """Check and normalise criteria; raise SearchError naming the bad field and value."""
    if not (0 < criteria.radius_miles <= MAX_RADIUS_MILES):
        raise SearchError(
            f"radius {criteria.radius_miles:g} miles is out of range: "
            f"enter 1 to {MAX_RADIUS_MILES:g}"
        )
    county = None
    if criteria.county and criteria.county.strip():
        county = county_name(criteria.county)
        if county is None:
            raise SearchError(f"county {criteria.county.strip()!r} is not a California county")
    if criteria.patient_age is not None and not (0 <= criteria.patient_age <= 130):
        raise SearchError(f"patient age {criteria.patient_age} is out of range: enter 0 to 130")
    if criteria.page < 0:
        raise SearchError(f"page {criteria.page} is invalid")
    if not (1 <= criteria.page_size <= 500):
        raise SearchError(f"page size {criteria.page_size} is out of range: 1 to 500")
    return replace(criteria, county=county)


def _filters(criteria: SearchCriteria) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.specialty is not None:
        conditions.append(location.c.specialty_mask.op("&")(criteria.specialty.bit) != 0)
    if criteria.county:
        conditions.append(location.c.county == criteria.county)
    if criteria.language:
        bit = language_bit(criteria.language)
        if bit:
            conditions.append(location.c.language_mask.op("&")(bit) != 0)
        else:
            conditions.append(
                exists().where(
                    language_table.c.npi == location.c.npi,
                    language_table.c.code == criteria.language,
                )
            )
    if criteria.accepting_new_only:
        conditions.append(location.c.accepting == AcceptingPatients.ACCEPTING)
    if criteria.wheelchair_access:
        conditions.append(location.c.wheelchair_access.is_(True))
    if criteria.sedation_or_anesthesia:
        conditions.append(location.c.sedation_or_anesthesia.is_(True))
    if criteria.patient_age is not None:
        age = criteria.patient_age
        conditions.append(or_(location.c.age_min.is_(None), location.c.age_min <= age))
        conditions.append(or_(location.c.age_max.is_(None), location.c.age_max >= age))
    return conditions


def _squared_miles(origin: _Origin) -> ColumnElement[float]:
    scale = MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(origin.latitude))
    dlat = (location.c.latitude - literal(origin.latitude)) * literal(MILES_PER_DEGREE_LATITUDE)
    dlon = (location.c.longitude - literal(origin.longitude)) * literal(scale)
    return dlat * dlat + dlon * dlon


def _within(origin: _Origin, radius: float) -> list[ColumnElement[bool]]:
    box = bounding_box(origin.latitude, origin.longitude, radius)
    return [
        location.c.latitude.between(box.min_latitude, box.max_latitude),
        location.c.longitude.between(box.min_longitude, box.max_longitude),
        _squared_miles(origin) <= radius * radius,
    ]


def search_providers(engine: Engine, criteria: SearchCriteria) -> SearchResult:
    """Run a dentist search and return one page of results with the total count.

    Raises:
        SearchError: a criterion is invalid (unknown ZIP or county, radius out of range).
    """
    criteria = validate_criteria(criteria)
    origin = _resolve_origin(criteria)
    conditions = _filters(criteria)
    offset = criteria.page * criteria.page_size

    with read_session(engine) as session:
        connection = session.connection()
        if origin is None:
            order = [location.c.city, location.c.npi]
            where = and_(*conditions) if conditions else literal(True)
            total = connection.execute(
                select(func.count()).select_from(location).where(where)
            ).scalar_one()
            rows = connection.execute(
                select(location.c.npi, location.c.id)
                .where(where)
                .order_by(*order)
                .offset(offset)
                .limit(criteria.page_size)
            ).all()
            hits = _load_hits(connection, rows, None)
            return SearchResult(criteria, hits, total)

        distance = _squared_miles(origin)
        radius_conditions = [] if criteria.county else _within(origin, criteria.radius_miles)
        where = (
            and_(*conditions, *radius_conditions)
            if (conditions or radius_conditions)
            else literal(True)
        )
        total = connection.execute(
            select(func.count()).select_from(location).where(where)
        ).scalar_one()
        if total > 0 or criteria.county:
            rows = connection.execute(
                select(location.c.npi, location.c.id)
                .where(where)
                .order_by(distance, location.c.npi)
                .offset(offset)
                .limit(criteria.page_size)
            ).all()
            hits = _load_hits(connection, rows, origin)
            return SearchResult(
                criteria,
                hits,
                total,
                origin=origin.label,
                searched_radius_miles=None if criteria.county else criteria.radius_miles,
            )

        # Nothing within the radius: widen step by step and show the nearest.
        for growth in FALLBACK_GROWTH:
            radius = min(criteria.radius_miles * growth, FALLBACK_LIMIT_MILES)
            wider = and_(*conditions, *_within(origin, radius))
            rows = connection.execute(
                select(location.c.npi, location.c.id)
                .where(wider)
                .order_by(distance, location.c.npi)
                .limit(criteria.page_size)
            ).all()
            if len(rows) >= min(FALLBACK_ENOUGH, criteria.page_size):
                break
            if radius >= FALLBACK_LIMIT_MILES:
                break
        hits = _load_hits(connection, rows, origin)
        return SearchResult(
            criteria,
            hits,
            len(hits),
            beyond_radius=True,
            origin=origin.label,
            searched_radius_miles=criteria.radius_miles,
        )


def display_name(row: Any) -> str:
    if row.entity_type == 2:
        return str(row.organization_name or "")
    parts = [row.first_name, row.middle_name, row.last_name]
    name = " ".join(part for part in parts if part)
    if row.name_suffix:
        name = f"{name} {row.name_suffix}"
    return name


def _load_hits(connection: Any, rows: Sequence[Any], origin: _Origin | None) -> list[ProviderHit]:
    if not rows:
        return []
    npis = [row.npi for row in rows]
    location_ids = [row.id for row in rows]
    providers = {
        row.npi: row for row in connection.execute(select(provider).where(provider.c.npi.in_(npis)))
    }
    locations = {
        row.id: row
        for row in connection.execute(select(location).where(location.c.id.in_(location_ids)))
    }
    languages: dict[str, list[str]] = {}
    for npi, code in connection.execute(
        select(language_table.c.npi, language_table.c.code)
        .where(language_table.c.npi.in_(npis))
        .order_by(language_table.c.npi, language_table.c.code)
    ):
        languages.setdefault(npi, []).append(language_name(code))
    taxonomies: dict[str, list[tuple[str, str, bool, str | None]]] = {}
    for row in connection.execute(
        select(taxonomy_table)
        .where(taxonomy_table.c.npi.in_(npis))
        .order_by(taxonomy_table.c.npi, taxonomy_table.c.slot)
    ):
        taxonomies.setdefault(row.npi, []).append(
            (row.code, taxonomy_label(row.code), bool(row.is_primary), row.license_number)
        )

    hits = []
    for ref in rows:
        p = providers[ref.npi]
        loc = locations[ref.id]
        distance = None
        if origin is not None and loc.latitude is not None and loc.longitude is not None:
            distance = distance_miles(
                origin.latitude, origin.longitude, loc.latitude, loc.longitude
            )
        specialty = specialty_of(p.primary_taxonomy)
        hits.append(
            ProviderHit(
                npi=p.npi,
                name=display_name(p),
                entity_type=p.entity_type,
                credential=p.credential,
                primary_taxonomy=p.primary_taxonomy,
                specialty=specialty.label if specialty else taxonomy_label(p.primary_taxonomy),
                specialty_short=specialty.short_label if specialty else p.primary_taxonomy,
                address_line1=loc.address_line1,
                address_line2=loc.address_line2,
                city=loc.city,
                zip5=loc.zip5,
                zip4=loc.zip4,
                county=loc.county,
                phone=format_phone(loc.phone, loc.phone_extension),
                fax=format_phone(loc.fax),
                languages=tuple(languages.get(p.npi, ())),
                accepting=p.accepting,
                wheelchair_access=p.wheelchair_access,
                sedation_permit=p.sedation_permit,
                general_anesthesia_permit=p.general_anesthesia_permit,
                hospital_privileges=p.hospital_privileges,
                developmental_disability_experience=p.developmental_disability_experience,
                age_min=p.age_min,
                age_max=p.age_max,
                medi_cal_enrolled=p.medi_cal_enrolled,
                last_verified_on=p.last_verified_on,
                verification_source=p.verification_source,
                nppes_last_update=p.nppes_last_update,
                distance_miles=distance,
                taxonomies=tuple(taxonomies.get(p.npi, ())),
            )
        )
    return hits
