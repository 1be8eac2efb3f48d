"""Generate an invented California dental provider directory for demos, tests and benchmarks.

Writes these files into the output folder:

- `npidata_pfile_demo.csv`: N rows in the NPPES main-file layout (the 330 headers of
  `NPPES_HEADERS`, every value double-quoted, dates MM/DD/YYYY, ZIP+4 without a hyphen).
- `admin_directory_demo.csv`: one admin CSV row (columns of `ADMIN_COLUMNS`) for every
  row that a California dental import keeps.
- `members_demo.csv`, with `--members N`: N members in the members CSV layout
  (columns of `MEMBER_COLUMNS`), with unique valid CINs, phones, languages,
  special needs, representatives and frozen CINs of merged records.

With `--other-rows`, that fraction of the NPPES rows is what the import must skip:
non-dental taxonomies, practice locations outside California and deactivated NPIs.
Rows are streamed to disk, and the same seed always gives the same files.

Every name, address, phone number, license number and dental plan name is
invented. Phone numbers use the real area codes of their ZIP code with the
fictional 555-01XX numbers. NPIs have valid check digits and some may match real
NPIs. CINs have the valid layout and some may match real CINs.

Usage:
    python scripts/make_demo_data.py --providers 100000 --out data/demo --seed 7
    python scripts/make_demo_data.py --members 1000000 --out data/demo --seed 7
"""

from __future__ import annotations

import argparse
import bisect
import csv
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Generic, TypeVar

import zipcodes

from tsc_console.domain.directory import AcceptingPatients
from tsc_console.domain.geography import CALIFORNIA_COUNTIES, county_name
from tsc_console.domain.languages import LANGUAGE_BY_CODE
from tsc_console.domain.members import AuthorityBasis, DeliverySystem, SpecialNeed
from tsc_console.domain.npi import make_npi
from tsc_console.domain.taxonomy import DENTAL_TAXONOMY, Specialty
from tsc_console.importers.admin_layout import ADMIN_COLUMNS
from tsc_console.importers.members_csv import MEMBER_COLUMNS
from tsc_console.importers.nppes_layout import (
    NPPES_HEADERS,
    PRACTICE_ADDRESS_1,
    PRACTICE_ADDRESS_2,
    PRACTICE_CITY,
    PRACTICE_FAX,
    PRACTICE_PHONE,
    PRACTICE_POSTAL_CODE,
    PRACTICE_STATE,
    TAXONOMY_SLOTS,
    license_number_column,
    license_state_column,
    primary_switch_column,
    taxonomy_code_column,
)

NPPES_FILE_NAME = "npidata_pfile_demo.csv"
ADMIN_FILE_NAME = "admin_directory_demo.csv"

DEFAULT_SEED = 20260101
DEFAULT_AS_OF = date(2026, 12, 1)

# NPIs were first issued in May 2005.
ENUMERATION_FIRST = date(2005, 5, 23)
ENUMERATION_LAST = date(2024, 12, 31)
VERIFICATION_WINDOW_DAYS = 730

# From this many rows on, the first kept rows place one general dentist in each
# of the 58 counties, so that a member in any county finds someone.
COUNTY_COVERAGE_MIN_ROWS = 1000

ORGANIZATION_SHARE = 0.10
NO_PRIMARY_SWITCH_SHARE = 0.02
NINE_DIGIT_ZIP_SHARE = 0.85

# Estimated county populations in thousands, near the 2020 census but not copied
# from it. They only weight where practices are placed, so proportions matter.
COUNTY_POPULATION_THOUSANDS: dict[str, float] = {
    "Alameda": 1682, "Alpine": 1.2, "Amador": 41, "Butte": 212, "Calaveras": 46,
    "Colusa": 22, "Contra Costa": 1166, "Del Norte": 28, "El Dorado": 192, "Fresno": 1009,
    "Glenn": 29, "Humboldt": 136, "Imperial": 180, "Inyo": 19, "Kern": 909, "Kings": 153,
    "Lake": 68, "Lassen": 33, "Los Angeles": 10014, "Madera": 157, "Marin": 262,
    "Mariposa": 17, "Mendocino": 91, "Merced": 281, "Modoc": 9, "Mono": 13,
    "Monterey": 439, "Napa": 138, "Nevada": 103, "Orange": 3186, "Placer": 405,
    "Plumas": 20, "Riverside": 2418, "Sacramento": 1585, "San Benito": 64,
    "San Bernardino": 2181, "San Diego": 3299, "San Francisco": 874, "San Joaquin": 779,
    "San Luis Obispo": 283, "San Mateo": 764, "Santa Barbara": 449, "Santa Clara": 1936,
    "Santa Cruz": 271, "Shasta": 182, "Sierra": 3.2, "Siskiyou": 44, "Solano": 453,
    "Sonoma": 489, "Stanislaus": 552, "Sutter": 100, "Tehama": 65, "Trinity": 16,
    "Tulare": 473, "Tuolumne": 55, "Ventura": 843, "Yolo": 217, "Yuba": 81,
}  # fmt: skip

# Estimated Hispanic share of each county's population, used as the chance that an
# office there lists Spanish. Counties not listed use SPANISH_DEFAULT_SHARE.
SPANISH_SHARE: dict[str, float] = {
    "Imperial": 0.85, "Tulare": 0.66, "Merced": 0.61, "San Benito": 0.61,
    "Monterey": 0.60, "Colusa": 0.60, "Madera": 0.59, "Kern": 0.55, "Kings": 0.56,
    "Fresno": 0.54, "San Bernardino": 0.55, "Riverside": 0.50, "Los Angeles": 0.49,
    "Stanislaus": 0.47, "Santa Barbara": 0.47, "Ventura": 0.43, "Glenn": 0.43,
    "San Joaquin": 0.42, "Napa": 0.35, "Orange": 0.34, "San Diego": 0.34,
    "Santa Cruz": 0.34, "Yolo": 0.32, "Sutter": 0.32, "Sonoma": 0.28, "Yuba": 0.29,
    "Contra Costa": 0.27, "Solano": 0.27, "Santa Clara": 0.25, "Sacramento": 0.24,
    "San Mateo": 0.24, "Alameda": 0.22, "San Francisco": 0.16, "Marin": 0.16,
    "Placer": 0.15,
}  # fmt: skip
SPANISH_DEFAULT_SHARE = 0.12
# Scales the county shares so that, with Hispanic surnames added, about 40% of
# offices statewide list Spanish.
SPANISH_SHARE_SCALE = 0.75

# Other languages offices commonly list, by county: (ISO 639-3 code, chance).
COUNTY_LANGUAGES: dict[str, tuple[tuple[str, float], ...]] = {
    "Los Angeles": (("kor", 0.05), ("hye", 0.05), ("cmn", 0.05), ("tgl", 0.05),
                    ("fas", 0.04), ("yue", 0.03), ("vie", 0.03), ("rus", 0.01)),
    "Orange": (("vie", 0.12), ("kor", 0.06), ("fas", 0.03), ("cmn", 0.03)),
    "San Diego": (("tgl", 0.07), ("vie", 0.04), ("ara", 0.02), ("cmn", 0.02)),
    "Santa Clara": (("vie", 0.10), ("cmn", 0.08), ("yue", 0.04), ("hin", 0.03),
                    ("tgl", 0.03)),
    "Alameda": (("yue", 0.07), ("cmn", 0.07), ("tgl", 0.04), ("vie", 0.03)),
    "San Francisco": (("yue", 0.18), ("cmn", 0.10), ("tgl", 0.04), ("rus", 0.03)),
    "San Mateo": (("cmn", 0.07), ("yue", 0.05), ("tgl", 0.07)),
    "Sacramento": (("rus", 0.06), ("hmn", 0.03), ("vie", 0.04), ("pan", 0.03),
                   ("ukr", 0.02), ("cmn", 0.02)),
    "Fresno": (("hmn", 0.06), ("pan", 0.05), ("khm", 0.01)),
    "San Joaquin": (("pan", 0.06), ("khm", 0.03), ("tgl", 0.03), ("hmn", 0.02)),
    "Sutter": (("pan", 0.12),),
    "Yuba": (("pan", 0.05), ("hmn", 0.04)),
    "Merced": (("hmn", 0.05), ("pan", 0.02)),
    "Butte": (("hmn", 0.03),),
    "Solano": (("tgl", 0.08),),
    "Contra Costa": (("tgl", 0.03), ("cmn", 0.03), ("fas", 0.02)),
    "Riverside": (("tgl", 0.02), ("kor", 0.01)),
    "San Bernardino": (("tgl", 0.02), ("kor", 0.01), ("vie", 0.01)),
    "Ventura": (("tgl", 0.02),),
    "Kern": (("pan", 0.02), ("tgl", 0.01)),
}  # fmt: skip
ASL_SHARE = 0.004

