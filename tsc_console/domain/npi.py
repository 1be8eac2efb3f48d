"""National Provider Identifier (NPI) validation.

An NPI is 10 digits starting with 1 or 2. Its last digit is a Luhn check digit
computed over the first nine digits prefixed by the card issuer code 80840, which
is the same as adding the constant 24 to the Luhn sum of the nine digits.
"""

from __future__ import annotations

_PREFIX_SUM = 24


def _luhn_sum(base: str) -> int:
    total = _PREFIX_SUM
    # Double every second digit counting from the right of the nine-digit base,
    # because the check digit will take the rightmost position.
    for index, char in enumerate(reversed(base)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def npi_check_digit(base: str) -> int:
    """Compute the check digit for a nine-digit NPI base."""
    if len(base) != 9 or not base.isdigit():
        raise ValueError(f"an NPI base has 9 digits, got {base!r}")
    return (10 - _luhn_sum(base) % 10) % 10


def npi_problem(value: str) -> str | None:
    """Return why `value` is not a valid NPI, or None when it is valid."""
    if len(value) != 10 or not value.isdigit():
        return "an NPI has exactly 10 digits"
    if value[0] not in "12":
        return "an NPI starts with 1 or 2"
    if npi_check_digit(value[:9]) != int(value[9]):
        return "the check digit does not match"
    return None


def is_valid_npi(value: str) -> bool:
    return npi_problem(value) is None


def make_npi(base: str) -> str:
    """Append the check digit to a nine-digit base, giving a valid NPI."""
    return base + str(npi_check_digit(base))
