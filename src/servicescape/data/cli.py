"""``servicescape import`` and ``servicescape export``: whole tables in and out of the client book."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, err, opened, out, print_json, user_errors
from servicescape.platform.imports import import_kind, import_kinds
from servicescape.tabular import parse_mapping_option

#: the registered importable kinds
Kind = enum.StrEnum("Kind", {name: name for name in import_kinds()})  # type: ignore[misc]


class Format(enum.StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


IMPORT_HELP = (
    f"Import {', '.join(import_kinds())} from a file.\n\n"
    "Columns are recognised by their headers (exports of HubSpot, Salesforce, Pipedrive, Zoho and Odoo, "
    "and plain names); other columns become the clients' custom fields. Rows that cannot be imported are "
    "listed with their line and reason in the rejects file; every other row is imported. Importing the "
    "same file again updates the records instead of duplicating them (matched by external id, then "
    "e-mail, then name and country)."
)


def register(app: typer.Typer) -> None:
    app.command("import", no_args_is_help=True, help=IMPORT_HELP)(import_command)
    app.command("export", no_args_is_help=True)(export_command)


def import_command(
    kind: Annotated[Kind, typer.Argument(help="What the file holds.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A CSV (any delimiter), XLSX or JSON file.")],
    encoding: Annotated[str | None, typer.Option(
        help="The CSV's text encoding, e.g. cp1250, cp1251, gb18030, big5 (default: detected).")] = None,
    sheet: Annotated[str | None, typer.Option(help="The XLSX sheet to read (default: the first).")] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", metavar='"HEADER=field"',
        help="Read the column HEADER as our field (\"custom\": keep it as a custom field; \"skip\": leave it "
             "out), e.g. --map \"Kundennummer=external_id\"; repeatable.",
    )] = None,
    dayfirst: Annotated[bool | None, typer.Option(
        "--dayfirst/--monthfirst",
        help="Read dates such as 03/05/2024 day first (5 March) or month first (default: inferred per "
             "column; month first when nothing decides).", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row; write nothing.")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write the rejected rows (default: FILE's name + .rejects.csv, next to it).",
        dir_okay=False)] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """See IMPORT_HELP."""
    with user_errors():
        mappings = dict(parse_mapping_option(item) for item in mapping or [])
    rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
    with opened(db) as runtime, _progress(file, enabled=not json and err.is_terminal) as tick:
        report = import_kind(kind.value).run_import(
            runtime, path=file, encoding=encoding, sheet=sheet, mappings=mappings, dayfirst=dayfirst,
            dry_run=dry_run, rejects_path=rejects_path, progress=tick, by=SYSTEM)
    if json:
        print_json(report.to_dict())
        return
    _summary(report)


def export_command(
    kind: Annotated[Kind, typer.Argument(help="Which table to export.")],
    out_path: Annotated[Path, typer.Option("--out", dir_okay=False, help="The file to write.")],
    fmt: Annotated[Format | None, typer.Option(
        "--format", help="csv, xlsx or json (default: from --out's extension, else csv).",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Export a whole table as CSV, XLSX or JSON, in the shape `servicescape import` reads back."""
    chosen = fmt.value if fmt else (out_path.suffix.lower().lstrip(".") if out_path.suffix.lower()
                                    in (".csv", ".xlsx", ".json") else "csv")
    with opened(db) as runtime:
        count = import_kind(kind.value).run_export(runtime, fmt=chosen, out_path=out_path, by=SYSTEM)
    out.print(f"Exported {count:,} {kind.value} to {out_path} ({chosen}).")


class _Tick:
    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self.progress, self.task = progress, task

    def __call__(self, report: Any) -> None:
        if self.progress is not None and self.task is not None:
            total = self.progress.tasks[0].total
            if total is not None and report.read > total:
                self.progress.update(self.task, total=report.read)
            self.progress.update(self.task, completed=report.read)


class _progress:
    """A Rich progress bar of records on a terminal (the total estimated from the file's lines)."""

    def __init__(self, file: Path, *, enabled: bool) -> None:
        self.file, self.enabled = file, enabled
        self.bar: Progress | None = None

    def __enter__(self) -> _Tick:
        if not self.enabled:
            return _Tick(None, None)
        self.bar = Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                            MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True)
        self.bar.start()
        task = self.bar.add_task(f"Importing {self.file.name}", total=_estimated_records(self.file))
        return _Tick(self.bar, task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _estimated_records(file: Path) -> int | None:
    """Lines of a text file minus the header (a quoted newline counts too: it is an estimate)."""
    if file.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return None
    lines = 0
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 1)


def _summary(report: Any) -> None:
    title = escape(f"{'Checked' if report.dry_run else 'Imported'} {report.kind} from {report.file}")
    table = Table("read", "imported", "updated", "rejected", "warnings", title=title)
    table.add_row(*(f"{value:,}" for value in report.to_dict().values()))
    out.print(table)
    if report.dry_run:
        out.print("Dry run: nothing was written.")
    if report.custom_fields:
        out.print(f"Kept as custom fields: {', '.join(report.custom_fields)}", markup=False)
    for number, message in report.warning_messages[:10]:
        out.print(f"warning: {f'record {number}: ' if number else ''}{message}", markup=False)
    if report.warnings > 10:
        out.print(f"… and {report.warnings - 10:,} more warnings.")
    if report.rejected:
        for number, reason in report.rejects[:10]:
            for problem in reason.split("\n"):
                out.print(f"rejected: record {number}: {problem}", markup=False)
        if report.rejected > 10:
            out.print(f"… and {report.rejected - 10:,} more.")
        out.print(f"{report.rejected:,} rejected rows with their reasons are in {report.rejects_path}", markup=False)
