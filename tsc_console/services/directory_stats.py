"""Counts of the provider directory by county and by specialty."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from tsc_console.domain.taxonomy import SEARCHABLE_SPECIALTIES, Specialty
from tsc_console.store.engine import read_session
from tsc_console.store.models import PracticeLocation, Provider

location = PracticeLocation.__table__  # type: ignore[attr-defined]
provider = Provider.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class DirectoryStats:
    providers: int
    by_county: list[tuple[str, int]]
    by_specialty: list[tuple[Specialty, int]]
    with_admin_data: int


def directory_stats(engine: Engine) -> DirectoryStats:
    with read_session(engine) as session:
        connection = session.connection()
        providers = connection.execute(select(func.count()).select_from(provider)).scalar_one()
        by_county = [
            (county or "(unknown)", count)
            for county, count in connection.execute(
                select(location.c.county, func.count())
                .where(location.c.is_primary)
                .group_by(location.c.county)
                .order_by(func.count().desc(), location.c.county)
            )
        ]
        by_specialty = []
        for specialty in (*SEARCHABLE_SPECIALTIES, Specialty.HYGIENIST):
            count = connection.execute(
                select(func.count())
                .select_from(provider)
                .where(provider.c.specialty_mask.op("&")(specialty.bit) != 0)
            ).scalar_one()
            by_specialty.append((specialty, count))
        with_admin = connection.execute(
            select(func.count()).select_from(provider).where(provider.c.admin_hash.is_not(None))
        ).scalar_one()
    return DirectoryStats(providers, by_county, by_specialty, with_admin)
