"""California counties, ZIP codes and distances.

ZIP geography (city, county, latitude and longitude) comes from the offline
`zipcodes` package, so imports and searches never need a network.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import zipcodes

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.09
BANDS_PER_DEGREE = 20
"""Latitude bands per degree of latitude. One band is about 3.5 miles tall."""

# County name -> FIPS code (state 06).
CALIFORNIA_COUNTIES: dict[str, str] = {
    "Alameda": "06001", "Alpine": "06003", "Amador": "06005", "Butte": "06007",
    "Calaveras": "06009", "Colusa": "06011", "Contra Costa": "06013", "Del Norte": "06015",
    "El Dorado": "06017", "Fresno": "06019", "Glenn": "06021", "Humboldt": "06023",
    "Imperial": "06025", "Inyo": "06027", "Kern": "06029", "Kings": "06031",
    "Lake": "06033", "Lassen": "06035", "Los Angeles": "06037", "Madera": "06039",
    "Marin": "06041", "Mariposa": "06043", "Mendocino": "06045", "Merced": "06047",
    "Modoc": "06049", "Mono": "06051", "Monterey": "06053", "Napa": "06055",
    "Nevada": "06057", "Orange": "06059", "Placer": "06061", "Plumas": "06063",
    "Riverside": "06065", "Sacramento": "06067", "San Benito": "06069",
    "San Bernardino": "06071", "San Diego": "06073", "San Francisco": "06075",
    "San Joaquin": "06077", "San Luis Obispo": "06079", "San Mateo": "06081",
    "Santa Barbara": "06083", "Santa Clara": "06085", "Santa Cruz": "06087",
    "Shasta": "06089", "Sierra": "06091", "Siskiyou": "06093", "Solano": "06095",
    "Sonoma": "06097", "Stanislaus": "06099", "Sutter": "06101", "Tehama": "06103",
    "Trinity": "06105", "Tulare": "06107", "Tuolumne": "06109", "Ventura": "06111",
    "Yolo": "06113", "Yuba": "06115",
}  # fmt: skip

_ZIP_PATTERN = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")
_FIVE_DIGITS = re.compile(r"[0-9]{5}")


@dataclass(frozen=True, slots=True)
class ZipPlace:
    zip5: str
    city: str
    state: str
    county: str | None
    latitude: float
    longitude: float


def split_zip(raw: str) -> tuple[str, str | None] | None:
    """Split a ZIP or ZIP+4 into (ZIP, plus-four), or None when malformed.

    Accepts "95814", "95814-2719" and "958142719": NPPES writes ZIP+4 without
    the hyphen.
    """
    match = _ZIP_PATTERN.match(raw.strip())
    if match is None:
        return None
    return match.group(1), match.group(2)


def county_name(raw: str) -> str | None:
    """Normalise a county name ("los angeles county" -> "Los Angeles"), or None if unknown."""
    text = raw.strip()
    if text.lower().endswith(" county"):
        text = text[: -len(" county")]
    wanted = text.casefold()
    for name in CALIFORNIA_COUNTIES:
        if name.casefold() == wanted:
            return name
    return None


def _zip_place(row: dict[str, Any]) -> ZipPlace | None:
    """Build a ZipPlace from a `zipcodes` record, or None when it has no coordinates."""
    if not row.get("lat") or not row.get("long"):
        return None
    county_text = row.get("county") or ""
    county = county_name(county_text) if row["state"] == "CA" else county_text or None
    return ZipPlace(
        zip5=row["zip_code"],
        city=row["city"],
        state=row["state"],
        county=county,
        latitude=float(row["lat"]),
        longitude=float(row["long"]),
    )


# ZIP places by the first three digits of the ZIP (the sectional center), filled
# one prefix at a time on first use. The whole `zipcodes` table as Python dicts
# takes about 90 MiB and a second to build. One prefix takes about 0.3 ms, and a
# California import needs about 60 prefixes. A race between threads only builds
# the same prefix twice, and the second dict replaces the first in one step.
_places_by_prefix: dict[str, dict[str, ZipPlace]] = {}


def _places_with_prefix(prefix: str) -> dict[str, ZipPlace]:
    places = _places_by_prefix.get(prefix)
    if places is None:
        places = {}
        # `similar_to` returns the records in the package's order, so a ZIP listed
        # twice keeps its last record, as a dict built from `list_all` would.
        for row in zipcodes.similar_to(prefix):
            place = _zip_place(row)
            if place is not None:
                places[place.zip5] = place
        _places_by_prefix[prefix] = places
    return places


def lookup_zip(zip5: str) -> ZipPlace | None:
    """Return the place of a 5-digit ZIP, or None for a ZIP that is unknown or malformed."""
    if not _FIVE_DIGITS.fullmatch(zip5):
        return None
    return _places_with_prefix(zip5[:3]).get(zip5)


def zips_in_state(state: str) -> list[ZipPlace]:
    """Return every ZIP place of a state, in the order of the `zipcodes` package."""
    places: dict[str, ZipPlace] = {}
    for row in zipcodes.filter_by(state=state):
        place = _zip_place(row)
        if place is not None:
            places[place.zip5] = place
    return list(places.values())


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in statute miles."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def bounding_box(latitude: float, longitude: float, radius_miles: float) -> BoundingBox:
    """Latitude/longitude box that contains every point within `radius_miles` of the centre."""
    dlat = radius_miles / MILES_PER_DEGREE_LATITUDE
    # Use the latitude edge nearest the pole, where a degree of longitude is shortest,
    # so the box never cuts off part of the circle.
    edge = min(89.0, abs(latitude) + dlat)
    dlon = radius_miles / (MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(edge)))
    return BoundingBox(latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)


def latitude_band(latitude: float) -> int:
    """Return the latitude band of a point: floor(latitude x BANDS_PER_DEGREE).

    The dentist search indexes practice locations by band and then longitude, so
    one index range per band covers a search circle.
    """
    return math.floor(latitude * BANDS_PER_DEGREE)


def latitude_bands(min_latitude: float, max_latitude: float) -> range:
    """Return the bands that contain every latitude from `min_latitude` to `max_latitude`.

    Multiplying by a positive constant and taking the floor never reverses the
    order of two numbers, so a latitude inside the range always has its band in
    the result.
    """
    return range(latitude_band(min_latitude), latitude_band(max_latitude) + 1)
