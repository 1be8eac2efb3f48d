"""Rules of the domain layer: NPIs, ZIP codes, counties, distances, phones, languages, times."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
import zipcodes
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from tsc_console.domain.directory import AcceptingPatients, parse_accepting, parse_flag
from tsc_console.domain.geography import (
    EARTH_RADIUS_MILES,
    ZipPlace,
    bounding_box,
    county_name,
    distance_miles,
    latitude_band,
    latitude_bands,
    lookup_zip,
    split_zip,
    zips_in_state,
)
from tsc_console.domain.languages import language_bit, language_code
from tsc_console.domain.npi import is_valid_npi, make_npi, npi_problem
from tsc_console.domain.phones import InvalidPhoneError, parse_phone
from tsc_console.store.engine import create_db_engine
from tsc_console.store.types import UTCDateTime

nine_digit_bases = st.from_regex(r"[12][0-9]{8}", fullmatch=True)


# NPI check digits


def test_npi_known_valid() -> None:
    assert is_valid_npi("1234567893")


def test_npi_wrong_check_digit() -> None:
    assert npi_problem("1234567890") == "the check digit does not match"


def test_npi_nine_digits_invalid() -> None:
    assert npi_problem("123456789") == "an NPI has exactly 10 digits"


def test_npi_with_letter_invalid() -> None:
    assert npi_problem("12345678A3") == "an NPI has exactly 10 digits"


def test_npi_starting_with_three_invalid() -> None:
    # The check digit 9 is right for the base 323456789, so only the first digit is wrong.
    assert npi_problem("3234567899") == "an NPI starts with 1 or 2"


@given(nine_digit_bases)
def test_make_npi_always_valid(base: str) -> None:
    assert is_valid_npi(make_npi(base))


@given(nine_digit_bases, st.integers(0, 9), st.integers(1, 9))
def test_npi_one_digit_change_invalid(base: str, position: int, step: int) -> None:
    npi = make_npi(base)
    changed_digit = str((int(npi[position]) + step) % 10)
    changed = npi[:position] + changed_digit + npi[position + 1 :]

    assert not is_valid_npi(changed)


# ZIP codes


def test_split_zip_five_digits() -> None:
    assert split_zip("95814") == ("95814", None)


def test_split_zip_plus_four_hyphen() -> None:
    assert split_zip("95814-2719") == ("95814", "2719")


def test_split_zip_plus_four_without_hyphen() -> None:
    assert split_zip("958142719") == ("95814", "2719")


def test_split_zip_strips_spaces() -> None:
    assert split_zip(" 95814 ") == ("95814", None)


@pytest.mark.parametrize("raw", ["9581", "95814-12", "ABCDE", "", "958141", "95814-", "9581-42719"])
def test_split_zip_rejects_malformed(raw: str) -> None:
    assert split_zip(raw) is None


def whole_zip_table() -> dict[str, ZipPlace]:
    """Build the ZIP table from every `zipcodes` record at once, as the console once did."""
    table: dict[str, ZipPlace] = {}
    for row in zipcodes.list_all():
        if not row.get("lat") or not row.get("long"):
            continue
        county_text = row.get("county") or ""
        county = county_name(county_text) if row["state"] == "CA" else county_text or None
        table[row["zip_code"]] = ZipPlace(
            zip5=row["zip_code"],
            city=row["city"],
            state=row["state"],
            county=county,
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
        )
    return table


def test_lookup_zip_equals_whole_table() -> None:
    table = whole_zip_table()
    # A sample of all 5-digit strings, which covers prefixes with and without ZIPs,
    # then every ZIP in the package.
    for number in range(0, 100_000, 7):
        candidate = f"{number:05d}"
        assert lookup_zip(candidate) == table.get(candidate), candidate
    for zip5, place in table.items():
        assert lookup_zip(zip5) == place, zip5


def test_lookup_zip_california_county() -> None:
    place = lookup_zip("95814")

    assert place is not None
    assert (place.city, place.state, place.county) == ("Sacramento", "CA", "Sacramento")


@pytest.mark.parametrize("raw", ["", "9581", "958140", "95814-2719", " 95814", "ABCDE", "99999"])
def test_lookup_zip_unknown_or_malformed(raw: str) -> None:
    assert lookup_zip(raw) is None


@pytest.mark.parametrize("state", ["CA", "NV", "PR", "ZZ"])
def test_zips_in_state_equals_whole_table(state: str) -> None:
    expected = [place for place in whole_zip_table().values() if place.state == state]

    assert zips_in_state(state) == expected


# Latitude bands


@pytest.mark.parametrize(
    ("latitude", "band"),
    [(38.5804, 771), (32.5, 650), (32.49999, 649), (0.0, 0), (-0.01, -1), (-33.9, -678)],
)
def test_latitude_band_is_floor(latitude: float, band: int) -> None:
    assert latitude_band(latitude) == band


@given(
    st.floats(-89.0, 89.0, allow_nan=False),
    st.floats(-89.0, 89.0, allow_nan=False),
    st.floats(0.0, 1.0),
)
def test_latitude_bands_cover_range(first: float, second: float, share: float) -> None:
    low, high = min(first, second), max(first, second)
    inside = min(high, max(low, low + (high - low) * share))

    assert latitude_band(inside) in latitude_bands(low, high)


# Counties


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Los Angeles", "Los Angeles"),
        ("los angeles county", "Los Angeles"),
        ("  SAN LUIS OBISPO  ", "San Luis Obispo"),
        ("Modoc County", "Modoc"),
    ],
)
def test_county_name_normalised(raw: str, expected: str) -> None:
    assert county_name(raw) == expected


@pytest.mark.parametrize("raw", ["Narnia", "", "County", "Washoe"])
def test_county_name_unknown(raw: str) -> None:
    assert county_name(raw) is None


# Distances


def test_distance_san_francisco_los_angeles() -> None:
    miles = distance_miles(37.7749, -122.4194, 34.0522, -118.2437)

    assert miles == pytest.approx(347, abs=2)


def test_distance_same_point_zero() -> None:
    assert distance_miles(38.5804, -121.4922, 38.5804, -121.4922) == 0


def test_distance_symmetric() -> None:
    outbound = distance_miles(38.5804, -121.4922, 41.4767, -120.5456)
    inbound = distance_miles(41.4767, -120.5456, 38.5804, -121.4922)

    assert outbound == pytest.approx(inbound)


def _destination(
    latitude: float, longitude: float, bearing_degrees: float, miles: float
) -> tuple[float, float]:
    """Point reached by travelling `miles` along a great circle at `bearing_degrees`."""
    angle = miles / EARTH_RADIUS_MILES
    phi1 = math.radians(latitude)
    lambda1 = math.radians(longitude)
    theta = math.radians(bearing_degrees)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(angle) + math.cos(phi1) * math.sin(angle) * math.cos(theta)
    )
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi1),
        math.cos(angle) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), math.degrees(lambda2)


@pytest.mark.parametrize(
    ("direction", "bearing"), [("north", 0), ("east", 90), ("south", 180), ("west", 270)]
)
def test_bounding_box_contains_radius_points(direction: str, bearing: float) -> None:
    centre = (38.5804, -121.4922)
    latitude, longitude = _destination(*centre, bearing, 25.0)
    box = bounding_box(*centre, 25.0)

    assert distance_miles(*centre, latitude, longitude) == pytest.approx(25.0)
    assert box.min_latitude <= latitude <= box.max_latitude, direction
    assert box.min_longitude <= longitude <= box.max_longitude, direction


@given(
    latitude=st.floats(32.5, 42.0),
    longitude=st.floats(-124.5, -114.1),
    bearing=st.floats(0, 360),
    radius=st.floats(0.5, 1000.0),
)
def test_bounding_box_contains_circle(
    latitude: float, longitude: float, bearing: float, radius: float
) -> None:
    # Just inside the radius, so that float rounding at the exact edge does not count.
    point_latitude, point_longitude = _destination(latitude, longitude, bearing, radius * 0.9999)
    box = bounding_box(latitude, longitude, radius)

    assert box.min_latitude <= point_latitude <= box.max_latitude
    assert box.min_longitude <= point_longitude <= box.max_longitude


# Phone numbers


def test_parse_phone_plain_digits() -> None:
    assert parse_phone("9165550134").e164 == "+19165550134"


def test_parse_phone_extension_kept_apart() -> None:
    phone = parse_phone("(916) 555-0134 ext. 12")

    assert phone.e164 == "+19165550134"
    assert phone.extension == "12"


def test_parse_phone_x_extension() -> None:
    assert parse_phone("916-555-0134 x7").extension == "7"


def test_parse_phone_no_extension_is_none() -> None:
    assert parse_phone("916.555.0134").extension is None


def test_phone_display_national_format() -> None:
    assert parse_phone("9165550134 ext 12").display() == "(916) 555-0134 ext. 12"


@pytest.mark.parametrize(
    "text",
    [
        "call me",
        "1-800-FLOWERS",
        "916-555-0134 (cell)",
        "555-0134",
        "(000) 555-0134",
        "916 555 013",
        "",
        "   ",
    ],
)
def test_parse_phone_rejects(text: str) -> None:
    with pytest.raises(InvalidPhoneError):
        parse_phone(text)


# Languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spanish", "spa"),
        ("spa", "spa"),
        ("  español ", "spa"),
        ("ASL", "ase"),
        ("American Sign Language", "ase"),
        ("Cantonese", "yue"),
        ("tam", "tam"),
    ],
)
def test_language_code_recognised(text: str, expected: str) -> None:
    assert language_code(text) == expected


@pytest.mark.parametrize("text", ["Klingon", "", "sp", "spanis", "TA1"])
def test_language_code_unknown(text: str) -> None:
    assert language_code(text) is None


def test_language_bit_unlisted_zero() -> None:
    assert language_bit("tam") == 0


def test_language_bits_distinct() -> None:
    assert language_bit("spa") != language_bit("eng")


# Accepting patients and yes/no cells


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("newpt", AcceptingPatients.ACCEPTING),
        ("NOPT", AcceptingPatients.NOT_ACCEPTING),
        ("existptonly", AcceptingPatients.EXISTING_ONLY),
        ("existptfam", AcceptingPatients.EXISTING_AND_FAMILY),
        ("Yes", AcceptingPatients.ACCEPTING),
        ("no", AcceptingPatients.NOT_ACCEPTING),
        ("existing", AcceptingPatients.EXISTING_ONLY),
        ("Not accepting", AcceptingPatients.NOT_ACCEPTING),
        ("existing_family", AcceptingPatients.EXISTING_AND_FAMILY),
    ],
)
def test_parse_accepting_known(text: str, expected: AcceptingPatients) -> None:
    assert parse_accepting(text) is expected


@pytest.mark.parametrize("text", ["maybe", "", "accepting sometimes"])
def test_parse_accepting_unknown(text: str) -> None:
    assert parse_accepting(text) is None


@pytest.mark.parametrize(
    ("text", "expected"), [("Y", True), ("yes", True), ("N", False), ("0", False)]
)
def test_parse_flag_known(text: str, expected: bool) -> None:
    assert parse_flag(text) is expected


def test_parse_flag_unknown() -> None:
    assert parse_flag("perhaps") is None


# UTC timestamps on a real SQLite table


@pytest.fixture
def timestamp_table(database_url: str):
    engine = create_db_engine(database_url)
    metadata = MetaData()
    table = Table(
        "timestamp_probe",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime()),
    )
    metadata.create_all(engine)
    yield engine, table
    engine.dispose()


def test_utc_datetime_round_trip_aware(timestamp_table) -> None:
    engine, table = timestamp_table
    pacific = timezone(timedelta(hours=-8))
    written = datetime(2024, 1, 15, 9, 30, tzinfo=pacific)
    with engine.begin() as connection:
        connection.execute(insert(table).values(id=1, at=written))
    with engine.connect() as connection:
        loaded = connection.execute(select(table.c.at)).scalar_one()

    assert loaded == written
    assert loaded.tzinfo is UTC
    assert loaded.hour == 17


def test_utc_datetime_keeps_microseconds(timestamp_table) -> None:
    engine, table = timestamp_table
    written = datetime(2024, 6, 30, 23, 59, 59, 123456, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(table).values(id=1, at=written))
    with engine.connect() as connection:
        loaded = connection.execute(select(table.c.at)).scalar_one()

    assert loaded == written


def test_utc_datetime_rejects_naive(timestamp_table) -> None:
    engine, table = timestamp_table
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as connection:
        connection.execute(insert(table).values(id=1, at=datetime(2024, 1, 15, 9, 30)))
