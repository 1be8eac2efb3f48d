"""Detail panel for the highlighted dentist search result."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tsc_console.services.search_models import ProviderHit


def _yes_no(value: bool | None) -> str:
    if value is None:
        return "Unknown"
    return "Yes" if value else "No"


class ProviderDetail(Static):
    """Panel with everything stored about one provider, as plain text (never markup)."""

    def show_hit(self, hit: ProviderHit | None) -> None:
        if hit is None:
            self.update(Text("Highlight a result to see its details.", style="dim"))
            return
        text = Text()
        text.append(hit.name, style="bold")
        if hit.credential:
            text.append(f", {hit.credential}")
        text.append("\n")
        text.append(hit.specialty + "\n")
        kind = "Organization" if hit.entity_type == 2 else "Individual"
        text.append(f"NPI {hit.npi}  ·  {kind}\n")
        if hit.distance_miles is not None:
            text.append(f"{hit.distance_miles:.1f} miles away\n")
        text.append("\n")
        text.append(hit.address_line1 + "\n")
        if hit.address_line2:
            text.append(hit.address_line2 + "\n")
        text.append(f"{hit.city}, CA {hit.zip_display}\n")
        text.append(f"County: {hit.county or 'Unknown'}\n")
        text.append(f"Phone: {hit.phone or 'none on file'}\n")
        if hit.fax:
            text.append(f"Fax: {hit.fax}\n")
        text.append("\n")
        rows = [
            ("Accepting", hit.accepting_label),
            ("Languages", ", ".join(hit.languages) or "Not on file"),
            ("Ages served", hit.ages_label),
            ("Wheelchair access", _yes_no(hit.wheelchair_access)),
            ("Sedation permit", _yes_no(hit.sedation_permit)),
            ("General anesthesia", _yes_no(hit.general_anesthesia_permit)),
            ("Hospital privileges", _yes_no(hit.hospital_privileges)),
            ("Developmental disabilities", _yes_no(hit.developmental_disability_experience)),
            ("Medi-Cal Dental enrolled", _yes_no(hit.medi_cal_enrolled)),
        ]
        for label, value in rows:
            text.append(f"{label}: ", style="bold")
            text.append(f"{value}\n")
        text.append("\nTaxonomy\n", style="bold")
        for code, label, is_primary, license_number in hit.taxonomies:
            text.append(f"  {code} {label}")
            if is_primary:
                text.append(" (primary)", style="bold")
            if license_number:
                text.append(f"  license {license_number}")
            text.append("\n")
        text.append("\n")
        if hit.last_verified_on:
            source = f" by {hit.verification_source}" if hit.verification_source else ""
            text.append(f"Last verified {hit.last_verified_on:%m/%d/%Y}{source}\n", style="dim")
        else:
            text.append("Not verified by the TSC", style="dim")
            if hit.nppes_last_update:
                text.append(f"; NPPES updated {hit.nppes_last_update:%m/%d/%Y}", style="dim")
            text.append("\n")
        self.update(text)
