"""Dates of birth: accepted formats, impossible and implausible dates, ages, masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsc_console.domain.birthdates import (
    InvalidBirthDateError,
    age_on,
    mask_birth_date,
    parse_birth_date,
)

TODAY = date(2026, 12, 4)

plausible_births = st.dates(min_value=date(1896, 12, 4), max_value=TODAY)


# Accepted formats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/15/1987", date(1987, 4, 15)),
        ("4/5/1987", date(1987, 4, 5)),
        ("1987-04-15", date(1987, 4, 15)),
        ("04151987", date(1987, 4, 15)),
        ("  04/15/1987 ", date(1987, 4, 15)),
        ("02/29/2000", date(2000, 2, 29)),
        ("12/04/2026", TODAY),
    ],
)
def test_birth_date_formats_accepted(text: str, expected: date) -> None:
    assert parse_birth_date(text, TODAY) == expected


def test_card_format_eight_digits() -> None:
    assert parse_birth_date("12311999", TODAY) == date(1999, 12, 31)


@given(plausible_births)
def test_three_formats_agree(birth: date) -> None:
    us = parse_birth_date(birth.strftime("%m/%d/") + f"{birth.year:04d}", TODAY)
    iso = parse_birth_date(birth.isoformat(), TODAY)
    card = parse_birth_date(birth.strftime("%m%d") + f"{birth.year:04d}", TODAY)
    assert us == birth
    assert iso == birth
    assert card == birth


# Rejected text


@pytest.mark.parametrize("text", ["4/15/87", "04/15/87", "04-15-87", "041587"])
def test_two_digit_year_rejected(text: str) -> None:
    with pytest.raises(InvalidBirthDateError, match="four digits"):
        parse_birth_date(text, TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "02/30/2010",
        "2010-02-30",
        "02302010",
        "13/01/2000",
        "00/10/2000",
        "04/31/2001",
        "02/29/2001",
    ],
)
def test_impossible_date_rejected(text: str) -> None:
    with pytest.raises(InvalidBirthDateError, match="not a valid calendar date"):
        parse_birth_date(text, TODAY)


@pytest.mark.parametrize(
    "text",
    ["April 15 1987", "15.04.1987", "1987/04/15", "04/15/19870", "0415198", "04-15-1987", "today"],
)
def test_unknown_format_rejected(text: str) -> None:
    with pytest.raises(InvalidBirthDateError, match="MM/DD/YYYY, YYYY-MM-DD or MMDDYYYY"):
        parse_birth_date(text, TODAY)


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_birth_date_rejected(text: str) -> None:
    with pytest.raises(InvalidBirthDateError, match="empty"):
        parse_birth_date(text, TODAY)


def test_tomorrow_rejected_as_future() -> None:
    with pytest.raises(InvalidBirthDateError, match="in the future"):
        parse_birth_date("12/05/2026", TODAY)


def test_future_year_rejected() -> None:
    with pytest.raises(InvalidBirthDateError, match="in the future"):
        parse_birth_date("2087-04-15", TODAY)


def test_exactly_130_years_accepted() -> None:
    assert parse_birth_date("12/04/1896", TODAY) == date(1896, 12, 4)


def test_over_130_years_rejected() -> None:
    with pytest.raises(InvalidBirthDateError, match="more than 130 years ago"):
        parse_birth_date("12/03/1896", TODAY)


def test_130_year_limit_on_leap_day() -> None:
    # 130 years before February 29, 2028 is February 28, 1898, because 1898 is not a leap year.
    leap_today = date(2028, 2, 29)
    assert parse_birth_date("02/28/1898", leap_today) == date(1898, 2, 28)
    with pytest.raises(InvalidBirthDateError, match="more than 130 years ago"):
        parse_birth_date("02/27/1898", leap_today)


def test_default_today_rejects_next_year() -> None:
    next_year = date.today().year + 1
    with pytest.raises(InvalidBirthDateError, match="in the future"):
        parse_birth_date(f"01/01/{next_year}")


@given(st.dates(min_value=TODAY + timedelta(days=1)))
def test_any_future_date_rejected(day: date) -> None:
    with pytest.raises(InvalidBirthDateError):
        parse_birth_date(day.isoformat(), TODAY)


@pytest.mark.parametrize("text", ["02/30/2010", "4/15/87", "2087-04-15", "12/03/1896"])
def test_error_message_omits_value(text: str) -> None:
    with pytest.raises(InvalidBirthDateError) as raised:
        parse_birth_date(text, TODAY)
    message = str(raised.value)
    assert text not in message
    assert text[-4:] not in message


# Ages


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        (date(1987, 4, 15), date(2026, 4, 14), 38),
        (date(1987, 4, 15), date(2026, 4, 15), 39),
        (date(2026, 12, 4), TODAY, 0),
        (date(2000, 1, 1), date(2000, 12, 31), 0),
    ],
)
def test_age_on_table(birth: date, day: date, expected: int) -> None:
    assert age_on(birth, day) == expected


def test_leap_day_birthday_not_yet_on_feb_28() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17


def test_leap_day_birthday_counts_march_1() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_leap_day_birthday_in_leap_year() -> None:
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20


def test_age_before_birth_raises() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@given(plausible_births)
def test_age_never_negative(birth: date) -> None:
    assert age_on(birth, TODAY) >= 0


@given(plausible_births, st.integers(0, 100))
def test_age_on_anniversary(birth: date, years: int) -> None:
    try:
        anniversary = birth.replace(year=birth.year + years)
    except ValueError:
        # February 29 in a year that is not a leap year, so the birthday is March 1.
        anniversary = date(birth.year + years, 3, 1)
    assert age_on(birth, anniversary) == years
    if years > 0:
        assert age_on(birth, anniversary - timedelta(days=1)) == years - 1


# Masking


def test_mask_birth_date_example() -> None:
    assert mask_birth_date(date(1987, 4, 15)) == "**/**/1987"


def test_mask_birth_date_early_year() -> None:
    assert mask_birth_date(date(987, 1, 2)) == "**/**/0987"
