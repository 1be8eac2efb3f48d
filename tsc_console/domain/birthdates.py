"""Dates of birth typed by representatives.

Accepted formats are MM/DD/YYYY (month and day may have one digit), YYYY-MM-DD,
and MMDDYYYY, which is how the date of birth is printed on the Medi-Cal Benefits
Identification Card (Santa Clara County Medi-Cal eligibility handbook, "Medi-Cal
Identification Card Format").

A date of birth must be a real calendar date, not after today and not more than
130 years before today. A two-digit year is rejected, never expanded, because a
guessed century would point at the wrong member.

A date of birth is protected health information. Error messages here describe
the problem and never contain the value that was entered.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MAX_AGE_YEARS = 130

_US_DATE = re.compile(r"(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})/(?P<year>[0-9]{4})")
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_CARD_DATE = re.compile(r"(?P<month>[0-9]{2})(?P<day>[0-9]{2})(?P<year>[0-9]{4})")
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{1,2}[/-][0-9]{1,2}[/-][0-9]{2}|[0-9]{6}")


class InvalidBirthDateError(ValueError):
    """Raised when text is not an acceptable date of birth."""


def parse_birth_date(text: str, today: date | None = None) -> date:
    """Parse a date of birth and check that it is plausible.

    Args:
        text: The date as typed. Leading and trailing whitespace is ignored.
        today: The reference day for the future and maximum-age checks.
            Defaults to the current date.

    Raises:
        InvalidBirthDateError: The text is empty, has a two-digit year or an
            unknown format, is not a real calendar date, is after `today`, or is
            more than 130 years before `today`.
    """
    reference = today or date.today()
    value = text.strip()
    if not value:
        raise InvalidBirthDateError("the date of birth is empty")

    match = _US_DATE.fullmatch(value) or _ISO_DATE.fullmatch(value) or _CARD_DATE.fullmatch(value)
    if match is None:
        if _TWO_DIGIT_YEAR.fullmatch(value):
            raise InvalidBirthDateError(
                "a two-digit year is ambiguous, so enter the year of birth with four digits"
            )
        raise InvalidBirthDateError(
            "the date of birth must be in MM/DD/YYYY, YYYY-MM-DD or MMDDYYYY format"
        )

    try:
        birth_date = date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise InvalidBirthDateError(
            "the date of birth is not a valid calendar date (check the month and the day)"
        ) from None

    if birth_date > reference:
        raise InvalidBirthDateError("the date of birth is in the future")
    if birth_date < _years_before(reference, MAX_AGE_YEARS):
        raise InvalidBirthDateError(
            f"the date of birth is more than {MAX_AGE_YEARS} years ago (check the year)"
        )
    return birth_date


def age_on(birth_date: date, day: date) -> int:
    """Return the age in whole years on `day`.

    A member born on February 29 turns a year older on March 1 in years that are
    not leap years.

    Raises:
        ValueError: `day` is before `birth_date`.
    """
    if day < birth_date:
        raise ValueError("the day is before the date of birth")
    age = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        age -= 1
    return age


def mask_birth_date(d: date) -> str:
    """Hide the month and day of a date, e.g. "**/**/1987"."""
    return f"**/**/{d.year:04d}"


def _years_before(day: date, years: int) -> date:
    """Return the same calendar day `years` earlier, with February 29 becoming February 28."""
    year = day.year - years
    if year < date.min.year:
        return date.min
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, day.month, day.day)