# States whose ZIP codes the out-of-state rows use.
OTHER_STATES = ("NV", "AZ", "OR", "WA", "TX", "NY", "FL", "IL")


@dataclass(frozen=True, slots=True)
class NameGroup:
    """Surnames and given names of one naming tradition, with the language its offices add."""

    weight: float
    surnames: tuple[str, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    languages: tuple[str, ...] = ()


NAME_GROUPS: tuple[NameGroup, ...] = (
    NameGroup(
        40,
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
         "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White",
         "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
         "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
         "Roberts", "O'Brien", "O'Connor", "D'Angelo", "McAllister", "Smith-Jones",
         "St. John", "Van der Berg", "Okafor", "Adeyemi", "Haddad", "Cohen", "Goldberg",
         "Schmidt", "Müller", "Rossi", "Tanaka", "Nakamura", "Yamamoto", "Patel", "Shah",
         "MacDonald", "Fitzgerald", "Løvik", "Brontë"),
        ("Jennifer", "Linda", "Patricia", "Elizabeth", "Sarah", "Emily", "Jessica", "Ashley",
         "Megan", "Rachel", "Laura", "Siobhan", "Zoë", "Renée", "Chloé", "Mary-Kate",
         "Aisha", "Keiko", "Priya"),
        ("James", "Robert", "Michael", "David", "Daniel", "Andrew", "Christopher",
         "Matthew", "John", "William", "Brian", "Seán", "Jean-Luc", "Kenji", "Ravi",
         "Chukwuemeka", "Elias"),
    ),
    NameGroup(
        20,
        ("García", "Garcia", "Rodríguez", "Hernández", "López", "Martinez", "Gonzalez",
         "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz",
         "Cruz", "Morales", "Gutiérrez", "Ortiz", "Chávez", "Castillo", "Vásquez",
         "García-López", "Del Toro", "De la Cruz", "Ibáñez", "Nuñez", "Zúñiga"),
        ("María", "Maria", "Guadalupe", "Ana", "Sofía", "Lucía", "Carmen", "Rosa",
         "Verónica", "Alejandra", "Ximena", "María José"),
        ("José", "Jose", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Ramón", "Arturo",
         "Francisco", "Alejandro", "Juan Carlos"),
        ("spa",),
    ),
    NameGroup(
        7,
        ("Nguyen", "Nguyễn", "Tran", "Trần", "Le", "Lê", "Pham", "Huynh", "Hoang", "Phan",
         "Vu", "Dang", "Bui", "Do", "Ngo", "Duong"),
        ("Lan", "Mai", "Thu", "Linh", "Hanh", "Trang", "Ngọc", "Thảo", "Vy"),
        ("Minh", "Tuan", "Huy", "Dũng", "Khoa", "Long", "Quang", "Thanh", "Bao"),
        ("vie",),
    ),
    NameGroup(
        9,
        ("Wong", "Chan", "Chen", "Li", "Wang", "Zhang", "Liu", "Lam", "Huang", "Lin", "Wu",
         "Zhou", "Ng", "Leung", "Cheung", "Ho", "Tsai", "Kwok"),
        ("Mei", "Ling", "Xiu", "Hui", "Yan", "Jing", "Wing", "Grace", "Winnie"),
        ("Wei", "Jian", "Ming", "Hao", "Kevin", "Tony", "Kwok-Wah", "Zhi", "Jun"),
        ("yue", "cmn"),
    ),
    NameGroup(
        5,
        ("Santos", "Dela Cruz", "Bautista", "Villanueva", "Aquino", "Ramos", "Castro",
         "Domingo", "Manalo", "Pascual", "Tolentino", "Macaraeg", "Dimaculangan"),
        ("Maricel", "Rowena", "Jocelyn", "Maribel", "Cristina", "Rhea", "Liza"),
        ("Jerome", "Rommel", "Arnel", "Jericho", "Paolo", "Ramil", "Noel"),
        ("tgl",),
    ),
    NameGroup(
        5,
        ("Kim", "Park", "Choi", "Jung", "Kang", "Yoon", "Jang", "Lim", "Han", "Shin", "Oh"),
        ("Ji-yeon", "Soo-jin", "Min-ji", "Eun-ji", "Hye-won", "Seo-yeon"),
        ("Min-ho", "Jae-won", "Sung-min", "Dong-hyun", "Joon", "Hyun-woo"),
        ("kor",),
    ),
    NameGroup(
        3,
        ("Petrosyan", "Sargsyan", "Hakobyan", "Grigoryan", "Avetisyan", "Karapetyan",
         "Harutyunyan", "Ter-Petrosyan", "Manukyan", "Der-Bedrossian", "Mardirossian"),
        ("Ani", "Lilit", "Nare", "Anahit", "Tamar", "Armine"),
        ("Aram", "Hovik", "Tigran", "Armen", "Vahe", "Gevorg"),
        ("hye",),
    ),
    NameGroup(
        4,
        ("Singh", "Kaur", "Sandhu", "Gill", "Dhillon", "Sidhu", "Grewal", "Bains", "Johal"),
        ("Harpreet", "Simran", "Jasleen", "Manpreet", "Navneet", "Gurleen"),
        ("Gurpreet", "Harjit", "Jaswinder", "Amandeep", "Rajinder", "Kuldeep"),
        ("pan",),
    ),
    NameGroup(
        3,
        ("Rahimi", "Hosseini", "Karimi", "Mohammadi", "Tehrani", "Moradi", "Jafari",
         "Shahbazian"),
        ("Leila", "Shirin", "Nasrin", "Maryam", "Roya", "Parisa"),
        ("Reza", "Ali", "Dariush", "Kamran", "Babak", "Farhad"),
        ("fas",),
    ),
    NameGroup(
        1.5,
        ("Ivanov", "Petrova", "Smirnov", "Volkov", "Kuznetsova", "Sokolov", "Popescu"),
        ("Olga", "Natalia", "Svetlana", "Irina", "Yelena"),
        ("Dmitri", "Sergei", "Alexei", "Mikhail", "Vladimir"),
        ("rus",),
    ),
    NameGroup(
        1,
        ("Vang", "Xiong", "Lor", "Thao", "Her", "Moua", "Yang", "Lee"),
        ("Yer", "Chia", "Mai Nou", "Pa", "Ka"),
        ("Pao", "Tou", "Chue", "Kou", "Neng"),
        ("hmn",),
    ),
)  # fmt: skip

MIDDLE_NAMES = ("A", "B", "C", "D", "E", "J", "K", "L", "M", "R", "S", "T",
                "Ann", "Marie", "Lee", "James", "Elena", "Thi", "Van", "Xuan")  # fmt: skip
NAME_PREFIXES = ("Dr.", "Dr.", "Dr.", "Ms.", "Mr.", "Mrs.")
NAME_SUFFIXES = ("Jr.", "Sr.", "II", "III")

STREET_NAMES = (
    "Main St", "El Camino Real", "Mission St", "Broadway", "Ventura Blvd", "Wilshire Blvd",
    "Foothill Blvd", "Oak Ave", "Pine St", "Maple Ave", "Olive Ave", "Santa Fe Ave",
    "Pacific Coast Hwy", "Fair Oaks Blvd", "Sunrise Blvd", "Stockton Blvd", "Florin Rd",
    "Blackstone Ave", "Shaw Ave", "Magnolia Ave", "University Ave", "Central Ave",
    "Washington Blvd", "Lincoln Ave", "Palm Ave", "Sierra Hwy", "Valley Blvd", "Grand Ave",
    "Garden Grove Blvd", "Bolsa Ave", "Story Rd", "Tully Rd", "International Blvd",
    "San Pablo Ave", "Geary Blvd", "Clement St", "Brand Blvd", "Colorado Blvd",
    "Avenida de la Plata", "Camino del Río N", "Calle Real", "Via Verde",
    "Dr. Martin Luther King Jr. Blvd", "Cesar E. Chavez Ave", "1st St", "2nd St",
    "3rd Ave", "Harbor Blvd", "Imperial Hwy", "Whittier Blvd",
)  # fmt: skip
SUITE_FORMATS = ("Suite {number}", "Ste {number}", "Ste. {number}", "Unit {letter}",
                 "Bldg {digit}", "# {number}", "Suite {letter}")  # fmt: skip

ORGANIZATION_PATTERNS = (
    "{place} Family Dental Group Inc",
    "{place} Family Dentistry",
    "{surname} Dental Corporation",
    "{surname} & {surname2} DDS Inc",
    "{place} Smiles Dental",
    "{place} Dental Care",
    "{place} Community Dental Clinic",
    "Dr. {surname} & Associates Dental Group",
    "{place} Dental Arts, A Professional Corporation",
    "{surname} Dental Office, Inc.",
    "Golden State Dental Partners of {place}",
    "{place} Valley Dental Center",
)
PEDIATRIC_ORGANIZATION_PATTERNS = (
    "{place} Pediatric Dentistry",
    "Kids' Dental Zone of {place}",
    "{surname} Children's Dental Group",
)
ORTHODONTIC_ORGANIZATION_PATTERNS = (
    "{place} Orthodontics",
    "{surname} Orthodontics Inc",
    "Straight Smiles Orthodontics - {place}",
)
SURGERY_ORGANIZATION_PATTERNS = (
    "{place} Oral & Maxillofacial Surgery",
    "{surname} Oral Surgery Associates",
)
CLINIC_ORGANIZATION_PATTERNS = (
    "{place} Community Health Dental Clinic",
    "Clinica Dental {place}",
    "{place} Free Clinic - Dental",
)

