"""``servicescape import`` and ``servicescape export``: whole tables in and out of the client book."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, err, opened, out, print_json, user_errors
from servicescape.cli.import_report import progress_bar, summary
from servicescape.platform.imports import import_kind, import_kinds, parse_options
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
    option: Annotated[list[str] | None, typer.Option(
        "--option", metavar="NAME=VALUE",
        help="What the kind needs besides the file, e.g. --option survey=3 for survey_responses; repeatable.",
    )] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """See IMPORT_HELP."""
    importable = import_kind(kind.value)
    with user_errors():
        mappings = dict(parse_mapping_option(item) for item in mapping or [])
        options = importable.option_values(parse_options(option or []))
    rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
    with opened(db) as runtime, progress_bar(file, enabled=not json and err.is_terminal) as tick:
        report = importable.run_import(
            runtime, path=file, encoding=encoding, sheet=sheet, mappings=mappings, dayfirst=dayfirst,
            dry_run=dry_run, rejects_path=rejects_path, progress=tick, by=SYSTEM, **options)
    if json:
        print_json(report.to_dict())
        return
    summary(report)


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
