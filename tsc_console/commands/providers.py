"""`tsc-console providers`: seed, inspect and search the provider directory."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tsc_console.commands.common import (
    check_input_file,
    check_report_path,
    console,
    error_console,
    fail,
    settings_from,
    user_errors,
)
from tsc_console.domain.languages import language_code
from tsc_console.domain.taxonomy import SEARCHABLE_SPECIALTIES, Specialty
from tsc_console.importers.admin_layout import ADMIN_COLUMNS
from tsc_console.importers.reading import FileLayoutError
from tsc_console.services.search_models import SearchCriteria, SearchError

if TYPE_CHECKING:
    from tsc_console.services.provider_import import ImportSummary

# The service modules load SQLAlchemy, so each command imports them when it runs;
# `tsc-console` with no command opens the console without paying for them.

app = typer.Typer(help="Seed, inspect and search the provider directory.", no_args_is_help=True)


class FileFormat(enum.StrEnum):
    NPPES = "nppes"
    CSV = "csv"


@app.command("import")
def import_file(
    context: typer.Context,
    file: Path = typer.Argument(..., help="File to import."),
    file_format: FileFormat = typer.Option(
        FileFormat.NPPES,
        "--format",
        help="nppes: the CMS NPPES main data file (npidata_pfile_*.csv). "
        "csv: the admin directory CSV (see `providers csv-columns`).",
    ),
    state: str = typer.Option(
        None, "--state", help="Two-letter practice state to keep (default: TSC_PRACTICE_STATE, CA)."
    ),
    report: Path | None = typer.Option(
        None, "--report", help="Write every problem (row, column, value, reason) to this CSV file."
    ),
    show: int = typer.Option(30, "--show", help="How many problems to print."),
) -> None:
    """Import a provider directory file. Bad rows are reported; good rows still import."""
    from tsc_console.services.database import open_ready_engine
    from tsc_console.services.provider_import import import_admin_csv, import_nppes_file

    settings = settings_from(context)
    practice_state = (state or settings.practice_state).strip().upper()
    if len(practice_state) != 2 or not practice_state.isalpha():
        fail(f"--state {state!r} is invalid: give a two-letter state code such as CA")
    check_input_file(file)
    check_report_path(report)

    with user_errors():
        engine = open_ready_engine(settings)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]:,} rows read, {task.fields[kept]:,} kept"),
            TimeRemainingColumn(),
            console=error_console,
            transient=False,
        ) as progress:
            task = progress.add_task(
                f"Importing {escape(file.name)}", total=file.stat().st_size, rows=0, kept=0
            )

            def on_progress(rows: int, kept: int, position: int) -> None:
                progress.update(task, completed=position, rows=rows, kept=kept)

            try:
                if file_format is FileFormat.NPPES:
                    summary = import_nppes_file(
                        engine,
                        file,
                        state=practice_state,
                        progress=on_progress,
                        report_path=report,
                        shown_problems=show,
                    )
                else:
                    summary = import_admin_csv(
                        engine, file, progress=on_progress, report_path=report, shown_problems=show
                    )
            except FileLayoutError as error:
                progress.stop()
                fail(str(error), code=2)
    _print_summary(summary, show)
    if summary.counts.rows_read == 0:
        raise typer.Exit(2)


def _print_summary(summary: ImportSummary, show: int) -> None:
    counts = summary.counts
    if summary.problems:
        table = Table(
            title=f"Problems (first {min(show, summary.problem_count)} of {summary.problem_count})"
        )
        for column in ("Row", "Column", "Value", "Reason", "Action"):
            table.add_column(column, overflow="fold")
        for problem in summary.problems[:show]:
            table.add_row(
                str(problem.row_number),
                escape(problem.column),
                escape(problem.value[:60]),
                escape(problem.reason),
                problem.action,
            )
        console.print(table)

    lines = [
        f"Rows read: {counts.rows_read:,}",
        f"Kept: {counts.rows_kept:,}",
    ]
    if summary.file_format == "nppes":
        lines.append(
            f"Skipped: {counts.other_state:,} other state, {counts.not_dental:,} not dental, "
            f"{counts.deactivated:,} deactivated"
        )
    lines += [
        f"Rejected: {counts.rejected:,}",
        f"Inserted: {summary.inserted:,}  Updated: {summary.updated:,}  "
        f"Unchanged: {summary.unchanged:,}"
        + (f"  Older than stored: {summary.stale:,}" if summary.stale else "")
        + (f"  Deactivated: {summary.deactivated:,}" if summary.deactivated else ""),
    ]
    if summary.problem_counts:
        lines.append(
            "Problems by reason: "
            + "; ".join(
                f"{escape(reason)}: {count}"
                for reason, count in sorted(summary.problem_counts.items())
            )
        )
    if summary.report_path is not None:
        lines.append(f"Full report: {escape(str(summary.report_path))}")
    console.print("\n".join(lines))


@app.command("csv-columns")
def csv_columns() -> None:
    """List the columns of the admin directory CSV."""
    table = Table(title="Admin directory CSV columns")
    table.add_column("Column")
    table.add_column("Meaning")
    for name, meaning in ADMIN_COLUMNS.items():
        table.add_row(name, escape(meaning))
    console.print(table)


@app.command("stats")
def stats(context: typer.Context) -> None:
    """Print provider counts by county and by specialty."""
    from tsc_console.services.database import open_ready_engine
    from tsc_console.services.directory_stats import directory_stats

    with user_errors():
        result = directory_stats(open_ready_engine(settings_from(context)))
    console.print(
        f"Providers: {result.providers:,} ({result.with_admin_data:,} with admin CSV data)"
    )
    specialties = Table(title="By specialty (a provider may count under several)")
    specialties.add_column("Specialty")
    specialties.add_column("Providers", justify="right")
    for specialty, count in result.by_specialty:
        specialties.add_row(specialty.label, f"{count:,}")
    console.print(specialties)
    counties = Table(title="By county of the primary practice location")
    counties.add_column("County")
    counties.add_column("Providers", justify="right")
    for county, count in result.by_county:
        counties.add_row(escape(county), f"{count:,}")
    console.print(counties)


SPECIALTY_HELP = ", ".join(specialty.value for specialty in SEARCHABLE_SPECIALTIES)


@app.command("search")
def search(
    context: typer.Context,
    specialty: str | None = typer.Option(None, "--specialty", help=f"One of: {SPECIALTY_HELP}."),
    zip_code: str | None = typer.Option(
        None, "--zip", help="Member's ZIP code; results sorted by distance."
    ),
    radius: float = typer.Option(25.0, "--radius", help="Radius around --zip, in miles."),
    county: str | None = typer.Option(
        None, "--county", help="California county, e.g. 'Los Angeles'."
    ),
    language: str | None = typer.Option(
        None, "--language", help="Language name or ISO code, e.g. Spanish, spa, ASL."
    ),
    accepting: bool = typer.Option(
        False, "--accepting", help="Only providers accepting new patients."
    ),
    wheelchair: bool = typer.Option(
        False, "--wheelchair", help="Only wheelchair-accessible offices."
    ),
    sedation: bool = typer.Option(
        False, "--sedation", help="Only providers with a sedation or general anesthesia permit."
    ),
    enrolled: bool = typer.Option(
        False, "--enrolled", help="Only providers enrolled in Medi-Cal Dental (admin CSV)."
    ),
    age: int | None = typer.Option(
        None, "--age", help="Patient age in years; keeps providers who serve it."
    ),
    page: int = typer.Option(1, "--page", help="Page number, from 1."),
    limit: int = typer.Option(20, "--limit", help="Rows per page (1 to 500)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Search dentists with the same filters as the console's search screen."""
    from tsc_console.services.database import open_ready_engine
    from tsc_console.services.provider_search import search_providers

    chosen: Specialty | None = None
    if specialty:
        try:
            chosen = Specialty(specialty.strip().lower())
        except ValueError:
            fail(f"--specialty {specialty!r} is unknown: use one of {SPECIALTY_HELP}")
    code = None
    if language:
        code = language_code(language)
        if code is None:
            fail(
                f"--language {language!r} is unknown: "
                "give a name such as Spanish or an ISO code such as spa"
            )
    criteria = SearchCriteria(
        specialty=chosen,
        zip_code=zip_code,
        radius_miles=radius,
        county=county,
        language=code,
        accepting_new_only=accepting,
        wheelchair_access=wheelchair,
        sedation_or_anesthesia=sedation,
        medi_cal_enrolled_only=enrolled,
        patient_age=age,
        page=max(0, page - 1),
        page_size=limit,
    )
    with user_errors():
        engine = open_ready_engine(settings_from(context))
        try:
            result = search_providers(engine, criteria)
        except SearchError as error:
            fail(str(error))

    if as_json:
        document = {
            "total": result.total,
            "total_is_capped": result.total_is_capped,
            "page": page,
            "beyond_radius": result.beyond_radius,
            "origin": result.origin,
            "results": [
                {
                    "npi": hit.npi,
                    "name": hit.name,
                    "primary_taxonomy": hit.primary_taxonomy,
                    "distance_miles": round(hit.distance_miles, 1)
                    if hit.distance_miles is not None
                    else None,
                    "zip": hit.zip5,
                    "county": hit.county,
                }
                for hit in result.hits
            ],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
        return

    if result.beyond_radius and result.hits:
        console.print(
            f"No match within {result.searched_radius_miles:g} miles of "
            f"{escape(result.origin or '')}; nearest matches beyond it:"
        )
    elif not result.hits:
        console.print("No providers match these filters.")
        return
    if result.total_is_capped:
        title = f"More than {result.total:,} providers, page {page}"
    else:
        noun = "provider" if result.total == 1 else "providers"
        title = f"{result.total:,} {noun}, page {page} of {result.page_count}"
    table = Table(title=title)
    for column in (
        "Miles",
        "NPI",
        "Name",
        "Specialty",
        "Address",
        "Phone",
        "Languages",
        "Accepting",
        "Verified",
    ):
        table.add_column(column, overflow="fold")
    for hit in result.hits:
        table.add_row(
            f"{hit.distance_miles:.1f}" if hit.distance_miles is not None else "",
            hit.npi,
            escape(hit.name),
            escape(hit.specialty),
            escape(f"{hit.address_line1}, {hit.city} {hit.zip_display}"),
            escape(hit.phone),
            escape(", ".join(hit.languages)),
            hit.accepting_label,
            hit.last_verified_on.isoformat() if hit.last_verified_on else "",
        )
    console.print(table)
