"""Column types shared by the tables."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Dialect
from sqlalchemy import Enum as SAEnum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A UTC instant. Only timezone-aware values are accepted, and values always load aware.

    SQLite has no time zone type, so values are stored as naive UTC there and
    get their UTC tzinfo back on load; PostgreSQL stores `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store timezone-aware UTC instants")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(
    enum_class: type[enum.Enum], *, nullable: bool = True, **kwargs: Any
) -> Column[Any]:
    """Build a column that stores an enum by its value (not its Python name), as a plain string."""
    return Column(
        SAEnum(
            enum_class,
            values_callable=lambda members: [member.value for member in members],
            native_enum=False,
            create_constraint=False,
            length=32,
            validate_strings=True,
        ),
        nullable=nullable,
        **kwargs,
    )


def utc_now() -> datetime:
    return datetime.now(UTC)
