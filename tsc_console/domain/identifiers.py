"""Medi-Cal member identifiers: the CIN and the BIC ID.

A Client Index Number (CIN) is 9 characters: 8 digits followed by a letter. A
Benefits Identification Card (BIC) ID is 14 characters: the CIN, a check digit,
and a 4-digit Julian issue date. The first digit of the Julian date is the last
digit of the issue year, and the next three digits are the day of that year, so
"9180" is day 180 (June 29) of a year ending in 9.

County material describes CINs as starting with 9 and ending in a letter other
than B, I, J, K, L, O, P, Q, R or S. Members do present CINs outside that
pattern, so those two rules only add warnings and the number is still accepted.

Sources: Santa Clara County Medi-Cal eligibility handbook, "Medi-Cal
Identification Card Format" (BIC ID layout), and Los Angeles County Department of
Mental Health RMD Bulletin NGA 12-041, October 2012 (CIN pattern and the Julian
issue date).

A CIN is protected health information. Error messages here describe the problem
and never contain the value that was entered.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

CIN_LENGTH = 9
BIC_LENGTH = 14

_CIN_PATTERN = re.compile(r"[0-9]{8}[A-Z]")
_JULIAN_PATTERN = re.compile(r"[0-9]{4}")

# Letters that county documents exclude as the last character of a CIN.
UNUSUAL_CIN_LETTERS = frozenset("BIJKLOPQRS")

# Whitespace is removed too, and so are the Unicode dashes that word processors
# and web pages put in place of the ASCII hyphen.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")

WARNING_FIRST_DIGIT = "the CIN does not start with 9, which most CINs do"
WARNING_FINAL_LETTER = (
    "the CIN ends in B, I, J, K, L, O, P, Q, R or S, letters that county documents exclude"
)


class InvalidMemberIdError(ValueError):
    """Raised when text is neither a valid CIN nor a valid BIC ID."""


@dataclass(frozen=True, slots=True)
class MemberId:
    """A member identifier read from a CIN or a BIC ID.

    Attributes:
        cin: The 9-character CIN, normalised, also when a BIC ID was entered.
        source: Which kind of identifier was entered.
        warnings: Soft problems that do not make the CIN invalid but are worth
            confirming with the caller.
        bic_issue_date: The most recent date, not after the reference day, that
            matches the Julian date of the BIC ID. None when a CIN was entered.
    """

    cin: str
    source: Literal["cin", "bic"]
    warnings: tuple[str, ...] = field(default=())
    bic_issue_date: date | None = None


def normalise_member_id(text: str) -> str:
    """Remove whitespace and hyphens from a CIN or BIC ID and upper-case it."""
    return _SEPARATORS.sub("", text).upper()


def parse_member_id(text: str, today: date | None = None) -> MemberId:
    """Parse a CIN or a BIC ID typed by a representative.

    Args:
        text: A 9-character CIN or a 14-character BIC ID. Spaces and hyphens are
            ignored and letters may be in either case.
        today: The reference day for decoding the BIC issue date. Defaults to
            the current date.

    Returns:
        The CIN with any warnings and, for a BIC ID, its decoded issue date.

    Raises:
        InvalidMemberIdError: The text is empty, has the wrong length, does not
            follow the CIN or BIC ID layout, or has an impossible Julian date.
    """
    value = normalise_member_id(text)
    if not value:
        raise InvalidMemberIdError("the member ID is empty")

    if len(value) == CIN_LENGTH:
        if not _CIN_PATTERN.fullmatch(value):
            raise InvalidMemberIdError("a CIN has 8 digits followed by a letter")
        return MemberId(cin=value, source="cin", warnings=cin_warnings(value))

    if len(value) == BIC_LENGTH:
        return _parse_bic(value, today or date.today())

    raise InvalidMemberIdError(
        f"a member ID is a {CIN_LENGTH}-character CIN or a {BIC_LENGTH}-character BIC ID"
    )


def _parse_bic(value: str, today: date) -> MemberId:
    cin = value[:CIN_LENGTH]
    check_digit = value[CIN_LENGTH]
    julian = value[CIN_LENGTH + 1 :]

    if not _CIN_PATTERN.fullmatch(cin):
        raise InvalidMemberIdError(
            "a BIC ID starts with the CIN, which has 8 digits followed by a letter"
        )

    # NOTE: DHCS does not publish the check-digit algorithm, so the check digit
    # is only required to be a digit and is not verified against the CIN.
    if not check_digit.isdigit():
        raise InvalidMemberIdError("the 10th character of a BIC ID is a check digit")

    issue_date = decode_bic_issue_date(julian, today)
    return MemberId(
        cin=cin,
        source="bic",
        warnings=cin_warnings(cin),
        bic_issue_date=issue_date,
    )


def cin_warnings(cin: str) -> tuple[str, ...]:
    """Return the soft warnings for a CIN that already has a valid layout."""
    warnings: list[str] = []
    if not cin.startswith("9"):
        warnings.append(WARNING_FIRST_DIGIT)
    if cin[-1:] in UNUSUAL_CIN_LETTERS:
        warnings.append(WARNING_FINAL_LETTER)
    return tuple(warnings)


def bic_issue_date_candidates(julian: str, today: date, count: int = 3) -> tuple[date, ...]:
    """Decode the 4-digit Julian issue date of a BIC ID into possible dates.

    The Julian date gives only the last digit of the year, so a card could have
    been issued in any decade. The candidates are the dates whose year ends in
    that digit and whose day of the year exists in that year, newest first and
    never after `today`. Day 366 only exists in leap years, so a candidate
    decade without a leap year is skipped.

    Args:
        julian: Four digits: the last digit of the year, then the day of the year
            from 001 to 366.
        today: The reference day. No candidate is later than it.
        count: How many candidates to return.

    Raises:
        InvalidMemberIdError: The text is not four digits, the day is 000 or
            above 366, or the day is 366 and the year digit is odd, so no year
            can be a leap year.
    """
    if not _JULIAN_PATTERN.fullmatch(julian):
        raise InvalidMemberIdError("the last 4 characters of a BIC ID are digits (a Julian date)")

    year_digit = int(julian[0])
    day_of_year = int(julian[1:])
    if not 1 <= day_of_year <= 366:
        raise InvalidMemberIdError("the Julian date on the BIC ID has a day outside 001 to 366")
    if day_of_year == 366 and year_digit % 2 == 1:
        raise InvalidMemberIdError(
            "the Julian date on the BIC ID has day 366 in a year that is not a leap year"
        )

    candidates: list[date] = []
    year = today.year - (today.year - year_digit) % 10
    # Step back a decade at a time. Fewer than `count` candidates come back only
    # when the search reaches year 1.
    while len(candidates) < count and year >= 1:
        if day_of_year <= _days_in_year(year):
            issued = date(year, 1, 1) + timedelta(days=day_of_year - 1)
            if issued <= today:
                candidates.append(issued)
        year -= 10
    return tuple(candidates)


def decode_bic_issue_date(julian: str, today: date) -> date:
    """Return the most recent date, not after `today`, that matches a BIC Julian date.

    Raises:
        InvalidMemberIdError: The Julian date is invalid, as described in
            `bic_issue_date_candidates`.
    """
    candidates = bic_issue_date_candidates(julian, today, count=1)
    if not candidates:
        # Only reachable for a reference day in the first decade of year 1.
        raise InvalidMemberIdError("the Julian date on the BIC ID is not a past date")
    return candidates[0]


def mask_cin(cin: str) -> str:
    """Hide all but the last 4 characters of a CIN, e.g. "*****567A".

    Pass the CIN, not the BIC ID: the last 4 characters of a BIC ID are its
    issue date. Text of 4 characters or fewer is masked completely.
    """
    value = normalise_member_id(cin)
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365
