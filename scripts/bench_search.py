"""Benchmark the dentist search (`search_providers`) against hand-written SQLite queries.

Measures, per query and with `time.perf_counter`, three ways to run the same
mixed, seeded query set over a directory built by the real importers (default
100,000 providers, 300 queries):

- service: `search_providers` (count, first page of 50, hit loading), as the console calls it;
- hand-written: plain `sqlite3` on one open connection, with the service's filters in SQL
  over the same indexes. It follows the same query shape: latitude bands, a count
  capped at 1,001, the nearest page in rings and the same fallback. It fetches the
  same provider, location, language and taxonomy rows for the page, and its count
  and page of NPIs are checked against the service's;
- full scan: `SELECT *` of every practice location, haversine distance and filters in
  Python, sort, then the same hit loading. It shows what the indexes buy.

The full scan runs on every third query by default (`--full-scan-every`), and its
radius and fallback use haversine miles, so its pages are not compared.

Goal: service p95 under 5 ms and within 4x the hand-written p95. The script also
prints p95 per query kind and, unless `--no-profile`, splits the service's time
into connection set-up, count query, page query, hit loading and Python work.
`--try-index SQL` repeats the service timings on a copy of the database that has
the extra index (or other statement), for trying index ideas without changing the
product schema. `--check-unbanded` checks every page against the query shape used
before latitude bands (a latitude/longitude box, an exact count and one page query),
which returns the same rows by a different route.

Usage:
    .venv/bin/python scripts/bench_search.py [--providers N] [--queries N] [--seed S]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import pstats
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench_common import (
    BENCH_OUT,
    StatementTimer,
    append_json_line,
    create_fresh_database,
    format_table,
    generate_demo_data,
    generator_fingerprint,
    median,
    milliseconds,
    percentile,
    remove_database,
    schema_fingerprint,
)
from sqlalchemy import Engine

from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.geography import (
    MILES_PER_DEGREE_LATITUDE,
    bounding_box,
    distance_miles,
    latitude_bands,
    lookup_zip,
)
from tsc_console.domain.languages import language_bit
from tsc_console.domain.taxonomy import DENTIST_MASK, SEARCHABLE_SPECIALTIES, Specialty
from tsc_console.services.provider_import import import_admin_csv, import_nppes_file
from tsc_console.services.provider_search import (
    COUNT_CAP,
    COUNTY_RING_LIMIT_MILES,
    FALLBACK_ENOUGH,
    FALLBACK_GROWTH,
    FALLBACK_LIMIT_MILES,
    FIRST_RING_MILES,
    SORT_ALL_FACTOR,
    search_providers,
)
from tsc_console.services.search_models import SearchCriteria
from tsc_console.store.engine import create_db_engine

DEFAULT_PROVIDERS = 100_000
DEFAULT_QUERIES = 300
DEFAULT_SEED = 7
WARM_UP_QUERIES = 30
P95_GOAL_SECONDS = 0.005
RATIO_GOAL = 4.0

# Query kinds, in the round-robin order the query set cycles through.
KINDS = (
    "zip 10 mi",
    "zip 25 mi",
    "zip 50 mi",
    "specialty + zip",
    "county",
    "county + zip",
    "Spanish + zip",
    "Vietnamese + zip",
    "accepting new + zip",
    "patient age + zip",
    "sedation + zip",
    "combination + zip",
    "combination + county",
)
PATIENT_AGES = (2, 5, 9, 15, 30, 45, 70, 85)


@dataclass(frozen=True, slots=True)
class QueryCase:
    kind: str
    criteria: SearchCriteria


@dataclass(frozen=True, slots=True)
class PageResult:
    """Total count and NPIs of the page in order: the fields the comparison checks."""

    total: int
    npis: list[str]
    capped: bool = False
    """True when counting stopped and more than `total` rows match."""


# ---------------------------------------------------------------------------
# Directory and query set


def build_directory(providers: int, seed: int, folder: Path, rebuild: bool) -> Path:
    """Return a directory database of `providers` demo rows, importing it unless cached.

    The cache is reused only when it was built with the same size, seed and migrations.
    """
    database = folder / "directory.db"
    marker = folder / "directory.json"
    expected = {
        "providers": providers,
        "seed": seed,
        "schema": schema_fingerprint(),
        "generator": generator_fingerprint(),
    }
    if not rebuild and database.exists() and marker.exists():
        stored = json.loads(marker.read_text())
        if {key: stored.get(key) for key in expected} == expected:
            print(f"Reusing {database} ({providers:,} providers, seed {seed})")
            return database

    print(f"Generating {providers:,} demo providers in {folder} ...", flush=True)
    files = generate_demo_data(providers, folder, seed)
    marker.unlink(missing_ok=True)
    engine = create_fresh_database(database)
    started = time.perf_counter()
    nppes = import_nppes_file(engine, files.nppes)
    nppes_seconds = time.perf_counter() - started
    started = time.perf_counter()
    admin = import_admin_csv(engine, files.admin)
    admin_seconds = time.perf_counter() - started
    engine.dispose()
    print(
        f"Imported {nppes.inserted:,} NPPES rows in {nppes_seconds:.1f} s and merged "
        f"{admin.updated:,} admin rows in {admin_seconds:.1f} s",
        flush=True,
    )
    marker.write_text(json.dumps({**expected, "inserted": nppes.inserted, "admin": admin.updated}))
    return database


def make_query_set(database: Path, count: int, seed: int) -> list[QueryCase]:
    """Seeded queries, cycling through KINDS.

    ZIPs and counties are those of randomly picked practice locations, so busy
    areas come up more often than empty ones, as they would for callers.
    """
    rng = random.Random(seed)
    connection = sqlite3.connect(database)
    places = connection.execute("SELECT zip5, county FROM practice_location ORDER BY id").fetchall()
    connection.close()
    if not places:
        raise SystemExit(f"the directory {database} has no practice locations")

    def any_zip() -> str:
        return str(rng.choice(places)[0])

    def any_county() -> str:
        county = None
        while county is None:
            county = rng.choice(places)[1]
        return str(county)

    def any_specialty() -> Specialty:
        return rng.choice(SEARCHABLE_SPECIALTIES)

    cases: list[QueryCase] = []
    for index in range(count):
        kind = KINDS[index % len(KINDS)]
        zip_code = any_zip()
        criteria: SearchCriteria
        if kind.startswith("zip "):
            radius = float(kind.split()[1])
            criteria = SearchCriteria(zip_code=zip_code, radius_miles=radius)
        elif kind == "specialty + zip":
            criteria = SearchCriteria(specialty=any_specialty(), zip_code=zip_code)
        elif kind == "county":
            criteria = SearchCriteria(county=any_county())
        elif kind == "county + zip":
            county = lookup_zip(zip_code)
            criteria = SearchCriteria(zip_code=zip_code, county=county.county if county else None)
        elif kind == "Spanish + zip":
            criteria = SearchCriteria(zip_code=zip_code, language="spa")
        elif kind == "Vietnamese + zip":
            criteria = SearchCriteria(zip_code=zip_code, language="vie")
        elif kind == "accepting new + zip":
            criteria = SearchCriteria(zip_code=zip_code, accepting_new_only=True)
        elif kind == "patient age + zip":
            criteria = SearchCriteria(zip_code=zip_code, patient_age=rng.choice(PATIENT_AGES))
        elif kind == "sedation + zip":
            criteria = SearchCriteria(zip_code=zip_code, sedation_or_anesthesia=True)
        elif kind == "combination + zip":
            criteria = SearchCriteria(
                specialty=rng.choice((Specialty.GENERAL, Specialty.PEDIATRIC)),
                zip_code=zip_code,
                radius_miles=rng.choice((10.0, 25.0)),
                language=rng.choice(("spa", "vie", "cmn")),
                accepting_new_only=True,
                patient_age=rng.choice((None, *PATIENT_AGES)),
            )
        else:
            criteria = SearchCriteria(
                specialty=rng.choice((Specialty.GENERAL, Specialty.PEDIATRIC)),
                county=any_county(),
                language=rng.choice(("spa", "vie")),
                accepting_new_only=rng.random() < 0.5,
            )
        cases.append(QueryCase(kind, criteria))
    rng.shuffle(cases)
    return cases


# ---------------------------------------------------------------------------
# Hand-written SQL and full-scan baselines


def open_sqlite(database: Path) -> sqlite3.Connection:
    """Open a connection with the same PRAGMAs as the product's engine, in autocommit mode."""
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


