"""Dental provider taxonomy codes (NUCC Health Care Provider Taxonomy, Dental Providers grouping).

A taxonomy code is 10 characters ending in "X". The console groups codes into the
specialties a representative searches by; a provider belongs to every specialty
that any of its taxonomy slots names.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

TAXONOMY_PATTERN = re.compile(r"^[0-9A-Z]{9}X$")


class Specialty(enum.StrEnum):
    """Search groups for dental providers. Values are stable: the CLI and stored data use them."""

    GENERAL = "general"
    PEDIATRIC = "pediatric"
    ORAL_SURGERY = "oral-surgery"
    ENDODONTICS = "endodontics"
    ORTHODONTICS = "orthodontics"
    PERIODONTICS = "periodontics"
    PROSTHODONTICS = "prosthodontics"
    ANESTHESIOLOGY = "anesthesiology"
    PUBLIC_HEALTH = "public-health"
    ORAL_PATHOLOGY = "oral-pathology"
    ORAL_RADIOLOGY = "oral-radiology"
    OROFACIAL_PAIN = "orofacial-pain"
    ORAL_MEDICINE = "oral-medicine"
    DENTURIST = "denturist"
    HYGIENIST = "hygienist"
    DENTAL_THERAPIST = "dental-therapist"
    DENTAL_ASSISTANT = "dental-assistant"
    DENTAL_LAB = "dental-lab"
    DENTAL_CLINIC = "dental-clinic"

    @property
    def label(self) -> str:
        return SPECIALTY_LABELS[self]

    @property
    def short_label(self) -> str:
        """Label short enough for a table column."""
        return SHORT_LABELS.get(self, SPECIALTY_LABELS[self])

    @property
    def bit(self) -> int:
        """Bit of this specialty in a provider's specialty mask."""
        return 1 << list(Specialty).index(self)


SPECIALTY_LABELS: dict[Specialty, str] = {
    Specialty.GENERAL: "General dentist",
    Specialty.PEDIATRIC: "Pediatric dentistry",
    Specialty.ORAL_SURGERY: "Oral and maxillofacial surgery",
    Specialty.ENDODONTICS: "Endodontics",
    Specialty.ORTHODONTICS: "Orthodontics",
    Specialty.PERIODONTICS: "Periodontics",
    Specialty.PROSTHODONTICS: "Prosthodontics",
    Specialty.ANESTHESIOLOGY: "Dentist anesthesiologist",
    Specialty.PUBLIC_HEALTH: "Dental public health",
    Specialty.ORAL_PATHOLOGY: "Oral and maxillofacial pathology",
    Specialty.ORAL_RADIOLOGY: "Oral and maxillofacial radiology",
    Specialty.OROFACIAL_PAIN: "Orofacial pain",
    Specialty.ORAL_MEDICINE: "Oral medicine",
    Specialty.DENTURIST: "Denturist",
    Specialty.HYGIENIST: "Dental hygienist",
    Specialty.DENTAL_THERAPIST: "Dental therapist",
    Specialty.DENTAL_ASSISTANT: "Dental assistant",
    Specialty.DENTAL_LAB: "Dental laboratory technician",
    Specialty.DENTAL_CLINIC: "Dental clinic",
}


SHORT_LABELS: dict[Specialty, str] = {
    Specialty.GENERAL: "General",
    Specialty.PEDIATRIC: "Pediatric",
    Specialty.ORAL_SURGERY: "Oral surgery",
    Specialty.ANESTHESIOLOGY: "Anesthesiologist",
    Specialty.PUBLIC_HEALTH: "Public health",
    Specialty.ORAL_PATHOLOGY: "Oral pathology",
    Specialty.ORAL_RADIOLOGY: "Oral radiology",
    Specialty.HYGIENIST: "Hygienist",
    Specialty.DENTAL_ASSISTANT: "Assistant",
    Specialty.DENTAL_LAB: "Dental lab",
    Specialty.DENTAL_THERAPIST: "Dental therapist",
}


@dataclass(frozen=True, slots=True)
class TaxonomyCode:
    code: str
    name: str
    specialty: Specialty


