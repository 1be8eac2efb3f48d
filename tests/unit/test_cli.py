"""The installed `tsc-console` command, run as a subprocess on a SQLite file under a tmp path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import npi_for, nppes_row, write_nppes

PROGRAM = Path(sys.executable).parent / "tsc-console"
if not PROGRAM.exists():
    PROGRAM = Path(shutil.which("tsc-console") or "tsc-console")

RESULT_KEYS = {"npi", "name", "primary_taxonomy", "distance_miles", "zip", "county"}


def run_cli(
    database_url: str, *arguments: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `tsc-console` as automation would: no terminal, so Rich uses its default width."""
    environment = {
        name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")
    }
    environment["TSC_DATABASE_URL"] = database_url
    return subprocess.run(
        [str(PROGRAM), *arguments],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        umask=0o022,
    )


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    """A database created with `db init` and loaded from a file with one bad row of three."""
    folder = tmp_path_factory.mktemp("cli")
    database_url = f"sqlite:///{folder / 'tsc.db'}"
    init = run_cli(database_url, "db", "init")
    rows = [
        nppes_row(npi=npi_for(1)),
        nppes_row(npi="1234567890"),
        nppes_row(npi=npi_for(2), last_name="Nguyen", zip="95819", taxonomy="1223P0221X"),
    ]
    path = write_nppes(folder / "npidata.csv", rows)
    result = run_cli(database_url, "providers", "import", str(path))
    return database_url, init, result


# db init


def test_db_init_succeeds(imported) -> None:
    _, init, _ = imported

    assert init.returncode == 0
    assert "Created the database" in init.stdout


def test_db_init_again_reports_current(imported) -> None:
    database_url, _, _ = imported
    again = run_cli(database_url, "db", "init")

    assert again.returncode == 0
    assert "already at the current revision" in again.stdout


def test_db_init_file_not_world_readable(tmp_path: Path) -> None:
    database = tmp_path / "tsc.db"
    run_cli(f"sqlite:///{database}", "db", "init")

    assert database.stat().st_mode & 0o007 == 0


# providers import


def test_import_with_bad_row_exits_zero(imported) -> None:
    _, _, result = imported

    assert result.returncode == 0


def test_import_prints_summary(imported) -> None:
    _, _, result = imported

    assert "Rows read: 3" in result.stdout
    assert "Rejected: 1" in result.stdout
    assert "Inserted: 2" in result.stdout


def test_import_prints_problem(imported) -> None:
    _, _, result = imported

    assert "1234567890" in result.stdout


def test_import_missing_file_fails(tmp_path: Path, database_url: str) -> None:
    run_cli(database_url, "db", "init")
    result = run_cli(database_url, "providers", "import", "missing.csv", cwd=tmp_path)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert error_lines(result) == ["Error: file missing.csv was not found"]


def test_long_error_stays_one_line(tmp_path: Path, database_url: str) -> None:
    run_cli(database_url, "db", "init")
    missing = tmp_path / "NPPES_Data_Dissemination_November_2024" / "npidata_pfile_20241110.csv"
    result = run_cli(database_url, "providers", "import", str(missing))

    assert error_lines(result) == [f"Error: file {missing} was not found"]


def test_import_empty_file_fails(tmp_path: Path, database_url: str) -> None:
    run_cli(database_url, "db", "init")
    (tmp_path / "empty.csv").write_bytes(b"")
    result = run_cli(database_url, "providers", "import", "empty.csv", cwd=tmp_path)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert error_lines(result) == ["Error: empty.csv is empty"]


def test_import_before_init_fails(tmp_path: Path, database_url: str) -> None:
    path = write_nppes(tmp_path / "npidata.csv", [nppes_row()])
    result = run_cli(database_url, "providers", "import", str(path))

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "db init" in result.stderr


# providers search and stats


def test_search_json_parses(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "search", "--zip", "95814", "--json")
    document = json.loads(result.stdout)

    assert result.returncode == 0
    assert document["total"] == 2
    assert [row["npi"] for row in document["results"]] == [npi_for(1), npi_for(2)]


def test_search_json_result_keys(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "search", "--zip", "95814", "--json")
    document = json.loads(result.stdout)

    for row in document["results"]:
        assert set(row) == RESULT_KEYS


def test_search_json_values(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "search", "--zip", "95814", "--json")
    [first, second] = json.loads(result.stdout)["results"]

    assert first["name"] == "Maria Alvarez"
    assert first["primary_taxonomy"] == "1223G0001X"
    assert first["zip"] == "95814"
    assert first["county"] == "Sacramento"
    assert first["distance_miles"] == 0.0
    assert second["distance_miles"] == pytest.approx(3.1, abs=0.2)


def test_search_json_specialty_filter(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "search", "--specialty", "pediatric", "--json")

    assert [row["npi"] for row in json.loads(result.stdout)["results"]] == [npi_for(2)]


def test_stats_prints_county(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "stats")

    assert result.returncode == 0
    assert "Sacramento" in result.stdout


def test_search_unknown_zip_fails(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "search", "--zip", "99999")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "99999" in result.stderr


def test_search_unknown_specialty_fails(imported) -> None:
    database_url, _, _ = imported
    result = run_cli(database_url, "providers", "search", "--specialty", "dermatology")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "dermatology" in result.stderr


def test_report_folder_missing_fails_early(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'tsc.db'}"
    run_cli(database, "db", "init")
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "npidata_pfile_sample.csv"
    result = run_cli(
        database, "providers", "import", str(sample), "--report", str(tmp_path / "no" / "r.csv")
    )

    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_stats_without_database_creates_nothing(tmp_path: Path) -> None:
    database = tmp_path / "missing.db"
    result = run_cli(f"sqlite:///{database}", "providers", "stats")

    assert result.returncode != 0
    assert "db init" in result.stderr
    assert not database.exists()


def test_invalid_login_rejected(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'tsc.db'}"
    run_cli(database, "db", "init")
    result = run_cli(database, "users", "add", "bad name!")

    assert result.returncode != 0
    assert "invalid" in result.stderr