@dataclass(frozen=True, slots=True)
class Origin:
    latitude: float
    longitude: float


def resolve_origin(criteria: SearchCriteria) -> Origin | None:
    if not criteria.zip_code:
        return None
    place = lookup_zip(criteria.zip_code.strip()[:5])
    if place is None:
        raise ValueError(f"ZIP code {criteria.zip_code} was not found")
    return Origin(place.latitude, place.longitude)


def filter_sql(criteria: SearchCriteria) -> tuple[list[str], list[Any]]:
    """WHERE terms and parameters for every criterion except distance."""
    terms: list[str] = []
    parameters: list[Any] = []
    terms.append("(specialty_mask & ?) != 0")
    parameters.append(criteria.specialty.bit if criteria.specialty is not None else DENTIST_MASK)
    if criteria.county:
        terms.append("county = ?")
        parameters.append(criteria.county)
    if criteria.language:
        bit = language_bit(criteria.language)
        if bit:
            terms.append("(language_mask & ?) != 0")
            parameters.append(bit)
        else:
            terms.append(
                "EXISTS (SELECT 1 FROM provider_language l "
                "WHERE l.npi = practice_location.npi AND l.code = ?)"
            )
            parameters.append(criteria.language)
    if criteria.accepting_new_only:
        terms.append("accepting = ?")
        parameters.append(AcceptingPatients.ACCEPTING.value)
    if criteria.wheelchair_access:
        terms.append("wheelchair_access = 1")
    if criteria.sedation_or_anesthesia:
        terms.append("sedation_or_anesthesia = 1")
    if criteria.patient_age is not None:
        terms.append("(age_min IS NULL OR age_min <= ?) AND (age_max IS NULL OR age_max >= ?)")
        parameters.extend([criteria.patient_age, criteria.patient_age])
    return terms, parameters


