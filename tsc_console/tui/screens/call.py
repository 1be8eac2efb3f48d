"""The call screen: caller, member lookup, verification, member banner, help and wrap-up.

| key | action |
| --- | --- |
| F2 | find a member (CIN or BIC ID, name and date of birth, or phone) |
| Enter | run the lookup or verification of the field you are in; pick a result |
| F3 | verify the caller against the selected member |
| F4 | dentist search, prefilled with the member's ZIP, language, age and needs |
| F7 | member history |
| F9 | member details |
| F8 | wrap-up (reasons, disposition, callback, notes) |
| F12 or Ctrl+E | end the call (the wrap-up must be complete) |

Everything typed is saved as a draft every couple of seconds, so a crash or a
closed terminal loses nothing: the start screen offers the call back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from tsc_console.domain.calls import CallerType, CallReason, Disposition
from tsc_console.domain.members import SpecialNeed
from tsc_console.services.search_models import SearchCriteria
from tsc_console.tui.screens.dentist_search import DentistSearchScreen
from tsc_console.tui.widgets.member_banner import MemberBanner

if TYPE_CHECKING:
    from tsc_console.services.calls import HistoryEntry, OpenCall
    from tsc_console.services.members import (
        LookupResult,
        MemberDetail,
        MemberMatch,
        VerificationOutcome,
    )

log = logging.getLogger(__name__)

AUTOSAVE_SECONDS = 2.0
CALLBACK_FORMAT = "%m/%d/%Y %H:%M"

# Draft keys of plain text inputs, restored as they were typed.
DRAFT_INPUTS = (
    "caller_name",
    "caller_relationship",
    "find_id",
    "find_name",
    "find_dob",
    "find_phone",
    "v_id",
    "v_name",
    "v_dob",
    "v_address",
    "v_phone",
    "v_caller_name",
    "callback",
)


def _field(label: str, widget: Any) -> Vertical:
    return Vertical(Label(label), widget, classes="filter")


def _set_status(widget: Static, text: str, kind: str | None = None) -> None:
    # Service messages start in lower case so they can be embedded; a status line is a sentence.
    text = text[:1].upper() + text[1:]
    widget.set_class(kind == "error", "-error")
    widget.set_class(kind == "ok", "-ok")
    widget.update(Text(text))


class CallScreen(Screen[None]):
    """One member call, from the first word to wrap-up."""

    CSS_PATH = "call.tcss"

    BINDINGS = [
        Binding("f2", "find", "Find member", id="call.find"),
        Binding("f3", "verify", "Verify", id="call.verify"),
        Binding("f4", "dentist_search", "Dentists", id="call.dentists"),
        Binding("f7", "history", "History", id="call.history"),
        Binding("f8", "wrap_up", "Wrap-up", id="call.wrap_up"),
        Binding("f9", "member", "Member", id="call.member"),
        Binding("f12", "end_call", "End call", id="call.end"),
        Binding("ctrl+e", "end_call", "End call", show=False, id="call.end_ctrl"),
    ]

    class Started(Message):
        def __init__(self, call: OpenCall, verified_member: int | None) -> None:
            super().__init__()
            self.call = call
            self.verified_member = verified_member

    class Problem(Message):
        """A worker failed; `text` is safe to show, `target` names the status line to use."""

        def __init__(
            self, text: str, target: str = "#find_status", field: str | None = None
        ) -> None:
            super().__init__()
            self.text = text
            self.target = target
            self.field = field

    class LookedUp(Message):
        def __init__(self, result: LookupResult) -> None:
            super().__init__()
            self.result = result

    class Verified(Message):
        def __init__(self, outcome: VerificationOutcome, member_id: int) -> None:
            super().__init__()
            self.outcome = outcome
            self.member_id = member_id

    class DetailLoaded(Message):
        def __init__(self, detail: MemberDetail, history: list[HistoryEntry]) -> None:
            super().__init__()
            self.detail = detail
            self.history = history

    class Ended(Message):
        def __init__(self, duration_seconds: int) -> None:
            super().__init__()
            self.duration_seconds = duration_seconds

    def __init__(self, resume: OpenCall | None = None) -> None:
        super().__init__()
        self._resume = resume
        self.call_id: int | None = None
        self._started_at: datetime | None = None
        self._matches: list[MemberMatch] = []
        self.selected: MemberMatch | None = None
        self.selected_member_id: int | None = None
        self.detail: MemberDetail | None = None
        self.authority: str | None = None
        self._dirty = False
        self._restoring = False

    # Layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="callbar"):
            yield Static(Text("Starting…"), id="timer")
            yield _field(
                "Who is calling",
                Select(
                    [(caller.label, caller) for caller in CallerType],
                    prompt="Choose",
                    compact=True,
                    id="caller_type",
                ),
            )
            yield _field("Caller's name", Input(compact=True, id="caller_name"))
            yield _field(
                "Relationship to member",
                Input(placeholder="e.g. mother", compact=True, id="caller_relationship"),
            )
        yield MemberBanner(id="banner")
        with TabbedContent(initial="find"):
            with TabPane("Find member", id="find"):
                with Horizontal(classes="form-row"):
                    yield _field(
                        "CIN or BIC ID",
                        Input(placeholder="9 or 14 characters", compact=True, id="find_id"),
                    )
                    yield _field("Name", Input(compact=True, id="find_name"))
                    yield _field(
                        "Date of birth",
                        Input(placeholder="MM/DD/YYYY", compact=True, id="find_dob"),
                    )
                    yield _field("Phone", Input(compact=True, id="find_phone"))
                yield Static(
                    Text("Fill one way of finding the member and press Enter."),
                    id="find_status",
                    classes="status",
                )
                matches: DataTable[Any] = DataTable(id="matches", cursor_type="row")
                yield matches
            with TabPane("Verify", id="verify"):
                yield Static(
                    Text(
                        "Ask the caller and type what they say. Member details stay hidden until "
                        "three identifiers match and none is wrong."
                    )
                )
                with Horizontal(classes="form-row"):
                    yield _field("CIN or BIC ID", Input(compact=True, id="v_id"))
                    yield _field("Full name", Input(compact=True, id="v_name"))
                    yield _field(
                        "Date of birth", Input(placeholder="MM/DD/YYYY", compact=True, id="v_dob")
                    )
                with Horizontal(classes="form-row"):
                    yield _field(
                        "Address or ZIP",
                        Input(placeholder="ZIP or street", compact=True, id="v_address"),
                    )
                    yield _field("Phone on file", Input(compact=True, id="v_phone"))
                    yield _field(
                        "Representative's own name", Input(compact=True, id="v_caller_name")
                    )
                yield Static(
                    Text("Select a member on the Find member tab first."),
                    id="verify_status",
                    classes="status",
                )
            with TabPane("Member", id="member"), VerticalScroll():
                yield Static(
                    Text("Shown after the caller is verified.", style="dim"), id="member_detail"
                )
            with TabPane("History", id="history"):
                history: DataTable[Any] = DataTable(id="history_table", cursor_type="row")
                yield history
            with TabPane("Wrap-up", id="wrapup"):
                with Horizontal(classes="form-row"):
                    yield SelectionList[CallReason](
                        *[(reason.label, reason) for reason in CallReason], id="reasons"
                    )
                    with Vertical(classes="wrapup-fields"):
                        yield _field(
                            "Disposition",
                            Select(
                                [(item.label, item) for item in Disposition],
                                prompt="Choose",
                                compact=True,
                                id="disposition",
                            ),
                        )
                        yield _field(
                            "Callback due (Pacific)",
                            Input(placeholder="MM/DD/YYYY HH:MM", compact=True, id="callback"),
                        )
                yield Static(
                    Text("Choose the reasons and a disposition, then press F12 to end the call."),
                    id="wrapup_status",
                    classes="status",
                )
                yield Label("Notes")
                yield TextArea(id="notes")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MemberBanner).show_nothing()
        matches = self.query_one("#matches", DataTable)
        for label in ("Name", "CIN", "Born", "City", "County"):
            matches.add_column(label)
        history = self.query_one("#history_table", DataTable)
        history.add_column("When (Pacific)")
        history.add_column("What")
        history.add_row(Text(""), Text("Shown after the caller is verified."))
        self.query_one("#reasons", SelectionList).border_title = "Call reasons"
        self.set_interval(1.0, self._tick)
        self.set_interval(AUTOSAVE_SECONDS, self._autosave)
        self.query_one("#caller_type", Select).focus()
        self._open_call(self._resume)

    # Start or resume

    @work(thread=True, exclusive=True, group="call-start")
    def _open_call(self, resume: OpenCall | None) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import CallError, resume_call, start_call
        from tsc_console.services.members import verified_member_id

        try:
            engine = self.app.engine()  # type: ignore[attr-defined]
            actor = self.app.actor()  # type: ignore[attr-defined]
            if resume is None:
                call = start_call(engine, actor)
            else:
                call = resume_call(engine, actor, resume.call_id)
            verified = verified_member_id(engine, call.call_id)
        except CallError as error:
            self.post_message(self.Problem(str(error)))
        except SQLAlchemyError as error:
            log.error("starting a call failed: %s", type(error).__name__)
            self.post_message(self.Problem("The call could not be started. Try again."))
        else:
            self.post_message(self.Started(call, verified))

    @on(Started)
    def _started(self, message: Started) -> None:
        self.call_id = message.call.call_id
        self._started_at = message.call.started_at
        self._tick()
        if message.call.draft:
            self._restore(message.call.draft)
            self.notify("The unsaved call is back as you left it.", timeout=4)
        if message.verified_member is not None:
            self.selected_member_id = message.verified_member
            self._load_detail(message.verified_member)

    def _restore(self, draft: dict[str, Any]) -> None:
        self._restoring = True
        try:
            for key in DRAFT_INPUTS:
                if isinstance(draft.get(key), str):
                    self.query_one(f"#{key}", Input).value = draft[key]
            caller_type = draft.get("caller_type")
            if caller_type in {caller.value for caller in CallerType}:
                self.query_one("#caller_type", Select).value = CallerType(caller_type)
            disposition = draft.get("disposition")
            if disposition in {item.value for item in Disposition}:
                self.query_one("#disposition", Select).value = Disposition(disposition)
            reasons = self.query_one("#reasons", SelectionList)
            for value in draft.get("reasons", []):
                if value in {reason.value for reason in CallReason}:
                    reasons.select(CallReason(value))
            if isinstance(draft.get("notes"), str):
                self.query_one("#notes", TextArea).text = draft["notes"]
            member = draft.get("selected_member_id")
            if isinstance(member, int):
                self.selected_member_id = member
        finally:
            self._restoring = False

    def _zone(self) -> ZoneInfo:
        settings = getattr(self.app, "settings", None)
        return ZoneInfo(settings.display_timezone if settings else "America/Los_Angeles")

    # Timer and autosave

    def _tick(self) -> None:
        if self._started_at is None:
            return
        seconds = max(0, int((datetime.now(UTC) - self._started_at).total_seconds()))
        label = f"Call {seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        self.query_one("#timer", Static).update(Text(label))

    def draft(self) -> dict[str, Any]:
        """Everything typed so far, as saved to the database."""
        values: dict[str, Any] = {
            key: self.query_one(f"#{key}", Input).value for key in DRAFT_INPUTS
        }
        caller_type = self.query_one("#caller_type", Select).value
        values["caller_type"] = caller_type.value if isinstance(caller_type, CallerType) else None
        disposition = self.query_one("#disposition", Select).value
        values["disposition"] = disposition.value if isinstance(disposition, Disposition) else None
        values["reasons"] = [
            reason.value for reason in self.query_one("#reasons", SelectionList).selected
        ]
        values["notes"] = self.query_one("#notes", TextArea).text
        values["selected_member_id"] = self.selected_member_id
        return values

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    def _mark_dirty(self) -> None:
        if not self._restoring:
            self._dirty = True

    def _autosave(self) -> None:
        if self._dirty and self.call_id is not None:
            self._dirty = False
            self._save_draft(self.call_id, self.draft())

    def save_draft_now(self) -> None:
        """Save the draft on the calling thread, for when no worker will run again (quitting)."""
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import save_draft

        if self.call_id is None or not self._dirty:
            return
        try:
            save_draft(self.app.engine(), self.app.actor(), self.call_id, self.draft())  # type: ignore[attr-defined]
            self._dirty = False
        except SQLAlchemyError as error:
            log.error("saving call %s on quit failed: %s", self.call_id, type(error).__name__)

    @work(thread=True, exclusive=True, group="call-draft")
    def _save_draft(self, call_id: int, draft: dict[str, Any]) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import save_draft

        try:
            save_draft(self.app.engine(), self.app.actor(), call_id, draft)  # type: ignore[attr-defined]
        except SQLAlchemyError as error:
            log.warning("saving the call draft failed, will retry: %s", type(error).__name__)
            self._dirty = True

    # Finding the member

    def action_find(self) -> None:
        self.query_one(TabbedContent).active = "find"
        self.query_one("#find_id", Input).focus()

    @on(Input.Submitted, "#find_id, #find_name, #find_dob, #find_phone")
    def _find_submitted(self, event: Input.Submitted) -> None:
        if self.call_id is None:
            return
        values = {
            key: self.query_one(f"#{key}", Input).value.strip()
            for key in ("find_id", "find_name", "find_dob", "find_phone")
        }
        # Enter in a field chooses how to look up, so text left in another field
        # from an earlier attempt does not take over.
        submitted = event.input.id or ""
        values["way"] = {"find_id": "id", "find_phone": "phone"}.get(submitted, "name")
        if values["way"] == "name" and not values["find_name"] and values["find_id"]:
            values["way"] = "id"
        if not any(values[key] for key in ("find_id", "find_name", "find_dob", "find_phone")):
            _set_status(
                self.query_one("#find_status", Static),
                "Type a CIN or BIC ID, a name and date of birth, or a phone number.",
                "error",
            )
            return
        _set_status(self.query_one("#find_status", Static), "Searching…")
        self._lookup(self.call_id, values)

    @work(thread=True, exclusive=True, group="call-lookup")
    def _lookup(self, call_id: int, values: dict[str, str]) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.members import (
            MemberLookupError,
            find_by_member_id,
            find_by_name,
            find_by_phone,
        )

        field_ids = {
            "member_id": "find_id",
            "name": "find_name",
            "birth_date": "find_dob",
            "phone": "find_phone",
        }
        try:
            engine = self.app.engine()  # type: ignore[attr-defined]
            actor = self.app.actor()  # type: ignore[attr-defined]
            if values["way"] == "id":
                result = find_by_member_id(engine, actor, values["find_id"], call_id=call_id)
            elif values["way"] == "phone":
                result = find_by_phone(engine, actor, values["find_phone"], call_id=call_id)
            else:
                result = find_by_name(
                    engine, actor, values["find_name"], values["find_dob"], call_id=call_id
                )
        except MemberLookupError as error:
            self.post_message(
                self.Problem(str(error), "#find_status", field_ids.get(error.field_name))
            )
        except SQLAlchemyError as error:
            log.error("member lookup failed: %s", type(error).__name__)
            self.post_message(self.Problem("The lookup failed. Try again.", "#find_status"))
        else:
            self.post_message(self.LookedUp(result))

    @on(LookedUp)
    def _show_matches(self, message: LookedUp) -> None:
        self._matches = list(message.result.matches)
        table = self.query_one("#matches", DataTable)
        table.clear()
        for index, match in enumerate(self._matches):
            table.add_row(
                Text(match.name),
                Text(match.masked_cin),
                Text(match.masked_birth_date),
                Text(match.city or ""),
                Text(match.county or ""),
                key=str(index),
            )
        status = self.query_one("#find_status", Static)
        count = len(self._matches)
        warnings = " ".join(message.result.warnings)
        if count == 0:
            _set_status(
                status,
                "No member found. Check the spelling or try another way of finding them.",
                "error",
            )
        else:
            noun = "member" if count == 1 else "members"
            _set_status(
                status, f"{count} {noun} found. Highlight one and press Enter. {warnings}".strip()
            )
            table.focus()

    @on(DataTable.RowSelected, "#matches")
    def _match_selected(self, event: DataTable.RowSelected) -> None:
        index = int(event.row_key.value) if event.row_key.value is not None else -1
        if not 0 <= index < len(self._matches):
            return
        match = self._matches[index]
        self.selected = match
        self.selected_member_id = match.member_id
        self.detail = None
        self.query_one(MemberBanner).show_selected(match)
        _set_status(
            self.query_one("#verify_status", Static),
            "Ask for at least three identifiers, then press Enter or F3.",
        )
        self._dirty = True
        self.action_verify_tab()

    # Verification

    def action_verify_tab(self) -> None:
        self.query_one(TabbedContent).active = "verify"
        self.query_one("#v_id", Input).focus()

    @on(Input.Submitted, "#v_id, #v_name, #v_dob, #v_address, #v_phone, #v_caller_name")
    def _verify_submitted(self) -> None:
        self._submit_verification()

    def action_verify(self) -> None:
        """Open the Verify tab; when it is already open, check what was typed."""
        if self.query_one(TabbedContent).active != "verify":
            self.action_verify_tab()
            return
        self._submit_verification()

    def _submit_verification(self) -> None:
        status = self.query_one("#verify_status", Static)
        if self.call_id is None:
            return
        if self.selected_member_id is None:
            self.query_one(TabbedContent).active = "verify"
            _set_status(status, "Select a member on the Find member tab first (F2).", "error")
            return
        caller_type = self.query_one("#caller_type", Select).value
        if not isinstance(caller_type, CallerType):
            _set_status(status, "Choose who is calling first (top of the screen).", "error")
            self.query_one("#caller_type", Select).focus()
            return
        from tsc_console.services.members import CallerAnswers

        identifiers = ("#v_id", "#v_name", "#v_dob", "#v_address", "#v_phone")
        if not any(self.query_one(selector, Input).value.strip() for selector in identifiers):
            _set_status(
                status, "Type what the caller gives for at least three identifiers.", "error"
            )
            self.query_one("#v_id", Input).focus()
            return
        answers = CallerAnswers(
            member_id=self.query_one("#v_id", Input).value,
            full_name=self.query_one("#v_name", Input).value,
            birth_date=self.query_one("#v_dob", Input).value,
            address=self.query_one("#v_address", Input).value,
            phone=self.query_one("#v_phone", Input).value,
            caller_name=self.query_one("#v_caller_name", Input).value
            or self.query_one("#caller_name", Input).value,
        )
        _set_status(status, "Checking…")
        self._verify(self.call_id, self.selected_member_id, caller_type, answers)

    @work(thread=True, exclusive=True, group="call-verify")
    def _verify(self, call_id: int, member_id: int, caller_type: CallerType, answers: Any) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.members import verify_caller

        try:
            outcome = verify_caller(
                self.app.engine(),  # type: ignore[attr-defined]
                self.app.actor(),  # type: ignore[attr-defined]
                call_id,
                member_id,
                caller_type,
                answers,
            )
        except SQLAlchemyError as error:
            log.error("verification failed to run: %s", type(error).__name__)
            self.post_message(
                self.Problem("Verification could not be checked. Try again.", "#verify_status")
            )
        else:
            self.post_message(self.Verified(outcome, member_id))

    @on(Verified)
    def _show_verification(self, message: Verified) -> None:
        outcome = message.outcome
        status = self.query_one("#verify_status", Static)
        _set_status(status, outcome.message, "ok" if outcome.passed else "error")
        if outcome.passed:
            self.authority = outcome.authority
            self._load_detail(message.member_id)
        elif self.detail is not None:
            # The database no longer counts the call as verified, so hide what it disclosed.
            self._hide_member()

    def _hide_member(self) -> None:
        self.detail = None
        self.authority = None
        banner = self.query_one(MemberBanner)
        if self.selected is not None:
            banner.show_selected(self.selected)
        else:
            banner.show_nothing()
        self.query_one("#member_detail", Static).update(
            Text("Shown after the caller is verified.", style="dim")
        )
        history = self.query_one("#history_table", DataTable)
        history.clear()
        history.add_row(Text(""), Text("Shown after the caller is verified."))

    @work(thread=True, exclusive=True, group="call-detail")
    def _load_detail(self, member_id: int) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import member_history
        from tsc_console.services.members import NotVerifiedError, member_detail

        if self.call_id is None:
            return
        try:
            engine = self.app.engine()  # type: ignore[attr-defined]
            actor = self.app.actor()  # type: ignore[attr-defined]
            detail = member_detail(engine, actor, self.call_id, member_id)
            history = member_history(
                engine, actor, self.call_id, member_id, timezone=self._zone().key
            )
        except NotVerifiedError as error:
            self.post_message(self.Problem(str(error), "#verify_status"))
        except SQLAlchemyError as error:
            log.error("loading member details failed: %s", type(error).__name__)
            self.post_message(self.Problem("Member details could not be loaded.", "#verify_status"))
        else:
            self.post_message(self.DetailLoaded(detail, history))

    @on(DetailLoaded)
    def _show_detail(self, message: DetailLoaded) -> None:
        detail = message.detail
        self.detail = detail
        self.selected_member_id = detail.member_id
        self.query_one(MemberBanner).show_member(detail, self.authority)
        self.query_one("#member_detail", Static).update(_detail_text(detail))
        zone = self._zone()
        table = self.query_one("#history_table", DataTable)
        table.clear()
        for entry in message.history:
            table.add_row(Text(f"{entry.at.astimezone(zone):%m/%d/%Y %H:%M}"), Text(entry.summary))
        if not message.history:
            table.add_row(Text(""), Text("No earlier calls, dentists or appointments."))
        self.query_one(TabbedContent).active = "member"

    @on(Problem)
    def _show_problem(self, message: Problem) -> None:
        if message.target == "#find_status":
            # Results of an earlier lookup must not look like results of this one.
            self._matches = []
            self.query_one("#matches", DataTable).clear()
        if message.target == "#wrapup_status":
            self.query_one(TabbedContent).active = "wrapup"
        _set_status(self.query_one(message.target, Static), message.text, "error")
        if message.field:
            field = self.query_one(f"#{message.field}")
            field.add_class("-invalid")
            field.focus()

    # Help

    def action_dentist_search(self) -> None:
        # Members are offered dentists enrolled in Medi-Cal Dental who take new patients.
        criteria = SearchCriteria(accepting_new_only=True, medi_cal_enrolled_only=True)
        detail = self.detail
        if detail is not None:
            needs = set(detail.special_needs)
            criteria = SearchCriteria(
                zip_code=detail.residence_zip5,
                language=detail.spoken_language_code
                if detail.spoken_language_code and detail.spoken_language_code != "eng"
                else None,
                patient_age=detail.age,
                wheelchair_access=SpecialNeed.PHYSICAL.label in needs,
                accepting_new_only=True,
                medi_cal_enrolled_only=True,
            )
        self.app.push_screen(
            DentistSearchScreen(
                criteria,
                call_id=self.call_id,
                member_id=detail.member_id if detail else None,
            )
        )

    def action_member(self) -> None:
        self.query_one(TabbedContent).active = "member"

    def action_history(self) -> None:
        self.query_one(TabbedContent).active = "history"

    def action_wrap_up(self) -> None:
        self.query_one(TabbedContent).active = "wrapup"
        self.query_one("#reasons", SelectionList).focus()

    # Ending the call

    def action_end_call(self) -> None:
        if self.call_id is None:
            return
        from tsc_console.services.calls import WrapUp

        status = self.query_one("#wrapup_status", Static)
        callback_text = self.query_one("#callback", Input).value.strip()
        callback_due: datetime | None = None
        if callback_text:
            try:
                local = datetime.strptime(callback_text, CALLBACK_FORMAT)
            except ValueError:
                self.action_wrap_up()
                _set_status(
                    status, "The callback time is invalid: use MM/DD/YYYY HH:MM (24-hour).", "error"
                )
                self.query_one("#callback", Input).focus()
                return
            zone = self._zone()
            callback_due = local.replace(tzinfo=zone).astimezone(UTC)
        caller_type = self.query_one("#caller_type", Select).value
        disposition = self.query_one("#disposition", Select).value
        wrap_up = WrapUp(
            caller_type=caller_type if isinstance(caller_type, CallerType) else None,
            caller_name=self.query_one("#caller_name", Input).value.strip(),
            caller_relationship=self.query_one("#caller_relationship", Input).value.strip(),
            reasons=list(self.query_one("#reasons", SelectionList).selected),
            notes=self.query_one("#notes", TextArea).text.strip(),
            disposition=disposition if isinstance(disposition, Disposition) else None,
            callback_due_at=callback_due,
        )
        _set_status(status, "Saving…")
        self._end(self.call_id, wrap_up, self.draft())

    @work(thread=True, exclusive=True, group="call-end")
    def _end(self, call_id: int, wrap_up: Any, draft: dict[str, Any]) -> None:
        from sqlalchemy.exc import SQLAlchemyError

        from tsc_console.services.calls import CallError, end_call, save_draft

        engine = self.app.engine()  # type: ignore[attr-defined]
        actor = self.app.actor()  # type: ignore[attr-defined]
        try:
            save_draft(engine, actor, call_id, draft)
            ended = end_call(engine, actor, call_id, wrap_up)
        except CallError as error:
            field = {
                "caller_type": "caller_type",
                "reasons": "reasons",
                "disposition": "disposition",
                "callback": "callback",
            }.get(error.field_name or "")
            self.post_message(self.Problem(str(error), "#wrapup_status", field))
        except SQLAlchemyError as error:
            log.error("ending call %s failed: %s", call_id, type(error).__name__)
            self.post_message(
                self.Problem(
                    "The call could not be saved; your wrap-up is kept. Try again.",
                    "#wrapup_status",
                )
            )
        else:
            self.post_message(self.Ended(ended.duration_seconds))

    @on(Ended)
    def _ended(self, message: Ended) -> None:
        minutes, seconds = divmod(message.duration_seconds, 60)
        self.notify(f"Call saved ({minutes} min {seconds} s).", timeout=4)
        self._dirty = False
        self.dismiss(None)


def _detail_text(detail: MemberDetail) -> Text:
    text = Text()
    rows = [
        ("Name", detail.name),
        ("CIN", detail.cin),
        ("Date of birth", f"{detail.birth_date:%m/%d/%Y} (age {detail.age})"),
        ("County", detail.county or "Unknown"),
        ("Residence", detail.residence or "Not on file"),
        ("Mailing", detail.mailing or "Same as residence"),
        ("Phones", "; ".join(detail.phones) or "None on file"),
        ("Spoken language", detail.spoken_language or "Not recorded"),
        ("Written language", detail.written_language or "Not recorded"),
        (
            "Needs",
            ", ".join(detail.accommodation_flags) or "No interpreter or relay needs recorded",
        ),
        (
            "Delivery system",
            detail.delivery_system.label
            + (
                f" ({detail.dental_plan})"
                if detail.dental_plan and detail.dental_plan != detail.delivery_system.label
                else ""
            ),
        ),
        ("Special needs", ", ".join(detail.special_needs) or "None recorded"),
        ("Accommodations", detail.accommodations or "None recorded"),
    ]
    for label, value in rows:
        text.append(f"{label}: ", style="bold")
        text.append(f"{value}\n")
    text.append("\nMember representatives\n", style="bold")
    if not detail.representatives:
        text.append("  None on file\n")
    for rep in detail.representatives:
        period = ""
        if rep.starts_on or rep.ends_on:
            start = f"{rep.starts_on:%m/%d/%Y}" if rep.starts_on else "?"
            end = f"{rep.ends_on:%m/%d/%Y}" if rep.ends_on else "open-ended"
            period = f", {start} to {end}"
        state = "current" if rep.current else "NOT CURRENT"
        text.append(f"  {rep.name} ({rep.relationship}): {rep.authority}{period}, {state}")
        if rep.phone:
            text.append(f", {rep.phone}")
        text.append("\n")
    return text
