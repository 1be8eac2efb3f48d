"""The console application: builds the app, opens the database after the first frame."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.logging import TextualHandler

from tsc_console.config import Settings
from tsc_console.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tsc_console.services.session import Actor


class TscConsoleApp(App[None]):
    """TSC Console. The database engine is opened lazily, off the UI thread."""

    TITLE = "TSC Console"
    SUB_TITLE = "Medi-Cal Dental Telephone Service Center"

    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("f10", "quit", "Quit", show=False, id="app.quit_f10"),
    ]

    def __init__(self, settings: Settings, *, login: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self._login = login
        self._engine: Engine | None = None
        self._actor: Actor | None = None

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())

    async def action_quit(self) -> None:
        """Save an open call's latest typing, then quit; the call is offered back next start."""
        from tsc_console.tui.screens.call import CallScreen

        for screen in self.screen_stack:
            if isinstance(screen, CallScreen):
                screen.save_draft_now()
        self.exit()

    def engine(self) -> Engine:
        """Return the database engine, opened and checked on first use. Call from a worker thread.

        Raises:
            DatabaseNotReadyError: the database is missing or behind the code.
            DatabaseLocationError: the SQLite file is on a network file system.
        """
        if self._engine is None:
            from tsc_console.services.database import open_ready_engine

            self._engine = open_ready_engine(self.settings)
        return self._engine

    def actor(self) -> Actor:
        """Return the signed-in user (the operating-system login). Call from a worker thread.

        Raises:
            UnknownUserError: the login is not a console user.
        """
        if self._actor is None:
            from tsc_console.services.session import actor_for, current_login, current_terminal

            login = self._login or current_login()
            self._actor = actor_for(self.engine(), login, current_terminal())
        return self._actor


def build_app(settings: Settings, *, login: str | None = None) -> TscConsoleApp:
    return TscConsoleApp(settings, login=login)


def run_console(settings: Settings) -> None:
    # Route stdlib logging to Textual's devtools console; the terminal belongs to the UI.
    logging.basicConfig(level=logging.INFO, handlers=[TextualHandler()], force=True)
    build_app(settings).run()