def distance_sql(origin: Origin) -> tuple[str, list[Any]]:
    """Squared equirectangular miles, with the same operations in the same order as the service.

    The page order must match the service's exactly, ties included, so the
    floating-point arithmetic has to be the same as well.
    """
    scale = MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(origin.latitude))
    sql = "(latitude - ?) * ? * (latitude - ?) * ? + (longitude - ?) * ? * (longitude - ?) * ?"
    parameters = [
        origin.latitude,
        MILES_PER_DEGREE_LATITUDE,
        origin.latitude,
        MILES_PER_DEGREE_LATITUDE,
        origin.longitude,
        scale,
        origin.longitude,
        scale,
    ]
    return sql, parameters


def radius_sql(origin: Origin, radius: float) -> tuple[list[str], list[Any]]:
    """Radius terms of the query shape before latitude bands: a box, then the distance."""
    box = bounding_box(origin.latitude, origin.longitude, radius)
    distance, parameters = distance_sql(origin)
    return (
        [
            "latitude BETWEEN ? AND ?",
            "longitude BETWEEN ? AND ?",
            f"{distance} <= ?",
        ],
        [
            box.min_latitude,
            box.max_latitude,
            box.min_longitude,
            box.max_longitude,
            *parameters,
            radius * radius,
        ],
    )


def circle_sql(origin: Origin, radius: float) -> tuple[list[str], list[Any]]:
    """Radius terms that restrict both latitude (by band) and longitude in `ix_location_band`."""
    box = bounding_box(origin.latitude, origin.longitude, radius)
    bands = list(latitude_bands(box.min_latitude, box.max_latitude))
    distance, distance_parameters = distance_sql(origin)
    return (
        [
            f"latitude_band IN ({','.join('?' * len(bands))})",
            "longitude BETWEEN ? AND ?",
            "latitude BETWEEN ? AND ?",
            f"{distance} <= ?",
        ],
        [
            *bands,
            box.min_longitude,
            box.max_longitude,
            box.min_latitude,
            box.max_latitude,
            *distance_parameters,
            radius * radius,
        ],
    )


def load_hits(
    connection: sqlite3.Connection, page: list[tuple[str, int]], origin: Origin | None
) -> list[tuple[Any, ...]]:
    """Fetch the provider, location, language and taxonomy rows of a page, as the service does."""
    if not page:
        return []
    npis = [npi for npi, _ in page]
    ids = [location_id for _, location_id in page]
    npi_marks = ",".join("?" * len(npis))
    id_marks = ",".join("?" * len(ids))
    providers = {
        row[0]: row
        for row in connection.execute(f"SELECT * FROM provider WHERE npi IN ({npi_marks})", npis)
    }
    cursor = connection.execute(f"SELECT * FROM practice_location WHERE id IN ({id_marks})", ids)
    column = {entry[0]: position for position, entry in enumerate(cursor.description)}
    latitude_at, longitude_at = column["latitude"], column["longitude"]
    locations = {row[column["id"]]: row for row in cursor}
    languages: dict[str, list[str]] = {}
    for npi, code in connection.execute(
        f"SELECT npi, code FROM provider_language WHERE npi IN ({npi_marks}) ORDER BY npi, code",
        npis,
    ):
        languages.setdefault(npi, []).append(code)
    taxonomies: dict[str, list[tuple[Any, ...]]] = {}
    for row in connection.execute(
        "SELECT npi, slot, code, is_primary, license_number FROM provider_taxonomy "
        f"WHERE npi IN ({npi_marks}) ORDER BY npi, slot",
        npis,
    ):
        taxonomies.setdefault(row[0], []).append(row[1:])

    hits = []
    for npi, location_id in page:
        provider_row = providers[npi]
        location_row = locations[location_id]
        latitude, longitude = location_row[latitude_at], location_row[longitude_at]
        distance = None
        if origin is not None and latitude is not None and longitude is not None:
            distance = distance_miles(origin.latitude, origin.longitude, latitude, longitude)
        hits.append(
            (
                provider_row,
                location_row,
                distance,
                tuple(languages.get(npi, ())),
                tuple(taxonomies.get(npi, ())),
            )
        )
    return hits


def capped_count(
    connection: sqlite3.Connection, terms: list[str], parameters: list[Any], limit: int
) -> int:
    """Count the matches, stopping at `limit` + 1."""
    where = " AND ".join(terms) or "1"
    row = connection.execute(
        f"SELECT count(*) FROM (SELECT id FROM practice_location WHERE {where} LIMIT ?)",
        [*parameters, limit + 1],
    ).fetchone()
    return int(row[0])


def nearest_sql(
    connection: sqlite3.Connection,
    terms: list[str],
    parameters: list[Any],
    origin: Origin,
    size: int,
    offset: int,
) -> list[tuple[str, int]]:
    distance, distance_parameters = distance_sql(origin)
    where = " AND ".join(terms) or "1"
    return connection.execute(
        f"SELECT npi, id FROM practice_location WHERE {where} "
        f"ORDER BY {distance}, npi LIMIT ? OFFSET ?",
        [*parameters, *distance_parameters, size, offset],
    ).fetchall()


