"""Benchmark console start-up to the first usable screen, against a minimal Textual app.

Both apps start the same way, each in a fresh subprocess (default 7 runs each,
alternating). The child imports its app, builds it and runs it headless with
Textual's `App.run_test()` at 120x40 cells. It waits until the app has pushed its
first screen and that screen has been mounted and refreshed once, and then
exits. Three figures per run:

- built: from just before the parent starts the child until the app object is
  built, which is mostly Python start-up and imports;
- ready: from just before the parent starts the child until the first screen is
  ready, taken with `time.perf_counter()` in both processes (on Linux it reads
  CLOCK_MONOTONIC, which all processes share);
- whole run: wall time of the whole child process, exit included, seen by the parent.

The console is built with `tsc_console.tui.app.build_app(load_settings(URL))` on a
database created by the migrations and filled with `--providers` demo providers
(default 2,000). The minimal app pushes one screen with a header, a label and a
footer. Goal: the console's median ready time under 2x the minimal app's.

Usage:
    .venv/bin/python scripts/bench_startup.py [--runs N] [--providers N] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_RUNS = 7
DEFAULT_PROVIDERS = 2000
DEFAULT_SEED = 5
RATIO_GOAL = 2.0
TERMINAL_SIZE = (120, 40)
READY_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.001


# ---------------------------------------------------------------------------
# Child process


def build_minimal_app() -> Any:
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Label

    class MinimalScreen(Screen[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Label("Hello")
            yield Footer()

    class MinimalApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(MinimalScreen())

    return MinimalApp()


def build_console_app(database: Path) -> Any:
    from tsc_console.config import load_settings
    from tsc_console.tui.app import build_app

    return build_app(load_settings(str(database)))


async def wait_until_ready(app: Any) -> float:
    """Run `app` headless and return `time.perf_counter()` once its first own screen is ready.

    The app's own screen is the first one it pushes over Textual's default
    screen. It is ready when it is mounted and has been refreshed once, which is
    when `call_after_refresh` callbacks run. The wait polls every millisecond
    instead of using `Pilot.pause()`, which waits for the process to look idle
    and so adds a delay that depends on background work.

    Raises:
        TimeoutError: no screen was ready within READY_TIMEOUT_SECONDS.
    """
    async with app.run_test(headless=True, size=TERMINAL_SIZE) as pilot:
        deadline = time.perf_counter() + READY_TIMEOUT_SECONDS
        while len(app.screen_stack) < 2 or not app.screen.is_mounted:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the app pushed no screen within {READY_TIMEOUT_SECONDS:g} s")
            await asyncio.sleep(POLL_SECONDS)
        refreshed = asyncio.Event()
        app.screen.call_after_refresh(refreshed.set)
        await asyncio.wait_for(refreshed.wait(), timeout=READY_TIMEOUT_SECONDS)
        ready = time.perf_counter()
        await pilot.exit(None)
    return ready


def run_child(kind: str, started: float, database: Path | None) -> int:
    """Build and run one app; print the seconds from `started` to ready as JSON."""
    if kind == "console":
        if database is None:
            raise SystemExit("--db is required for the console child")
        app = build_console_app(database)
    else:
        app = build_minimal_app()
    built = time.perf_counter()
    ready = asyncio.run(wait_until_ready(app))
    print(json.dumps({"ready_seconds": ready - started, "imported_seconds": built - started}))
    return 0


# ---------------------------------------------------------------------------
# Parent


def prepare_database(folder: Path, providers: int, seed: int) -> Path:
    """Return a database with `providers` demo providers, reusing one of the same size, seed
    and migrations."""
    from bench_common import (
        create_fresh_database,
        generate_demo_data,
        generator_fingerprint,
        schema_fingerprint,
    )

    from tsc_console.services.provider_import import import_admin_csv, import_nppes_file

    database = folder / "console.db"
    marker = folder / "console.json"
    expected = {
        "providers": providers,
        "seed": seed,
        "schema": schema_fingerprint(),
        "generator": generator_fingerprint(),
    }
    if database.exists() and marker.exists() and json.loads(marker.read_text()) == expected:
        return database
    marker.unlink(missing_ok=True)
    files = generate_demo_data(providers, folder, seed)
    engine = create_fresh_database(database)
    import_nppes_file(engine, files.nppes)
    import_admin_csv(engine, files.admin)
    engine.dispose()
    marker.write_text(json.dumps(expected))
    return database


def spawn(kind: str, database: Path) -> dict[str, float]:
    started = time.perf_counter()
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--started",
        repr(started),
        "--db",
        str(database),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    whole = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(
            f"the {kind} child failed with exit code {completed.returncode}:\n{completed.stderr}"
        )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    result["whole_seconds"] = whole
    return result


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        help=f"runs of each app; medians are reported (default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--providers",
        type=int,
        default=DEFAULT_PROVIDERS,
        help=f"demo providers in the console's database (default {DEFAULT_PROVIDERS:,})",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="use this existing, migrated SQLite database instead of creating one",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="append the results as one JSON line to this file"
    )
    parser.add_argument("--child", choices=("console", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.child:
        return run_child(arguments.child, arguments.started, arguments.db)

    # The parent's helpers are imported here, so that children import only what their app needs.
    from bench_common import BENCH_OUT, append_json_line, format_table, median

    database = arguments.db or prepare_database(
        BENCH_OUT / f"startup-{arguments.providers}-seed{DEFAULT_SEED}",
        arguments.providers,
        DEFAULT_SEED,
    )
    # One untimed run of each warms the file cache and Python's bytecode cache.
    spawn("minimal", database)
    spawn("console", database)

    runs: dict[str, list[dict[str, float]]] = {"minimal": [], "console": []}
    for index in range(arguments.runs):
        order = ("minimal", "console") if index % 2 == 0 else ("console", "minimal")
        for kind in order:
            runs[kind].append(spawn(kind, database))

    rows = []
    medians: dict[str, dict[str, float]] = {}
    for kind, results in runs.items():
        medians[kind] = {
            key: median([result[key] for result in results])
            for key in ("imported_seconds", "ready_seconds", "whole_seconds")
        }
        rows.append(
            [
                kind,
                str(len(results)),
                f"{medians[kind]['imported_seconds'] * 1000:.0f}",
                f"{medians[kind]['ready_seconds'] * 1000:.0f}",
                f"{max(result['ready_seconds'] for result in results) * 1000:.0f}",
                f"{medians[kind]['whole_seconds'] * 1000:.0f}",
            ]
        )
    print(
        format_table(
            ["app", "runs", "built ms", "ready ms", "ready max ms", "whole run ms"],
            rows,
        )
    )
    ratio = medians["console"]["ready_seconds"] / medians["minimal"]["ready_seconds"]
    whole_ratio = medians["console"]["whole_seconds"] / medians["minimal"]["whole_seconds"]
    met = ratio < RATIO_GOAL
    print(
        f"\nconsole / minimal, median ready time: {ratio:.2f}x "
        f"(goal < {RATIO_GOAL:g}x: {'met' if met else 'missed'}); whole run: {whole_ratio:.2f}x"
    )
    if arguments.json:
        append_json_line(
            arguments.json,
            "bench_startup",
            {
                "runs": arguments.runs,
                "database": str(database),
                "medians_ms": {
                    kind: {key: value * 1000 for key, value in values.items()}
                    for kind, values in medians.items()
                },
                "ready_ratio": ratio,
                "whole_ratio": whole_ratio,
                "goal_met": met,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
