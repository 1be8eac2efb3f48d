"""Columns of the admin directory CSV, the hand-maintained file merged onto NPPES rows by NPI.

NPPES carries no languages, accessibility, sedation, accepting-new-patients or
Medi-Cal enrollment data; admins keep those here. Only `npi` is required; an
empty cell leaves the stored value unchanged, so a file may carry only the
columns it updates. Y/N columns also accept yes/no, true/false, 1/0, and X
(a spreadsheet check mark) for yes.
"""

from __future__ import annotations

ADMIN_COLUMNS: dict[str, str] = {
    "npi": "10-digit NPI of a provider already imported from NPPES (required)",
    "languages": "languages spoken at the office, separated by ';' (names such as Spanish, "
    "ISO 639-3 codes such as spa, or ASL)",
    "accepting": "newpt, existptonly, existptfam or nopt (Plan-Net codes); "
    "yes, no and existing are accepted too",
    "wheelchair_access": "Y or N: wheelchair-accessible office, exam room and equipment",
    "sedation_permit": "Y or N: moderate or pediatric sedation permit",
    "general_anesthesia_permit": "Y or N: general anesthesia (deep sedation) permit",
    "hospital_privileges": "Y or N: hospital dentistry privileges",
    "age_min": "youngest patient age served, in years (0 to 130)",
    "age_max": "oldest patient age served, in years (0 to 130)",
    "developmental_disability_experience": "Y or N: experience treating members with "
    "developmental disabilities",
    "medi_cal_enrolled": "Y or N: enrolled as a Medi-Cal Dental provider",
    "medi_cal_provider_number": "Medi-Cal Dental provider (billing) number",
    "last_verified_on": "date the row was last verified with the office, YYYY-MM-DD",
    "verification_source": "how it was verified, e.g. phone call, office survey",
}
