"""Start screen: who is signed in, calls left open by a crash or a closed terminal, and the keys.

| key | action |
| --- | --- |
| F1 | start a new call |
| Enter / F3 | resume the highlighted unsaved call |
| F4 | dentist search without a call |
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from tsc_console.tui.screens.dentist_search import DentistSearchScreen

if TYPE_CHECKING:
    from tsc_console.services.calls import OpenCall
    from tsc_console.services.session import Actor

log = logging.getLogger(__name__)


def _elapsed_label(started_at: datetime) -> str:
    minutes = int((datetime.now(UTC) - started_at).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60} min ago"


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"

    BINDINGS = [
        Binding("f1", "new_call", "New call", id="home.new_call"),
        Binding("f3", "resume_call", "Resume call", id="home.resume"),
        Binding("f4", "dentist_search", "Dentist search", id="home.dentist_search"),
    ]

    class Loaded(Message):
        def __init__(self, actor: Actor, drafts: list[OpenCall]) -> None:
            super().__init__()
            self.actor = actor
            self.drafts = drafts

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self._drafts: list[OpenCall] = []
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(Text("Opening the database…"), id="status")
            yield Static(Text("Unsaved calls"), id="drafts-title")
            table: DataTable[Any] = DataTable(id="drafts", cursor_type="row")
            yield table
            yield Static(
                Text(
                    "F1 starts a call. F4 opens the dentist search for general questions "
                    "(no member details are needed for it)."
                ),
                classes="hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#drafts", DataTable)
        table.add_column("Started", key="started")
        table.add_column("Caller", key="caller")
        table.add_column("Notes", key="notes")
        self.query_one("#drafts-title").display = False
        table.display = False
        self.load()

    def on_screen_resume(self) -> None:
        if self.ready:
            self.load()

    @work(thread=True, exclusive=True, group="home")
    def load(self) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import open_calls
        from tsc_console.services.errors import DatabaseNotReadyError
        from tsc_console.services.session import UnknownUserError
        from tsc_console.store.errors import DatabaseLocationError

        try:
            actor = self.app.actor()  # type: ignore[attr-defined]
            drafts = open_calls(self.app.engine(), actor)  # type: ignore[attr-defined]
        except (DatabaseNotReadyError, DatabaseLocationError, UnknownUserError) as error:
            self.post_message(self.Failed(str(error)))
        except SQLAlchemyError as error:
            log.error("loading the start screen failed: %s", type(error).__name__)
            self.post_message(self.Failed("The database could not be read. Restart the console."))
        else:
            self.post_message(self.Loaded(actor, drafts))

    @on(Loaded)
    def _show_loaded(self, message: Loaded) -> None:
        self.ready = True
        self._drafts = message.drafts
        actor = message.actor
        status = self.query_one("#status", Static)
        status.remove_class("-error")
        status.update(
            Text(f"Signed in as {actor.display_name} ({actor.role.value}) on {actor.terminal}.")
        )

        table = self.query_one("#drafts", DataTable)
        table.clear()
        for index, draft in enumerate(self._drafts):
            caller = str(
                draft.draft.get("caller_name") or draft.draft.get("caller_type") or "not recorded"
            )
            notes = str(draft.draft.get("notes") or "")[:60]
            table.add_row(
                Text(_elapsed_label(draft.started_at)), Text(caller), Text(notes), key=str(index)
            )

        has_drafts = bool(self._drafts)
        self.query_one("#drafts-title").display = has_drafts
        table.display = has_drafts
        if has_drafts:
            count = len(self._drafts)
            noun = "call was" if count == 1 else "calls were"
            self.notify(
                f"{count} {noun} not wrapped up. Highlight one and press Enter or F3 to resume it.",
                severity="warning",
                timeout=8,
            )
            table.focus()

    @on(Failed)
    def _show_failure(self, message: Failed) -> None:
        status = self.query_one("#status", Static)
        status.add_class("-error")
        status.update(Text(message.text))

    @on(DataTable.RowSelected, "#drafts")
    def _draft_selected(self) -> None:
        self.action_resume_call()

    def action_new_call(self) -> None:
        if not self.ready:
            self.notify("The console is not ready: see the message on screen.", severity="error")
            return
        from tsc_console.tui.screens.call import CallScreen

        self.app.push_screen(CallScreen())

    def action_resume_call(self) -> None:
        if not self._drafts:
            self.notify("There is no unsaved call to resume.", severity="warning", timeout=3)
            return
        table = self.query_one("#drafts", DataTable)
        index = table.cursor_row if 0 <= table.cursor_row < len(self._drafts) else 0
        from tsc_console.tui.screens.call import CallScreen

        self.app.push_screen(CallScreen(resume=self._drafts[index]))

    def action_dentist_search(self) -> None:
        self.app.push_screen(DentistSearchScreen())