# Codes of the NUCC "Dental Providers" grouping, plus the clinic code that
# dental clinics enumerate under as organizations. 122300000X ("Dentist") may be
# used by any licensed dentist, so it counts as a general dentist.
DENTAL_TAXONOMY: dict[str, TaxonomyCode] = {
    t.code: t
    for t in (
        TaxonomyCode("122300000X", "Dentist", Specialty.GENERAL),
        TaxonomyCode("1223G0001X", "General Practice", Specialty.GENERAL),
        TaxonomyCode("1223P0221X", "Pediatric Dentistry", Specialty.PEDIATRIC),
        TaxonomyCode("1223E0200X", "Endodontics", Specialty.ENDODONTICS),
        TaxonomyCode(
            "1223X0400X", "Orthodontics and Dentofacial Orthopedics", Specialty.ORTHODONTICS
        ),
        TaxonomyCode("1223S0112X", "Oral and Maxillofacial Surgery", Specialty.ORAL_SURGERY),
        TaxonomyCode("1223P0300X", "Periodontics", Specialty.PERIODONTICS),
        TaxonomyCode("1223P0700X", "Prosthodontics", Specialty.PROSTHODONTICS),
        TaxonomyCode("1223D0004X", "Dentist Anesthesiologist", Specialty.ANESTHESIOLOGY),
        TaxonomyCode("1223D0001X", "Dental Public Health", Specialty.PUBLIC_HEALTH),
        TaxonomyCode("1223P0106X", "Oral and Maxillofacial Pathology", Specialty.ORAL_PATHOLOGY),
        TaxonomyCode("1223X0008X", "Oral and Maxillofacial Radiology", Specialty.ORAL_RADIOLOGY),
        TaxonomyCode("1223X2210X", "Orofacial Pain", Specialty.OROFACIAL_PAIN),
        TaxonomyCode("125Q00000X", "Oral Medicinist", Specialty.ORAL_MEDICINE),
        TaxonomyCode("122400000X", "Denturist", Specialty.DENTURIST),
        TaxonomyCode("124Q00000X", "Dental Hygienist", Specialty.HYGIENIST),
        TaxonomyCode("125J00000X", "Dental Therapist", Specialty.DENTAL_THERAPIST),
        TaxonomyCode(
            "125K00000X", "Advanced Practice Dental Therapist", Specialty.DENTAL_THERAPIST
        ),
        TaxonomyCode("126800000X", "Dental Assistant", Specialty.DENTAL_ASSISTANT),
        TaxonomyCode("126900000X", "Dental Laboratory Technician", Specialty.DENTAL_LAB),
        TaxonomyCode("261QD0000X", "Clinic/Center, Dental", Specialty.DENTAL_CLINIC),
    )
}

# Prefixes of the Dental Providers grouping. A code with one of these prefixes
# that is not in DENTAL_TAXONOMY is reported as unknown rather than dropped silently.
DENTAL_PREFIXES = ("1223", "1224", "124Q", "125", "126")

# Specialties a representative offers in the dentist search, in menu order.
SEARCHABLE_SPECIALTIES: tuple[Specialty, ...] = (
    Specialty.GENERAL,
    Specialty.PEDIATRIC,
    Specialty.ORAL_SURGERY,
    Specialty.ENDODONTICS,
    Specialty.ORTHODONTICS,
    Specialty.PERIODONTICS,
    Specialty.PROSTHODONTICS,
    Specialty.ANESTHESIOLOGY,
    Specialty.OROFACIAL_PAIN,
    Specialty.ORAL_MEDICINE,
    Specialty.DENTAL_CLINIC,
)


DENTIST_MASK = 0
for _specialty in SEARCHABLE_SPECIALTIES:
    DENTIST_MASK |= _specialty.bit
"""Specialty bits of the dentists and clinics the search offers; hygienists, assistants,
denturists and laboratories are in the directory but are not offered to members."""


def looks_dental(code: str) -> bool:
    """True when `code` is in the dental grouping, known or not."""
    return code in DENTAL_TAXONOMY or code.startswith(DENTAL_PREFIXES)


def specialty_of(code: str) -> Specialty | None:
    entry = DENTAL_TAXONOMY.get(code)
    return entry.specialty if entry else None


def specialty_mask(codes: list[str] | tuple[str, ...]) -> int:
    """Combine the specialty bits of every known code in `codes`."""
    mask = 0
    for code in codes:
        entry = DENTAL_TAXONOMY.get(code)
        if entry is not None:
            mask |= entry.specialty.bit
    return mask


def taxonomy_label(code: str) -> str:
    entry = DENTAL_TAXONOMY.get(code)
    return entry.name if entry else code
