"""The dentist search screen, driven with Textual's Pilot on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from tests.ui.conftest import MARKUP_NAME
from tsc_console.config import Settings
from tsc_console.domain.taxonomy import Specialty
from tsc_console.tui.app import build_app
from tsc_console.tui.screens.dentist_search import DentistSearchScreen
from tsc_console.tui.widgets.provider_detail import ProviderDetail

SIZE = (180, 50)


async def settle(pilot: Pilot[None]) -> None:
    """Wait out the typing pause, the search worker and the message that carries its result."""
    await pilot.pause(0.15)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_search(pilot: Pilot[None]) -> None:
    """Open the dentist search from the start screen (F4) and wait for its first results."""
    await pilot.pause()
    await pilot.press("f4")
    await settle(pilot)


def result_names(screen: DentistSearchScreen) -> list[str]:
    table = screen.query_one("#results", DataTable)
    return [str(table.get_row_at(row)[1]) for row in range(table.row_count)]


def status_text(screen: DentistSearchScreen) -> str:
    return str(screen.query_one("#status", Static).render())


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    await pilot.click(selector)
    pilot.app.screen.query_one(selector, Input).value = ""
    await pilot.press(*text)


async def test_first_screen_lists_directory(directory: Engine, console_settings: Settings) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        assert len(result_names(screen)) == 8
        assert "8 providers statewide" in status_text(screen)


async def test_zip_search_sorted_by_distance(directory: Engine, console_settings: Settings) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        await type_into(pilot, "#zip", "95814")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        names = result_names(screen)
        assert names[0] == "Ana Lopez"
        assert "Ana Ramos" not in names
        table = screen.query_one("#results", DataTable)
        miles = [float(str(table.get_row_at(row)[0])) for row in range(table.row_count)]
        assert miles == sorted(miles)
        assert "within 25 miles of 95814 Sacramento" in status_text(screen)


async def test_pediatric_spanish_accepting_near_zip(
    directory: Engine, console_settings: Settings
) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        screen.query_one("#specialty", Select).value = Specialty.PEDIATRIC
        screen.query_one("#language", Select).value = "spa"
        await pilot.click("#accepting")
        await type_into(pilot, "#zip", "95814")
        await settle(pilot)
        assert result_names(screen) == ["Ana Lopez", "Ana Garcia"]


async def test_markup_name_shown_literally(directory: Engine, console_settings: Settings) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        assert MARKUP_NAME in result_names(screen)
        table = screen.query_one("#results", DataTable)
        row = result_names(screen).index(MARKUP_NAME)
        table.focus()
        table.move_cursor(row=row)
        await pilot.pause()
        detail = str(screen.query_one(ProviderDetail).render())
        assert detail.startswith(MARKUP_NAME)


async def test_invalid_zip_named_and_filters_kept(
    directory: Engine, console_settings: Settings
) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        screen.query_one("#specialty", Select).value = Specialty.PEDIATRIC
        await type_into(pilot, "#zip", "99999")
        await settle(pilot)
        assert "99999" in status_text(screen)
        assert screen.query_one("#status").has_class("-error")
        assert screen.query_one("#zip").has_class("-invalid")
        assert screen.query_one("#specialty", Select).value == Specialty.PEDIATRIC
        assert screen.query_one("#zip", Input).value == "99999"


async def test_rural_zip_offers_nearest_beyond(
    directory: Engine, console_settings: Settings
) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        screen.query_one("#specialty", Select).value = Specialty.PEDIATRIC
        await type_into(pilot, "#zip", "96101")  # Alturas, Modoc County
        await settle(pilot)
        assert "No match within 25 miles of 96101 Alturas" in status_text(screen)
        assert screen.query_one("#status").has_class("-beyond")
        # Folsom is the pediatric office nearest to Alturas; Los Angeles is farthest.
        assert result_names(screen)[0] == "Ana Garcia"
        assert result_names(screen)[-1] == "Ana Ramos"


async def test_next_and_previous_page_keys(directory: Engine, database_url: str) -> None:
    settings = Settings(database_url=database_url, search_debounce_seconds=0.05, search_page_size=3)
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        first_page = result_names(screen)
        await pilot.press("f8")
        await settle(pilot)
        second_page = result_names(screen)
        assert "page 2 of 3" in status_text(screen)
        assert not set(first_page) & set(second_page)
        await pilot.press("f7")
        await settle(pilot)
        assert result_names(screen) == first_page


async def test_clear_key_resets_filters(directory: Engine, console_settings: Settings) -> None:
    app = build_app(console_settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        await type_into(pilot, "#zip", "95814")
        screen.query_one("#language", Select).value = "vie"
        await settle(pilot)
        assert result_names(screen) == ["Ana Nguyen"]
        await pilot.press("f9")
        await settle(pilot)
        assert screen.query_one("#zip", Input).value == ""
        assert screen.query_one("#language", Select).value == Select.NULL
        assert len(result_names(screen)) == 8


async def test_missing_database_explains_init(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'new.db'}"
    settings = Settings(database_url=database_url, search_debounce_seconds=0.05)
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_search(pilot)
        screen = app.screen
        assert isinstance(screen, DentistSearchScreen)
        assert "tsc-console db init" in status_text(screen)
        assert screen.query_one("#status").has_class("-error")