def nearest_page(
    connection: sqlite3.Connection,
    terms: list[str],
    parameters: list[Any],
    origin: Origin,
    radius: float | None,
    first_ring: float,
    size: int,
    offset: int,
) -> list[tuple[str, int]]:
    """Return the page of matches within `radius` (None: anywhere), nearest first.

    Rings double from `first_ring` until one contains the whole page. That ring
    gives the right rows, because every match outside it is farther away than
    every match inside it.
    """
    limit = radius if radius is not None else COUNTY_RING_LIMIT_MILES
    ring = min(first_ring, limit)
    while True:
        ring_terms, ring_parameters = circle_sql(origin, ring)
        page = nearest_sql(
            connection, [*terms, *ring_terms], [*parameters, *ring_parameters], origin, size, offset
        )
        if len(page) == size:
            return page
        if ring >= limit:
            break
        ring = min(ring * 2, limit)
    if radius is None:
        return nearest_sql(connection, terms, parameters, origin, size, offset)
    return page


def first_ring(total: int, capped: bool, needed: int, radius: float) -> float | None:
    """Return the service's first ring, or None to sort every match within the radius."""
    if capped:
        return FIRST_RING_MILES
    if total <= SORT_ALL_FACTOR * needed:
        return None
    return max(FIRST_RING_MILES, radius * math.sqrt(2 * needed / total))


def hand_written_search(connection: sqlite3.Connection, criteria: SearchCriteria) -> PageResult:
    """Run the service's search as plain SQL on an open connection.

    It mirrors `search_providers` step by step, fallback included, so it has to
    follow changes to the service; the page comparison in `measure` shows drift.
    """
    origin = resolve_origin(criteria)
    terms, parameters = filter_sql(criteria)
    size = criteria.page_size
    offset = criteria.page * size
    needed = offset + size
    count_limit = max(COUNT_CAP, needed)
    connection.execute("BEGIN")
    try:
        if origin is None:
            total = capped_count(connection, terms, parameters, count_limit)
            where = " AND ".join(terms) or "1"
            page = connection.execute(
                f"SELECT npi, id FROM practice_location WHERE {where} "
                "ORDER BY city, npi LIMIT ? OFFSET ?",
                [*parameters, size, offset],
            ).fetchall()
        elif criteria.county:
            total = capped_count(connection, terms, parameters, count_limit)
            if total > count_limit:
                page = nearest_page(
                    connection, terms, parameters, origin, None, FIRST_RING_MILES, size, offset
                )
            else:
                page = nearest_sql(connection, terms, parameters, origin, size, offset)
        else:
            radius = criteria.radius_miles
            circle_terms, circle_parameters = circle_sql(origin, radius)
            all_terms = [*terms, *circle_terms]
            all_parameters = [*parameters, *circle_parameters]
            total = capped_count(connection, all_terms, all_parameters, count_limit)
            if total == 0:
                page = []
                for growth in FALLBACK_GROWTH:
                    wider = min(radius * growth, FALLBACK_LIMIT_MILES)
                    wider_terms, wider_parameters = circle_sql(origin, wider)
                    page = nearest_sql(
                        connection,
                        [*terms, *wider_terms],
                        [*parameters, *wider_parameters],
                        origin,
                        size,
                        0,
                    )
                    if len(page) >= min(FALLBACK_ENOUGH, size) or wider >= FALLBACK_LIMIT_MILES:
                        break
                load_hits(connection, page, origin)
                return PageResult(len(page), [npi for npi, _ in page])
            ring = first_ring(total, total > count_limit, needed, radius)
            if ring is None:
                page = nearest_sql(connection, all_terms, all_parameters, origin, size, offset)
            else:
                page = nearest_page(
                    connection, terms, parameters, origin, radius, ring, size, offset
                )
        load_hits(connection, page, origin)
        capped = total > count_limit
        return PageResult(count_limit if capped else total, [npi for npi, _ in page], capped)
    finally:
        connection.execute("COMMIT")


def unbanded_search(connection: sqlite3.Connection, criteria: SearchCriteria) -> PageResult:
    """Run the search in the query shape used before latitude bands, with an exact count.

    It reaches the same rows by another route (a latitude/longitude box and one page
    query), so `--check-unbanded` uses it to check the service's pages. Without the
    former `(latitude, longitude)` index it is slow, and it is not timed.
    """
    origin = resolve_origin(criteria)
    terms, parameters = filter_sql(criteria)
    limit = [criteria.page_size, criteria.page * criteria.page_size]
    connection.execute("BEGIN")
    try:
        if origin is None:
            where = " AND ".join(terms) or "1"
            total = connection.execute(
                f"SELECT count(*) FROM practice_location WHERE {where}", parameters
            ).fetchone()[0]
            page = connection.execute(
                f"SELECT npi, id FROM practice_location WHERE {where} "
                "ORDER BY city, npi LIMIT ? OFFSET ?",
                [*parameters, *limit],
            ).fetchall()
            return PageResult(total, [npi for npi, _ in page])

        distance, distance_parameters = distance_sql(origin)
        radius_terms: list[str] = []
        radius_parameters: list[Any] = []
        if not criteria.county:
            radius_terms, radius_parameters = radius_sql(origin, criteria.radius_miles)
        where = " AND ".join([*terms, *radius_terms]) or "1"
        where_parameters = [*parameters, *radius_parameters]
        total = connection.execute(
            f"SELECT count(*) FROM practice_location WHERE {where}", where_parameters
        ).fetchone()[0]
        if total > 0 or criteria.county:
            page = connection.execute(
                f"SELECT npi, id FROM practice_location WHERE {where} "
                f"ORDER BY {distance}, npi LIMIT ? OFFSET ?",
                [*where_parameters, *distance_parameters, *limit],
            ).fetchall()
            return PageResult(total, [npi for npi, _ in page])

        page = []
        for growth in FALLBACK_GROWTH:
            radius = min(criteria.radius_miles * growth, FALLBACK_LIMIT_MILES)
            wider_terms, wider_parameters = radius_sql(origin, radius)
            page = connection.execute(
                "SELECT npi, id FROM practice_location "
                f"WHERE {' AND '.join([*terms, *wider_terms])} "
                f"ORDER BY {distance}, npi LIMIT ?",
                [*parameters, *wider_parameters, *distance_parameters, criteria.page_size],
            ).fetchall()
            if len(page) >= min(FALLBACK_ENOUGH, criteria.page_size):
                break
            if radius >= FALLBACK_LIMIT_MILES:
                break
        return PageResult(len(page), [npi for npi, _ in page])
    finally:
        connection.execute("COMMIT")