SPECIALTY_ORGANIZATION_PATTERNS: dict[Specialty, tuple[str, ...]] = {
    Specialty.PEDIATRIC: PEDIATRIC_ORGANIZATION_PATTERNS,
    Specialty.ORTHODONTICS: ORTHODONTIC_ORGANIZATION_PATTERNS,
    Specialty.ORAL_SURGERY: SURGERY_ORGANIZATION_PATTERNS,
    Specialty.DENTAL_CLINIC: CLINIC_ORGANIZATION_PATTERNS,
}
REGION_NAMES = ("Valley", "Sierra", "Pacific", "Bay Area", "Golden State", "Coastal", "Sunrise")

# Names with square brackets: the console must print them literally, not as markup.
BRACKET_NAMES = (
    "Smiles [Kids] Dental",
    "[b]Bright[/b] Dental Care",
    "Dental Care [Closed Mondays]",
    "[red]Red Hill[/red] Dentistry",
    "Tooth & Co [LA] Dental Corp",
    "[link=http://127.0.0.1]Happy Teeth[/link] Inc",
    "Family Dental [2nd Location]",
)
BRACKET_NAME_EVERY = 1500

AUTHORIZED_OFFICIAL_TITLES = ("Owner", "President", "CEO", "Office Manager",
                              "Managing Partner", "Dentist/Owner", "Administrator")  # fmt: skip

VERIFICATION_SOURCES = ("phone call", "phone call", "phone call", "office survey",
                        "office survey", "provider portal", "site visit", "email")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Profile:
    """A kind of provider: taxonomy codes, credentials and how often it occurs."""

    weight: float
    specialty: Specialty
    primary_codes: tuple[str, ...]
    # Codes a second or third taxonomy slot may take.
    extra_codes: tuple[str, ...]
    extra_share: float
    credentials: tuple[str, ...]
    license_prefixes: tuple[str, ...]


INDIVIDUAL_PROFILES: tuple[Profile, ...] = (
    Profile(66, Specialty.GENERAL, ("1223G0001X", "122300000X"),
            ("122300000X", "1223G0001X", "1223D0001X", "1223X2210X"), 0.2,
            ("DDS", "DDS", "DDS", "DMD", "DMD", "D.D.S.", "DDS, MS", ""),
            ("DDS ", "DDS ", "", "D ")),
    Profile(7, Specialty.PEDIATRIC, ("1223P0221X",), ("122300000X", "1223G0001X"), 0.4,
            ("DDS", "DMD", "DDS, MS", "DMD, MS"), ("DDS ", "")),
    Profile(5, Specialty.ORTHODONTICS, ("1223X0400X",), ("122300000X",), 0.4,
            ("DDS, MS", "DMD, MS", "DDS", "DMD", "DDS, MSD"), ("DDS ", "")),
    Profile(3.5, Specialty.ORAL_SURGERY, ("1223S0112X",), ("122300000X", "1223D0004X"),
            0.35, ("DDS, MD", "DMD, MD", "DDS", "DMD"), ("DDS ", "")),
    Profile(3, Specialty.ENDODONTICS, ("1223E0200X",), ("122300000X",), 0.3,
            ("DDS", "DMD", "DDS, MS"), ("DDS ", "")),
    Profile(2.5, Specialty.PERIODONTICS, ("1223P0300X",), ("122300000X",), 0.3,
            ("DDS", "DMD", "DDS, MS"), ("DDS ", "")),
    Profile(1.5, Specialty.PROSTHODONTICS, ("1223P0700X",), ("122300000X",), 0.3,
            ("DDS", "DMD", "DDS, MS"), ("DDS ", "")),
    Profile(0.3, Specialty.ANESTHESIOLOGY, ("1223D0004X",), ("122300000X",), 0.5,
            ("DDS", "DMD"), ("DDS ",)),
    Profile(0.2, Specialty.OROFACIAL_PAIN, ("1223X2210X",), ("122300000X",), 0.5,
            ("DDS", "DMD"), ("DDS ",)),
    Profile(0.1, Specialty.ORAL_MEDICINE, ("125Q00000X",), ("122300000X",), 0.5,
            ("DDS", "DMD"), ("DDS ",)),
    Profile(9, Specialty.HYGIENIST, ("124Q00000X",), (), 0.0,
            ("RDH", "RDH", "RDHAP", "RDH, BS", ""), ("RDH ", "", "RDHAP ")),
)  # fmt: skip

ORGANIZATION_PROFILES: tuple[Profile, ...] = (
    Profile(60, Specialty.GENERAL, ("122300000X", "1223G0001X"), ("1223G0001X",), 0.15,
            ("",), ("",)),
    Profile(15, Specialty.DENTAL_CLINIC, ("261QD0000X",), ("122300000X",), 0.3,
            ("",), ("",)),
    Profile(10, Specialty.PEDIATRIC, ("1223P0221X",), ("122300000X",), 0.3, ("",), ("",)),
    Profile(8, Specialty.ORTHODONTICS, ("1223X0400X",), ("122300000X",), 0.2, ("",), ("",)),
    Profile(5, Specialty.ORAL_SURGERY, ("1223S0112X",), ("1223D0004X",), 0.3, ("",), ("",)),
    Profile(2, Specialty.GENERAL, ("1223G0001X",), ("1223P0221X", "1223X0400X"), 1.0,
            ("",), ("",)),
)  # fmt: skip

# Non-dental providers a California dental import must skip: (taxonomy code, credential).
NON_DENTAL_INDIVIDUALS = (
    ("207Q00000X", "MD"), ("207Q00000X", "DO"), ("363L00000X", "NP"),
    ("363LF0000X", "FNP"), ("207R00000X", "MD"), ("208D00000X", "MD"),
    ("152W00000X", "OD"), ("1041C0700X", "LCSW"), ("183500000X", "PharmD"),
    ("225100000X", "DPT"), ("2084P0800X", "MD"), ("363A00000X", "PA-C"),
)  # fmt: skip
NON_DENTAL_ORGANIZATIONS = (
    ("261QF0400X", "{place} Community Health Center"),
    ("261QP2300X", "{place} Primary Care Clinic"),
    ("332B00000X", "{place} Medical Supply Inc"),
    ("282N00000X", "{place} Regional Hospital"),
    ("333600000X", "{place} Pharmacy"),
)


# Chance that a provider of each specialty has the admin flag; admin_row gives
# the chance for other specialties.
SEDATION_SHARE: dict[Specialty, float] = {
    Specialty.ORAL_SURGERY: 0.9,
    Specialty.ANESTHESIOLOGY: 1.0,
    Specialty.PEDIATRIC: 0.5,
    Specialty.DENTAL_CLINIC: 0.15,
}
GENERAL_ANESTHESIA_SHARE: dict[Specialty, float] = {
    Specialty.ORAL_SURGERY: 0.85,
    Specialty.ANESTHESIOLOGY: 1.0,
    Specialty.PEDIATRIC: 0.1,
}
HOSPITAL_SHARE: dict[Specialty, float] = {
    Specialty.ORAL_SURGERY: 0.8,
    Specialty.ANESTHESIOLOGY: 0.9,
    Specialty.PEDIATRIC: 0.3,
    Specialty.DENTAL_CLINIC: 0.1,
}
DISABILITY_EXPERIENCE_SHARE: dict[Specialty, float] = {
    Specialty.PEDIATRIC: 0.6,
    Specialty.ANESTHESIOLOGY: 0.7,
    Specialty.DENTAL_CLINIC: 0.4,
}


@dataclass(frozen=True, slots=True)
class Place:
    """A real standard ZIP code with the city, county and area codes it belongs to."""

    zip5: str
    city: str
    state: str
    county: str
    area_codes: tuple[str, ...]


def load_places(state: str) -> list[Place]:
    """Load the STANDARD ZIP codes of `state` that have coordinates, a county and area codes."""
    places: list[Place] = []
    for row in zipcodes.filter_by(state=state):
        if row.get("zip_code_type") != "STANDARD" or not row.get("lat"):
            continue
        county_text = row.get("county") or ""
        county = county_name(county_text) if state == "CA" else county_text
        if not county:
            continue
        area_codes = tuple(code for code in row.get("area_codes") or () if len(code) == 3)
        if not area_codes:
            continue
        places.append(
            Place(
                zip5=row["zip_code"],
                city=row["city"],
                state=state,
                county=county,
                area_codes=area_codes,
            )
        )
    return places


