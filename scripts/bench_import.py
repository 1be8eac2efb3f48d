"""Benchmark the NPPES import (`import_nppes_file`) against a plain csv-to-SQLite load.

For each size in `--rows` (default 100,000 rows), the script generates a demo
NPPES file with `make_demo_data.py` and runs, each in a fresh subprocess:

- baseline: `csv.reader` over the file feeding `sqlite3.executemany` inserts of
  the same kind of row (NPI, entity type, names, credential, practice address,
  ZIP, phone, fax, first taxonomy and license, last update date) into a fresh
  one-table database, 2,000 rows per call, in one transaction;
- import: `import_nppes_file` into a fresh database created by the migrations
  (schema creation is not timed);
- re-import: `import_nppes_file` of the same file again, where every row should
  be counted as unchanged.

Each child reports its elapsed time and `ru_maxrss`, the peak resident memory
of its process. Goals: the import takes at most 2x the baseline's time, and with
two or more sizes (`--rows 100000 500000`), the import's peak memory at the
largest size is less than 20% above the peak at the smallest.

Usage:
    .venv/bin/python scripts/bench_import.py [--rows N [N ...]] [--repeat N]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import pstats
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_common import (
    BENCH_OUT,
    append_json_line,
    create_fresh_database,
    format_table,
    generate_demo_data,
    median,
    remove_database,
)

DEFAULT_ROWS = (100_000,)
DEFAULT_SEED = 11
BATCH_SIZE = 2000
TIME_RATIO_GOAL = 2.0
MEMORY_GROWTH_GOAL = 0.20

BASELINE_COLUMNS = (
    ("npi", "NPI"),
    ("entity_type", "Entity Type Code"),
    ("organization_name", "Provider Organization Name (Legal Business Name)"),
    ("last_name", "Provider Last Name (Legal Name)"),
    ("first_name", "Provider First Name"),
    ("middle_name", "Provider Middle Name"),
    ("credential", "Provider Credential Text"),
    ("address_line1", "Provider First Line Business Practice Location Address"),
    ("address_line2", "Provider Second Line Business Practice Location Address"),
    ("city", "Provider Business Practice Location Address City Name"),
    ("state", "Provider Business Practice Location Address State Name"),
    ("postal_code", "Provider Business Practice Location Address Postal Code"),
    ("phone", "Provider Business Practice Location Address Telephone Number"),
    ("fax", "Provider Business Practice Location Address Fax Number"),
    ("taxonomy_code", "Healthcare Provider Taxonomy Code_1"),
    ("license_number", "Provider License Number_1"),
    ("last_update", "Last Update Date"),
)


# ---------------------------------------------------------------------------
# Child processes: one import each, reporting time and peak memory as JSON


def peak_rss_mib() -> float:
    """Peak resident set size of this process in MiB (Linux reports `ru_maxrss` in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        kib //= 1024
    return kib / 1024


def run_baseline(nppes: Path, database: Path) -> dict[str, Any]:
    remove_database(database)
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    names = [name for name, _ in BASELINE_COLUMNS]
    connection.execute(
        f"CREATE TABLE provider_row ({names[0]} TEXT PRIMARY KEY, "
        + ", ".join(f"{name} TEXT" for name in names[1:])
        + ")"
    )
    statement = f"INSERT INTO provider_row VALUES ({', '.join('?' * len(names))})"
    rss_before = peak_rss_mib()

    started = time.perf_counter()
    rows = 0
    with nppes.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        positions = [header.index(column) for _, column in BASELINE_COLUMNS]
        connection.execute("BEGIN IMMEDIATE")
        batch: list[list[str]] = []
        for values in reader:
            batch.append([values[position] for position in positions])
            if len(batch) >= BATCH_SIZE:
                connection.executemany(statement, batch)
                rows += len(batch)
                batch.clear()
        connection.executemany(statement, batch)
        rows += len(batch)
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return {
        "seconds": seconds,
        "rows": rows,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_mib": rss_before,
    }


def run_import(nppes: Path, database: Path, fresh: bool, profile_top: int) -> dict[str, Any]:
    """Import `nppes`, timing the scan (read, validate, stage) and the apply (write) apart."""
    from tsc_console.domain.geography import lookup_zip
    from tsc_console.services.provider_import import import_nppes_file
    from tsc_console.store.engine import create_db_engine

    engine = create_fresh_database(database) if fresh else create_db_engine(f"sqlite:///{database}")
    rss_before = peak_rss_mib()

    # The ZIP table loads on first use; it is timed apart but counted in the total.
    started = time.perf_counter()
    lookup_zip("95814")
    zip_seconds = time.perf_counter() - started

    scan_finished = 0.0

    def note_progress(rows_read: int, rows_kept: int, bytes_read: int) -> None:
        # The last call comes when the scan has read the whole file.
        nonlocal scan_finished
        scan_finished = time.perf_counter()

    profiler = cProfile.Profile() if profile_top else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    summary = import_nppes_file(engine, nppes, progress=note_progress)
    if profiler is not None:
        profiler.disable()
    finished = time.perf_counter()
    engine.dispose()
    if profiler is not None:
        output = io.StringIO()
        pstats.Stats(profiler, stream=output).sort_stats("tottime").print_stats(profile_top)
        print(output.getvalue(), file=sys.stderr)
    return {
        "seconds": zip_seconds + finished - started,
        "zip_table_seconds": zip_seconds,
        "scan_seconds": scan_finished - started,
        "apply_seconds": finished - scan_finished,
        "rows": summary.counts.rows_read,
        "kept": summary.counts.rows_kept,
        "inserted": summary.inserted,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.counts.rejected,
        "peak_rss_mib": peak_rss_mib(),
        "rss_before_mib": rss_before,
    }


def run_child(mode: str, nppes: Path, database: Path, profile_top: int) -> int:
    if mode == "baseline":
        result = run_baseline(nppes, database)
    else:
        result = run_import(nppes, database, fresh=mode == "import", profile_top=profile_top)
    print(json.dumps(result))
    return 0


def spawn(mode: str, nppes: Path, database: Path, profile_top: int) -> dict[str, Any]:
    """Run one child process and return the JSON it prints on its last line.

    The child's standard error (a cProfile listing, when asked for) is passed through.
    """
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        mode,
        "--file",
        str(nppes),
        "--db",
        str(database),
        "--cprofile",
        str(profile_top),
    ]
    completed = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"the {mode} child failed with exit code {completed.returncode}; "
            "its standard error is above"
        )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------
