"""CIN and BIC ID parsing, Julian issue dates, warnings and masking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tsc_console.domain.identifiers import (
    WARNING_FINAL_LETTER,
    WARNING_FIRST_DIGIT,
    InvalidMemberIdError,
    bic_issue_date_candidates,
    decode_bic_issue_date,
    mask_cin,
    normalise_member_id,
    parse_member_id,
)

TODAY = date(2026, 12, 4)

cins = st.from_regex(r"[0-9]{8}[A-Z]", fullmatch=True)
julian_dates = st.builds(
    lambda digit, day: f"{digit}{day:03d}", st.integers(0, 9), st.integers(1, 365)
)
reference_days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


# Normalising


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("91234567a", "91234567A"),
        (" 9123 4567 A ", "91234567A"),
        ("9123-4567-A", "91234567A"),
        ("9123\u20134567\u2014A", "91234567A"),
        ("91234567A2\t9180", "91234567A29180"),
    ],
)
def test_normalise_member_id_cases(text: str, expected: str) -> None:
    assert normalise_member_id(text) == expected


# CINs


def test_cin_parses_to_itself() -> None:
    member_id = parse_member_id("91234567A", TODAY)
    assert member_id.cin == "91234567A"
    assert member_id.source == "cin"
    assert member_id.warnings == ()
    assert member_id.bic_issue_date is None


def test_cin_lower_case_with_spaces() -> None:
    assert parse_member_id(" 9123 4567 a ", TODAY).cin == "91234567A"


@pytest.mark.parametrize(
    "text",
    [
        "9123456AA",  # letter among the digits
        "912345678",  # no letter
        "A91234567",  # letter first
        "91234567\u00c9",  # accented letter
        "9123456\u0667A",  # Arabic-Indic digit seven
    ],
)
def test_cin_wrong_layout_rejected(text: str) -> None:
    with pytest.raises(InvalidMemberIdError, match="8 digits followed by a letter"):
        parse_member_id(text, TODAY)


@pytest.mark.parametrize("text", ["9123456A", "91234567A1", "91234567A29180X", "1"])
def test_member_id_wrong_length_rejected(text: str) -> None:
    with pytest.raises(InvalidMemberIdError, match="9-character CIN or a 14-character BIC"):
        parse_member_id(text, TODAY)


@pytest.mark.parametrize("text", ["", "   ", " - "])
def test_empty_member_id_rejected(text: str) -> None:
    with pytest.raises(InvalidMemberIdError, match="empty"):
        parse_member_id(text, TODAY)


def test_cin_first_digit_warning() -> None:
    assert parse_member_id("81234567A", TODAY).warnings == (WARNING_FIRST_DIGIT,)


@pytest.mark.parametrize("letter", list("BIJKLOPQRS"))
def test_cin_excluded_letter_warning(letter: str) -> None:
    assert parse_member_id(f"91234567{letter}", TODAY).warnings == (WARNING_FINAL_LETTER,)


@pytest.mark.parametrize("letter", list("ACDEFGHMNTUVWXYZ"))
def test_cin_usual_letter_no_warning(letter: str) -> None:
    assert parse_member_id(f"91234567{letter}", TODAY).warnings == ()


def test_cin_both_warnings_together() -> None:
    warnings = parse_member_id("01234567S", TODAY).warnings
    assert WARNING_FIRST_DIGIT in warnings
    assert WARNING_FINAL_LETTER in warnings


@given(cins)
def test_any_cin_layout_accepted(cin: str) -> None:
    assert parse_member_id(cin, TODAY).cin == cin


@given(cins)
def test_cin_lower_case_same_result(cin: str) -> None:
    assert parse_member_id(cin.lower(), TODAY) == parse_member_id(cin, TODAY)


# BIC IDs


def test_bic_gives_cin() -> None:
    member_id = parse_member_id("91234567A29180", TODAY)
    assert member_id.cin == "91234567A"
    assert member_id.source == "bic"


def test_bic_julian_date_decoded() -> None:
    assert parse_member_id("91234567A29180", TODAY).bic_issue_date == date(2019, 6, 29)


def test_bic_as_printed_with_space() -> None:
    assert parse_member_id("91234567A2 9180", TODAY).cin == "91234567A"


def test_bic_carries_cin_warnings() -> None:
    assert parse_member_id("81234567A29180", TODAY).warnings == (WARNING_FIRST_DIGIT,)


def test_bic_bad_cin_part_rejected() -> None:
    with pytest.raises(InvalidMemberIdError, match="BIC ID starts with the CIN"):
        parse_member_id("9123456AA29180", TODAY)


def test_bic_letter_check_digit_rejected() -> None:
    with pytest.raises(InvalidMemberIdError, match="check digit"):
        parse_member_id("91234567AX9180", TODAY)


def test_bic_letter_in_julian_rejected() -> None:
    with pytest.raises(InvalidMemberIdError, match="Julian date"):
        parse_member_id("91234567A2918O", TODAY)


@pytest.mark.parametrize("julian", ["9000", "9367", "9999", "0000"])
def test_bic_julian_day_out_of_range(julian: str) -> None:
    with pytest.raises(InvalidMemberIdError, match="outside 001 to 366"):
        parse_member_id(f"91234567A2{julian}", TODAY)


@pytest.mark.parametrize("digit", "13579")
def test_bic_day_366_odd_year_rejected(digit: str) -> None:
    with pytest.raises(InvalidMemberIdError, match="not a leap year"):
        parse_member_id(f"91234567A2{digit}366", TODAY)


def test_bic_day_366_skips_to_leap_year() -> None:
    # 2022 is not a leap year, so the most recent year ending in 2 with a day 366 is 2012.
    assert parse_member_id("91234567A22366", TODAY).bic_issue_date == date(2012, 12, 31)


def test_bic_day_366_leap_year() -> None:
    assert parse_member_id("91234567A20366", TODAY).bic_issue_date == date(2020, 12, 31)


@pytest.mark.parametrize(
    ("julian", "expected"),
    [
        ("6338", date(2026, 12, 4)),  # today itself
        ("6339", date(2016, 12, 4)),  # tomorrow, so a decade earlier (2016 is a leap year)
        ("6001", date(2026, 1, 1)),
        ("7001", date(2017, 1, 1)),
        ("5365", date(2025, 12, 31)),
        ("0060", date(2020, 2, 29)),  # day 60 of a leap year
        ("1060", date(2021, 3, 1)),  # day 60 of a common year
    ],
)
def test_julian_date_table(julian: str, expected: date) -> None:
    assert decode_bic_issue_date(julian, TODAY) == expected


def test_issue_date_candidates_by_decade() -> None:
    candidates = bic_issue_date_candidates("9180", TODAY)
    assert candidates == (date(2019, 6, 29), date(2009, 6, 29), date(1999, 6, 29))


def test_issue_date_candidate_count() -> None:
    assert len(bic_issue_date_candidates("9180", TODAY, count=5)) == 5


@given(julian_dates, reference_days)
def test_issue_date_never_after_today(julian: str, today: date) -> None:
    assert decode_bic_issue_date(julian, today) <= today


@given(julian_dates, reference_days)
def test_issue_date_within_ten_years(julian: str, today: date) -> None:
    assert today - decode_bic_issue_date(julian, today) < timedelta(days=3653)


@given(julian_dates, reference_days)
def test_issue_date_matches_julian_digits(julian: str, today: date) -> None:
    issued = decode_bic_issue_date(julian, today)
    assert issued.year % 10 == int(julian[0])
    assert issued.timetuple().tm_yday == int(julian[1:])


@given(cins, st.integers(0, 9), julian_dates)
def test_any_bic_gives_its_cin(cin: str, check_digit: int, julian: str) -> None:
    assert parse_member_id(f"{cin}{check_digit}{julian}", TODAY).cin == cin


# Error messages do not echo the value


@pytest.mark.parametrize(
    "text",
    ["9123456AA", "91234567", "9123456AA29180", "91234567AX9180", "91234567A29000"],
)
def test_error_message_omits_value(text: str) -> None:
    with pytest.raises(InvalidMemberIdError) as raised:
        parse_member_id(text, TODAY)
    assert text[:8] not in str(raised.value)


# Masking


def test_mask_cin_example() -> None:
    assert mask_cin("91234567A") == "*****567A"


def test_mask_cin_normalises_first() -> None:
    assert mask_cin("9123-4567-a") == "*****567A"


def test_mask_short_value_fully() -> None:
    assert mask_cin("567A") == "****"


@given(cins)
def test_mask_cin_hides_first_five(cin: str) -> None:
    masked = mask_cin(cin)
    assert masked.startswith("*****")
    assert masked[5:] == cin[5:]
    assert len(masked) == len(cin)
