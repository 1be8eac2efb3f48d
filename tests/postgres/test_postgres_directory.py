"""The same migrations, importers and search on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect

from tests.helpers import (
    fetch_provider,
    import_admin_rows,
    import_nppes_rows,
    npi_for,
    nppes_row,
)
from tsc_console.domain.taxonomy import Specialty
from tsc_console.services.provider_search import SearchCriteria, search_providers
from tsc_console.store.database import current_revision, head_revision


def build_directory(engine: Engine, folder: Path) -> None:
    rows = [
        nppes_row(npi=npi_for(1), last_name="Lopez", zip="95814", taxonomy="1223P0221X"),
        nppes_row(npi=npi_for(2), last_name="Garcia", zip="95630", taxonomy="1223P0221X"),
        nppes_row(npi=npi_for(3), last_name="Chen", zip="95815", taxonomy="1223G0001X"),
        nppes_row(npi=npi_for(4), last_name="Ramos", zip="90012", taxonomy="1223P0221X"),
    ]
    import_nppes_rows(engine, folder / "npidata.csv", rows)
    admin = [
        {"npi": npi_for(1), "languages": "Spanish", "accepting": "newpt"},
        {"npi": npi_for(2), "languages": "Spanish;Tagalog", "accepting": "newpt"},
        {"npi": npi_for(3), "languages": "Spanish", "accepting": "newpt"},
        {"npi": npi_for(4), "languages": "Spanish", "accepting": "nopt"},
    ]
    import_admin_rows(engine, folder / "admin.csv", admin)


def test_migrations_reach_head(pg_engine: Engine) -> None:
    assert current_revision(pg_engine) == head_revision()
    tables = set(inspect(pg_engine).get_table_names())
    assert {"provider", "practice_location", "provider_taxonomy", "provider_language"} <= tables


def test_search_filters_on_postgres(pg_engine: Engine, tmp_path: Path) -> None:
    build_directory(pg_engine, tmp_path)
    result = search_providers(
        pg_engine,
        SearchCriteria(
            specialty=Specialty.PEDIATRIC,
            zip_code="95814",
            radius_miles=30,
            language="spa",
            accepting_new_only=True,
        ),
    )
    assert [hit.name for hit in result.hits] == ["Maria Lopez", "Maria Garcia"]
    assert result.total == 2


def test_reimport_unchanged_on_postgres(pg_engine: Engine, tmp_path: Path) -> None:
    rows = [nppes_row(npi=npi_for(7), last_name="Ito", zip="95814")]
    import_nppes_rows(pg_engine, tmp_path / "first.csv", rows)
    stored = fetch_provider(pg_engine, npi_for(7))
    summary = import_nppes_rows(pg_engine, tmp_path / "again.csv", rows)
    assert summary.unchanged == 1
    assert summary.inserted == 0
    assert fetch_provider(pg_engine, npi_for(7)).updated_at == stored.updated_at


def test_timestamps_come_back_aware(pg_engine: Engine, tmp_path: Path) -> None:
    import_nppes_rows(pg_engine, tmp_path / "one.csv", [nppes_row(npi=npi_for(8))])
    updated_at = fetch_provider(pg_engine, npi_for(8)).updated_at
    assert updated_at.tzinfo is not None
    assert abs(datetime.now(UTC) - updated_at).total_seconds() < 600


def test_beyond_radius_fallback_on_postgres(pg_engine: Engine, tmp_path: Path) -> None:
    build_directory(pg_engine, tmp_path)
    result = search_providers(
        pg_engine, SearchCriteria(specialty=Specialty.PEDIATRIC, zip_code="96101", radius_miles=10)
    )
    assert result.beyond_radius
    assert result.hits[0].name == "Maria Garcia"
