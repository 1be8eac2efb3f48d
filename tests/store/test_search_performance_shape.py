"""The fast query shape of the dentist search returns what a brute-force search returns.

The directory is generated (seeded) and imported with the real importers: 360
providers over 45 California ZIPs, several per ZIP so that distances tie, with
random specialties, languages, ages and capabilities. The reference search reads
every practice location and filters, measures and sorts in Python, using the
same equirectangular distance as the service. Haversine miles are checked too.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.helpers import (
    import_admin_rows,
    import_nppes_rows,
    language_table,
    location_table,
    npi_for,
    nppes_row,
)
from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.geography import (
    MILES_PER_DEGREE_LATITUDE,
    distance_miles,
    latitude_band,
    lookup_zip,
    zips_in_state,
)
from tsc_console.domain.languages import language_bit
from tsc_console.domain.taxonomy import DENTIST_MASK, Specialty
from tsc_console.services import provider_search
from tsc_console.services.provider_search import (
    FALLBACK_ENOUGH,
    FALLBACK_GROWTH,
    FALLBACK_LIMIT_MILES,
    search_providers,
)
from tsc_console.services.search_models import SearchCriteria, SearchResult
from tsc_console.store.database import upgrade_database
from tsc_console.store.engine import create_db_engine

SEED = 20261204
PROVIDERS = 360
ZIP_COUNT = 45
TAXONOMIES = {
    "1223G0001X": Specialty.GENERAL,
    "1223P0221X": Specialty.PEDIATRIC,
    "1223S0112X": Specialty.ORAL_SURGERY,
    "1223X0400X": Specialty.ORTHODONTICS,
}
LANGUAGE_NAMES = ("Spanish", "Vietnamese", "Mandarin", "Tagalog", "tam")


@dataclass(frozen=True, slots=True)
class Place:
    """One practice location, with the columns the reference search reads."""

    npi: str
    city: str
    county: str | None
    latitude: float
    longitude: float
    latitude_band: int | None
    specialty_mask: int
    language_mask: int
    languages: frozenset[str]
    accepting: str | None
    wheelchair_access: bool | None
    sedation_or_anesthesia: bool | None
    age_min: int | None
    age_max: int | None


def generated_rows() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """NPPES and admin rows of the generated directory."""
    rng = random.Random(SEED)
    # Sorted before sampling so that the sample does not depend on the package's order.
    places = sorted(
        (place for place in zips_in_state("CA") if 33.5 <= place.latitude <= 38.9),
        key=lambda place: place.zip5,
    )
    zips = rng.sample(places, ZIP_COUNT)
    nppes: list[dict[str, str]] = []
    admin: list[dict[str, str]] = []
    for number in range(1, PROVIDERS + 1):
        place = rng.choice(zips)
        codes = rng.sample(sorted(TAXONOMIES), rng.choice((1, 1, 2)))
        fields = {
            "npi": npi_for(number),
            "last_name": f"Dentist{number}",
            "city": place.city,
            "zip": place.zip5,
            "taxonomy": codes[0],
        }
        if len(codes) == 2:
            fields.update(taxonomy2=codes[1], switch2="N")
        nppes.append(nppes_row(**fields))
        youngest = rng.choice((None, 0, 5, 18))
        oldest = rng.choice((None, 17, 64, 130))
        if youngest is not None and oldest is not None and oldest < youngest:
            oldest = None
        admin.append(
            {
                "npi": npi_for(number),
                "languages": "; ".join(rng.sample(LANGUAGE_NAMES, rng.randrange(0, 3))),
                "accepting": rng.choice(("newpt", "nopt", "existptonly", "")),
                "wheelchair_access": rng.choice(("Y", "N", "")),
                "sedation_permit": rng.choice(("Y", "N", "", "")),
                "age_min": "" if youngest is None else str(youngest),
                "age_max": "" if oldest is None else str(oldest),
            }
        )
    return nppes, admin


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder: Path = tmp_path_factory.mktemp("shape")
    engine = create_db_engine(f"sqlite:///{folder / 'tsc.db'}")
    upgrade_database(engine)
    nppes, admin = generated_rows()
    assert import_nppes_rows(engine, folder / "npidata.csv", nppes).inserted == PROVIDERS
    assert import_admin_rows(engine, folder / "admin.csv", admin).updated == PROVIDERS
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def places(directory: Engine) -> list[Place]:
    with directory.connect() as connection:
        spoken: dict[str, set[str]] = {}
        for npi, code in connection.execute(select(language_table.c.npi, language_table.c.code)):
            spoken.setdefault(npi, set()).add(code)
        rows = connection.execute(select(location_table)).all()
    return [
        Place(
            npi=row.npi,
            city=row.city,
            county=row.county,
            latitude=row.latitude,
            longitude=row.longitude,
            latitude_band=row.latitude_band,
            specialty_mask=row.specialty_mask,
            language_mask=row.language_mask,
            languages=frozenset(spoken.get(row.npi, ())),
            accepting=row.accepting.value if row.accepting else None,
            wheelchair_access=row.wheelchair_access,
            sedation_or_anesthesia=row.sedation_or_anesthesia,
            age_min=row.age_min,
            age_max=row.age_max,
        )
        for row in rows
    ]


# Reference search


def matches(place: Place, criteria: SearchCriteria) -> bool:
    wanted = criteria.specialty.bit if criteria.specialty is not None else DENTIST_MASK
    if not place.specialty_mask & wanted:
        return False
    if criteria.county and place.county != criteria.county:
        return False
    if criteria.language:
        bit = language_bit(criteria.language)
        if bit and not place.language_mask & bit:
            return False
        if not bit and criteria.language not in place.languages:
            return False
    if criteria.accepting_new_only and place.accepting != AcceptingPatients.ACCEPTING.value:
        return False
    if criteria.wheelchair_access and place.wheelchair_access is not True:
        return False
    if criteria.sedation_or_anesthesia and place.sedation_or_anesthesia is not True:
        return False
    age = criteria.patient_age
    if age is not None:
        if place.age_min is not None and place.age_min > age:
            return False
        if place.age_max is not None and place.age_max < age:
            return False
    return True


def squared_miles(place: Place, zip5: str) -> float:
    """The service's distance, with the same floating-point operations in the same order."""
    origin = lookup_zip(zip5)
    assert origin is not None
    scale = MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(origin.latitude))
    north = place.latitude - origin.latitude
    east = place.longitude - origin.longitude
    return (
        north * MILES_PER_DEGREE_LATITUDE * north * MILES_PER_DEGREE_LATITUDE
        + east * scale * east * scale
    )


