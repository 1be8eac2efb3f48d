"""The member banner that stays at the top of the call screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tsc_console.services.members import MemberDetail, MemberMatch


class MemberBanner(Static):
    """Banner naming the member a call is about, with masked identifiers until verification."""

    def show_nothing(self) -> None:
        self.set_class(False, "-verified")
        self.update(
            Text(
                "No member identified yet. General help (program information, dentist search) "
                "needs no verification.",
                style="dim",
            )
        )

    def show_selected(self, match: MemberMatch) -> None:
        self.set_class(False, "-verified")
        text = Text()
        text.append(match.name, style="bold")
        text.append(f"  CIN {match.masked_cin}  born {match.masked_birth_date}")
        text.append("  NOT VERIFIED: ", style="bold")
        text.append("ask the caller to confirm identifiers (Verify tab) before sharing details.")
        self.update(text)

    def show_member(self, detail: MemberDetail, authority: str | None) -> None:
        self.set_class(True, "-verified")
        text = Text()
        text.append(detail.name, style="bold")
        text.append(f"  {detail.age} y  CIN {detail.cin}")
        if detail.county:
            text.append(f"  {detail.county} County")
        text.append("\n")

        language = detail.spoken_language or "language not recorded"
        text.append("Language: ", style="bold")
        text.append(language)
        if detail.written_language and detail.written_language != detail.spoken_language:
            text.append(f" (writes {detail.written_language})")
        if detail.interpreter_needed:
            text.append("  INTERPRETER NEEDED", style="bold")
        if detail.sign_language:
            text.append("  ASL interpreter", style="bold")
        if detail.tty_relay:
            text.append("  TTY or relay (711)", style="bold")
        text.append("\n")

        text.append("Special needs: ", style="bold")
        text.append(", ".join(detail.special_needs) or "none recorded")
        if detail.accommodations:
            text.append("  Accommodations: ", style="bold")
            text.append(detail.accommodations)
        text.append("\n")

        text.append("Delivery: ", style="bold")
        text.append(detail.delivery_system.label)
        if detail.delivery_system.is_managed_care:
            plan = f": {detail.dental_plan}" if detail.dental_plan else ""
            text.append(f"  Refer to the dental plan{plan}", style="bold")
        if authority:
            text.append("  Caller: ", style="bold")
            text.append(f"representative, {authority}")
        # NOTE: transport and interpreter requests and referrals are not stored yet, so
        # there is never one to show; this line must read them once they are.
        text.append("  Open requests and referrals: none")
        self.update(text)
