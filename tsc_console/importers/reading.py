"""Opening and reading delimited text files as they arrive from CMS and from admins.

Real files come with a UTF-8 byte-order mark, in Windows-1252, or as a mix of
both (a file edited in a spreadsheet and saved again). Each line is decoded as
UTF-8, and only the bytes that are not valid UTF-8 are read as Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_ERROR_HANDLER = "tsc-cp1252-fallback"


def _decode_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return bytes(chunk).decode("cp1252", errors="replace"), error.end


codecs.register_error(_ERROR_HANDLER, _decode_as_cp1252)


class FileLayoutError(ValueError):
    """Raised when a file cannot be read at all: missing, empty, or not the expected layout."""


@dataclass
class CsvRecord:
    row_number: int
    """1-based row number as a spreadsheet shows it: the header is row 1."""
    values: list[str]
    error: str | None = None
    """Reason the CSV parser could not split this row, or None when it could."""


class CsvSource:
    """A streaming CSV reader that reports how many bytes it has consumed."""

    def __init__(self, path: Path) -> None:
        try:
            self._raw: BinaryIO = open(path, "rb")  # noqa: SIM115 (closed in close())
        except OSError as error:
            raise FileLayoutError(f"cannot open {path}: {error.strerror}") from None
        self.size = path.stat().st_size
        self._text = io.TextIOWrapper(
            self._raw, encoding="utf-8-sig", errors=_ERROR_HANDLER, newline=""
        )
        self._reader = csv.reader(self._text)
        try:
            header = next(self._reader)
        except StopIteration:
            self.close()
            raise FileLayoutError(f"{path} is empty") from None
        except csv.Error as error:
            self.close()
            raise FileLayoutError(f"{path} is not a readable CSV file: {error}") from None
        self.header = [name.strip() for name in header]

    def bytes_read(self) -> int:
        return self._raw.tell()

    def records(self) -> Iterator[CsvRecord]:
        row_number = 1
        while True:
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                row_number += 1
                yield CsvRecord(row_number, [], error=str(error))
                continue
            row_number += 1
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            yield CsvRecord(row_number, values)

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def column_index(header: list[str]) -> dict[str, int]:
    """Map each header name to its position; the first occurrence wins."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name, position)
    return index