class FullScanSearch:
    """Reads every practice location and filters, measures and sorts in Python."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        cursor = connection.execute("SELECT * FROM practice_location LIMIT 0")
        self.column = {entry[0]: position for position, entry in enumerate(cursor.description)}

    def _matches(self, criteria: SearchCriteria) -> Callable[[tuple[Any, ...]], bool]:
        column = self.column
        specialty_bit = criteria.specialty.bit if criteria.specialty else DENTIST_MASK
        language = language_bit(criteria.language) if criteria.language else 0
        age = criteria.patient_age

        def matches(row: tuple[Any, ...]) -> bool:
            if specialty_bit and not row[column["specialty_mask"]] & specialty_bit:
                return False
            if criteria.county and row[column["county"]] != criteria.county:
                return False
            if language and not row[column["language_mask"]] & language:
                return False
            if (
                criteria.accepting_new_only
                and row[column["accepting"]] != AcceptingPatients.ACCEPTING.value
            ):
                return False
            if criteria.wheelchair_access and row[column["wheelchair_access"]] != 1:
                return False
            if criteria.sedation_or_anesthesia and row[column["sedation_or_anesthesia"]] != 1:
                return False
            if age is not None:
                low, high = row[column["age_min"]], row[column["age_max"]]
                if (low is not None and low > age) or (high is not None and high < age):
                    return False
            return True

        return matches

    def search(self, criteria: SearchCriteria) -> PageResult:
        origin = resolve_origin(criteria)
        matches = self._matches(criteria)
        npi_at, id_at = self.column["npi"], self.column["id"]
        latitude_at, longitude_at = self.column["latitude"], self.column["longitude"]
        start = criteria.page * criteria.page_size
        end = start + criteria.page_size
        self.connection.execute("BEGIN")
        try:
            rows = [row for row in self.connection.execute("SELECT * FROM practice_location")]
            found = [row for row in rows if matches(row)]
            if origin is None:
                found.sort(key=lambda row: (row[self.column["city"]], row[npi_at]))
                page = [(row[npi_at], row[id_at]) for row in found[start:end]]
                load_hits(self.connection, page, None)
                return PageResult(len(found), [npi for npi, _ in page])

            measured = [
                (
                    distance_miles(
                        origin.latitude, origin.longitude, row[latitude_at], row[longitude_at]
                    ),
                    row[npi_at],
                    row[id_at],
                )
                for row in found
                if row[latitude_at] is not None
            ]
            measured.sort()
            if criteria.county:
                within = measured
            else:
                within = [entry for entry in measured if entry[0] <= criteria.radius_miles]
            total = len(within)
            if not within and not criteria.county:
                within = [entry for entry in measured if entry[0] <= FALLBACK_LIMIT_MILES]
                start, end = 0, criteria.page_size
                total = min(len(within), criteria.page_size)
            page = [(npi, location_id) for _, npi, location_id in within[start:end]]
            load_hits(self.connection, page, origin)
            return PageResult(total, [npi for npi, _ in page])
        finally:
            self.connection.execute("COMMIT")


# ---------------------------------------------------------------------------
# Timing


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=dict)
    matches: list[int] = field(default_factory=list)
    """Total count of each query, as the service returned it."""

    def add(self, method: str, value: float) -> None:
        self.seconds.setdefault(method, []).append(value)


def run_service(engine: Engine, criteria: SearchCriteria) -> PageResult:
    result = search_providers(engine, criteria)
    return PageResult(result.total, [hit.npi for hit in result.hits], result.total_is_capped)


SearchFunction = Callable[[SearchCriteria], PageResult]


def time_call(function: SearchFunction, criteria: SearchCriteria) -> tuple[float, PageResult]:
    started = time.perf_counter()
    result = function(criteria)
    return time.perf_counter() - started, result


@dataclass
class Mismatch:
    case: QueryCase
    service: PageResult
    baseline: PageResult


def measure(
    cases: list[QueryCase],
    engine: Engine,
    connection: sqlite3.Connection,
    full_scan: FullScanSearch | None,
    full_scan_every: int,
) -> tuple[Timings, dict[str, Timings], list[Mismatch]]:
    """Time every case with each method; the order of service and baseline alternates."""
    for case in cases[:WARM_UP_QUERIES]:
        run_service(engine, case.criteria)
        hand_written_search(connection, case.criteria)

    overall = Timings()
    by_kind: dict[str, Timings] = {}
    mismatches: list[Mismatch] = []
    for index, case in enumerate(cases):
        criteria = case.criteria
        calls = [
            ("service", partial(run_service, engine)),
            ("hand-written", partial(hand_written_search, connection)),
        ]
        if index % 2:
            calls.reverse()
        results: dict[str, PageResult] = {}
        for method, function in calls:
            seconds, result = time_call(function, criteria)
            results[method] = result
            overall.add(method, seconds)
            by_kind.setdefault(case.kind, Timings()).add(method, seconds)
        by_kind[case.kind].matches.append(results["service"].total)
        if results["service"] != results["hand-written"]:
            mismatches.append(Mismatch(case, results["service"], results["hand-written"]))
        if full_scan is not None and index % full_scan_every == 0:
            seconds, _ = time_call(full_scan.search, criteria)
            overall.add("full scan", seconds)
            by_kind.setdefault(case.kind, Timings()).add("full scan", seconds)
    return overall, by_kind, mismatches


def measure_pair(
    cases: list[QueryCase],
    first: SearchFunction,
    second: SearchFunction,
) -> dict[str, tuple[list[float], list[float]]]:
    """Time two ways of running each case, alternating which goes first; seconds by kind."""
    for case in cases[:WARM_UP_QUERIES]:
        first(case.criteria)
        second(case.criteria)
    by_kind: dict[str, tuple[list[float], list[float]]] = {}
    for index, case in enumerate(cases):
        entry = by_kind.setdefault(case.kind, ([], []))
        calls = [(first, entry[0]), (second, entry[1])]
        if index % 2:
            calls.reverse()
        for function, samples in calls:
            seconds, _ = time_call(function, case.criteria)
            samples.append(seconds)
    return by_kind


def pair_rows(
    by_kind: dict[str, tuple[list[float], list[float]]],
) -> tuple[list[list[str]], list[float], list[float]]:
    """Table rows (kind, p95 of each way), slowest second way first, and all samples of each."""
    rows = []
    all_first: list[float] = []
    all_second: list[float] = []
    for kind, (first, second) in sorted(
        by_kind.items(), key=lambda item: -percentile(item[1][1], 0.95)
    ):
        all_first.extend(first)
        all_second.extend(second)
        rows.append(
            [kind, milliseconds(percentile(first, 0.95)), milliseconds(percentile(second, 0.95))]
        )
    rows.append(
        [
            "all (p95)",
            milliseconds(percentile(all_first, 0.95)),
            milliseconds(percentile(all_second, 0.95)),
        ]
    )
    rows.append(["all (median)", milliseconds(median(all_first)), milliseconds(median(all_second))])
    return rows, all_first, all_second


# ---------------------------------------------------------------------------
# Profile of the service


def search_part(statement: str) -> str:
    """Name the part of a search that a SQL statement belongs to, for `StatementTimer`."""
    if statement.startswith("SELECT count(*)"):
        return "count query"
    if statement.startswith("SELECT practice_location.npi, practice_location.id"):
        return "page query"
    if statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
        return "begin/commit"
    return "hit loading"


PROFILE_PARTS = (
    "connect + PRAGMAs",
    "begin/commit",
    "count query",
    "page query",
    "hit loading",
    "Python work",
)


def profile_service(database: Path, cases: list[QueryCase]) -> dict[str, dict[str, float]]:
    """Median and p95 of each part of the service's time, per query, over all cases.

    Uses its own engine, so the event listeners do not slow the main measurement.
    """
    engine = create_db_engine(f"sqlite:///{database}")
    timer = StatementTimer(engine, search_part)
    for case in cases[:WARM_UP_QUERIES]:
        run_service(engine, case.criteria)
    timer.take()
    samples: dict[str, list[float]] = {part: [] for part in PROFILE_PARTS}
    samples["total"] = []
    for case in cases:
        seconds, _ = time_call(partial(run_service, engine), case.criteria)
        parts = timer.take()
        for part in PROFILE_PARTS[:-1]:
            samples[part].append(parts.get(part, 0.0))
        samples["Python work"].append(seconds - sum(parts.values()))
        samples["total"].append(seconds)
    engine.dispose()
    return {
        part: {"median": median(values), "p95": percentile(values, 0.95)}
        for part, values in samples.items()
    }


def cprofile_service(engine: Engine, cases: list[QueryCase], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        run_service(engine, case.criteria)
    profiler.disable()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats("tottime").print_stats(top)
    return output.getvalue()


# ---------------------------------------------------------------------------
# Index trials on a copy of the database


@contextmanager
def database_copy(database: Path, statements: list[str], name: str) -> Iterator[Path]:
    """Copy `database` to `name` beside it and run `statements` on the copy, deleted on exit."""
    copy = database.with_name(name)
    remove_database(copy)
    source = sqlite3.connect(database)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    for statement in statements:
        target.execute(statement)
    target.commit()
    target.close()
    try:
        yield copy
    finally:
        remove_database(copy)


def explain(database: Path, cases: list[QueryCase]) -> str:
    """EXPLAIN QUERY PLAN of the hand-written page query for one case of each kind."""
    connection = sqlite3.connect(database)
    lines: list[str] = []
    seen: set[str] = set()
    for case in cases:
        if case.kind in seen:
            continue
        seen.add(case.kind)
        origin = resolve_origin(case.criteria)
        terms, parameters = filter_sql(case.criteria)
        order = "city, npi"
        order_parameters: list[Any] = []
        if origin is not None:
            order, order_parameters = distance_sql(origin)
            order += ", npi"
            if not case.criteria.county:
                circle_terms, circle_parameters = circle_sql(origin, case.criteria.radius_miles)
                terms += circle_terms
                parameters += circle_parameters
        where = " AND ".join(terms) or "1"
        plan = connection.execute(
            f"EXPLAIN QUERY PLAN SELECT npi, id FROM practice_location WHERE {where} "
            f"ORDER BY {order} LIMIT 50",
            [*parameters, *order_parameters],
        ).fetchall()
        lines.append(f"{case.kind}: " + "; ".join(str(row[-1]) for row in plan))
    connection.close()
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Check against the query shape used before latitude bands


def same_rows(unbanded: PageResult, service: PageResult) -> bool:
    """True when the pages are equal and so are the counts, up to the service's count cap."""
    if unbanded.npis != service.npis:
        return False
    if service.capped:
        return unbanded.total > service.total
    return unbanded.total == service.total


