"""Dentist search: filters, a page of results sorted by distance, and a detail panel.

Keys (also in the footer):

| key | action |
| --- | --- |
| F2 | focus the filters |
| F3 | focus the results |
| F5 | search now |
| F7 / F8 | previous / next page of results |
| F9 | clear every filter |

The search runs in a thread worker after a short pause in typing; a result
that arrives after a newer search started is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select, Static

from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.geography import CALIFORNIA_COUNTIES
from tsc_console.domain.languages import LANGUAGES
from tsc_console.domain.taxonomy import SEARCHABLE_SPECIALTIES, Specialty
from tsc_console.services.search_models import (
    DEFAULT_RADIUS_MILES,
    ProviderHit,
    SearchCriteria,
    SearchResult,
)
from tsc_console.tui.widgets.provider_detail import ProviderDetail

log = logging.getLogger(__name__)

# (label, key, width in cells), most needed on a call first: on a narrow terminal
# the last columns scroll off, and the detail panel shows every value in full.
RESULT_COLUMNS = (
    ("Miles", "miles", 5),
    ("Name", "name", 26),
    ("Specialty", "specialty", 16),
    ("New patients", "accepting", 15),
    ("Languages", "languages", 16),
    ("Phone", "phone", 14),
    ("Address", "address", 30),
    ("Verified", "verified", 12),
)

SHORT_ACCEPTING = {
    AcceptingPatients.ACCEPTING: "Accepting",
    AcceptingPatients.EXISTING_ONLY: "Existing only",
    AcceptingPatients.EXISTING_AND_FAMILY: "Existing+family",
    AcceptingPatients.NOT_ACCEPTING: "Not accepting",
}


def _labelled(label: str, widget: Any) -> Vertical:
    return Vertical(Label(label), widget, classes="filter")


class DentistSearchScreen(Screen[None]):
    """Find a general or specialist dentist for a member."""

    CSS_PATH = "dentist_search.tcss"

    BINDINGS = [
        Binding("f2", "focus_filters", "Filters", id="search.focus_filters"),
        Binding("f3", "focus_results", "Results", id="search.focus_results"),
        Binding("f5", "search_now", "Search", id="search.run"),
        Binding("f7", "previous_page", "Prev page", id="search.previous_page"),
        Binding("f8", "next_page", "Next page", id="search.next_page"),
        Binding("f9", "clear_filters", "Clear", id="search.clear"),
        Binding("f6", "give_dentist", "Give to caller", id="search.give"),
        Binding("f11", "book_appointment", "Book appt", id="search.book"),
        Binding("escape", "back", "Back", id="search.back"),
    ]

    class SearchFinished(Message):
        """A search worker returned a page of results."""

        def __init__(self, generation: int, result: SearchResult) -> None:
            super().__init__()
            self.generation = generation
            self.result = result

    class SearchFailed(Message):
        """A search worker could not run the search; `text` is safe to show the user."""

        def __init__(self, generation: int, text: str, field_id: str | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.text = text
            self.field_id = field_id

    def __init__(
        self,
        initial: SearchCriteria | None = None,
        *,
        call_id: int | None = None,
        member_id: int | None = None,
    ) -> None:
        super().__init__()
        self._initial = initial or SearchCriteria()
        self.call_id = call_id
        """The call this search helps, if any: F6 records the dentists given to the caller."""
        self.member_id = member_id
        """The verified member, if any: F11 books an appointment for them."""
        self._page = 0
        self._generation = 0
        self._debounce: Timer | None = None
        self._hits: list[ProviderHit] = []
        self.last_result: SearchResult | None = None

    def compose(self) -> ComposeResult:
        initial = self._initial
        yield Header()
        with Vertical(id="filters"):
            with Horizontal(classes="filter-row"):
                yield _labelled(
                    "Specialty",
                    Select(
                        [(specialty.label, specialty) for specialty in SEARCHABLE_SPECIALTIES],
                        prompt="Any specialty",
                        compact=True,
                        value=initial.specialty if initial.specialty else Select.NULL,
                        id="specialty",
                    ),
                )
                yield _labelled(
                    "ZIP code",
                    Input(
                        initial.zip_code or "",
                        placeholder="5 digits",
                        compact=True,
                        max_length=10,
                        id="zip",
                    ),
                )
                yield _labelled(
                    "Miles",
                    Input(
                        f"{initial.radius_miles:g}",
                        type="number",
                        max_length=5,
                        compact=True,
                        id="radius",
                    ),
                )
                yield _labelled(
                    "County",
                    Input(
                        initial.county or "",
                        placeholder="any county",
                        compact=True,
                        suggester=SuggestFromList(list(CALIFORNIA_COUNTIES), case_sensitive=False),
                        id="county",
                    ),
                )
                yield _labelled(
                    "Language",
                    Select(
                        [(language.name, language.code) for language in LANGUAGES],
                        prompt="Any language",
                        compact=True,
                        value=initial.language if initial.language else Select.NULL,
                        id="language",
                    ),
                )
                yield _labelled(
                    "Age",
                    Input(
                        "" if initial.patient_age is None else str(initial.patient_age),
                        type="integer",
                        placeholder="any",
                        compact=True,
                        max_length=3,
                        id="age",
                    ),
                )
            with Horizontal(classes="checks"):
                yield Checkbox(
                    "Accepting new patients",
                    initial.accepting_new_only,
                    compact=True,
                    id="accepting",
                )
                yield Checkbox(
                    "Wheelchair access", initial.wheelchair_access, compact=True, id="wheelchair"
                )
                yield Checkbox(
                    "Sedation or general anesthesia",
                    initial.sedation_or_anesthesia,
                    compact=True,
                    id="sedation",
                )
                yield Checkbox(
                    "Medi-Cal Dental enrolled",
                    initial.medi_cal_enrolled_only,
                    compact=True,
                    id="enrolled",
                )
        yield Static(Text("Opening the provider directory…"), id="status")
        with Horizontal(id="body"):
            table: DataTable[Any] = DataTable(id="results", cursor_type="row", zebra_stripes=True)
            yield table
            yield ProviderDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        for label, key, width in RESULT_COLUMNS:
            table.add_column(label, key=key, width=width)
        self.query_one(ProviderDetail).show_hit(None)
        self.query_one("#specialty", Select).focus()
        self._start_search()

    # Reading the filters

    def current_criteria(self) -> SearchCriteria:
        """Criteria from the filter widgets; fields that do not parse are left to the service."""
        specialty = self.query_one("#specialty", Select).value
        language = self.query_one("#language", Select).value
        radius_text = self.query_one("#radius", Input).value.strip()
        age_text = self.query_one("#age", Input).value.strip()
        try:
            radius = float(radius_text) if radius_text else DEFAULT_RADIUS_MILES
        except ValueError:
            radius = -1.0
        try:
            age = int(age_text) if age_text else None
        except ValueError:
            age = -1
        page_size = getattr(self.app, "settings", None)
        return SearchCriteria(
            specialty=specialty if isinstance(specialty, Specialty) else None,
            zip_code=self.query_one("#zip", Input).value.strip() or None,
            radius_miles=radius,
            county=self.query_one("#county", Input).value.strip() or None,
            language=language if isinstance(language, str) else None,
            accepting_new_only=self.query_one("#accepting", Checkbox).value,
            wheelchair_access=self.query_one("#wheelchair", Checkbox).value,
            sedation_or_anesthesia=self.query_one("#sedation", Checkbox).value,
            medi_cal_enrolled_only=self.query_one("#enrolled", Checkbox).value,
            patient_age=age,
            page=self._page,
            page_size=page_size.search_page_size if page_size else 50,
        )

    # Running the search

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _filters_changed(self) -> None:
        self._page = 0
        if self._debounce is not None:
            self._debounce.stop()
        delay = getattr(getattr(self.app, "settings", None), "search_debounce_seconds", 0.3)
        self._debounce = self.set_timer(delay, self._start_search)

    @on(Input.Submitted)
    def _filters_submitted(self) -> None:
        self.action_search_now()

    def _start_search(self) -> None:
        self._generation += 1
        self._set_status(Text("Searching…", style="dim"))
        self._search_worker(self.current_criteria(), self._generation)

    @work(thread=True, exclusive=True, group="dentist-search")
    def _search_worker(self, criteria: SearchCriteria, generation: int) -> None:
        # Imported here so the console's first frame does not wait for SQLAlchemy.
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.errors import DatabaseNotReadyError
        from tsc_console.services.provider_search import SearchError, search_providers
        from tsc_console.store.errors import DatabaseLocationError

        try:
            engine = self.app.engine()  # type: ignore[attr-defined]
            result = search_providers(engine, criteria)
        except SearchError as error:
            self.post_message(self.SearchFailed(generation, str(error), _field_for(str(error))))
        except (DatabaseNotReadyError, DatabaseLocationError) as error:
            self.post_message(self.SearchFailed(generation, str(error)))
        except SQLAlchemyError as error:
            log.error("dentist search failed: %s", type(error).__name__)
            self.post_message(
                self.SearchFailed(
                    generation, "The provider directory could not be read. Try again (F5)."
                )
            )
        else:
            self.post_message(self.SearchFinished(generation, result))

    @on(SearchFinished)
    def _show_result(self, message: SearchFinished) -> None:
        if message.generation != self._generation:
            return
        result = message.result
        self.last_result = result
        self._clear_field_errors()
        self._hits = list(result.hits)
        table = self.query_one("#results", DataTable)
        table.clear()
        for index, hit in enumerate(self._hits):
            table.add_row(*_row_cells(hit), key=str(index))
        self._set_status(_status_text(result), beyond=result.beyond_radius)
        self.query_one(ProviderDetail).show_hit(self._hits[0] if self._hits else None)

    @on(SearchFailed)
    def _show_failure(self, message: SearchFailed) -> None:
        if message.generation != self._generation:
            return
        self._clear_field_errors()
        # Results of an earlier search must not look like results of these filters.
        self._hits = []
        self.last_result = None
        self.query_one("#results", DataTable).clear()
        self.query_one(ProviderDetail).show_hit(None)
        if message.field_id:
            self.query_one(f"#{message.field_id}").add_class("-invalid")
        self._set_status(Text(message.text[:1].upper() + message.text[1:]), error=True)

    @on(DataTable.RowHighlighted, "#results")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = int(event.row_key.value) if event.row_key.value is not None else -1
        hit = self._hits[index] if 0 <= index < len(self._hits) else None
        self.query_one(ProviderDetail).show_hit(hit)

    # Status line

    def _set_status(self, text: Text, *, error: bool = False, beyond: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.set_class(error, "-error")
        status.set_class(beyond, "-beyond")
        status.update(text)

    def _clear_field_errors(self) -> None:
        for widget in self.query(".-invalid"):
            widget.remove_class("-invalid")

    # Actions

    def action_focus_filters(self) -> None:
        self.query_one("#specialty", Select).focus()

    def action_focus_results(self) -> None:
        self.query_one("#results", DataTable).focus()

    def action_search_now(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._start_search()

    def action_next_page(self) -> None:
        result = self.last_result
        if result is None or result.beyond_radius or self._page + 1 >= result.page_count:
            self.notify("This is the last page.", severity="warning", timeout=2)
            return
        self._page += 1
        self._start_search()

    def action_previous_page(self) -> None:
        if self._page == 0:
            self.notify("This is the first page.", severity="warning", timeout=2)
            return
        self._page -= 1
        self._start_search()

    def action_clear_filters(self) -> None:
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            self.query_one("#specialty", Select).clear()
            self.query_one("#language", Select).clear()
            for input_id in ("#zip", "#county", "#age"):
                self.query_one(input_id, Input).value = ""
            self.query_one("#radius", Input).value = f"{DEFAULT_RADIUS_MILES:g}"
            for checkbox in self.query(Checkbox):
                checkbox.value = False
        self._page = 0
        self.action_search_now()
        self.action_focus_filters()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "give_dentist":
            return self.call_id is not None
        if action == "book_appointment":
            return self.call_id is not None and self.member_id is not None
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss(None)

    def highlighted_hit(self) -> ProviderHit | None:
        table = self.query_one("#results", DataTable)
        if not self._hits or not 0 <= table.cursor_row < len(self._hits):
            return None
        return self._hits[table.cursor_row]

    def action_give_dentist(self) -> None:
        hit = self.highlighted_hit()
        if hit is None or self.call_id is None:
            self.notify("Highlight a dentist in the results first (F3).", severity="warning")
            return
        self._record_given(self.call_id, hit.npi, hit.name)

    @work(thread=True, group="dentist-given")
    def _record_given(self, call_id: int, npi: str, name: str) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import record_dentists_given

        try:
            added = record_dentists_given(
                self.app.engine(),  # type: ignore[attr-defined]
                self.app.actor(),  # type: ignore[attr-defined]
                call_id,
                [npi],
            )
        except SQLAlchemyError as error:
            log.error("recording a dentist given failed: %s", type(error).__name__)
            self.app.call_from_thread(
                self.notify, "The dentist could not be recorded. Try again.", severity="error"
            )
            return
        text = (
            f"Recorded: {name} given to the caller." if added else f"{name} was already recorded."
        )
        self.app.call_from_thread(self.notify, text, markup=False, timeout=3)

    def action_book_appointment(self) -> None:
        hit = self.highlighted_hit()
        if hit is None or self.call_id is None or self.member_id is None:
            self.notify("Highlight a dentist in the results first (F3).", severity="warning")
            return
        from tsc_console.tui.screens.appointment import AppointmentDialog, AppointmentRequest

        call_id, member_id = self.call_id, self.member_id
        location = f"{hit.address_line1}, {hit.city} {hit.zip5}"

        def booked(request: AppointmentRequest | None) -> None:
            if request is not None:
                self._book(call_id, member_id, hit.npi, request.scheduled_at, request.location_text)

        timezone = getattr(
            getattr(self.app, "settings", None), "display_timezone", "America/Los_Angeles"
        )
        self.app.push_screen(AppointmentDialog(hit.name, location, timezone), booked)

    @work(thread=True, group="appointment")
    def _book(
        self, call_id: int, member_id: int, npi: str, scheduled_at: Any, location_text: str
    ) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import CallError, book_appointment, record_dentists_given
        from tsc_console.services.members import NotVerifiedError

        try:
            engine = self.app.engine()  # type: ignore[attr-defined]
            actor = self.app.actor()  # type: ignore[attr-defined]
            book_appointment(engine, actor, call_id, member_id, npi, scheduled_at, location_text)
            record_dentists_given(engine, actor, call_id, [npi])
        except (CallError, NotVerifiedError) as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
        except SQLAlchemyError as error:
            log.error("booking an appointment failed: %s", type(error).__name__)
            self.app.call_from_thread(
                self.notify, "The appointment could not be saved. Try again.", severity="error"
            )
        else:
            self.app.call_from_thread(self.notify, "Appointment recorded.", timeout=3)

    def apply_criteria(self, criteria: SearchCriteria) -> None:
        """Fill the filters from `criteria` (e.g. a member's ZIP and language) and search."""
        self._initial = replace(criteria, page=0)
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            self.query_one("#zip", Input).value = criteria.zip_code or ""
            self.query_one("#county", Input).value = criteria.county or ""
            self.query_one("#radius", Input).value = f"{criteria.radius_miles:g}"
            self.query_one("#age", Input).value = (
                "" if criteria.patient_age is None else str(criteria.patient_age)
            )
        self.action_search_now()


def _field_for(message: str) -> str | None:
    """Return the id of the filter a search error is about, so it can be highlighted."""
    lowered = message.lower()
    for prefix, field_id in (
        ("zip code", "zip"),
        ("radius", "radius"),
        ("county", "county"),
        ("patient age", "age"),
    ):
        if lowered.startswith(prefix):
            return field_id
    return None


def _row_cells(hit: ProviderHit) -> list[Text]:
    # Text objects are never parsed as markup, so names such as "[b]Bright[/b] Dental"
    # show exactly as stored.
    miles = f"{hit.distance_miles:.1f}" if hit.distance_miles is not None else ""
    address = f"{hit.address_line1}, {hit.city} {hit.zip5}"
    if hit.last_verified_on:
        verified = f"{hit.last_verified_on:%m/%d/%Y}"
    elif hit.nppes_last_update:
        verified = f"NPPES {hit.nppes_last_update:%m/%Y}"
    else:
        verified = ""
    return [
        Text(miles, justify="right"),
        Text(hit.name),
        Text(hit.specialty_short),
        Text(SHORT_ACCEPTING[hit.accepting] if hit.accepting else "Unknown"),
        Text(", ".join(hit.languages)),
        Text(hit.phone),
        Text(address),
        Text(verified),
    ]


def _status_text(result: SearchResult) -> Text:
    criteria = result.criteria
    if result.beyond_radius:
        if not result.hits:
            return Text(
                f"No provider matches these filters within {result.searched_radius_miles:g} "
                f"miles of {result.origin}, nor anywhere in the directory. "
                "Remove a filter (F9 clears all)."
            )
        return Text(
            f"No match within {result.searched_radius_miles:g} miles of {result.origin}. "
            f"Showing the {len(result.hits)} nearest beyond it."
        )
    if result.total == 0:
        return Text("No provider matches these filters. Remove a filter or widen the radius.")
    where = ""
    if criteria.county:
        where = f" in {criteria.county} County"
        if result.origin:
            where += f", nearest to {result.origin} first"
    elif result.origin:
        where = f" within {result.searched_radius_miles:g} miles of {result.origin}"
    else:
        where = " statewide, by city (enter a ZIP code to sort by distance)"
    first = criteria.page * criteria.page_size + 1
    last = first + len(result.hits) - 1
    if result.total_is_capped:
        return Text(
            f"More than {result.total:,} providers{where}. Showing {first:,}–{last:,}, "
            f"page {criteria.page + 1}."
        )
    noun = "provider" if result.total == 1 else "providers"
    return Text(
        f"{result.total:,} {noun}{where}. Showing {first:,}–{last:,}, "
        f"page {criteria.page + 1} of {result.page_count}."
    )
