"""Dentist search over a small directory built with the real importers.

Where the providers practice (ZIP centroids from the `zipcodes` package):
95814 and 95819 Sacramento, 95630 Folsom (about 19 miles from 95814), 96101
Alturas in rural Modoc County (about 206 miles north), 90012 Los Angeles
(about 361 miles south).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.helpers import import_admin_rows, import_nppes_rows, npi_for, nppes_row, organization_row
from tsc_console.domain.taxonomy import Specialty
from tsc_console.services.provider_search import search_providers
from tsc_console.services.search_models import SearchCriteria, SearchError
from tsc_console.store.database import upgrade_database
from tsc_console.store.engine import create_db_engine

SACRAMENTO_GENERAL = npi_for(1)
SACRAMENTO_PEDIATRIC = npi_for(2)
FOLSOM_SURGEON = npi_for(3)
ALTURAS_GENERAL = npi_for(4)
LOS_ANGELES_GENERAL = npi_for(5)
MARKUP_CLINIC = npi_for(6)
LOS_ANGELES_PEDIATRIC = npi_for(7)
ALL_PROVIDERS = {
    SACRAMENTO_GENERAL,
    SACRAMENTO_PEDIATRIC,
    FOLSOM_SURGEON,
    ALTURAS_GENERAL,
    LOS_ANGELES_GENERAL,
    MARKUP_CLINIC,
    LOS_ANGELES_PEDIATRIC,
}
MARKUP_NAME = "[b]Bright[/b] Dental"

NPPES_ROWS = [
    nppes_row(npi=SACRAMENTO_GENERAL, zip="958142719"),
    nppes_row(npi=SACRAMENTO_PEDIATRIC, last_name="Nguyen", zip="95819", taxonomy="1223P0221X"),
    # An oral surgeon who also lists pediatric dentistry in slot 2.
    nppes_row(
        npi=FOLSOM_SURGEON,
        last_name="Okafor",
        city="Folsom",
        zip="95630",
        taxonomy="1223S0112X",
        taxonomy2="1223P0221X",
        switch2="N",
    ),
    nppes_row(npi=ALTURAS_GENERAL, last_name="Holt", city="Alturas", zip="96101"),
    nppes_row(npi=LOS_ANGELES_GENERAL, last_name="Reyes", city="Los Angeles", zip="90012"),
    organization_row(MARKUP_CLINIC, MARKUP_NAME, taxonomy="261QD0000X", zip="95814"),
    nppes_row(
        npi=LOS_ANGELES_PEDIATRIC,
        last_name="Kim",
        city="Los Angeles",
        zip="90012",
        taxonomy="1223P0221X",
    ),
]

ADMIN_ROWS = [
    {
        "npi": SACRAMENTO_GENERAL,
        "languages": "Spanish",
        "accepting": "newpt",
        "wheelchair_access": "Y",
        "age_min": "18",
        "age_max": "130",
    },
    {
        "npi": SACRAMENTO_PEDIATRIC,
        "languages": "tam",
        "accepting": "nopt",
        "sedation_permit": "Y",
        "age_min": "0",
        "age_max": "17",
    },
    {
        "npi": FOLSOM_SURGEON,
        "languages": "Vietnamese",
        "wheelchair_access": "Y",
        "general_anesthesia_permit": "Y",
        "age_min": "16",
    },
    {"npi": LOS_ANGELES_GENERAL, "languages": "Spanish; English", "accepting": "newpt"},
]


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("search")
    engine = create_db_engine(f"sqlite:///{folder / 'tsc.db'}")
    upgrade_database(engine)
    nppes = import_nppes_rows(engine, folder / "npidata.csv", NPPES_ROWS)
    admin = import_admin_rows(engine, folder / "admin.csv", ADMIN_ROWS)
    assert nppes.inserted == len(NPPES_ROWS)
    assert admin.updated == len(ADMIN_ROWS)
    yield engine
    engine.dispose()


def found(engine: Engine, **criteria) -> set[str]:
    """NPIs on the first page of a search (page size 500, so every match)."""
    result = search_providers(engine, SearchCriteria(page_size=500, **criteria))
    return {hit.npi for hit in result.hits}


def hit_by_npi(result, npi: str):
    [hit] = [hit for hit in result.hits if hit.npi == npi]
    return hit


# Filters


def test_no_filters_returns_all(directory: Engine) -> None:
    assert found(directory) == ALL_PROVIDERS


def test_specialty_general(directory: Engine) -> None:
    expected = {SACRAMENTO_GENERAL, ALTURAS_GENERAL, LOS_ANGELES_GENERAL}

    assert found(directory, specialty=Specialty.GENERAL) == expected


def test_specialty_matches_any_slot(directory: Engine) -> None:
    expected = {SACRAMENTO_PEDIATRIC, FOLSOM_SURGEON, LOS_ANGELES_PEDIATRIC}

    assert found(directory, specialty=Specialty.PEDIATRIC) == expected


def test_specialty_dental_clinic(directory: Engine) -> None:
    assert found(directory, specialty=Specialty.DENTAL_CLINIC) == {MARKUP_CLINIC}


def test_zip_radius_includes_nearby(directory: Engine) -> None:
    expected = {SACRAMENTO_GENERAL, SACRAMENTO_PEDIATRIC, FOLSOM_SURGEON, MARKUP_CLINIC}

    assert found(directory, zip_code="95814", radius_miles=25) == expected


def test_zip_radius_excludes_farther(directory: Engine) -> None:
    nearby = found(directory, zip_code="95814", radius_miles=10)

    assert FOLSOM_SURGEON not in nearby
    assert SACRAMENTO_PEDIATRIC in nearby


def test_zip_plus_four_accepted(directory: Engine) -> None:
    assert found(directory, zip_code="95814-2719", radius_miles=10) == found(
        directory, zip_code="95814", radius_miles=10
    )


def test_zip_results_sorted_by_distance(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(zip_code="95814", radius_miles=500))
    distances = [hit.distance_miles for hit in result.hits]

    assert len(distances) == len(ALL_PROVIDERS)
    assert distances == sorted(distances)


def test_zip_nearest_and_farthest(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(zip_code="95814", radius_miles=500))

    assert result.hits[0].npi in {SACRAMENTO_GENERAL, MARKUP_CLINIC}
    assert result.hits[-1].npi in {LOS_ANGELES_GENERAL, LOS_ANGELES_PEDIATRIC}


def test_zip_distances_plausible(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(zip_code="95814", radius_miles=500))

    assert hit_by_npi(result, SACRAMENTO_GENERAL).distance_miles == pytest.approx(0, abs=0.5)
    assert hit_by_npi(result, SACRAMENTO_PEDIATRIC).distance_miles == pytest.approx(3.1, abs=0.5)
    assert hit_by_npi(result, FOLSOM_SURGEON).distance_miles == pytest.approx(19.4, abs=0.5)
    assert hit_by_npi(result, ALTURAS_GENERAL).distance_miles == pytest.approx(206, abs=2)
    assert hit_by_npi(result, LOS_ANGELES_GENERAL).distance_miles == pytest.approx(361, abs=2)


def test_zip_search_names_origin(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(zip_code="95814"))

    assert result.origin == "95814 Sacramento"


def test_no_zip_no_distance(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(county="Modoc"))

    assert result.hits[0].distance_miles is None


def test_county_filter(directory: Engine) -> None:
    assert found(directory, county="Modoc") == {ALTURAS_GENERAL}


def test_county_name_normalised(directory: Engine) -> None:
    expected = {LOS_ANGELES_GENERAL, LOS_ANGELES_PEDIATRIC}

    assert found(directory, county="los angeles county") == expected


def test_county_with_zip_sorts_by_distance(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(county="Sacramento", zip_code="95630"))

    assert result.hits[0].npi == FOLSOM_SURGEON
    assert result.total == 4


def test_listed_language_via_mask(directory: Engine) -> None:
    assert found(directory, language="spa") == {SACRAMENTO_GENERAL, LOS_ANGELES_GENERAL}


def test_unlisted_language_via_table(directory: Engine) -> None:
    assert found(directory, language="tam") == {SACRAMENTO_PEDIATRIC}


def test_language_nobody_speaks(directory: Engine) -> None:
    assert found(directory, language="kor") == set()


def test_hit_lists_language_names(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(language="spa", county="Los Angeles"))

    assert result.hits[0].languages == ("English", "Spanish")


def test_accepting_new_only(directory: Engine) -> None:
    expected = {SACRAMENTO_GENERAL, LOS_ANGELES_GENERAL}

    assert found(directory, accepting_new_only=True) == expected


def test_wheelchair_access(directory: Engine) -> None:
    assert found(directory, wheelchair_access=True) == {SACRAMENTO_GENERAL, FOLSOM_SURGEON}


def test_sedation_or_anesthesia(directory: Engine) -> None:
    expected = {SACRAMENTO_PEDIATRIC, FOLSOM_SURGEON}

    assert found(directory, sedation_or_anesthesia=True) == expected


def test_child_age_includes_unknown_ages(directory: Engine) -> None:
    expected = ALL_PROVIDERS - {SACRAMENTO_GENERAL, FOLSOM_SURGEON}

    assert found(directory, patient_age=10) == expected


def test_adult_age_excludes_pediatric_only(directory: Engine) -> None:
    assert found(directory, patient_age=40) == ALL_PROVIDERS - {SACRAMENTO_PEDIATRIC}


def test_age_at_range_edges(directory: Engine) -> None:
    assert SACRAMENTO_PEDIATRIC in found(directory, patient_age=17)
    assert FOLSOM_SURGEON in found(directory, patient_age=16)


def test_filters_combine(directory: Engine) -> None:
    matches = found(
        directory,
        zip_code="95814",
        radius_miles=25,
        specialty=Specialty.PEDIATRIC,
        wheelchair_access=True,
    )

    assert matches == {FOLSOM_SURGEON}


# Paging


def test_pages_do_not_overlap(directory: Engine) -> None:
    first = search_providers(
        directory, SearchCriteria(zip_code="95814", radius_miles=500, page_size=3)
    )
    second = search_providers(
        directory, SearchCriteria(zip_code="95814", radius_miles=500, page_size=3, page=1)
    )

    assert {hit.npi for hit in first.hits}.isdisjoint({hit.npi for hit in second.hits})


def test_second_page_continues_first(directory: Engine) -> None:
    first = search_providers(
        directory, SearchCriteria(zip_code="95814", radius_miles=500, page_size=3)
    )
    second = search_providers(
        directory, SearchCriteria(zip_code="95814", radius_miles=500, page_size=3, page=1)
    )

    assert first.hits[-1].distance_miles <= second.hits[0].distance_miles


def test_pages_cover_all_results(directory: Engine) -> None:
    seen: list[str] = []
    for page in range(3):
        result = search_providers(directory, SearchCriteria(page_size=3, page=page))
        seen.extend(hit.npi for hit in result.hits)

    assert sorted(seen) == sorted(ALL_PROVIDERS)


def test_total_constant_across_pages(directory: Engine) -> None:
    totals = {
        search_providers(directory, SearchCriteria(page_size=3, page=page)).total
        for page in range(3)
    }

    assert totals == {len(ALL_PROVIDERS)}


def test_page_count(directory: Engine) -> None:
    assert search_providers(directory, SearchCriteria(page_size=3)).page_count == 3


# Nothing within the radius: the nearest matches beyond it


@pytest.fixture(scope="module")
def rural_pediatric(directory: Engine):
    criteria = SearchCriteria(zip_code="96101", radius_miles=10, specialty=Specialty.PEDIATRIC)
    return search_providers(directory, criteria)


def test_rural_search_beyond_radius(rural_pediatric) -> None:
    assert rural_pediatric.beyond_radius is True


def test_rural_search_nearest_first(rural_pediatric) -> None:
    nearest = [hit.npi for hit in rural_pediatric.hits[:2]]

    assert nearest == [FOLSOM_SURGEON, SACRAMENTO_PEDIATRIC]


def test_rural_search_nearest_in_sacramento(rural_pediatric) -> None:
    assert rural_pediatric.hits[0].county == "Sacramento"


def test_rural_search_sorted_by_distance(rural_pediatric) -> None:
    distances = [hit.distance_miles for hit in rural_pediatric.hits]

    assert distances == sorted(distances)


def test_rural_search_hits_outside_radius(rural_pediatric) -> None:
    assert min(hit.distance_miles for hit in rural_pediatric.hits) > 10


def test_rural_search_keeps_requested_radius(rural_pediatric) -> None:
    assert rural_pediatric.searched_radius_miles == 10


def test_within_radius_not_beyond(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(zip_code="96101", radius_miles=10))

    assert result.beyond_radius is False
    assert [hit.npi for hit in result.hits] == [ALTURAS_GENERAL]


# Invalid criteria


@pytest.mark.parametrize(
    ("criteria", "named_value"),
    [
        (SearchCriteria(zip_code="9581"), "9581"),
        (SearchCriteria(zip_code="ABCDE"), "ABCDE"),
        (SearchCriteria(zip_code="99999"), "99999"),
        (SearchCriteria(county="Narnia"), "Narnia"),
        (SearchCriteria(zip_code="95814", radius_miles=0), "radius 0"),
        (SearchCriteria(zip_code="95814", radius_miles=-5), "radius -5"),
        (SearchCriteria(zip_code="95814", radius_miles=501), "radius 501"),
        (SearchCriteria(patient_age=131), "age 131"),
        (SearchCriteria(page=-1), "page -1"),
    ],
)
def test_invalid_criteria_named(
    directory: Engine, criteria: SearchCriteria, named_value: str
) -> None:
    with pytest.raises(SearchError) as raised:
        search_providers(directory, criteria)

    assert named_value in str(raised.value)


# Names come back exactly as stored


def test_markup_name_unchanged(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(specialty=Specialty.DENTAL_CLINIC))

    assert result.hits[0].name == MARKUP_NAME


def test_individual_name_joined(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(county="Modoc"))

    assert result.hits[0].name == "Maria Holt"


def test_hit_specialty_label(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(county="Modoc"))

    assert result.hits[0].specialty == "General dentist"


def test_hit_phone_formatted(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(county="Modoc"))

    assert result.hits[0].phone == "(916) 555-0134"


def test_hit_zip_display(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(zip_code="95814", radius_miles=1))

    assert hit_by_npi(result, SACRAMENTO_GENERAL).zip_display == "95814-2719"


def test_hit_unknown_ages_label(directory: Engine) -> None:
    result = search_providers(directory, SearchCriteria(county="Modoc"))

    assert result.hits[0].ages_label == "Not stated"


def test_enrolled_filter(engine: Engine, tmp_path: Path) -> None:
    rows = [
        nppes_row(npi=npi_for(1), last_name="Enrolled", zip="95814"),
        nppes_row(npi=npi_for(2), last_name="Unenrolled", zip="95814"),
        nppes_row(npi=npi_for(3), last_name="Unknown", zip="95814"),
    ]
    import_nppes_rows(engine, tmp_path / "npidata.csv", rows)
    admin = [
        {"npi": npi_for(1), "medi_cal_enrolled": "Y"},
        {"npi": npi_for(2), "medi_cal_enrolled": "N"},
    ]
    import_admin_rows(engine, tmp_path / "admin.csv", admin)
    result = search_providers(engine, SearchCriteria(zip_code="95814", medi_cal_enrolled_only=True))

    assert [hit.npi for hit in result.hits] == [npi_for(1)]


def test_any_specialty_excludes_hygienists(engine: Engine, tmp_path: Path) -> None:
    rows = [
        nppes_row(npi=npi_for(1), last_name="Dentist", zip="95814"),
        nppes_row(npi=npi_for(2), last_name="Hygienist", zip="95814", taxonomy="124Q00000X"),
    ]
    import_nppes_rows(engine, tmp_path / "npidata.csv", rows)
    result = search_providers(engine, SearchCriteria(zip_code="95814"))

    assert [hit.npi for hit in result.hits] == [npi_for(1)]
