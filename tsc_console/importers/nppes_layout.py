"""Column layout of the NPPES main data file (`npidata_pfile_*.csv`).

The 330 headers are listed in file order as CMS's Data Dissemination Readme
(updated February 2025) gives them. Readers look columns up by header, never
by position, because CMS has renamed columns between releases: "Provider Gender
Code" became "Provider Sex Code".
"""

from __future__ import annotations

TAXONOMY_SLOTS = 15
OTHER_IDENTIFIER_SLOTS = 50

_ADDRESS_PARTS = (
    "Provider First Line Business {kind} Address",
    "Provider Second Line Business {kind} Address",
    "Provider Business {kind} Address City Name",
    "Provider Business {kind} Address State Name",
    "Provider Business {kind} Address Postal Code",
    "Provider Business {kind} Address Country Code (If outside U.S.)",
    "Provider Business {kind} Address Telephone Number",
    "Provider Business {kind} Address Fax Number",
)


def _address_block(kind: str) -> list[str]:
    return [part.format(kind=kind) for part in _ADDRESS_PARTS]


def taxonomy_code_column(slot: int) -> str:
    return f"Healthcare Provider Taxonomy Code_{slot}"


def license_number_column(slot: int) -> str:
    return f"Provider License Number_{slot}"


def license_state_column(slot: int) -> str:
    return f"Provider License Number State Code_{slot}"


def primary_switch_column(slot: int) -> str:
    return f"Healthcare Provider Primary Taxonomy Switch_{slot}"


NPPES_HEADERS: tuple[str, ...] = (
    "NPI",
    "Entity Type Code",
    "Replacement NPI",
    "Employer Identification Number (EIN)",
    "Provider Organization Name (Legal Business Name)",
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    "Provider Middle Name",
    "Provider Name Prefix Text",
    "Provider Name Suffix Text",
    "Provider Credential Text",
    "Provider Other Organization Name",
    "Provider Other Organization Name Type Code",
    "Provider Other Last Name",
    "Provider Other First Name",
    "Provider Other Middle Name",
    "Provider Other Name Prefix Text",
    "Provider Other Name Suffix Text",
    "Provider Other Credential Text",
    "Provider Other Last Name Type Code",
    *_address_block("Mailing"),
    *_address_block("Practice Location"),
    "Provider Enumeration Date",
    "Last Update Date",
    "NPI Deactivation Reason Code",
    "NPI Deactivation Date",
    "NPI Reactivation Date",
    "Provider Sex Code",
    "Authorized Official Last Name",
    "Authorized Official First Name",
    "Authorized Official Middle Name",
    "Authorized Official Title or Position",
    "Authorized Official Telephone Number",
    *(
        column
        for slot in range(1, TAXONOMY_SLOTS + 1)
        for column in (
            taxonomy_code_column(slot),
            license_number_column(slot),
            license_state_column(slot),
            primary_switch_column(slot),
        )
    ),
    *(
        column
        for slot in range(1, OTHER_IDENTIFIER_SLOTS + 1)
        for column in (
            f"Other Provider Identifier_{slot}",
            f"Other Provider Identifier Type Code_{slot}",
            f"Other Provider Identifier State_{slot}",
            f"Other Provider Identifier Issuer_{slot}",
        )
    ),
    "Is Sole Proprietor",
    "Is Organization Subpart",
    "Parent Organization LBN",
    "Parent Organization TIN",
    "Authorized Official Name Prefix Text",
    "Authorized Official Name Suffix Text",
    "Authorized Official Credential Text",
    *(f"Healthcare Provider Taxonomy Group_{slot}" for slot in range(1, TAXONOMY_SLOTS + 1)),
    "Certification Date",
)

# Older releases name this column differently; either is read.
SEX_COLUMNS = ("Provider Sex Code", "Provider Gender Code")

PRACTICE_ADDRESS_1 = "Provider First Line Business Practice Location Address"
PRACTICE_ADDRESS_2 = "Provider Second Line Business Practice Location Address"
PRACTICE_CITY = "Provider Business Practice Location Address City Name"
PRACTICE_STATE = "Provider Business Practice Location Address State Name"
PRACTICE_POSTAL_CODE = "Provider Business Practice Location Address Postal Code"
PRACTICE_PHONE = "Provider Business Practice Location Address Telephone Number"
PRACTICE_FAX = "Provider Business Practice Location Address Fax Number"

# Columns without which a file cannot be read as the NPPES layout.
REQUIRED_COLUMNS = (
    "NPI",
    "Entity Type Code",
    "Provider Organization Name (Legal Business Name)",
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    PRACTICE_ADDRESS_1,
    PRACTICE_CITY,
    PRACTICE_STATE,
    PRACTICE_POSTAL_CODE,
    "Last Update Date",
    "NPI Deactivation Date",
    taxonomy_code_column(1),
    primary_switch_column(1),
)

assert len(NPPES_HEADERS) == 330, len(NPPES_HEADERS)