def cumulative(weights: Sequence[float]) -> list[float]:
    totals: list[float] = []
    running = 0.0
    for weight in weights:
        running += weight
        totals.append(running)
    return totals


T = TypeVar("T")


class WeightedChoice(Generic[T]):
    """Picks items by weight with one random number and a binary search."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ValueError("items and weights must be non-empty and of equal length")
        self.items = list(items)
        self.totals = cumulative(weights)
        self.total = self.totals[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect_right(self.totals, rng.random() * self.total)]


COLUMN: dict[str, int] = {name: position for position, name in enumerate(NPPES_HEADERS)}
TAXONOMY_COLUMNS: tuple[tuple[int, int, int, int], ...] = tuple(
    (
        COLUMN[taxonomy_code_column(slot)],
        COLUMN[license_number_column(slot)],
        COLUMN[license_state_column(slot)],
        COLUMN[primary_switch_column(slot)],
    )
    for slot in range(1, TAXONOMY_SLOTS + 1)
)


def address_columns(kind: str) -> tuple[int, ...]:
    """Return the positions of the eight address columns of `kind`, in file order.

    The order is line 1, line 2, city, state, postal code, country, phone, fax.
    """
    positions = tuple(
        position for position, name in enumerate(NPPES_HEADERS) if f"Business {kind} " in name
    )
    if len(positions) != 8:
        raise RuntimeError(f"expected 8 {kind} address columns, found {len(positions)}")
    return positions


MAILING_COLUMNS = address_columns("Mailing")
PRACTICE_COLUMNS = address_columns("Practice Location")
_EXPECTED_PRACTICE_ORDER = (
    PRACTICE_ADDRESS_1,
    PRACTICE_ADDRESS_2,
    PRACTICE_CITY,
    PRACTICE_STATE,
    PRACTICE_POSTAL_CODE,
    "Provider Business Practice Location Address Country Code (If outside U.S.)",
    PRACTICE_PHONE,
    PRACTICE_FAX,
)
if tuple(NPPES_HEADERS[position] for position in PRACTICE_COLUMNS) != _EXPECTED_PRACTICE_ORDER:
    raise RuntimeError("the practice address columns are not in the order Address.cells uses")

# Kept rows must stay dental if the taxonomy table changes.
_PROFILE_CODES = {
    code
    for profile in (*INDIVIDUAL_PROFILES, *ORGANIZATION_PROFILES)
    for code in (*profile.primary_codes, *profile.extra_codes)
}
_NOT_DENTAL = _PROFILE_CODES - DENTAL_TAXONOMY.keys()
if _NOT_DENTAL:
    raise RuntimeError(f"profiles use codes missing from DENTAL_TAXONOMY: {sorted(_NOT_DENTAL)}")


@dataclass
class Counts:
    """Rows written so far, by what a California dental import does with them."""

    rows: int = 0
    kept: int = 0
    not_dental: int = 0
    other_state: int = 0
    deactivated: int = 0


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    line2: str
    place: Place
    postal_code: str
    phone: str
    fax: str

    def cells(self) -> tuple[str, ...]:
        """Return the eight NPPES address cells, in the order of `address_columns`."""
        return (
            self.line1,
            self.line2,
            self.place.city,
            self.place.state,
            self.postal_code,
            "US",
            self.phone,
            self.fax,
        )


@dataclass
class DentalRow:
    """An NPPES row of a dental provider, with what its admin row is derived from."""

    values: list[str]
    specialty: Specialty
    place: Place
    enumeration_offset: int
    surname_languages: tuple[str, ...] = field(default_factory=tuple)


class DirectoryGenerator:
    """Builds NPPES rows and admin rows from one random generator, so a seed fixes both files."""

    def __init__(
        self,
        rng: random.Random,
        as_of: date,
        california: list[Place],
        other_states: list[Place],
    ) -> None:
        self.rng = rng
        self.template = [""] * len(NPPES_HEADERS)
        self.other_state_places = other_states

        self.places_by_county: dict[str, list[Place]] = {}
        for place in california:
            self.places_by_county.setdefault(place.county, []).append(place)
        missing = sorted(set(CALIFORNIA_COUNTIES) - set(self.places_by_county))
        if missing:
            raise RuntimeError(f"no standard ZIP code found for county(ies) {', '.join(missing)}")
        counties = sorted(self.places_by_county)
        self.counties = WeightedChoice(
            counties, [COUNTY_POPULATION_THOUSANDS[county] for county in counties]
        )
        self.coverage_counties = list(counties)
        rng.shuffle(self.coverage_counties)

        self.name_groups = WeightedChoice(NAME_GROUPS, [group.weight for group in NAME_GROUPS])
        self.individual_profiles = WeightedChoice(
            INDIVIDUAL_PROFILES, [profile.weight for profile in INDIVIDUAL_PROFILES]
        )
        self.organization_profiles = WeightedChoice(
            ORGANIZATION_PROFILES, [profile.weight for profile in ORGANIZATION_PROFILES]
        )
        self.accepting = WeightedChoice(
            [
                AcceptingPatients.ACCEPTING.value,
                AcceptingPatients.EXISTING_ONLY.value,
                AcceptingPatients.EXISTING_AND_FAMILY.value,
                AcceptingPatients.NOT_ACCEPTING.value,
            ],
            [75, 10, 8, 7],
        )

        # Every day from the first enumeration to the reference date is formatted once
        # here, and rows look dates up by day offset instead of formatting them.
        days = (as_of - ENUMERATION_FIRST).days + 1
        self.nppes_dates = [
            (ENUMERATION_FIRST + timedelta(days=offset)).strftime("%m/%d/%Y")
            for offset in range(days)
        ]
        self.iso_dates = [
            (ENUMERATION_FIRST + timedelta(days=offset)).isoformat() for offset in range(days)
        ]
        self.enumeration_span = (ENUMERATION_LAST - ENUMERATION_FIRST).days
        self.last_offset = days - 2  # the day before the reference date

        self.row_index = 0
        self.organization_index = 0
        self.kept_index = 0

    # Identity

    def next_npi(self, entity_type: str) -> str:
        # Multiplying by a number coprime with 10**8 maps row numbers one-to-one onto
        # eight-digit suffixes, so NPIs are unique without looking sequential.
        suffix = (self.row_index * 61_803_399 + 27_182_818) % 100_000_000
        self.row_index += 1
        prefix = "1" if entity_type == "1" or self.rng.random() < 0.5 else "2"
        return make_npi(f"{prefix}{suffix:08d}")

    def pick_person(self) -> tuple[str, str, str, str, NameGroup]:
        """Pick (last, first, middle, sex code, name group) for an invented person."""
        rng = self.rng
        group = self.name_groups.pick(rng)
        roll = rng.random()
        if roll < 0.52:
            sex, given_names = "F", group.female
        elif roll < 0.99:
            sex, given_names = "M", group.male
        else:
            sex, given_names = "U", rng.choice((group.female, group.male))
        # Some people have a given name from another naming tradition.
        if rng.random() < 0.15:
            other = self.name_groups.pick(rng)
            given_names = other.female if given_names is group.female else other.male
        middle = rng.choice(MIDDLE_NAMES) if rng.random() < 0.4 else ""
        return rng.choice(group.surnames), rng.choice(given_names), middle, sex, group

    def fill_dates(self, values: list[str]) -> int:
        """Fill enumeration and last update dates; return the enumeration day offset."""
        rng = self.rng
        enumerated = rng.randrange(self.enumeration_span + 1)
        # The square root skews last updates toward recent years.
        updated = enumerated + int((self.last_offset - enumerated) * rng.random() ** 0.5)
        values[COLUMN["Provider Enumeration Date"]] = self.nppes_dates[enumerated]
        values[COLUMN["Last Update Date"]] = self.nppes_dates[updated]
        return enumerated

    # Addresses

    def pick_california_place(self) -> Place:
        county = self.counties.pick(self.rng)
        return self.rng.choice(self.places_by_county[county])

    def postal_code(self, place: Place) -> str:
        if self.rng.random() < NINE_DIGIT_ZIP_SHARE:
            return f"{place.zip5}{self.rng.randrange(1, 10000):04d}"
        return place.zip5

    def phone_number(self, place: Place) -> str:
        # 555-0100 to 555-0199 are reserved for fiction in every area code, so no
        # demo number reaches a real subscriber. Numbers repeat across providers.
        rng = self.rng
        return f"{rng.choice(place.area_codes)}5550{rng.randrange(100, 200):03d}"

    def street_address(self, place: Place) -> Address:
        rng = self.rng
        line1 = f"{rng.randrange(1, 30000)} {rng.choice(STREET_NAMES)}"
        line2 = ""
        if rng.random() < 0.3:
            line2 = rng.choice(SUITE_FORMATS).format(
                number=rng.randrange(100, 500),
                letter=rng.choice("ABCDEFG"),
                digit=rng.randrange(1, 9),
            )
        phone = self.phone_number(place)
        fax = self.phone_number(place) if rng.random() < 0.6 else ""
        return Address(line1, line2, place, self.postal_code(place), phone, fax)

    def mailing_address(self, practice: Address, california: bool) -> Address:
        """Pick the mailing address: mostly the practice, else a PO box or a billing office."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.70:
            return practice
        if roll < 0.85:
            return Address(
                f"PO Box {rng.randrange(1, 20000)}",
                "",
                practice.place,
                self.postal_code(practice.place),
                practice.phone,
                practice.fax,
            )
        place = self.pick_california_place() if california else practice.place
        return self.street_address(place)

    @staticmethod
    def fill_address(values: list[str], columns: tuple[int, ...], address: Address) -> None:
        for position, cell in zip(columns, address.cells(), strict=True):
            values[position] = cell

    # Names

    def fill_individual_name(self, values: list[str], credential: str) -> NameGroup:
        rng = self.rng
        last, first, middle, sex, group = self.pick_person()
        values[COLUMN["Entity Type Code"]] = "1"
        values[COLUMN["Provider Last Name (Legal Name)"]] = last
        values[COLUMN["Provider First Name"]] = first
        values[COLUMN["Provider Middle Name"]] = middle
        if rng.random() < 0.3:
            values[COLUMN["Provider Name Prefix Text"]] = rng.choice(NAME_PREFIXES)
        if rng.random() < 0.02:
            values[COLUMN["Provider Name Suffix Text"]] = rng.choice(NAME_SUFFIXES)
        values[COLUMN["Provider Credential Text"]] = credential
        values[COLUMN["Provider Sex Code"]] = sex
        return group

    def organization_name(self, patterns: Sequence[str], place: Place) -> str:
        rng = self.rng
        self.organization_index += 1
        if self.organization_index % BRACKET_NAME_EVERY == 5:
            position = self.organization_index // BRACKET_NAME_EVERY % len(BRACKET_NAMES)
            return BRACKET_NAMES[position]
        group = self.name_groups.pick(rng)
        place_name = place.city if rng.random() < 0.7 else rng.choice(REGION_NAMES)
        return rng.choice(patterns).format(
            place=place_name,
            surname=rng.choice(group.surnames),
            surname2=rng.choice(group.surnames),
        )

    def fill_organization(self, values: list[str], name: str, place: Place) -> None:
        rng = self.rng
        values[COLUMN["Entity Type Code"]] = "2"
        values[COLUMN["Provider Organization Name (Legal Business Name)"]] = name
        last, first, middle, _sex, _group = self.pick_person()
        values[COLUMN["Authorized Official Last Name"]] = last
        values[COLUMN["Authorized Official First Name"]] = first
        values[COLUMN["Authorized Official Middle Name"]] = middle
        values[COLUMN["Authorized Official Title or Position"]] = rng.choice(
            AUTHORIZED_OFFICIAL_TITLES
        )
        values[COLUMN["Authorized Official Telephone Number"]] = self.phone_number(place)
        values[COLUMN["Is Organization Subpart"]] = "N" if rng.random() < 0.8 else "Y"

    # Taxonomy slots

    def fill_taxonomies(
        self, values: list[str], profile: Profile, license_number: str, license_state: str
    ) -> None:
        rng = self.rng
        codes = [rng.choice(profile.primary_codes)]
        if profile.extra_codes and rng.random() < profile.extra_share:
            candidates = [code for code in profile.extra_codes if code != codes[0]]
            extra_count = 1 if rng.random() < 0.7 else 2
            codes.extend(rng.sample(candidates, min(extra_count, len(candidates))))
        primary = codes[0]
        # The primary code is not always in slot 1, so readers must use the switch.
        if len(codes) > 1 and rng.random() < 0.3:
            rng.shuffle(codes)
        no_primary = rng.random() < NO_PRIMARY_SWITCH_SHARE
        for code, (code_at, license_at, state_at, switch_at) in zip(
            codes, TAXONOMY_COLUMNS, strict=False
        ):
            values[code_at] = code
            values[license_at] = license_number
            values[state_at] = license_state
            values[switch_at] = "Y" if code == primary and not no_primary else "N"

    def license_number(self, profile: Profile) -> str:
        rng = self.rng
        if profile.specialty is Specialty.HYGIENIST:
            digits = rng.randrange(10000, 140000)
        else:
            digits = rng.randrange(20000, 110000)
        return f"{rng.choice(profile.license_prefixes)}{digits}"

    # Whole rows

    def dental_row(
        self, place: Place, profile: Profile | None = None, organization: bool | None = None
    ) -> DentalRow:
        """Build the NPPES row of a dental provider practicing at `place`."""
        rng = self.rng
        if organization is None:
            organization = rng.random() < ORGANIZATION_SHARE
        values = self.template.copy()
        values[COLUMN["NPI"]] = self.next_npi("2" if organization else "1")
        enumeration_offset = self.fill_dates(values)
        surname_languages: tuple[str, ...] = ()
        if organization:
            profile = profile or self.organization_profiles.pick(rng)
            patterns = SPECIALTY_ORGANIZATION_PATTERNS.get(profile.specialty, ORGANIZATION_PATTERNS)
            self.fill_organization(values, self.organization_name(patterns, place), place)
            self.fill_taxonomies(values, profile, "", "")
        else:
            profile = profile or self.individual_profiles.pick(rng)
            group = self.fill_individual_name(values, rng.choice(profile.credentials))
            surname_languages = group.languages
            self.fill_taxonomies(values, profile, self.license_number(profile), place.state)
        practice = self.street_address(place)
        mailing = self.mailing_address(practice, california=place.state == "CA")
        self.fill_address(values, PRACTICE_COLUMNS, practice)
        self.fill_address(values, MAILING_COLUMNS, mailing)
        return DentalRow(values, profile.specialty, place, enumeration_offset, surname_languages)

    def not_dental_row(self, place: Place) -> list[str]:
        """Build the row of a California provider with only non-dental taxonomy codes."""
        rng = self.rng
        values = self.template.copy()
        organization = rng.random() < 0.15
        values[COLUMN["NPI"]] = self.next_npi("2" if organization else "1")
        self.fill_dates(values)
        code_at, license_at, state_at, switch_at = TAXONOMY_COLUMNS[0]
        if organization:
            code, pattern = rng.choice(NON_DENTAL_ORGANIZATIONS)
            self.fill_organization(values, pattern.format(place=place.city), place)
        else:
            code, credential = rng.choice(NON_DENTAL_INDIVIDUALS)
            self.fill_individual_name(values, credential)
            values[license_at] = f"{rng.choice('ACG')}{rng.randrange(10000, 200000)}"
            values[state_at] = "CA"
        values[code_at] = code
        values[switch_at] = "Y"
        practice = self.street_address(place)
        self.fill_address(values, PRACTICE_COLUMNS, practice)
        self.fill_address(values, MAILING_COLUMNS, self.mailing_address(practice, california=True))
        return values

    def other_state_row(self) -> list[str]:
        """Build a dental provider row whose practice location is outside California."""
        place = self.rng.choice(self.other_state_places)
        row = self.dental_row(place)
        # Some practices across the border keep a California mailing address.
        if self.rng.random() < 0.3:
            mailing = self.street_address(self.pick_california_place())
            self.fill_address(row.values, MAILING_COLUMNS, mailing)
        return row.values

    def deactivated_row(self) -> list[str]:
        """Build the row of a deactivated California dental NPI, with no reactivation."""
        rng = self.rng
        row = self.dental_row(self.pick_california_place())
        values = row.values
        earliest = min(row.enumeration_offset + 365, self.last_offset)
        deactivated = rng.randrange(earliest, self.last_offset + 1)
        # NOTE: the monthly file is believed to blank every field of a deactivated NPI
        # except the NPI and deactivation date, but this was not checked against a
        # current file. Half the rows keep their details, so an importer must check the
        # deactivation date itself.
        if rng.random() < 0.5:
            values = self.template.copy()
            values[COLUMN["NPI"]] = row.values[COLUMN["NPI"]]
        values[COLUMN["NPI Deactivation Date"]] = self.nppes_dates[deactivated]
        if values[COLUMN["Last Update Date"]]:
            values[COLUMN["Last Update Date"]] = self.nppes_dates[deactivated]
        return values

    # Admin CSV

    def admin_row(self, row: DentalRow) -> list[str]:
        """Build the admin CSV row of a kept dental provider, in ADMIN_COLUMNS order."""
        rng = self.rng
        specialty = row.specialty
        self.kept_index += 1

        languages = self.pick_languages(row)
        if rng.random() < 0.9:
            language_text = ";".join(
                "ASL" if code == "ase" else LANGUAGE_BY_CODE[code].name for code in languages
            )
        else:
            language_text = ";".join(languages)

        if specialty is Specialty.PEDIATRIC:
            age_min, age_max = (0, 18) if rng.random() < 0.55 else (0, 20)
        else:
            roll = rng.random()
            age_min = 18
            if roll < 0.6:
                age_min = 0
            elif roll < 0.85:
                age_min = 3
            age_max = 130

        def flag(chance: float) -> str:
            return "Y" if rng.random() < chance else "N"

        hygienist = specialty is Specialty.HYGIENIST
        wheelchair = flag(0.8)
        sedation = "N" if hygienist else flag(SEDATION_SHARE.get(specialty, 0.06))
        anesthesia = "N" if hygienist else flag(GENERAL_ANESTHESIA_SHARE.get(specialty, 0.015))
        hospital = "N" if hygienist else flag(HOSPITAL_SHARE.get(specialty, 0.04))
        disability = flag(DISABILITY_EXPERIENCE_SHARE.get(specialty, 0.2))
        # Offices that did not answer every question leave those cells empty.
        if rng.random() < 0.04:
            wheelchair = hospital = disability = ""

        enrolled = rng.random() < 0.88
        # 7919 is coprime with 900000, so numbers stay unique up to 900,000 rows.
        provider_number = (
            f"{(self.kept_index * 7919 + 104729) % 900_000 + 100_000}" if enrolled else ""
        )
        verified = self.last_offset + 1 - rng.randrange(1, VERIFICATION_WINDOW_DAYS + 1)
        return [
            row.values[COLUMN["NPI"]],
            language_text,
            self.accepting.pick(rng),
            wheelchair,
            sedation,
            anesthesia,
            hospital,
            str(age_min),
            str(age_max),
            disability,
            "Y" if enrolled else "N",
            provider_number,
            self.iso_dates[verified],
            rng.choice(VERIFICATION_SOURCES),
        ]

    def pick_languages(self, row: DentalRow) -> list[str]:
        """Pick the ISO 639-3 codes of the languages an office lists, English first."""
        rng = self.rng
        county = row.place.county
        codes: list[str] = []
        if rng.random() < 0.98:
            codes.append("eng")
        spanish = SPANISH_SHARE.get(county, SPANISH_DEFAULT_SHARE) * SPANISH_SHARE_SCALE
        if "spa" in row.surname_languages:
            spanish = 0.85
        if rng.random() < spanish:
            codes.append("spa")
        if row.surname_languages:
            surname_language = rng.choice(row.surname_languages)
            if surname_language not in codes and rng.random() < 0.7:
                codes.append(surname_language)
        for code, chance in COUNTY_LANGUAGES.get(county, ()):
            if code not in codes and rng.random() < chance:
                codes.append(code)
        if rng.random() < ASL_SHARE:
            codes.append("ase")
        return codes or ["eng"]


