"""The fast paths of `parse_phone` and `format_phone` agree with libphonenumber itself."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tsc_console.domain.phones import InvalidPhoneError, format_phone, parse_phone

ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)
extensions = st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=6))


def library_display(e164: str, extension: str | None) -> str:
    """Format the way the console did before its fast path: always through libphonenumber."""
    number = phonenumbers.parse(e164)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    text = phonenumbers.format_number(number, style)
    return f"{text} ext. {extension}" if extension else text


def library_parse(text: str) -> tuple[str, str | None] | None:
    """Parse with libphonenumber alone; None when it rejects the number."""
    try:
        number = phonenumbers.parse(text.strip(), "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, number.extension or None


def console_parse(text: str) -> tuple[str, str | None] | None:
    try:
        phone = parse_phone(text)
    except InvalidPhoneError:
        return None
    return phone.e164, phone.extension


@settings(max_examples=3000)
@given(digits=ten_digits, extension=extensions)
@example(digits="9165550134", extension="12")
@example(digits="0165550134", extension=None)
@example(digits="1165550134", extension=None)
@example(digits="4165550134", extension=None)
def test_format_nanp_equals_library(digits: str, extension: str | None) -> None:
    e164 = f"+1{digits}"

    assert format_phone(e164, extension) == library_display(e164, extension)


@pytest.mark.parametrize(
    "e164",
    [
        "+1916555013",
        "+191655501345",
        "+442079460958",
        "+525555555555",
        "+639171234567",
        "+8613800138000",
    ],
)
@pytest.mark.parametrize("extension", [None, "7"])
def test_format_other_numbers_equals_library(e164: str, extension: str | None) -> None:
    assert format_phone(e164, extension) == library_display(e164, extension)


def test_format_empty_number() -> None:
    assert format_phone(None) == ""
    assert format_phone("", "12") == ""


@settings(max_examples=5000)
@given(digits=ten_digits)
@example(digits="9835550134")
@example(digits="9836550134")
@example(digits="2112345678")
@example(digits="9162115555")
@example(digits="6045550134")
@example(digits="8005550134")
@example(digits="2685550134")
def test_parse_ten_digits_equals_library(digits: str) -> None:
    assert console_parse(digits) == library_parse(digits)


def test_parse_every_area_code_equals_library() -> None:
    # Two exchanges per area code: one of the usual 2-9 form and an N11 one,
    # which libphonenumber's US pattern accepts as well.
    for area_code in range(1000):
        for exchange in ("555", "211", "055", "155"):
            digits = f"{area_code:03d}{exchange}0134"
            assert console_parse(digits) == library_parse(digits), digits


@pytest.mark.parametrize(
    "text",
    [
        " 9165550134 ",
        "(916) 555-0134",
        "916-555-0134 x7",
        "+1 916 555 0134",
        "19165550134",
        "6045550134",
        "8005550134",
    ],
)
def test_parse_written_forms_equal_library(text: str) -> None:
    assert console_parse(text) == library_parse(text)
