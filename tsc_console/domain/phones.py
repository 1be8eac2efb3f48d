"""Phone number parsing with Google's libphonenumber (the `phonenumbers` package).

Numbers are stored in E.164 form with any extension kept in its own field. Text
that is not a phone number is rejected, never mined for digits.

Two fast paths skip `phonenumbers.parse`, which costs about 13 µs a call and
dominated the NPPES import. Each gives the result the library would give:

- `parse_phone` of ten plain digits that match the United States fixed-line
  pattern from libphonenumber's own metadata. Such a number is valid for the US
  region, and its E.164 form is "+1" and the ten digits. Other text, including
  valid Canadian and Caribbean numbers, goes through the library.
- `format_phone` of "+1" and ten digits starting with 2 to 9. libphonenumber
  formats every such national number with the US pattern "(XXX) XXX-XXXX",
  whether or not the number is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

DEFAULT_REGION = "US"

# Characters that may appear in a written phone number. Anything else (letters
# other than an extension marker, for instance) makes the value invalid.
_PHONE_TEXT = re.compile(r"^[\d\s()+.\-/]*(?:(?:ext\.?|x|extension|#)\s*\d{1,6})?\s*$", re.I)

_TEN_DIGITS = re.compile(r"[0-9]{10}")
_NANP_E164 = re.compile(r"\+1([2-9][0-9]{2})([0-9]{3})([0-9]{4})")


def _us_fixed_line_pattern() -> re.Pattern[str] | None:
    """Compile the US fixed-line pattern of the installed libphonenumber metadata.

    The US metadata gives fixed-line and mobile numbers the same pattern. None
    (no fast path) if a future metadata release drops the description.
    """
    metadata = PhoneMetadata.metadata_for_region("US")
    description = metadata.fixed_line if metadata is not None else None
    if description is None or not description.national_number_pattern:
        return None
    return re.compile(description.national_number_pattern)


_US_FIXED_LINE = _us_fixed_line_pattern()


class InvalidPhoneError(ValueError):
    """Raised when text is not a usable phone number. The message never repeats the text."""


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    extension: str | None = None

    def display(self) -> str:
        """National format for US numbers, e.g. "(916) 555-0134 ext. 12"."""
        text = _national_text(self.e164)
        return f"{text} ext. {self.extension}" if self.extension else text


def _national_text(e164: str) -> str:
    match = _NANP_E164.fullmatch(e164)
    if match is not None:
        area_code, exchange, line = match.groups()
        return f"({area_code}) {exchange}-{line}"
    number = phonenumbers.parse(e164)
    if number.country_code == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def parse_phone(text: str, region: str = DEFAULT_REGION) -> Phone:
    """Parse a written phone number, keeping the extension apart.

    Raises:
        InvalidPhoneError: the text contains characters that are not part of a
            phone number, or libphonenumber does not accept the number as valid.
    """
    raw = text.strip()
    if not raw:
        raise InvalidPhoneError("the phone number is empty")
    if (
        region == "US"
        and _US_FIXED_LINE is not None
        and _TEN_DIGITS.fullmatch(raw)
        and _US_FIXED_LINE.fullmatch(raw)
    ):
        return Phone(e164=f"+1{raw}")
    if not _PHONE_TEXT.match(raw):
        raise InvalidPhoneError("the text contains characters that are not part of a phone number")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneError(f"the text is not a phone number ({error})") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneError("the number is not a valid phone number for its region")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, extension=number.extension or None)


def format_phone(e164: str | None, extension: str | None = None) -> str:
    """Format a stored E.164 number for display, or "" when there is none."""
    if not e164:
        return ""
    return Phone(e164, extension).display()
