"""Dialog for the date, time and place of an appointment the representative helped book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

APPOINTMENT_FORMAT = "%m/%d/%Y %H:%M"


@dataclass(frozen=True, slots=True)
class AppointmentRequest:
    scheduled_at: datetime
    """UTC instant."""
    location_text: str


class AppointmentDialog(ModalScreen[AppointmentRequest | None]):
    """Enter saves, Escape cancels; the typed values stay until the dialog closes."""

    CSS_PATH = "appointment.tcss"

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="appointment.cancel")]

    def __init__(self, provider_name: str, location_text: str, timezone: str) -> None:
        super().__init__()
        self._provider_name = provider_name
        self._location_text = location_text
        self._zone = ZoneInfo(timezone)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"Appointment with {self._provider_name}", style="bold"))
            yield Label("Date and time (Pacific), MM/DD/YYYY HH:MM, 24-hour")
            example = datetime.now(self._zone).replace(hour=9, minute=30) + timedelta(days=7)
            yield Input(placeholder=f"e.g. {example:{APPOINTMENT_FORMAT}}", id="when")
            yield Label("Location")
            yield Input(self._location_text, id="where")
            yield Static(Text("Enter saves, Escape cancels."), id="appointment_status")

    def on_mount(self) -> None:
        self.query_one("#when", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        when_text = self.query_one("#when", Input).value.strip()
        where_text = self.query_one("#where", Input).value.strip()
        status = self.query_one("#appointment_status", Static)
        try:
            local = datetime.strptime(when_text, APPOINTMENT_FORMAT)
        except ValueError:
            status.add_class("-error")
            status.update(Text("The date and time are invalid: use MM/DD/YYYY HH:MM (24-hour)."))
            self.query_one("#when", Input).focus()
            return
        scheduled = local.replace(tzinfo=self._zone).astimezone(UTC)
        if scheduled <= datetime.now(UTC):
            status.add_class("-error")
            status.update(Text("The appointment time is in the past."))
            return
        if not where_text:
            status.add_class("-error")
            status.update(Text("Enter where the appointment is."))
            self.query_one("#where", Input).focus()
            return
        self.dismiss(AppointmentRequest(scheduled, where_text))

    def action_cancel(self) -> None:
        self.dismiss(None)
