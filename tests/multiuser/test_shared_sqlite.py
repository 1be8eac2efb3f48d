"""Several real processes on one SQLite file, as representatives' consoles share it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine

from tests.helpers import count_rows, npi_for, nppes_row, provider_table, write_nppes

SEARCH_LOOP = """
import json, sys, time
from tsc_console.services.provider_search import SearchCriteria, search_providers
from tsc_console.store.engine import create_db_engine

engine = create_db_engine(sys.argv[1])
deadline = time.monotonic() + float(sys.argv[2])
searches = 0
while time.monotonic() < deadline:
    search_providers(engine, SearchCriteria(zip_code="95814", radius_miles=50))
    searches += 1
print(json.dumps({"searches": searches}))
"""

IMPORT_ONE = """
import json, sys
from pathlib import Path
from tsc_console.services.provider_import import import_nppes_file
from tsc_console.store.engine import create_db_engine

engine = create_db_engine(sys.argv[1], busy_timeout_ms=30000)
summary = import_nppes_file(engine, Path(sys.argv[2]))
print(json.dumps({"inserted": summary.inserted}))
"""


def write_batch(path: Path, first: int, count: int) -> Path:
    rows = [
        nppes_row(npi=npi_for(number), last_name=f"Provider{number}", zip="95814")
        for number in range(first, first + count)
    ]
    return write_nppes(path, rows)


def start(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> dict[str, int]:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return json.loads(stdout.strip().splitlines()[-1])


def test_concurrent_imports_all_land(engine: Engine, database_url: str, tmp_path: Path) -> None:
    files = [write_batch(tmp_path / f"batch{index}.csv", index * 1000, 600) for index in range(3)]
    processes = [start(IMPORT_ONE, database_url, str(path)) for path in files]
    results = [finish(process) for process in processes]
    assert [result["inserted"] for result in results] == [600, 600, 600]
    assert count_rows(engine, provider_table) == 1800


def test_searches_continue_during_import(engine: Engine, database_url: str, tmp_path: Path) -> None:
    write_nppes(tmp_path / "seed.csv", [nppes_row(npi=npi_for(1), zip="95814")])
    seed = start(IMPORT_ONE, database_url, str(tmp_path / "seed.csv"))
    finish(seed)
    big = write_batch(tmp_path / "big.csv", 10_000, 4000)
    searchers = [start(SEARCH_LOOP, database_url, "4") for _ in range(2)]
    time.sleep(0.5)
    importer = start(IMPORT_ONE, database_url, str(big))
    assert finish(importer)["inserted"] == 4000
    for searcher in searchers:
        assert finish(searcher)["searches"] > 0
    assert count_rows(engine, provider_table) == 4001
