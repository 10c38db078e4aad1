"""``servicescape survey import ID FILE``: another survey tool's responses into survey ID (the same import
as ``servicescape import survey_responses FILE --option survey=ID``; see ``import_run``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from servicescape.auth.permissions import SYSTEM
from servicescape.cli.common import DbOption, JsonOption, err, opened, print_json, user_errors
from servicescape.cli.import_report import progress_bar, summary
from servicescape.tabular import parse_mapping_option

SURVEY_GROUP = "survey"


def import_command(
    survey_id: Annotated[int, typer.Argument(metavar="ID", help="The survey the answers are for.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="A CSV (any delimiter), XLSX or JSON file, one row per respondent.")],
    encoding: Annotated[str | None, typer.Option(
        help="The CSV's text encoding, e.g. cp1250, cp1251, gb18030, big5 (default: detected).")] = None,
    sheet: Annotated[str | None, typer.Option(help="The XLSX sheet to read (default: the first).")] = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", metavar='"HEADER=field"',
        help="Read the column HEADER as our field (\"skip\": leave it out), e.g. --map \"Q5 (perceived)=P5\"; "
             "repeatable.")] = None,
    dayfirst: Annotated[bool | None, typer.Option(
        "--dayfirst/--monthfirst", help="Read dates such as 03/05/2024 day first or month first (default: "
                                        "inferred).", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row; write nothing.")] = False,
    rejects: Annotated[Path | None, typer.Option(
        help="Where to write the rejected rows (default: FILE's name + .rejects.csv, next to it).",
        dir_okay=False)] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Import survey responses from another survey tool into survey ID.

    One row per respondent: respondent (the client's external id or e-mail), E1..E22 and P1..P22 (1-7,
    numbered as in the published SERVQUAL instrument), I_tangibles..I_empathy, nps, csat, comment,
    submitted_at and the tool's response id (external_id). Importing the file again updates the
    responses instead of doubling them; follow-up tasks open only for answers of the last 30 days."""
    from servicescape.quality.import_run import import_file

    with user_errors():
        mappings = dict(parse_mapping_option(item) for item in mapping or [])
    rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
    with user_errors(), opened(db) as runtime, progress_bar(file, enabled=not json and err.is_terminal) as tick:
        report = import_file(runtime, file, survey=survey_id, encoding=encoding, sheet=sheet, mappings=mappings,
                             dayfirst=dayfirst, dry_run=dry_run, rejects_path=rejects_path, progress=tick, by=SYSTEM)
    if json:
        print_json(report.to_dict())
        return
    summary(report)


def attach(survey_app: typer.Typer) -> None:
    """Add ``import`` to the ``survey`` commands."""
    survey_app.command("import", no_args_is_help=True)(import_command)


def register(app: typer.Typer) -> None:
    """``survey import``: into the ``survey`` group where one is registered, else a group of its own."""
    group = next((info.typer_instance for info in app.registered_groups
                  if info.name == SURVEY_GROUP and info.typer_instance is not None), None)
    if group is None:
        group = typer.Typer(help="Surveys of service quality.", no_args_is_help=True)
        app.add_typer(group, name=SURVEY_GROUP)
    attach(group)
