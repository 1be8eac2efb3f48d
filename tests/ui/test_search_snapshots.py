"""Snapshot of the dentist search screen, to catch layout regressions a person would notice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from textual.pilot import Pilot

from tsc_console.config import Settings
from tsc_console.tui.app import build_app


async def _search_sacramento(pilot: Pilot[None]) -> None:
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.press("f4")
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.click("#zip")
    await pilot.press(*"95814")
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("f3")
    await pilot.pause()


def test_search_screen_snapshot(
    directory: Engine, console_settings: Settings, snap_compare: Any
) -> None:
    app = build_app(console_settings)
    assert snap_compare(app, terminal_size=(150, 32), run_before=_search_sacramento)
