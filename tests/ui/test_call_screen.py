"""The call screen driven with Pilot on a real SQLite file: lookup, verification gate, wrap-up,
dentist search from the call, and a draft that survives a killed process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from textual.pilot import Pilot
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TextArea,
)

from tests.helpers import CIN, add_member, import_nppes_rows, npi_for, nppes_row
from tsc_console.config import Settings
from tsc_console.domain.access import Role
from tsc_console.domain.birthdates import age_on
from tsc_console.domain.calls import CallerType, CallReason, Disposition
from tsc_console.services.session import add_user
from tsc_console.store.member_models import Call, DentistGiven
from tsc_console.tui.app import build_app
from tsc_console.tui.screens.call import CallScreen
from tsc_console.tui.screens.dentist_search import DentistSearchScreen
from tsc_console.tui.screens.home import HomeScreen
from tsc_console.tui.widgets.member_banner import MemberBanner

SIZE = (160, 50)
LOGIN = "rep1"


@pytest.fixture
def call_database(engine: Engine, tmp_path: Path) -> Engine:
    add_user(engine, LOGIN, "Rep One", Role.REPRESENTATIVE)
    add_member(engine)
    import_nppes_rows(
        engine,
        tmp_path / "npidata.csv",
        [nppes_row(npi=npi_for(1), last_name="Lopez", zip="95814", taxonomy="1223P0221X")],
    )
    return engine


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, search_debounce_seconds=0.05)


async def settle(pilot: Pilot[None], seconds: float = 0.1) -> None:
    await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_call(pilot: Pilot[None]) -> CallScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("f1")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CallScreen)
    assert screen.call_id is not None
    return screen


async def type_in(pilot: Pilot[None], selector: str, value: str) -> None:
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = value
    await pilot.pause()


async def find_and_select(pilot: Pilot[None], screen: CallScreen) -> None:
    screen.query_one("#caller_type", Select).value = CallerType.MEMBER
    await type_in(pilot, "#find_id", CIN)
    await pilot.press("enter")
    await settle(pilot)
    assert screen.query_one("#matches", DataTable).row_count == 1
    await pilot.press("enter")
    await settle(pilot)


async def verify(pilot: Pilot[None], birth_date: str = "04/15/1987") -> None:
    await type_in(pilot, "#v_id", CIN)
    await type_in(pilot, "#v_name", "Jose Garcia-Lopez")
    await type_in(pilot, "#v_dob", birth_date)
    await pilot.press("f3")
    await settle(pilot)


def banner_text(screen: CallScreen) -> str:
    return str(screen.query_one(MemberBanner).render())


def detail_text(screen: CallScreen) -> str:
    return str(screen.query_one("#member_detail", Static).render())


async def test_lookup_shows_masked_member(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await find_and_select(pilot, screen)
        assert "*****567A" in banner_text(screen)
        assert CIN not in banner_text(screen)
        assert "NOT VERIFIED" in banner_text(screen)
        assert screen.query_one(TabbedContent).active == "verify"


async def test_details_hidden_until_verified(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await find_and_select(pilot, screen)
        await verify(pilot, birth_date="04/16/1987")
        status = str(screen.query_one("#verify_status", Static).render())
        assert "date of birth did not match" in status
        assert CIN not in detail_text(screen)
        assert not screen.query_one(MemberBanner).has_class("-verified")


async def test_verified_member_banner(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await find_and_select(pilot, screen)
        await verify(pilot)
        banner = banner_text(screen)
        assert screen.query_one(MemberBanner).has_class("-verified")
        assert "INTERPRETER NEEDED" in banner
        assert "Spanish" in banner
        assert "Developmental" in banner
        assert CIN in detail_text(screen)
        assert screen.query_one(TabbedContent).active == "member"


async def test_unknown_caller_type_blocks_verify(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await find_and_select(pilot, screen)
        screen.query_one("#caller_type", Select).clear()
        await verify(pilot)
        status = str(screen.query_one("#verify_status", Static).render())
        assert "Choose who is calling" in status


async def test_end_call_requires_wrap_up(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        screen.query_one("#caller_type", Select).value = CallerType.MEMBER
        screen.query_one("#notes", TextArea).text = "Asked about [bold]hours[/bold]"
        await pilot.press("f12")
        await settle(pilot)
        status = str(screen.query_one("#wrapup_status", Static).render())
        assert "call reason" in status
        assert screen.query_one(TabbedContent).active == "wrapup"
        assert screen.query_one("#notes", TextArea).text == "Asked about [bold]hours[/bold]"
        assert app.screen is screen


async def test_whole_call_saved(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        call_id = screen.call_id
        await find_and_select(pilot, screen)
        await verify(pilot)
        screen.query_one("#reasons", SelectionList).select(CallReason.FIND_DENTIST)
        screen.query_one("#disposition", Select).value = Disposition.DENTISTS_GIVEN
        screen.query_one("#notes", TextArea).text = "Gave a pediatric dentist."
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    table = Call.__table__  # type: ignore[attr-defined]
    with call_database.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == call_id)).one()
        actions = [
            action
            for (action,) in connection.execute(text("SELECT action FROM audit_event ORDER BY id"))
        ]
    assert row.status == "completed"
    assert row.verified
    assert row.duration_seconds is not None
    assert row.notes == "Gave a pediatric dentist."
    assert "view-member" in actions
    assert actions[-1] == "call-ended"


async def test_dentist_search_prefilled_from_member(
    call_database: Engine, settings: Settings
) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await find_and_select(pilot, screen)
        await verify(pilot)
        await pilot.press("f4")
        await settle(pilot, 0.2)
        search = app.screen
        assert isinstance(search, DentistSearchScreen)
        assert search.query_one("#zip", Input).value == "95814"
        assert search.query_one("#language", Select).value == "spa"
        expected_age = age_on(date(1987, 4, 15), date.today())
        assert search.query_one("#age", Input).value == str(expected_age)
        assert search.query_one("#accepting", Checkbox).value
        assert search.query_one("#enrolled", Checkbox).value
        # The directory's only dentist has no admin data, so widen the search to find it.
        search.query_one("#language", Select).clear()
        search.query_one("#accepting", Checkbox).value = False
        search.query_one("#enrolled", Checkbox).value = False
        await settle(pilot, 0.2)
        search.query_one("#results", DataTable).focus()
        await pilot.press("f6")
        await settle(pilot)
    given = DentistGiven.__table__  # type: ignore[attr-defined]
    with call_database.connect() as connection:
        npis = [row.npi for row in connection.execute(select(given))]
    assert npis == [npi_for(1)]


CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from tsc_console.config import Settings
    from tsc_console.tui.app import build_app
    from tsc_console.tui.screens.call import CallScreen
    from textual.widgets import TextArea

    async def main():
        settings = Settings(database_url=sys.argv[1])
        app = build_app(settings, login=sys.argv[2])
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.press("f1")
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            screen = app.screen
            assert isinstance(screen, CallScreen)
            screen.query_one("#notes", TextArea).text = "Member asked for a ride on the 18th"
            await pilot.pause(3.0)
            await app.workers.wait_for_complete()
            print("saved", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


async def test_draft_restored_after_kill(
    call_database: Engine, settings: Settings, database_url: str
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, database_url, LOGIN],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TEXTUAL": ""},
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "saved" in child.stdout

    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one("#drafts", DataTable).row_count == 1
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CallScreen)
        assert screen.query_one("#notes", TextArea).text == "Member asked for a ride on the 18th"


async def test_unknown_login_explained(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login="stranger")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one("#status", Static).render())
        assert "tsc-console users add stranger" in status
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_f3_opens_verify_tab_first(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "verify"
    with call_database.connect() as connection:
        attempts = connection.execute(text("SELECT count(*) FROM verification_attempt")).scalar()
    assert attempts == 0


async def test_failed_recheck_hides_details(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await find_and_select(pilot, screen)
        await verify(pilot)
        assert CIN in detail_text(screen)
        screen.query_one(TabbedContent).active = "verify"
        await verify(pilot, birth_date="04/16/1987")
        assert CIN not in detail_text(screen)
        assert CIN not in banner_text(screen)
        assert not screen.query_one(MemberBanner).has_class("-verified")


async def test_quit_saves_latest_typing(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        call_id = screen.call_id
        # Typed just before quitting, before the two-second autosave could run.
        screen.query_one("#notes", TextArea).text = "Last words before Ctrl+Q"
        await pilot.pause()
        await pilot.press("ctrl+q")
    table = Call.__table__  # type: ignore[attr-defined]
    with call_database.connect() as connection:
        draft = connection.execute(select(table.c.draft).where(table.c.id == call_id)).scalar()
    assert "Last words before Ctrl+Q" in draft


async def test_enter_in_name_ignores_stale_id(call_database: Engine, settings: Settings) -> None:
    app = build_app(settings, login=LOGIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_call(pilot)
        await type_in(pilot, "#find_id", "1234")
        await pilot.press("enter")
        await settle(pilot)
        assert "A member ID is" in str(screen.query_one("#find_status", Static).render())
        await type_in(pilot, "#find_name", "jose garcia lopez")
        await type_in(pilot, "#find_dob", "04/15/1987")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one("#matches", DataTable).row_count == 1
        assert screen.query_one("#find_id", Input).value == "1234"