# Kinds of skipped rows and their weights. Most skipped rows are non-dental, because
# most of the national file is providers of other specialties.
SKIPPED_KINDS = WeightedChoice(["not-dental", "other-state", "deactivated"], [55, 25, 20])


def is_other_row(index: int, providers: int, other_rows: int) -> bool:
    """Spread `other_rows` skipped rows evenly over `providers` rows."""
    return (index + 1) * other_rows // providers > index * other_rows // providers


def write_demo_files(
    providers: int, out_dir: Path, seed: int, other_fraction: float, as_of: date
) -> Counts:
    """Write both demo files into `out_dir` and return how many rows of each kind were written."""
    rng = random.Random(seed)
    california = load_places("CA")
    other_states = [place for state in OTHER_STATES for place in load_places(state)]
    generator = DirectoryGenerator(rng, as_of, california, other_states)

    other_rows = round(providers * other_fraction)
    coverage = generator.coverage_counties if providers >= COUNTY_COVERAGE_MIN_ROWS else []
    general_dentist = INDIVIDUAL_PROFILES[0]
    counts = Counts()

    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        (out_dir / NPPES_FILE_NAME).open("w", newline="", encoding="utf-8") as nppes_file,
        (out_dir / ADMIN_FILE_NAME).open("w", newline="", encoding="utf-8") as admin_file,
    ):
        nppes = csv.writer(nppes_file, quoting=csv.QUOTE_ALL)
        admin = csv.writer(admin_file)
        nppes.writerow(NPPES_HEADERS)
        admin.writerow(ADMIN_COLUMNS)
        for index in range(providers):
            counts.rows += 1
            if other_rows and is_other_row(index, providers, other_rows):
                kind = SKIPPED_KINDS.pick(rng)
                if kind == "not-dental":
                    counts.not_dental += 1
                    nppes.writerow(generator.not_dental_row(generator.pick_california_place()))
                elif kind == "other-state":
                    counts.other_state += 1
                    nppes.writerow(generator.other_state_row())
                else:
                    counts.deactivated += 1
                    nppes.writerow(generator.deactivated_row())
                continue

            if counts.kept < len(coverage):
                county = coverage[counts.kept]
                place = rng.choice(generator.places_by_county[county])
                row = generator.dental_row(place, general_dentist, organization=False)
            else:
                row = generator.dental_row(generator.pick_california_place())
            counts.kept += 1
            nppes.writerow(row.values)
            admin.writerow(generator.admin_row(row))
    return counts


