"""Provider directory vocabulary: accepting-patients codes and capabilities."""

from __future__ import annotations

import enum


class AcceptingPatients(enum.StrEnum):
    """Da Vinci PDex Plan-Net `AcceptingPatientsCS` codes."""

    ACCEPTING = "newpt"
    EXISTING_ONLY = "existptonly"
    EXISTING_AND_FAMILY = "existptfam"
    NOT_ACCEPTING = "nopt"

    @property
    def label(self) -> str:
        return _ACCEPTING_LABELS[self]


_ACCEPTING_LABELS = {
    AcceptingPatients.ACCEPTING: "Accepting new patients",
    AcceptingPatients.EXISTING_ONLY: "Existing patients only",
    AcceptingPatients.EXISTING_AND_FAMILY: "Existing patients and family",
    AcceptingPatients.NOT_ACCEPTING: "Not accepting patients",
}

_ACCEPTING_WORDS = {
    "accepting": AcceptingPatients.ACCEPTING,
    "yes": AcceptingPatients.ACCEPTING,
    "y": AcceptingPatients.ACCEPTING,
    "existing": AcceptingPatients.EXISTING_ONLY,
    "existing-only": AcceptingPatients.EXISTING_ONLY,
    "existing-family": AcceptingPatients.EXISTING_AND_FAMILY,
    "not-accepting": AcceptingPatients.NOT_ACCEPTING,
    "no": AcceptingPatients.NOT_ACCEPTING,
    "n": AcceptingPatients.NOT_ACCEPTING,
}


def parse_accepting(text: str) -> AcceptingPatients | None:
    """Parse a Plan-Net code or a plain word such as "yes" or "existing"; None if unknown."""
    key = text.strip().casefold().replace("_", "-").replace(" ", "-")
    try:
        return AcceptingPatients(key)
    except ValueError:
        return _ACCEPTING_WORDS.get(key)


class DirectorySource(enum.StrEnum):
    """Source of a provider row's latest data."""

    NPPES = "nppes"
    ADMIN_CSV = "admin-csv"
    MANUAL = "manual"


_TRUE_WORDS = {"y", "yes", "true", "1", "x"}
_FALSE_WORDS = {"n", "no", "false", "0", ""}


def parse_flag(text: str) -> bool | None:
    """Parse a yes/no cell; None when it is neither."""
    key = text.strip().casefold()
    if key in _TRUE_WORDS:
        return True
    if key in _FALSE_WORDS:
        return False
    return None
