"""Benchmark member lookups by member ID, phone and name through the real services.

Builds a members database with `make_demo_data.py --members N` and
`import_members_csv` (default 1,000,000 members, cached under bench-out/), then
times `find_by_member_id`, `find_by_phone` and `find_by_name` with
`time.perf_counter`, one call at a time and the three kinds interleaved. Every
call is a whole service call: parsing, the write transaction, the query and the
audit event the service appends.

Queries are made from randomly picked stored members and typed the way callers
and representatives type them:

- member ID: the CIN as printed, in lower case or with spaces, the 14-character
  BIC ID, or a frozen CIN of a merged record;
- phone: a stored number in one of several written formats;
- name and date of birth: lower case, accents removed, last name first, only
  first and last name, or one typo in a name of 4 letters or more, and the date
  as MM/DD/YYYY, M/D/YYYY or YYYY-MM-DD.

Goal: p95 under 5 ms for each kind. The script also reports how often the
member the query was made from is among the results, and the time of the
import that built the database. `--profile` splits the service time into
connection set-up, BEGIN, the lookup queries, the audit insert and the rest
(commit and Python work). Lookups add audit events to the cached database.

The lookups are timed twice: alone, and with another connection to the
database open, as when other consoles are running (see `scenario_connection`).
`--try-pool` adds a third run on an engine that keeps its connections in a
QueuePool, which the product does not do. `--try-name-scoring` times the name
scoring of `find_by_name` alone against a prototype that prepares the query's
tokens once per lookup.

Usage:
    .venv/bin/python scripts/bench_member_lookup.py [--members N] [--queries N] [--seed S]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import resource
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench_common import (
    BENCH_OUT,
    DEMO_SCRIPT,
    StatementTimer,
    append_json_line,
    create_fresh_database,
    format_table,
    generator_fingerprint,
    median,
    milliseconds,
    percentile,
    schema_fingerprint,
)
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

import tsc_console.domain.names as names_module
import tsc_console.store.engine as engine_module
from tsc_console.domain.access import Role
from tsc_console.domain.birthdates import parse_birth_date
from tsc_console.domain.names import (
    NAME_MATCH_THRESHOLD,
    name_similarity,
    name_tokens,
    token_match_score,
)
from tsc_console.services.member_import import import_members_csv
from tsc_console.services.members import (
    LookupResult,
    find_by_member_id,
    find_by_name,
    find_by_phone,
)
from tsc_console.services.session import Actor, actor_for, add_user
from tsc_console.store.engine import create_db_engine

DEFAULT_MEMBERS = 1_000_000
DEFAULT_QUERIES = 300
DEFAULT_SEED = 7
GOAL_P95_MS = 5.0
WARM_UP_QUERIES = 20
MEMBERS_FILE_NAME = "members_demo.csv"
BENCH_USER = "bench-lookup"
KINDS = ("member ID", "phone", "name + birth date")


# Building the database


def build_members_database(
    members: int, seed: int, folder: Path, rebuild: bool, reimport: bool
) -> tuple[Path, dict[str, Any]]:
    """Return a members database and the build figures, generating and importing unless cached.

    The cache is reused only when it was built with the same size, seed,
    generator and migrations. The figures of a reused cache are those of the run
    that built it.
    """
    database = folder / "members.db"
    marker = folder / "members.json"
    expected = {
        "members": members,
        "seed": seed,
        "schema": schema_fingerprint(),
        "generator": generator_fingerprint(),
    }
    if not rebuild and database.exists() and marker.exists():
        stored = json.loads(marker.read_text())
        if {key: stored.get(key) for key in expected} == expected and (
            not reimport or "reimport_seconds" in stored
        ):
            print(f"Reusing {database} ({members:,} members, seed {seed})")
            return database, stored

    folder.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    csv_path = folder / MEMBERS_FILE_NAME
    print(f"Generating {members:,} demo members in {folder} ...", flush=True)
    started = time.perf_counter()
    command = [
        sys.executable,
        str(DEMO_SCRIPT),
        "--members",
        str(members),
        "--out",
        str(folder),
        "--seed",
        str(seed),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"make_demo_data.py failed with exit code {completed.returncode}: "
            f"{completed.stderr.strip() or completed.stdout.strip()}"
        )
    generate_seconds = time.perf_counter() - started
    print(f"Generated {csv_path} in {generate_seconds:.1f} s", flush=True)

    engine = create_fresh_database(database)
    figures: dict[str, Any] = {
        **expected,
        "generate_seconds": round(generate_seconds, 1),
        "csv_bytes": csv_path.stat().st_size,
    }
    figures.update(timed_import(engine, csv_path, "import"))
    if reimport:
        figures.update(timed_import(engine, csv_path, "reimport"))
    engine.dispose()
    checkpoint(database)
    figures["database_bytes"] = database.stat().st_size
    marker.write_text(json.dumps(figures))
    return database, figures


def timed_import(engine: Engine, csv_path: Path, label: str) -> dict[str, Any]:
    """Import `csv_path` and return its time, split at the first batch written, and counts."""
    marks: dict[str, float] = {}

    def on_apply(_done: int, _total: int) -> None:
        marks.setdefault("first_batch", time.perf_counter())

    print(f"Running the {label} ...", flush=True)
    started = time.perf_counter()
    summary = import_members_csv(engine, csv_path, apply_progress=on_apply)
    seconds = time.perf_counter() - started
    scan_seconds = marks.get("first_batch", started + seconds) - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label}: {seconds:.1f} s (scan {scan_seconds:.1f} s, apply "
        f"{seconds - scan_seconds:.1f} s); inserted {summary.inserted:,}, updated "
        f"{summary.updated:,}, unchanged {summary.unchanged:,}, rejected {summary.rejected:,}, "
        f"peak RSS {peak_mib:.0f} MiB",
        flush=True,
    )
    return {
        f"{label}_seconds": round(seconds, 1),
        f"{label}_scan_seconds": round(scan_seconds, 1),
        f"{label}_inserted": summary.inserted,
        f"{label}_updated": summary.updated,
        f"{label}_unchanged": summary.unchanged,
        f"{label}_rejected": summary.rejected,
        f"{label}_problems": summary.problem_count,
        f"{label}_peak_rss_mib": round(peak_mib),
    }


def checkpoint(database: Path) -> None:
    """Move the WAL into the database file, so that lookups start from a small WAL."""
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


# Queries


@dataclass(frozen=True, slots=True)
class LookupCase:
    kind: str
    member_id: int
    """The member the query was made from."""
    arguments: tuple[str, ...]


@dataclass
class StoredMember:
    member_id: int
    cin: str
    names: list[str]
    """First, middle, last and second last name, empty strings for missing parts."""
    birth_date: date
    phones: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def load_sample(database: Path, count: int, rng: random.Random) -> list[StoredMember]:
    """Load `count` randomly picked members with their phones and frozen CINs."""
    connection = sqlite3.connect(database)
    (max_id,) = connection.execute("SELECT max(id) FROM member").fetchone()
    ids = rng.sample(range(1, max_id + 1), min(count, max_id))
    marks = ",".join("?" * len(ids))
    members: dict[int, StoredMember] = {}
    for row in connection.execute(
        "SELECT id, cin, first_name, middle_name, last_name, second_last_name, birth_date "
        f"FROM member WHERE id IN ({marks})",
        ids,
    ):
        member_id, cin, *names, birth = row
        members[member_id] = StoredMember(
            member_id, cin, [name or "" for name in names], date.fromisoformat(birth)
        )
    for member_id, e164 in connection.execute(
        f"SELECT member_id, e164 FROM member_phone WHERE member_id IN ({marks})", ids
    ):
        members[member_id].phones.append(e164)
    for member_id, cin in connection.execute(
        f"SELECT member_id, cin FROM member_cin_alias WHERE member_id IN ({marks})", ids
    ):
        members[member_id].aliases.append(cin)
    connection.close()
    return [members[member_id] for member_id in ids if member_id in members]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def add_typo(word: str, rng: random.Random) -> str:
    """Swap two adjacent letters, drop one or replace one, in a word of 4 letters or more."""
    position = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.4:
        return word[: position - 1] + word[position] + word[position - 1] + word[position + 1 :]
    if roll < 0.7:
        return word[:position] + word[position + 1 :]
    replacement = rng.choice([letter for letter in "aeioulnrst" if letter != word[position]])
    return word[:position] + replacement + word[position + 1 :]


def typed_name(member: StoredMember, rng: random.Random) -> str:
    """Return the member's name as a representative might type it."""
    first, middle, last, second_last = member.names
    style = rng.choice(
        ("as stored", "lower case", "no accents", "last first", "first last", "typo")
    )
    if style == "first last":
        return f"{first} {last}".lower()
    words = [part for part in (first, middle, last, second_last) if part]
    if style == "as stored":
        return " ".join(words)
    if style == "lower case":
        return " ".join(words).lower()
    if style == "no accents":
        return strip_accents(" ".join(words)).lower()
    if style == "last first":
        return f"{last} {second_last}, {first}".replace(" ,", ",")
    tokens = " ".join(words).split()
    candidates = [index for index, token in enumerate(tokens) if len(token) >= 4]
    if candidates:
        index = rng.choice(candidates)
        tokens[index] = add_typo(tokens[index], rng)
    return " ".join(tokens)