# Members


MEMBERS_FILE_NAME = "members_demo.csv"

# Birth dates run from 1930 through 2024. MINOR_SHARE of members are under 18 on
# the reference date, an estimate of the share of children among Medi-Cal members.
MEMBER_BIRTH_FIRST = date(1930, 1, 1)
MEMBER_BIRTH_LAST = date(2024, 12, 31)
MINOR_SHARE = 0.35
ADULT_AGE = 18

# CINs are "9", seven digits and a letter that county documents allow in the last
# place. Multiplying the member number by CIN_STEP, which is coprime with
# CIN_SPACE, maps member numbers one-to-one onto CINs that do not look sequential.
CIN_LETTERS = "ACDEFGHMNTUVWXYZ"
CIN_SPACE = 10_000_000 * len(CIN_LETTERS)
CIN_STEP = 7_654_321
CIN_OFFSET = 1_234_567
# Frozen CINs take member numbers after the last member, so they never repeat a
# member's CIN. MAX_MEMBERS leaves room for them.
MAX_MEMBERS = 100_000_000

# Weights of the NAME_GROUPS for members, in the same order. About half of
# Medi-Cal members are Hispanic (an estimate), which with MEMBER_LANGUAGE_SHARE
# makes about 40% of members prefer Spanish.
MEMBER_NAME_WEIGHTS = (28, 48, 5, 6, 3, 2.5, 2, 2, 1.5, 1, 1)
# Chance that a member whose surname comes from a group with this language prefers it.
MEMBER_LANGUAGE_SHARE: dict[str, float] = {
    "spa": 0.8, "vie": 0.6, "yue": 0.6, "cmn": 0.6, "tgl": 0.25, "kor": 0.55,
    "hye": 0.5, "pan": 0.4, "fas": 0.45, "rus": 0.5, "hmn": 0.6,
}  # fmt: skip
# Chance that a member whose surname has no such language prefers Spanish.
OTHER_SPANISH_SHARE = 0.03
MEMBER_ASL_SHARE = 0.003
LANGUAGE_AS_CODE_SHARE = 0.2
INTERPRETER_SHARE = 0.85
TTY_SHARE = 0.005
SECOND_LAST_NAME_SHARE = 0.45  # of members with a Spanish surname
MEMBER_MIDDLE_NAME_SHARE = 0.3

# Each special need is drawn on its own, so a member may have several.
SPECIAL_NEED_SHARES: tuple[tuple[SpecialNeed, float], ...] = (
    (SpecialNeed.DEVELOPMENTAL, 0.10), (SpecialNeed.PHYSICAL, 0.08),
    (SpecialNeed.MENTAL, 0.05), (SpecialNeed.BEHAVIORAL, 0.03), (SpecialNeed.SENSORY, 0.03),
    (SpecialNeed.COGNITIVE, 0.02), (SpecialNeed.EMOTIONAL, 0.02),
)  # fmt: skip
ACCOMMODATIONS: dict[SpecialNeed, tuple[str, ...]] = {
    SpecialNeed.PHYSICAL: ("wheelchair user", "uses a walker; needs a ground-floor office",
                           "needs a transfer board, assistance with transfers"),
    SpecialNeed.DEVELOPMENTAL: ("may need sedation for treatment", "prefers a quiet waiting "
                                "area, short appointments", "caregiver attends every visit"),
    SpecialNeed.SENSORY: ("low vision: large-print letters", "hard of hearing: face the "
                          "member when speaking"),
    SpecialNeed.BEHAVIORAL: ("morning appointments only", "needs extra time to settle"),
}  # fmt: skip
ACCOMMODATION_SHARE = 0.5  # of members with a need listed in ACCOMMODATIONS