def run_unbanded_check(database: Path, cases: list[QueryCase]) -> dict[str, Any]:
    """Compare every case's page and count with the query shape used before latitude bands."""
    engine = create_db_engine(f"sqlite:///{database}")
    connection = open_sqlite(database)
    mismatches = [
        case
        for case in cases
        if not same_rows(
            unbanded_search(connection, case.criteria), run_service(engine, case.criteria)
        )
    ]
    connection.close()
    engine.dispose()
    print(
        "\nPages that differ from the query shape before latitude bands "
        f"(box, exact count, one page query): {len(mismatches)} of {len(cases)}"
    )
    for case in mismatches[:5]:
        print(f"  {case.kind} {case.criteria}")
    return {"unbanded_mismatches": len(mismatches)}


# ---------------------------------------------------------------------------
# Report


def summary_rows(timings: Timings) -> list[list[str]]:
    rows = []
    for method in ("service", "hand-written", "full scan"):
        values = timings.seconds.get(method, [])
        if not values:
            continue
        rows.append(
            [
                method,
                str(len(values)),
                milliseconds(median(values)),
                milliseconds(percentile(values, 0.95)),
                milliseconds(max(values)),
            ]
        )
    return rows


def kind_rows(by_kind: dict[str, Timings]) -> list[list[str]]:
    rows = []
    for kind, timings in by_kind.items():
        service = timings.seconds["service"]
        baseline = timings.seconds["hand-written"]
        scan = timings.seconds.get("full scan", [])
        rows.append(
            [
                kind,
                str(len(service)),
                f"{median(timings.matches):,.0f}",
                milliseconds(median(service)),
                milliseconds(percentile(service, 0.95)),
                milliseconds(percentile(baseline, 0.95)),
                f"{percentile(service, 0.95) / percentile(baseline, 0.95):.1f}",
                milliseconds(median(scan)) if scan else "-",
            ]
        )
    rows.sort(key=lambda row: -float(row[4]))
    return rows


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--providers",
        type=int,
        default=DEFAULT_PROVIDERS,
        help=f"providers in the directory (default {DEFAULT_PROVIDERS:,})",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=DEFAULT_QUERIES,
        help=f"queries to time (default {DEFAULT_QUERIES})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed for the data and queries"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="folder for the demo files and database "
        "(default bench-out/search-PROVIDERS-seedSEED); reused when it matches",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="import the directory again even if cached"
    )
    parser.add_argument(
        "--full-scan-every",
        type=int,
        default=3,
        help="time the full-scan baseline on every Nth query, 0 for none (default 3)",
    )
    parser.add_argument(
        "--no-profile",
        dest="profile",
        action="store_false",
        help="skip the split of the service's time into its parts",
    )
    parser.add_argument(
        "--cprofile", type=int, default=0, help="print the N functions with most own time"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the query plan for one query of each kind"
    )
    parser.add_argument(
        "--try-index",
        action="append",
        default=[],
        metavar="SQL",
        help="repeat the service timings on a copy of the database after running SQL "
        "(e.g. a CREATE INDEX); may be given more than once, all run on the same copy",
    )
    parser.add_argument(
        "--check-unbanded",
        action="store_true",
        help="also check every page and count against the query shape used before "
        "latitude bands (slow: it reads every row in the search box)",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="append the results as one JSON line to this file"
    )
    return parser.parse_args(argv)