@dataclass(frozen=True, slots=True)
class Expected:
    npis: list[str]
    """Every match in result order, not only one page."""
    beyond_radius: bool = False


def reference_search(places: list[Place], criteria: SearchCriteria) -> Expected:
    found = [place for place in places if matches(place, criteria)]
    if not criteria.zip_code:
        return Expected([place.npi for place in sorted(found, key=lambda p: (p.city, p.npi))])
    zip5 = criteria.zip_code
    ordered = sorted(found, key=lambda place: (squared_miles(place, zip5), place.npi))
    if criteria.county:
        return Expected([place.npi for place in ordered])
    radius = criteria.radius_miles
    within = [place.npi for place in ordered if squared_miles(place, zip5) <= radius * radius]
    if within:
        return Expected(within)
    nearest: list[str] = []
    for growth in FALLBACK_GROWTH:
        wider = min(radius * growth, FALLBACK_LIMIT_MILES)
        nearest = [place.npi for place in ordered if squared_miles(place, zip5) <= wider * wider][
            : criteria.page_size
        ]
        if len(nearest) >= min(FALLBACK_ENOUGH, criteria.page_size):
            break
        if wider >= FALLBACK_LIMIT_MILES:
            break
    return Expected(nearest, beyond_radius=True)


def check_page(result: SearchResult, expected: Expected, cap: int) -> None:
    criteria = result.criteria
    assert result.beyond_radius == expected.beyond_radius
    if expected.beyond_radius:
        assert [hit.npi for hit in result.hits] == expected.npis
        assert result.total == len(expected.npis)
        return
    start = criteria.page * criteria.page_size
    page = expected.npis[start : start + criteria.page_size]
    assert [hit.npi for hit in result.hits] == page
    limit = max(cap, start + criteria.page_size)
    if len(expected.npis) > limit:
        assert result.total_is_capped
        assert result.total == limit
    else:
        assert not result.total_is_capped
        assert result.total == len(expected.npis)


