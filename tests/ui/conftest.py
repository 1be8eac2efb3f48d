"""A small real directory for driving the console with Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.helpers import (
    import_admin_rows,
    import_nppes_rows,
    npi_for,
    nppes_row,
    organization_row,
)
from tsc_console.config import Settings

# name, ZIP, taxonomy, languages, accepting
DIRECTORY = [
    ("Lopez", "95814", "1223P0221X", "Spanish", "newpt"),  # downtown Sacramento
    ("Nguyen", "95819", "1223P0221X", "Vietnamese", "newpt"),  # east Sacramento
    ("Garcia", "95630", "1223P0221X", "Spanish", "newpt"),  # Folsom, about 20 miles
    ("Ortiz", "95816", "1223P0221X", "Spanish", "nopt"),  # not accepting
    ("Chen", "95815", "1223G0001X", "Spanish", "newpt"),  # general dentist
    ("Patel", "95820", "1223G0001X", "English", "newpt"),
    ("Ramos", "90012", "1223P0221X", "Spanish", "newpt"),  # Los Angeles, far away
]
MARKUP_NAME = "[b]Bright[/b] Dental"


@pytest.fixture
def directory(engine: Engine, tmp_path: Path) -> Engine:
    rows = [
        nppes_row(npi=npi_for(index), last_name=name, first_name="Ana", zip=zip_code, taxonomy=code)
        for index, (name, zip_code, code, _languages, _accepting) in enumerate(DIRECTORY, start=1)
    ]
    rows.append(organization_row(npi_for(99), MARKUP_NAME, zip="95811", taxonomy="1223G0001X"))
    import_nppes_rows(engine, tmp_path / "npidata.csv", rows)
    admin = [
        {"npi": npi_for(index), "languages": languages, "accepting": accepting}
        for index, (_name, _zip, _code, languages, accepting) in enumerate(DIRECTORY, start=1)
    ]
    import_admin_rows(engine, tmp_path / "admin.csv", admin)
    return engine


@pytest.fixture
def console_settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, search_debounce_seconds=0.05)