def report_measurement(
    overall: Timings, by_kind: dict[str, Timings], mismatches: list[Mismatch], queries: int
) -> dict[str, Any]:
    """Print the main tables and goal checks; return the figures for the JSON line."""
    headers = ["method", "queries", "median ms", "p95 ms", "max ms"]
    print(format_table(headers, summary_rows(overall)))
    service_p95 = percentile(overall.seconds["service"], 0.95)
    baseline_p95 = percentile(overall.seconds["hand-written"], 0.95)
    service_median = median(overall.seconds["service"])
    baseline_median = median(overall.seconds["hand-written"])
    ratio_p95 = service_p95 / baseline_p95
    ratio_median = service_median / baseline_median
    p95_met = service_p95 < P95_GOAL_SECONDS
    ratio_met = ratio_p95 <= RATIO_GOAL
    print(
        f"\nservice / hand-written: median {ratio_median:.1f}x, p95 {ratio_p95:.1f}x "
        f"(goal {RATIO_GOAL:g}x: {'met' if ratio_met else 'missed'})"
    )
    print(
        f"service p95 {milliseconds(service_p95)} ms "
        f"(goal < {P95_GOAL_SECONDS * 1000:g} ms: {'met' if p95_met else 'missed'}"
        + ("" if p95_met else f", {service_p95 / P95_GOAL_SECONDS:.1f}x the goal")
        + ")"
    )
    scan = overall.seconds.get("full scan", [])
    if scan:
        print(f"full scan median / service median: {median(scan) / service_median:.0f}x")
    print(f"page mismatches (count or NPIs differ): {len(mismatches)} of {queries}")
    for mismatch in mismatches[:5]:
        print(
            f"  {mismatch.case.kind} {mismatch.case.criteria}: service total "
            f"{mismatch.service.total}, hand-written {mismatch.baseline.total}, first NPIs "
            f"{mismatch.service.npis[:3]} vs {mismatch.baseline.npis[:3]}"
        )

    print("\nBy query kind, slowest service p95 first:\n")
    kind_headers = [
        "kind",
        "queries",
        "median matches",
        "service median ms",
        "service p95 ms",
        "hand-written p95 ms",
        "p95 ratio",
        "full scan median ms",
    ]
    print(format_table(kind_headers, kind_rows(by_kind)))

    results: dict[str, Any] = {
        "service_median_ms": service_median * 1000,
        "service_p95_ms": service_p95 * 1000,
        "hand_written_median_ms": baseline_median * 1000,
        "hand_written_p95_ms": baseline_p95 * 1000,
        "ratio_p95": ratio_p95,
        "ratio_median": ratio_median,
        "p95_goal_met": p95_met,
        "ratio_goal_met": ratio_met,
        "mismatches": len(mismatches),
        "p95_ms_by_kind": {
            kind: percentile(timings.seconds["service"], 0.95) * 1000
            for kind, timings in by_kind.items()
        },
    }
    if scan:
        results["full_scan_median_ms"] = median(scan) * 1000
        results["full_scan_p95_ms"] = percentile(scan, 0.95) * 1000
    return results