# Parent


def measure_size(
    rows: int, seed: int, folder: Path, repeat: int, profile_top: int
) -> dict[str, Any]:
    print(f"\n{rows:,} rows: generating the NPPES file in {folder} ...", flush=True)
    files = generate_demo_data(rows, folder, seed)
    size_mib = files.nppes.stat().st_size / 1024 / 1024
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "import": [], "re-import": []}
    for attempt in range(repeat):
        for mode in ("baseline", "import", "re-import"):
            database = folder / ("baseline.db" if mode == "baseline" else "directory.db")
            result = spawn(mode, files.nppes, database, profile_top if mode == "import" else 0)
            runs[mode].append(result)
            print(
                f"  run {attempt + 1}/{repeat} {mode}: {result['seconds']:.1f} s, "
                f"peak {result['peak_rss_mib']:.0f} MiB",
                flush=True,
            )
    for mode in ("baseline", "directory"):
        remove_database(folder / f"{mode}.db")

    summary: dict[str, Any] = {"rows": rows, "file_mib": size_mib}
    for mode, results in runs.items():
        seconds = median([result["seconds"] for result in results])
        summary[mode] = {
            "seconds": seconds,
            "rows_per_second": rows / seconds,
            "peak_rss_mib": max(result["peak_rss_mib"] for result in results),
            "rss_before_mib": max(result["rss_before_mib"] for result in results),
            "counts": {
                key: value
                for key, value in results[-1].items()
                if key in ("rows", "kept", "inserted", "updated", "unchanged", "rejected")
            },
        }
        for phase in ("zip_table_seconds", "scan_seconds", "apply_seconds"):
            if phase in results[0]:
                summary[mode][phase] = median([result[phase] for result in results])
    summary["time_ratio"] = summary["import"]["seconds"] / summary["baseline"]["seconds"]
    return summary


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=list(DEFAULT_ROWS),
        help="NPPES file sizes in rows; give two or more (e.g. 100000 500000) for the "
        "memory growth check (default 100000)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each import per size; the median time is reported (default 1)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed for the demo data")
    parser.add_argument(
        "--out",
        type=Path,
        default=BENCH_OUT,
        help="folder for the generated files and databases (default bench-out)",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="append the results as one JSON line to this file"
    )
    parser.add_argument(
        "--cprofile",
        type=int,
        default=0,
        help="print the N functions with most own time in each import run",
    )
    parser.add_argument(
        "--child", choices=("baseline", "import", "re-import"), help=argparse.SUPPRESS
    )
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.child:
        return run_child(arguments.child, arguments.file, arguments.db, arguments.cprofile)

    sizes = sorted(set(arguments.rows))
    summaries = []
    for rows in sizes:
        folder = arguments.out / f"import-{rows}-seed{arguments.seed}"
        summaries.append(
            measure_size(rows, arguments.seed, folder, arguments.repeat, arguments.cprofile)
        )

    headers = ["rows", "method", "seconds", "rows/s", "peak RSS MiB", "RSS before MiB", "notes"]
    table = []
    for summary in summaries:
        for mode in ("baseline", "import", "re-import"):
            entry = summary[mode]
            counts = entry["counts"]
            notes = ""
            if mode != "baseline":
                notes = (
                    f"ZIP table {entry['zip_table_seconds']:.1f} s, scan "
                    f"{entry['scan_seconds']:.1f} s, apply {entry['apply_seconds']:.1f} s; "
                )
            if mode == "import":
                notes += f"{counts['inserted']:,} inserted, {counts['rejected']:,} rejected"
            elif mode == "re-import":
                notes += f"{counts['unchanged']:,} unchanged, {counts['updated']:,} updated"
            table.append(
                [
                    f"{summary['rows']:,}",
                    mode,
                    f"{entry['seconds']:.1f}",
                    f"{entry['rows_per_second']:,.0f}",
                    f"{entry['peak_rss_mib']:.0f}",
                    f"{entry['rss_before_mib']:.0f}",
                    notes,
                ]
            )
    print()
    print(format_table(headers, table))
    print()

    results: dict[str, Any] = {"sizes": summaries}
    for summary in summaries:
        ratio = summary["time_ratio"]
        met = ratio <= TIME_RATIO_GOAL
        print(
            f"{summary['rows']:,} rows: import / baseline time {ratio:.1f}x "
            f"(goal {TIME_RATIO_GOAL:g}x: {'met' if met else 'missed'})"
        )
        reimport = summary["re-import"]["counts"]
        all_unchanged = reimport["unchanged"] == summary["import"]["counts"]["kept"]
        print(
            f"{summary['rows']:,} rows: re-import left {reimport['unchanged']:,} of "
            f"{summary['import']['counts']['kept']:,} rows unchanged"
            + ("" if all_unchanged else " (expected all)")
        )
    if len(summaries) >= 2:
        smallest, largest = summaries[0], summaries[-1]
        growth = largest["import"]["peak_rss_mib"] / smallest["import"]["peak_rss_mib"] - 1
        met = growth < MEMORY_GROWTH_GOAL
        print(
            f"import peak memory {smallest['import']['peak_rss_mib']:.0f} MiB at "
            f"{smallest['rows']:,} rows, {largest['import']['peak_rss_mib']:.0f} MiB at "
            f"{largest['rows']:,} rows: {growth:+.0%} "
            f"(goal < {MEMORY_GROWTH_GOAL:.0%}: {'met' if met else 'missed'})"
        )
        results["memory_growth"] = growth
    if arguments.json:
        append_json_line(arguments.json, "bench_import", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