def criteria_cases(places: list[Place]) -> list[SearchCriteria]:
    rng = random.Random(SEED + 1)
    zips = sorted({lookup_zip_of(place) for place in places})
    counties = sorted({place.county for place in places if place.county})
    cases: list[SearchCriteria] = [SearchCriteria(), SearchCriteria(page=2, page_size=25)]
    for _ in range(90):
        zip_code = rng.choice(zips) if rng.random() < 0.8 else None
        cases.append(
            SearchCriteria(
                specialty=rng.choice(tuple(TAXONOMIES.values())) if rng.random() < 0.3 else None,
                zip_code=zip_code,
                radius_miles=rng.choice((1.0, 5.0, 10.0, 25.0, 60.0, 150.0, 500.0)),
                county=rng.choice(counties) if rng.random() < 0.2 else None,
                language=rng.choice(("spa", "vie", "tgl", "tam", "kor"))
                if rng.random() < 0.3
                else None,
                accepting_new_only=rng.random() < 0.15,
                wheelchair_access=rng.random() < 0.1,
                sedation_or_anesthesia=rng.random() < 0.1,
                patient_age=rng.choice((3, 12, 40, 90)) if rng.random() < 0.2 else None,
                page=rng.choice((0, 0, 0, 1, 3)),
                page_size=rng.choice((5, 10, 50)),
            )
        )
    return cases


def lookup_zip_of(place: Place) -> str:
    """The ZIP whose centre is this place (the importer takes coordinates from the ZIP)."""
    for zip5 in ZIPS_BY_POINT.get((place.latitude, place.longitude), ()):
        return zip5
    raise AssertionError(f"no ZIP at {place.latitude}, {place.longitude}")


ZIPS_BY_POINT: dict[tuple[float, float], list[str]] = {}
for _place in zips_in_state("CA"):
    ZIPS_BY_POINT.setdefault((_place.latitude, _place.longitude), []).append(_place.zip5)


# Tests


def test_latitude_band_stored(places: list[Place]) -> None:
    for place in places:
        assert place.latitude_band == latitude_band(place.latitude)


@pytest.mark.parametrize("cap", [provider_search.COUNT_CAP, 7])
def test_search_equals_reference(
    directory: Engine, places: list[Place], cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small cap makes most counts capped, so paging past the cap is checked too.
    monkeypatch.setattr(provider_search, "COUNT_CAP", cap)
    cases = criteria_cases(places)
    for criteria in cases:
        result = search_providers(directory, criteria)
        check_page(result, reference_search(places, criteria), cap)


def test_rings_used_for_dense_search(
    directory: Engine, places: list[Place], monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a cap of 3 every busy ZIP has a capped count and its page is found in rings.
    monkeypatch.setattr(provider_search, "COUNT_CAP", 3)
    rings: list[float | None] = []
    original = provider_search._nearest_page

    def record(*arguments, **keywords):
        rings.append(arguments[4])
        return original(*arguments, **keywords)

    monkeypatch.setattr(provider_search, "_nearest_page", record)
    zip5 = lookup_zip_of(places[0])
    for page in range(4):
        criteria = SearchCriteria(zip_code=zip5, radius_miles=150, page=page, page_size=4)
        check_page(search_providers(directory, criteria), reference_search(places, criteria), 3)

    assert rings


def test_within_radius_agrees_with_haversine(directory: Engine, places: list[Place]) -> None:
    # The equirectangular distance differs from great-circle miles by well under 1%
    # at these distances, so only places near the edge may fall either way.
    for zip5 in sorted({lookup_zip_of(place) for place in places})[:15]:
        origin = lookup_zip(zip5)
        assert origin is not None
        for radius in (10.0, 50.0, 200.0):
            criteria = SearchCriteria(zip_code=zip5, radius_miles=radius, page_size=500)
            result = search_providers(directory, criteria)
            if result.beyond_radius:
                continue
            found = {hit.npi for hit in result.hits}
            for place in places:
                miles = distance_miles(
                    origin.latitude, origin.longitude, place.latitude, place.longitude
                )
                if miles <= radius * 0.99:
                    assert place.npi in found
                if miles > radius * 1.01:
                    assert place.npi not in found


def test_capped_count_says_more(
    directory: Engine, places: list[Place], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_search, "COUNT_CAP", 20)
    result = search_providers(directory, SearchCriteria(page_size=10))

    assert result.total_is_capped
    assert result.total == 20
    assert result.page_count == 3


def test_capped_count_grows_with_page(
    directory: Engine, places: list[Place], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_search, "COUNT_CAP", 20)
    result = search_providers(directory, SearchCriteria(page=4, page_size=10))

    assert result.total_is_capped
    assert result.total == 50
    assert result.page_count == 6


def test_exact_count_below_cap(directory: Engine, places: list[Place]) -> None:
    result = search_providers(directory, SearchCriteria(page_size=10))

    assert not result.total_is_capped
    assert result.total == PROVIDERS
    assert result.page_count == 36


def test_capped_status_text_says_more(directory: Engine) -> None:
    from tsc_console.tui.screens.dentist_search import _status_text

    capped = SearchResult(SearchCriteria(), [], 1000, total_is_capped=True)

    assert str(_status_text(capped)).startswith("More than 1,000 providers statewide")