# Delivery system by county: (system, chance). Other members are fee-for-service.
DELIVERY_BY_COUNTY: dict[str, tuple[DeliverySystem, float]] = {
    "Sacramento": (DeliverySystem.DENTAL_MANAGED_CARE_SACRAMENTO, 0.7),
    "Los Angeles": (DeliverySystem.DENTAL_MANAGED_CARE_LOS_ANGELES, 0.12),
    "San Mateo": (DeliverySystem.HEALTH_PLAN_OF_SAN_MATEO, 0.95),
}
# Invented plan names.
DEMO_DENTAL_PLANS: dict[DeliverySystem, tuple[str, ...]] = {
    DeliverySystem.DENTAL_MANAGED_CARE_SACRAMENTO: ("Capitol Smiles Dental Plan",
                                                    "River City Dental HMO"),
    DeliverySystem.DENTAL_MANAGED_CARE_LOS_ANGELES: ("Angeles Basin Dental Plan",
                                                     "Pacific Crest Dental HMO"),
    DeliverySystem.HEALTH_PLAN_OF_SAN_MATEO: ("Health Plan of San Mateo",),
}  # fmt: skip

# Representatives: parents of some minors, some adults' guardians, conservators
# and agents, and a few authorities that have ended.
PARENT_SHARE = 0.18  # of minors
ENDED_PARENT_SHARE = 0.05  # of members aged 18 to 20: the authority ended at 18
ADULT_REPRESENTATIVE_SHARE = 0.04
DEVELOPMENTAL_CONSERVATOR_SHARE = 0.3  # of adults with a developmental need
ADULT_AUTHORITIES = WeightedChoice(
    [
        (AuthorityBasis.GUARDIAN, "legal guardian"),
        (AuthorityBasis.CONSERVATOR, "conservator"),
        (AuthorityBasis.POWER_OF_ATTORNEY, "daughter"),
        (AuthorityBasis.POWER_OF_ATTORNEY, "son"),
        (AuthorityBasis.POWER_OF_ATTORNEY, "spouse"),
        (AuthorityBasis.AUTHORIZED_REPRESENTATIVE, "case worker"),
        (AuthorityBasis.AUTHORIZED_REPRESENTATIVE, "friend"),
    ],
    [15, 20, 20, 15, 10, 10, 10],
)
PARENT_RELATIONSHIPS = WeightedChoice(["mother", "father", "grandmother", "aunt"], [60, 30, 7, 3])
FROZEN_CIN_SHARE = 0.05
SECOND_FROZEN_CIN_SHARE = 0.1  # of members with a frozen CIN
BIC_ID_SHARE = 0.02  # rows whose cin column has the 14-character BIC ID

PHONE_COUNTS = WeightedChoice([0, 1, 2, 3], [3, 55, 35, 7])
PHONE_FORMATS = ("{a}-{b}-{c}", "({a}) {b}-{c}", "{a}{b}{c}", "{a}.{b}.{c}", "+1 {a} {b} {c}")
UNIT_FORMATS = ("Apt {number}", "Apt. {number}", "Unit {letter}", "# {number}", "Spc {number}")

MEMBER_COLUMN_ORDER = (
    "cin", "first_name", "middle_name", "last_name", "second_last_name", "birth_date",
    "phones", "residence_line1", "residence_line2", "residence_city", "residence_zip",
    "mailing_line1", "mailing_line2", "mailing_city", "mailing_zip", "county",
    "spoken_language", "written_language", "interpreter_needed", "tty_relay",
    "sign_language", "delivery_system", "dental_plan", "special_needs", "accommodations",
    "frozen_cins", "representative_name", "representative_relationship",
    "representative_authority", "representative_phone", "representative_starts_on",
    "representative_ends_on",
)  # fmt: skip
if tuple(MEMBER_COLUMNS) != MEMBER_COLUMN_ORDER:
    raise RuntimeError("MEMBER_COLUMN_ORDER no longer matches MEMBER_COLUMNS")


def demo_cin(number: int) -> str:
    """Return the CIN of member number `number` (0 to CIN_SPACE - 1), unique per number."""
    value = (number * CIN_STEP + CIN_OFFSET) % CIN_SPACE
    return f"9{value // len(CIN_LETTERS):07d}{CIN_LETTERS[value % len(CIN_LETTERS)]}"


