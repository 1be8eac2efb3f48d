"""`tsc-console members`: import the members file and list its columns.

Member data is protected health information, so nothing this command prints
contains a member value: problems name the row, column and reason only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
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
from tsc_console.importers.reading import FileLayoutError

if TYPE_CHECKING:
    from tsc_console.services.member_import import MemberImportSummary

# The members reader loads phonenumbers and the ZIP table, and the service loads
# SQLAlchemy, so each command imports them when it runs: every other command,
# and the console itself, starts without paying for them.

app = typer.Typer(help="Import member eligibility data.", no_args_is_help=True)


@app.command("import")
def import_file(
    context: typer.Context,
    file: Path = typer.Argument(..., help="Members CSV to import (see `members columns`)."),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Write every problem (row, column, reason, action) to this CSV file, "
        "readable by its owner only.",
    ),
    report_values: bool = typer.Option(
        False,
        "--report-values",
        help="Also write the rejected or ignored values to the --report file. The file "
        "then contains protected health information: keep it private and delete it "
        "when done.",
    ),
    show: int = typer.Option(30, "--show", help="How many problems to print."),
) -> None:
    """Import members. Bad rows are reported by row and column; good rows still import."""
    from tsc_console.services.database import open_ready_engine
    from tsc_console.services.member_import import import_members_csv

    if report_values and report is None:
        fail("--report-values needs --report FILE: values are never printed")
    check_input_file(file)
    check_report_path(report)
    if show < 0:
        fail(f"--show {show} is invalid: give 0 or more")

    with user_errors():
        engine = open_ready_engine(settings_from(context))
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rows]:,} rows read"),
            TimeRemainingColumn(),
            console=error_console,
            transient=False,
        ) as scan_progress:
            scan_task = scan_progress.add_task(
                f"Reading {escape(file.name)}", total=file.stat().st_size, rows=0
            )

            def on_scan(rows: int, _rows_kept: int, position: int) -> None:
                scan_progress.update(scan_task, completed=position, rows=rows)

            apply_task = None
            apply_progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=error_console,
            )

            def on_apply(done: int, total: int) -> None:
                nonlocal apply_task
                if apply_task is None:
                    scan_progress.update(scan_task, completed=file.stat().st_size)
                    scan_progress.stop()
                    apply_progress.start()
                    apply_task = apply_progress.add_task("Writing members", total=total)
                apply_progress.update(apply_task, completed=done)

            try:
                summary = import_members_csv(
                    engine,
                    file,
                    progress=on_scan,
                    apply_progress=on_apply,
                    report_path=report,
                    report_values=report_values,
                    shown_problems=show,
                )
            except FileLayoutError as error:
                scan_progress.stop()
                fail(str(error), code=2)
            finally:
                apply_progress.stop()
    _print_summary(summary, show, report_values)
    if summary.counts.rows_read == 0:
        raise typer.Exit(2)


def _print_summary(summary: MemberImportSummary, show: int, report_values: bool) -> None:
    counts = summary.counts
    if summary.problems and show:
        table = Table(
            title=f"Problems (first {min(show, summary.problem_count)} of {summary.problem_count})",
            caption="Values are not shown because they are member data.",
        )
        for column in ("Row", "Column", "Reason", "Action"):
            table.add_column(column, overflow="fold")
        for problem in summary.problems[:show]:
            table.add_row(
                str(problem.row_number),
                escape(problem.column),
                escape(problem.reason),
                problem.action,
            )
        console.print(table)

    lines = [
        f"Rows read: {counts.rows_read:,}",
        f"Rejected: {counts.rejected:,}",
        f"Inserted: {summary.inserted:,}  Updated: {summary.updated:,}  "
        f"Unchanged: {summary.unchanged:,}",
    ]
    if summary.representatives_ended:
        lines.append(
            f"Representatives no longer in the file, kept for call history and ended: "
            f"{summary.representatives_ended:,}"
        )
    if summary.problem_counts:
        lines.append(
            "Problems by reason: "
            + "; ".join(
                f"{escape(reason)}: {count}"
                for reason, count in sorted(summary.problem_counts.items())
            )
        )
    if summary.report_path is not None:
        contents = "with values (member data)" if report_values else "without values"
        lines.append(f"Full report, {contents}: {escape(str(summary.report_path))}")
    console.print("\n".join(lines))


@app.command("columns")
def columns() -> None:
    """List the columns of the members CSV."""
    from tsc_console.importers.members_csv import MEMBER_COLUMNS, REQUIRED_COLUMNS

    table = Table(title="Members CSV columns")
    table.add_column("Column")
    table.add_column("Meaning")
    for name, meaning in MEMBER_COLUMNS.items():
        table.add_row(name, escape(meaning))
    console.print(table)
    console.print(
        f"Required: {', '.join(REQUIRED_COLUMNS)}. The header names the columns a file "
        "has, in any order. Each row is a member's whole record: an empty cell clears "
        "the stored value."
    )