def typed_birth_date(day: date, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return day.strftime("%m/%d/%Y")
    if roll < 0.8:
        return f"{day.month}/{day.day}/{day.year}"
    return day.isoformat()


def typed_member_id(member: StoredMember, rng: random.Random) -> str:
    roll = rng.random()
    if member.aliases and roll < 0.1:
        return member.aliases[0]
    if roll < 0.55:
        return member.cin
    if roll < 0.7:
        return member.cin.lower()
    if roll < 0.85:
        return f"{member.cin[:4]} {member.cin[4:]}"
    # A BIC ID: the CIN, a check digit and a Julian issue date.
    return f"{member.cin}{rng.randrange(10)}{rng.randrange(10)}{rng.randrange(1, 366):03d}"


def typed_phone(e164: str, rng: random.Random) -> str:
    area, exchange, line = e164[2:5], e164[5:8], e164[8:]
    template = rng.choice(("({a}) {b}-{c}", "{a}-{b}-{c}", "{a}{b}{c}", "1 {a} {b} {c}"))
    return template.format(a=area, b=exchange, c=line)


def make_cases(sample: list[StoredMember], per_kind: int, rng: random.Random) -> list[LookupCase]:
    """Return `per_kind` cases of each kind, interleaved."""
    with_phone = [member for member in sample if member.phones]
    cases: list[LookupCase] = []
    for index in range(per_kind):
        member = sample[index % len(sample)]
        cases.append(LookupCase(KINDS[0], member.member_id, (typed_member_id(member, rng),)))
        phone_member = with_phone[index % len(with_phone)]
        cases.append(
            LookupCase(
                KINDS[1],
                phone_member.member_id,
                (typed_phone(rng.choice(phone_member.phones), rng),),
            )
        )
        name_member = sample[(index * 7 + 3) % len(sample)]
        cases.append(
            LookupCase(
                KINDS[2],
                name_member.member_id,
                (typed_name(name_member, rng), typed_birth_date(name_member.birth_date, rng)),
            )
        )
    return cases


def run_case(engine: Engine, actor: Actor, case: LookupCase) -> LookupResult:
    if case.kind == KINDS[0]:
        return find_by_member_id(engine, actor, case.arguments[0])
    if case.kind == KINDS[1]:
        return find_by_phone(engine, actor, case.arguments[0])
    return find_by_name(engine, actor, case.arguments[0], case.arguments[1])


# Measuring


@dataclass
class KindTimings:
    seconds: list[float] = field(default_factory=list)
    results: list[int] = field(default_factory=list)
    found: int = 0


def measure(engine: Engine, actor: Actor, cases: list[LookupCase]) -> dict[str, KindTimings]:
    for case in cases[:WARM_UP_QUERIES]:
        run_case(engine, actor, case)
    timings = {kind: KindTimings() for kind in KINDS}
    for case in cases:
        started = time.perf_counter()
        result = run_case(engine, actor, case)
        elapsed = time.perf_counter() - started
        entry = timings[case.kind]
        entry.seconds.append(elapsed)
        entry.results.append(len(result.matches))
        entry.found += any(match.member_id == case.member_id for match in result.matches)
    return timings


SCENARIOS = ("alone", "another connection open")


@contextmanager
def scenario_connection(database: Path, scenario: str) -> Iterator[None]:
    """Keep a second connection open during the scenario "another connection open".

    With NullPool, every lookup opens and closes its own connection. When the
    last connection to a WAL database closes, SQLite checkpoints the WAL and
    removes the WAL and shared-memory files, and the next lookup sets them up
    again. A console process that is open elsewhere keeps a connection, and so
    does this scenario.
    """
    if scenario != "another connection open":
        yield
        return
    connection = sqlite3.connect(database)
    connection.execute("SELECT count(*) FROM tsc_user").fetchone()
    try:
        yield
    finally:
        connection.close()


POOL_TRIAL = "pooled engine (trial)"


def pooled_engine(database: Path) -> Engine:
    """Create the product's engine, except that a QueuePool keeps connections between lookups.

    The product uses NullPool. This trial swaps the pool class while
    `create_db_engine` runs, so the connection settings stay the product's.
    """
    original = engine_module.NullPool
    engine_module.NullPool = QueuePool  # type: ignore[misc,assignment]
    try:
        return engine_module.create_db_engine(f"sqlite:///{database}")
    finally:
        engine_module.NullPool = original  # type: ignore[misc]


def timing_rows(timings: dict[str, KindTimings]) -> list[list[str]]:
    rows = []
    for kind, entry in timings.items():
        p95 = percentile(entry.seconds, 0.95) * 1000
        rows.append(
            [
                kind,
                str(len(entry.seconds)),
                milliseconds(median(entry.seconds)),
                f"{p95:.2f}",
                milliseconds(max(entry.seconds)),
                f"{median(entry.results):g}",
                f"{100 * entry.found / len(entry.seconds):.0f}%",
                "yes" if p95 < GOAL_P95_MS else "no",
            ]
        )
    return rows


def lookup_part(statement: str) -> str:
    """Name the part of a lookup that a SQL statement belongs to, for `StatementTimer`."""
    if statement.startswith("BEGIN"):
        return "BEGIN IMMEDIATE"
    if statement.startswith("INSERT INTO audit_event"):
        return "audit insert"
    return "lookup queries"


PROFILE_PARTS = ("connect + PRAGMAs", "BEGIN IMMEDIATE", "lookup queries", "audit insert")


def profile_parts(database: Path, actor: Actor, cases: list[LookupCase]) -> list[list[str]]:
    """Median and p95 of each part of the service time, per kind, on an engine of its own."""
    engine = create_db_engine(f"sqlite:///{database}")
    timer = StatementTimer(engine, lookup_part)
    for case in cases[:WARM_UP_QUERIES]:
        run_case(engine, actor, case)
    timer.take()
    samples: dict[tuple[str, str], list[float]] = {}
    for case in cases:
        started = time.perf_counter()
        run_case(engine, actor, case)
        total = time.perf_counter() - started
        parts = timer.take()
        for part in PROFILE_PARTS:
            samples.setdefault((case.kind, part), []).append(parts.get(part, 0.0))
        rest = total - sum(parts.values())
        samples.setdefault((case.kind, "commit + Python work"), []).append(rest)
        samples.setdefault((case.kind, "total"), []).append(total)
    engine.dispose()
    return [
        [kind, part, milliseconds(median(values)), milliseconds(percentile(values, 0.95))]
        for (kind, part), values in samples.items()
    ]


def cprofile_cases(
    engine: Engine, actor: Actor, cases: list[LookupCase], kind: str, top: int
) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        if case.kind == kind:
            run_case(engine, actor, case)
    profiler.disable()
    output = io.StringIO()
    pstats.Stats(profiler, stream=output).sort_stats("tottime").print_stats(top)
    return output.getvalue()


def prototype_similarity(
    typed_tokens: list[str], member_tokens: list[str], memo: dict[tuple[str, str], float]
) -> float:
    """Compute `name_similarity` from tokens prepared once per query and memoised token scores.

    `typed_tokens` are the query's tokens, made once per query, and
    `member_tokens` the stored `name_key` split on spaces, so neither side is
    tokenised again for each candidate.
    """
    if not typed_tokens or not member_tokens:
        return 0.0
    scores: list[float] = []
    matched: set[str] = set()
    for typed in typed_tokens:
        best_score = 0.0
        best_token = ""
        for member_token in member_tokens:
            key = (typed, member_token)
            score = memo.get(key)
            if score is None:
                score = memo[key] = token_match_score(typed, member_token)
            if score > best_score:
                best_score, best_token = score, member_token
        scores.append(best_score)
        if best_score > 0:
            matched.add(best_token)
    weight = names_module._COVERAGE_WEIGHT
    quality = sum(scores) / len(scores)
    result = (1 - weight) * quality + weight * len(matched) / len(member_tokens)
    return result / 2 if 0.0 in scores else result


def report_name_scoring(database: Path, cases: list[LookupCase]) -> dict[str, Any]:
    """Time the name scoring of each name lookup's candidates, without the database.

    Candidates are the members born on the typed date, as `find_by_name` loads
    them. The prototype's matches (score at least NAME_MATCH_THRESHOLD, best
    first) are compared with the current ones.
    """
    connection = sqlite3.connect(database)
    current_seconds: list[float] = []
    prototype_seconds: list[float] = []
    different = 0
    for case in cases:
        if case.kind != KINDS[2]:
            continue
        name, birth_text = case.arguments
        birth_day = parse_birth_date(birth_text).isoformat()
        candidates = connection.execute(
            "SELECT id, first_name, middle_name, last_name, second_last_name, name_key "
            "FROM member WHERE birth_date = ?",
            (birth_day,),
        ).fetchall()

        started = time.perf_counter()
        current = [(name_similarity(name, list(row[1:5])), row[0]) for row in candidates]
        current_seconds.append(time.perf_counter() - started)

        started = time.perf_counter()
        typed_tokens = name_tokens(name)
        memo: dict[tuple[str, str], float] = {}
        prototype = [
            (prototype_similarity(typed_tokens, row[5].split(), memo), row[0]) for row in candidates
        ]
        prototype_seconds.append(time.perf_counter() - started)

        def matches(scored: list[tuple[float, int]]) -> list[int]:
            kept = sorted(pair for pair in scored if pair[0] >= NAME_MATCH_THRESHOLD)
            return [member_id for _, member_id in reversed(kept)]

        different += matches(current) != matches(prototype)
    connection.close()

    rows = [
        [
            "current name_similarity",
            milliseconds(median(current_seconds)),
            milliseconds(percentile(current_seconds, 0.95)),
        ],
        [
            "prototype",
            milliseconds(median(prototype_seconds)),
            milliseconds(percentile(prototype_seconds, 0.95)),
        ],
    ]
    print("\nName scoring alone, per name lookup (ms):\n")
    print(format_table(["Method", "Median", "p95"], rows))
    print(f"Queries whose matches differ: {different} of {len(current_seconds)}")
    return {
        "current_median_ms": round(median(current_seconds) * 1000, 2),
        "current_p95_ms": round(percentile(current_seconds, 0.95) * 1000, 2),
        "prototype_median_ms": round(median(prototype_seconds) * 1000, 2),
        "prototype_p95_ms": round(percentile(prototype_seconds, 0.95) * 1000, 2),
        "queries_with_different_matches": different,
    }


def bench_actor(engine: Engine) -> Actor:
    add_user(engine, BENCH_USER, "Lookup benchmark", Role.REPRESENTATIVE)
    return actor_for(engine, BENCH_USER, "bench-terminal")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--members",
        type=int,
        default=DEFAULT_MEMBERS,
        help=f"members in the database (default {DEFAULT_MEMBERS:,})",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=DEFAULT_QUERIES,
        help=f"timed lookups of each kind (default {DEFAULT_QUERIES})",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="generate and import again even when cached"
    )
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="when building, also time a second import of the same file (all unchanged)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="split the service time into its parts"
    )
    parser.add_argument(
        "--try-pool",
        action="store_true",
        help="also time the lookups on an engine that keeps connections in a QueuePool",
    )
    parser.add_argument(
        "--try-name-scoring",
        action="store_true",
        help="also time the name scoring alone, current and a per-query prototype",
    )
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        metavar="N",
        help="print the N functions with the most own time for the slowest kind",
    )
    parser.add_argument(
        "--json", type=Path, help="append the figures as one JSON line to this file"
    )

    arguments = parser.parse_args(argv)
    if arguments.members < 1 or arguments.queries < 1:
        parser.error("--members and --queries must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    folder = BENCH_OUT / f"members-{arguments.members}-seed{arguments.seed}"
    database, build = build_members_database(
        arguments.members, arguments.seed, folder, arguments.rebuild, arguments.reimport
    )
    print(
        f"Import of {arguments.members:,} members: {build['import_seconds']} s "
        f"(scan {build['import_scan_seconds']} s), generation {build['generate_seconds']} s"
        + (
            f"; re-import {build['reimport_seconds']} s, {build['reimport_unchanged']:,} unchanged"
            if "reimport_seconds" in build
            else ""
        )
    )

    engine = create_db_engine(f"sqlite:///{database}")
    actor = bench_actor(engine)
    rng = random.Random(arguments.seed)
    sample = load_sample(database, arguments.queries * 2, rng)
    cases = make_cases(sample, arguments.queries, rng)
    headers = [
        "Kind",
        "Queries",
        "Median ms",
        "p95 ms",
        "Max ms",
        "Median results",
        "Member found",
        f"p95 < {GOAL_P95_MS:g} ms",
    ]
    results: dict[str, Any] = {
        "members": arguments.members,
        "queries_per_kind": arguments.queries,
        "seed": arguments.seed,
        "build": build,
    }
    scenarios: list[tuple[str, Engine]] = [(scenario, engine) for scenario in SCENARIOS]
    if arguments.try_pool:
        scenarios.append((POOL_TRIAL, pooled_engine(database)))
    for scenario, scenario_engine in scenarios:
        started = time.perf_counter()
        with scenario_connection(database, scenario):
            timings = measure(scenario_engine, actor, cases)
        print(
            f"\n{scenario}: timed {len(cases)} lookups in {time.perf_counter() - started:.1f} s\n"
        )
        print(format_table(headers, timing_rows(timings)))
        results[scenario] = {
            kind: {
                "median_ms": round(median(entry.seconds) * 1000, 2),
                "p95_ms": round(percentile(entry.seconds, 0.95) * 1000, 2),
                "max_ms": round(max(entry.seconds) * 1000, 2),
                "median_results": median(entry.results),
                "found_share": round(entry.found / len(entry.seconds), 3),
            }
            for kind, entry in timings.items()
        }
        if scenario_engine is not engine:
            # A pooled engine keeps a connection open, which would change the later runs.
            scenario_engine.dispose()

    if arguments.profile:
        print("\nService time by part (ms per lookup):\n")
        print(
            format_table(["Kind", "Part", "Median", "p95"], profile_parts(database, actor, cases))
        )
    if arguments.cprofile:
        slowest = max(KINDS, key=lambda kind: results["alone"][kind]["p95_ms"])
        print(f"\ncProfile of the {slowest} lookups:\n")
        print(cprofile_cases(engine, actor, cases, slowest, arguments.cprofile))
    engine.dispose()
    if arguments.try_name_scoring:
        results["name_scoring_trial"] = report_name_scoring(database, cases)
    if arguments.json:
        append_json_line(arguments.json, "bench_member_lookup", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