def report_profile(database: Path, cases: list[QueryCase]) -> dict[str, Any]:
    parts = profile_service(database, cases)
    print("\nService time by part, per query (separate pass with statement timing):\n")
    print(
        format_table(
            ["part", "median ms", "p95 ms"],
            [
                [part, milliseconds(values["median"]), milliseconds(values["p95"])]
                for part, values in parts.items()
            ],
        )
    )
    return {
        part: {key: value * 1000 for key, value in values.items()} for part, values in parts.items()
    }


def run_trial(
    database: Path, cases: list[QueryCase], statements: list[str], with_plans: bool
) -> dict[str, Any]:
    """Time the service on the database and on a copy with `statements`, alternating."""
    with database_copy(database, statements, "index-trial.db") as copy:
        original_engine = create_db_engine(f"sqlite:///{database}")
        trial_engine = create_db_engine(f"sqlite:///{copy}")
        trial = measure_pair(
            cases,
            partial(run_service, original_engine),
            partial(run_service, trial_engine),
        )
        original_engine.dispose()
        trial_engine.dispose()
        plans = explain(copy, cases) if with_plans else ""
    print("\nService on the database and on a copy with: " + "; ".join(statements))
    print("(same pass, alternating)\n")
    rows, as_is, with_trial = pair_rows(trial)
    print(format_table(["kind", "p95 ms as is", "p95 ms with trial"], rows))
    if plans:
        print("\nQuery plans of the page query on the copy:\n")
        print(plans)
    return {
        "statements": statements,
        "as_is_p95_ms": percentile(as_is, 0.95) * 1000,
        "service_p95_ms": percentile(with_trial, 0.95) * 1000,
        "service_median_ms": median(with_trial) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    folder = arguments.cache_dir or BENCH_OUT / f"search-{arguments.providers}-seed{arguments.seed}"
    database = build_directory(arguments.providers, arguments.seed, folder, arguments.rebuild)
    cases = make_query_set(database, arguments.queries, arguments.seed)

    engine = create_db_engine(f"sqlite:///{database}")
    connection = open_sqlite(database)
    full_scan = FullScanSearch(connection) if arguments.full_scan_every > 0 else None
    started = time.perf_counter()
    overall, by_kind, mismatches = measure(
        cases, engine, connection, full_scan, max(1, arguments.full_scan_every)
    )
    print(f"\nTimed {len(cases)} queries in {time.perf_counter() - started:.0f} s\n")
    results: dict[str, Any] = {
        "providers": arguments.providers,
        "queries": len(cases),
        "seed": arguments.seed,
        **report_measurement(overall, by_kind, mismatches, len(cases)),
    }

    if arguments.profile:
        results["profile_ms"] = report_profile(database, cases)
    if arguments.cprofile:
        print(cprofile_service(engine, cases, arguments.cprofile))
    if arguments.explain:
        print("\nQuery plans of the page query:\n")
        print(explain(database, cases))
    engine.dispose()
    connection.close()

    if arguments.try_index:
        results["trial"] = run_trial(database, cases, arguments.try_index, arguments.explain)
    if arguments.check_unbanded:
        results.update(run_unbanded_check(database, cases))
    if arguments.json:
        append_json_line(arguments.json, "bench_search", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