def add_years(day: date, years: int) -> date:
    """Return the same calendar day `years` later; February 29 becomes March 1."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


@dataclass
class MemberCounts:
    rows: int = 0
    minors: int = 0
    with_representative: int = 0
    with_frozen_cin: int = 0


class MemberGenerator:
    """Builds members CSV rows, in MEMBER_COLUMNS order, from its own random generator."""

    def __init__(self, rng: random.Random, as_of: date, members: int) -> None:
        self.rng = rng
        self.as_of = as_of
        self.members = members
        self.frozen_number = members

        places = load_places("CA")
        self.places_by_county: dict[str, list[Place]] = {}
        for place in places:
            self.places_by_county.setdefault(place.county, []).append(place)
        counties = sorted(self.places_by_county)
        self.counties = WeightedChoice(
            counties, [COUNTY_POPULATION_THOUSANDS[county] for county in counties]
        )
        self.name_groups = WeightedChoice(NAME_GROUPS, MEMBER_NAME_WEIGHTS)

        # Every birth day is formatted once, and rows pick days by offset.
        days = (MEMBER_BIRTH_LAST - MEMBER_BIRTH_FIRST).days + 1
        self.birth_days = [MEMBER_BIRTH_FIRST + timedelta(days=offset) for offset in range(days)]
        self.birth_texts = [day.strftime("%m/%d/%Y") for day in self.birth_days]
        # Members born on or after this offset are under 18 on the reference date.
        adult_born_by = add_years(as_of, -ADULT_AGE)
        self.minor_from = max(0, min(days - 1, (adult_born_by - MEMBER_BIRTH_FIRST).days + 1))
        self.counts = MemberCounts()

    def row(self, number: int) -> list[str]:
        rng = self.rng
        self.counts.rows += 1
        group = self.name_groups.pick(rng)
        first, middle, last, second_last = self.member_name(group)

        if rng.random() < MINOR_SHARE:
            offset = rng.randrange(self.minor_from, len(self.birth_days))
        else:
            offset = rng.randrange(0, self.minor_from)
        birth = self.birth_days[offset]
        minor = offset >= self.minor_from
        self.counts.minors += minor

        county = self.counties.pick(rng)
        place = rng.choice(self.places_by_county[county])
        residence_line1 = f"{rng.randrange(1, 30000)} {rng.choice(STREET_NAMES)}"
        residence_line2 = ""
        if rng.random() < 0.25:
            residence_line2 = rng.choice(UNIT_FORMATS).format(
                number=rng.randrange(1, 400), letter=rng.choice("ABCDEFGH")
            )
        mailing = ("", "", "", "")
        if rng.random() < 0.12:
            mailing = (f"PO Box {rng.randrange(1, 20000)}", "", place.city, place.zip5)

        spoken, written, interpreter, tty, sign = self.languages(group)
        needs = [need for need, share in SPECIAL_NEED_SHARES if rng.random() < share]
        accommodations = ""
        listed = [need for need in needs if need in ACCOMMODATIONS]
        if listed and rng.random() < ACCOMMODATION_SHARE:
            accommodations = rng.choice(ACCOMMODATIONS[rng.choice(listed)])

        delivery = DeliverySystem.FEE_FOR_SERVICE
        plan = ""
        county_system = DELIVERY_BY_COUNTY.get(county)
        if county_system is not None and rng.random() < county_system[1]:
            delivery = county_system[0]
            plan = rng.choice(DEMO_DENTAL_PLANS[delivery])

        representative = self.representative(birth, minor, last, place, needs)
        frozen = ""
        if rng.random() < FROZEN_CIN_SHARE:
            self.counts.with_frozen_cin += 1
            frozen = self.next_frozen_cin()
            if rng.random() < SECOND_FROZEN_CIN_SHARE:
                frozen += ";" + self.next_frozen_cin()

        return [
            self.member_id(number),
            first,
            middle,
            last,
            second_last,
            self.birth_texts[offset],
            self.phones(place),
            residence_line1,
            residence_line2,
            place.city,
            self.zip_text(place),
            *mailing,
            county if rng.random() < 0.7 else "",
            spoken,
            written,
            interpreter,
            tty,
            sign,
            delivery.value,
            plan,
            ";".join(need.value for need in needs),
            accommodations,
            frozen,
            *representative,
        ]

    def member_id(self, number: int) -> str:
        cin = demo_cin(number)
        if self.rng.random() >= BIC_ID_SHARE:
            return cin
        # A BIC ID: the CIN, a check digit and a Julian issue date (year digit, day).
        rng = self.rng
        return f"{cin}{rng.randrange(10)}{rng.randrange(10)}{rng.randrange(1, 366):03d}"

    def next_frozen_cin(self) -> str:
        cin = demo_cin(self.frozen_number)
        self.frozen_number += 1
        return cin

    def member_name(self, group: NameGroup) -> tuple[str, str, str, str]:
        rng = self.rng
        given_names = group.female if rng.random() < 0.51 else group.male
        if rng.random() < 0.15:
            other = self.name_groups.pick(rng)
            given_names = other.female if given_names is group.female else other.male
        middle = rng.choice(MIDDLE_NAMES) if rng.random() < MEMBER_MIDDLE_NAME_SHARE else ""
        second_last = ""
        if "spa" in group.languages and rng.random() < SECOND_LAST_NAME_SHARE:
            second_last = rng.choice(group.surnames)
        return rng.choice(given_names), middle, rng.choice(group.surnames), second_last

    def languages(self, group: NameGroup) -> tuple[str, str, str, str, str]:
        """Return spoken language, written language and the interpreter, TTY and ASL flags."""
        rng = self.rng
        code = "eng"
        if rng.random() < MEMBER_ASL_SHARE:
            code = "ase"
        elif group.languages:
            candidate = rng.choice(group.languages)
            if rng.random() < MEMBER_LANGUAGE_SHARE.get(candidate, 0.0):
                code = candidate
        elif rng.random() < OTHER_SPANISH_SHARE:
            code = "spa"
        written = code if rng.random() < 0.9 and code != "ase" else "eng"
        sign = code == "ase"
        interpreter = sign or (code != "eng" and rng.random() < INTERPRETER_SHARE)
        tty = rng.random() < (0.6 if sign else TTY_SHARE)
        return (
            self.language_text(code),
            self.language_text(written),
            "Y" if interpreter else "N",
            "Y" if tty else "N",
            "Y" if sign else "N",
        )

    def language_text(self, code: str) -> str:
        if self.rng.random() < LANGUAGE_AS_CODE_SHARE:
            return code
        return "ASL" if code == "ase" else LANGUAGE_BY_CODE[code].name

    def format_phone(self, place: Place) -> str:
        # 555-0100 to 555-0199 are reserved for fiction, as for providers, so many
        # members share a number.
        rng = self.rng
        return rng.choice(PHONE_FORMATS).format(
            a=rng.choice(place.area_codes), b="555", c=f"0{rng.randrange(100, 200)}"
        )

    def phones(self, place: Place) -> str:
        rng = self.rng
        entries: list[str] = []
        for index in range(PHONE_COUNTS.pick(rng)):
            if index == 0:
                kind = "home" if rng.random() < 0.55 else "mobile"
            else:
                kind = rng.choice(("mobile", "work", "home", "other"))
            number = self.format_phone(place)
            if kind == "work" and rng.random() < 0.3:
                number += f" x{rng.randrange(10, 9999)}"
            # A number without a type is a home number.
            entries.append(number if kind == "home" and rng.random() < 0.3 else f"{kind}:{number}")
        return ";".join(entries)

    def zip_text(self, place: Place) -> str:
        roll = self.rng.random()
        if roll < 0.2:
            return f"{place.zip5}-{self.rng.randrange(1, 10000):04d}"
        if roll < 0.3:
            return f"{place.zip5}{self.rng.randrange(1, 10000):04d}"
        return place.zip5

    def representative(
        self, birth: date, minor: bool, last_name: str, place: Place, needs: list[SpecialNeed]
    ) -> tuple[str, str, str, str, str, str]:
        """Return the six representative cells, empty when the member has none."""
        rng = self.rng
        starts_on: date
        ends_on: date | None
        if minor:
            if rng.random() >= PARENT_SHARE:
                return ("", "", "", "", "", "")
            basis = AuthorityBasis.PARENT_OF_MINOR
            relationship = PARENT_RELATIONSHIPS.pick(rng)
            starts_on, ends_on = birth, add_years(birth, ADULT_AGE)
        else:
            eighteenth = add_years(birth, ADULT_AGE)
            recent_adult = add_years(eighteenth, 3) > self.as_of
            developmental = SpecialNeed.DEVELOPMENTAL in needs
            if recent_adult and rng.random() < ENDED_PARENT_SHARE:
                basis = AuthorityBasis.PARENT_OF_MINOR
                relationship = PARENT_RELATIONSHIPS.pick(rng)
                starts_on, ends_on = birth, eighteenth
            elif developmental and rng.random() < DEVELOPMENTAL_CONSERVATOR_SHARE:
                basis, relationship = AuthorityBasis.CONSERVATOR, "conservator"
                starts_on, ends_on = eighteenth, None
            elif rng.random() < ADULT_REPRESENTATIVE_SHARE:
                basis, relationship = ADULT_AUTHORITIES.pick(rng)
                span = max(1, (self.as_of - eighteenth).days)
                starts_on = eighteenth + timedelta(days=rng.randrange(span))
                roll = rng.random()
                if roll < 0.6:
                    ends_on = None
                elif roll < 0.85:
                    ends_on = self.as_of + timedelta(days=rng.randrange(30, 1500))
                else:
                    # An authority that has ended, at least a day after it started.
                    ends_on = starts_on + timedelta(
                        days=rng.randrange(1, max(2, (self.as_of - starts_on).days))
                    )
            else:
                return ("", "", "", "", "", "")
        self.counts.with_representative += 1
        group = self.name_groups.pick(rng)
        first = rng.choice(group.female if rng.random() < 0.6 else group.male)
        family = basis is AuthorityBasis.PARENT_OF_MINOR or relationship in ("daughter", "son")
        surname = last_name if family and rng.random() < 0.8 else rng.choice(group.surnames)
        return (
            f"{first} {surname}",
            relationship,
            basis.value,
            self.format_phone(place),
            starts_on.isoformat(),
            ends_on.isoformat() if ends_on else "",
        )


def write_member_file(members: int, out_dir: Path, seed: int, as_of: date) -> MemberCounts:
    """Write `members` rows to MEMBERS_FILE_NAME in `out_dir` and return what was written.

    Members use a random generator of their own, so adding members never changes
    the provider files of a seed.
    """
    generator = MemberGenerator(random.Random(f"members-{seed}"), as_of, members)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / MEMBERS_FILE_NAME).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MEMBER_COLUMNS)
        for number in range(members):
            writer.writerow(generator.row(number))
    return generator.counts


def fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 to 1, got {text}")
    return value


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value


def non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {text}")
    return value


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text}") from None


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write an invented California dental directory in the NPPES main-file "
        f"layout ({NPPES_FILE_NAME}) and the matching admin CSV ({ADMIN_FILE_NAME}), "
        f"and invented members ({MEMBERS_FILE_NAME}).",
    )
    parser.add_argument(
        "--providers",
        type=non_negative_int,
        default=0,
        help="number of NPPES rows to write; 0 writes no provider files (default 0)",
    )
    parser.add_argument(
        "--members",
        type=non_negative_int,
        default=0,
        help=f"number of members to write to {MEMBERS_FILE_NAME}; 0 writes no members "
        "file (default 0)",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files to")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--other-rows",
        type=fraction,
        default=0.0,
        help="fraction of NPPES rows that a California dental import skips: non-dental, "
        "out-of-state and deactivated providers (default 0)",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        default=DEFAULT_AS_OF,
        help="reference date, YYYY-MM-DD: NPPES updates fall before it and admin "
        f"verifications in the two years before it (default {DEFAULT_AS_OF})",
    )

    arguments = parser.parse_args(argv)
    if arguments.as_of <= ENUMERATION_LAST:
        parser.error(f"--as-of must be after {ENUMERATION_LAST}, the last enumeration date")
    if arguments.providers == 0 and arguments.members == 0:
        parser.error("give --providers N, --members N or both")
    if arguments.members > MAX_MEMBERS:
        parser.error(f"--members must be at most {MAX_MEMBERS:,}")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.providers:
        started = time.perf_counter()
        counts = write_demo_files(
            arguments.providers,
            arguments.out,
            arguments.seed,
            arguments.other_rows,
            arguments.as_of,
        )
        elapsed = time.perf_counter() - started
        skipped = counts.not_dental + counts.other_state + counts.deactivated
        print(
            f"Wrote {counts.rows} NPPES rows ({counts.kept} kept dental, {skipped} to skip) to "
            f"{arguments.out / NPPES_FILE_NAME} and {counts.kept} admin rows to "
            f"{arguments.out / ADMIN_FILE_NAME} in {elapsed:.1f} s"
        )
    if arguments.members:
        started = time.perf_counter()
        member_counts = write_member_file(
            arguments.members, arguments.out, arguments.seed, arguments.as_of
        )
        elapsed = time.perf_counter() - started
        print(
            f"Wrote {member_counts.rows} members ({member_counts.minors} under 18, "
            f"{member_counts.with_representative} with a representative, "
            f"{member_counts.with_frozen_cin} with a frozen CIN) to "
            f"{arguments.out / MEMBERS_FILE_NAME} in {elapsed:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
