"""Phone number parsing with Google's libphonenumber (the `phonenumbers` package).

Numbers are stored in E.164 form with any extension kept in its own field. Text
that is not a phone number is rejected, never mined for digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION = "US"

# Characters that may appear in a written phone number. Anything else (letters
# other than an extension marker, for instance) makes the value invalid.
_PHONE_TEXT = re.compile(r"^[\d\s()+.\-/]*(?:(?:ext\.?|x|extension|#)\s*\d{1,6})?\s*$", re.I)


class InvalidPhoneError(ValueError):
    """Raised when text is not a usable phone number."""


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    extension: str | None = None

    def display(self) -> str:
        """National format for US numbers, e.g. "(916) 555-0134 ext. 12"."""
        number = phonenumbers.parse(self.e164)
        if number.country_code == 1:
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        else:
            text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return f"{text} ext. {self.extension}" if self.extension else text


def parse_phone(text: str, region: str = DEFAULT_REGION) -> Phone:
    """Parse a written phone number, keeping the extension apart.

    Raises:
        InvalidPhoneError: the text holds characters that are not part of a phone
            number, or libphonenumber does not accept the number as valid.
    """
    raw = text.strip()
    if not raw:
        raise InvalidPhoneError("the phone number is empty")
    if not _PHONE_TEXT.match(raw):
        raise InvalidPhoneError(f"{raw!r} is not a phone number")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneError(f"{raw!r} is not a phone number ({error})") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneError(f"{raw!r} is not a valid phone number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, extension=number.extension or None)


def format_phone(e164: str | None, extension: str | None = None) -> str:
    if not e164:
        return ""
    return Phone(e164, extension).display()
