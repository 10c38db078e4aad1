"""Importing survey responses from CSV, XLSX or JSON into one survey, and exporting every survey's
responses in the shape an import reads back.

    report = import_file(runtime, Path("answers.csv"), kind="survey_responses", survey=3, by=SYSTEM)

The run is the promise ledger's and the client book's (``clients.importing``): the file is opened and
its guarded cells restored as there, read and converted a batch at a time (``clients.import_pipeline``)
with the survey's reader (``import_rows``), and every rejected row goes to the report and the rejects
file with its record number (the CSV line, the sheet row, the JSON position) and a reason naming the
file's column. What writing decides is in ``import_writes``.

* A bad row never stops the import. A whole-file problem raises ``ImportFailed`` before anything is
  written: unreadable, no ``respondent`` column, an unknown ``--map`` column or field, a survey that does
  not exist or is still a draft (its questions may change), a column for a question the survey does not
  ask (named; one empty in the first batch is left out, as in the export of several surveys), or no
  column for one it requires (named). Columns that fill no field are reported once as a warning.
* Each batch (at most ``BATCH_SIZE`` rows) is one transaction with one audit event ``import`` (the rows
  are written set-based, past the ORM's per-record trail): it is kept whole or rolled back whole, never
  half-written; the good rows of a file are kept, its bad rows listed. A batch that meets a database busy
  with other writers is tried again within a bound (``db.busy.retrying``); past it the import stops with
  ``DatabaseBusy``, saying how far it got. Importing the file again finishes the job: responses are
  matched by their id, not duplicated.
* Follow-up tasks are opened only for the answers of the last 30 days (``import_writes``).
* ``dry_run`` runs every batch as a real run does and rolls it back: the counts are those a real run
  would give, and nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from servicescape.audit.service import Actor, record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients.exporting import FORMATS, WRITERS, cell_text
from servicescape.clients.import_cells import ambiguous_dates
from servicescape.clients.import_columns import RowBatch
from servicescape.clients.import_files import RejectsFile
from servicescape.clients.import_pipeline import Source, converted, first_batch
from servicescape.clients.import_rows import ReadContext
from servicescape.clients.import_values import StaffDirectory
from servicescape.clients.importing import (
    ImportReport,
    busy_report,
    header_map_for,
    open_table,
    record_rejected,
    rejects_file,
    stopped_at,
)
from servicescape.clients.models import Client
from servicescape.data.capability import BULK_DATA
from servicescape.db.busy import retrying
from servicescape.db.types import utcnow
from servicescape.errors import DatabaseBusy, ImportFailed, ValidationFailed
from servicescape.i18n import N_, _
from servicescape.quality.capability import MANAGE
from servicescape.quality.import_rows import ResponseReader
from servicescape.quality.import_writes import OWN_ID_PREFIX, ResponseOutcome, ResponseWriter
from servicescape.quality.importing import (
    EXPECTED,
    PERCEIVED,
    RESPONSE_FIELDS,
    RESPONSE_IMPORT,
    answer_key,
    item_code,
)
from servicescape.quality.models import ItemKind, Survey, SurveyAnswer, SurveyItem, SurveyResponse, SurveyStatus
from servicescape.runtime import Runtime
from servicescape.tabular import HeaderMap, Record, clean_text, infer_dayfirst

#: rows a transaction writes: a thousand responses of SERVQUAL's 22 statements are some 46,000 answers,
#: a fraction of a second of SQLite's write lock
BATCH_SIZE = 1000
Progress = Callable[[ImportReport], None]


def import_file(
    runtime: Runtime, path: Path, *, kind: str = RESPONSE_IMPORT.name, survey: int | str,
    encoding: str | None = None, sheet: str | None = None, mappings: dict[str, str] | None = None,
    dayfirst: bool | None = None, dry_run: bool = False, rejects_path: Path | None = None,
    batch_size: int = BATCH_SIZE, progress: Progress | None = None, actor: Actor | None = None, by: Principal,
    file_label: str | None = None,
) -> ImportReport:
    """Import ``path``'s responses into survey ``survey`` (its id); see the module's documentation.

    ``progress`` is called with the report after every batch; ``actor`` is recorded in the audit trail;
    ``by`` must hold the bulk-data permission and may manage surveys (the CLI acts as SYSTEM)."""
    require(by, BULK_DATA)
    require(by, MANAGE)
    if kind != RESPONSE_IMPORT.name:
        raise ImportFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind,
                             kinds=RESPONSE_IMPORT.name), field="kind")
    with runtime.transaction() as session:
        target = _survey(session, survey)
        staff = StaffDirectory.of(session.execute(select(Staff.id, Staff.name, Staff.email)))  # type: ignore[arg-type]
    source = Source(Path(path), encoding, sheet)
    report = ImportReport(kind, file_label or source.path.name, dry_run=dry_run)
    size = max(1, batch_size)
    table = open_table(source)
    with table, rejects_file(rejects_path, table.headers, not source.is_json) as rejects:
        report.encoding, report.delimiter, report.sheet = table.encoding, table.delimiter, table.sheet
        if not table.headers:  # an empty JSON array: nothing to import
            return report
        headers = _map(table.headers, mappings or {}, target, report)
        first, broken = first_batch(table.records, size)
        decided, default = _date_order(headers, dayfirst, first, report)
        context = ReadContext(zone=runtime.settings.zone, staff=staff, packages={}, tier_names={}, dayfirst=decided,
                              dayfirst_default=default)
        foreign = _foreign(headers, target, first)
        reader = ResponseReader(headers, context, target.items, foreign, guarded=not source.is_json)
        writer = ResponseWriter(target, runtime.settings, reader.column_headers, dry_run=dry_run)
        with closing(converted(reader, size, table, first, broken)) as stream:
            for batch in stream:
                report.read += batch.read
                for number, reason, cells in batch.rejects:
                    record_rejected(report, rejects, number, reason, cells)
                if len(batch.rows):
                    _import_batch(runtime, actor, writer, batch.rows, report, rejects)
                if progress is not None:
                    progress(report)
                if batch.broken is not None:
                    raise stopped_at(batch.broken, report)
        report.rejects_path = rejects.path if rejects is not None and rejects.count else None
    return report


def _survey(session: Session, survey: int | str) -> Survey:
    """The survey imported into, with its questions: it must exist and no longer be a draft."""
    try:
        survey_id = int(str(survey).strip())
    except ValueError:
        raise ImportFailed(_("Choose a survey by its number, e.g. 3; got %(value)s.", value=repr(str(survey)[:40])),
                           field="survey") from None
    found = session.scalar(select(Survey).options(selectinload(Survey.items)).where(Survey.id == survey_id))
    if found is None:
        raise ImportFailed(_("Survey %(id)s does not exist.", id=survey_id), field="survey")
    if found.status == SurveyStatus.draft:
        raise ImportFailed(_("Survey %(id)s is still a draft: its questions may change. Activate it first, then "
                             "import its answers.", id=survey_id), field="survey")
    return found


def survey_choices(session: Session) -> list[tuple[str, str]]:
    """The surveys answers can be imported into (not drafts), newest first: (id, "name (#id)")."""
    found = session.execute(select(Survey.id, Survey.name).where(Survey.status != SurveyStatus.draft)
                            .order_by(Survey.created_at.desc(), Survey.id.desc()))
    return [(str(survey_id), f"{name} (#{survey_id})") for survey_id, name in found]


def _import_batch(runtime: Runtime, actor: Actor | None, writer: ResponseWriter, rows: RowBatch,
                  report: ImportReport, rejects: RejectsFile | None) -> None:
    report.batches += 1
    try:
        outcome = retrying(lambda: _write(runtime, actor, writer, rows, report))
    except DatabaseBusy:
        raise busy_report(report) from None
    for row, reason in sorted(outcome.rejected, key=lambda rejected: rejected[0].number):
        record_rejected(report, rejects, row.number, reason, row.cells)
    report.imported += outcome.imported
    report.updated += outcome.updated


class _DryRun(Exception):
    """Rolls a dry run's batch back (out of ``Runtime.transaction``), carrying what it did."""

    def __init__(self, outcome: ResponseOutcome) -> None:
        super().__init__("dry run")
        self.outcome = outcome


def _write(runtime: Runtime, actor: Actor | None, writer: ResponseWriter, rows: RowBatch,
           report: ImportReport) -> ResponseOutcome:
    """One batch in one transaction (run again, whole, when the database was busy)."""
    try:
        with runtime.transaction(actor) as session:
            outcome = writer.write(session, rows, utcnow())
            if report.dry_run:
                raise _DryRun(outcome)
            if outcome.imported or outcome.updated:
                record(session, "import", entity=report.kind, changes={
                    "file": report.file, "survey": writer.survey.id, "batch": report.batches,
                    "imported": outcome.imported, "updated": outcome.updated, "followed_up": outcome.followed_up,
                })
    except _DryRun as undone:
        writer.remember(undone.outcome)
        return undone.outcome
    return outcome


NOT_AN_ANSWER = N_("Column %(column)s is not imported: it answers none of the survey's questions.")


def _map(headers: list[str], mappings: dict[str, str], survey: Survey, report: ImportReport) -> HeaderMap:
    """The header map; a required field no column fills, a ``--map`` that cannot be, a column for a
    question the survey does not ask or none for one it requires stops the import."""
    header_map = header_map_for(RESPONSE_IMPORT, headers, mappings, report, unmapped=NOT_AN_ANSWER)
    answered = {answer_key(name) for name in header_map.fields}
    lacking = [field for item in survey.items if item.required for field in _fields_of(item)
               if answer_key(field) not in answered]
    if lacking:
        raise ImportFailed(_("Survey %(id)s (%(survey)s) requires an answer to each of its questions; the file has "
                             "no column for %(fields)s.", id=survey.id, survey=survey.name,
                             fields=", ".join(lacking)), field="map")
    return header_map


def _foreign(headers: HeaderMap, survey: Survey, first: list[Record]) -> set[str]:
    """The fields of columns that answer questions the survey does not ask: an error naming them when
    the first batch has a value in them; else (e.g. the export of several surveys) left out, a row with
    a value in one refused (``import_rows``)."""
    codes = {item.code for item in survey.items}
    foreign = {name: index for name, index in headers.fields.items()
               if (code := item_code(name)) is not None and code not in codes}
    used = [headers.headers[index] for index in foreign.values()
            if any(clean_text(record.cells[index]) for record in first)]
    if used:
        raise ImportFailed(_("Survey %(id)s (%(survey)s) does not ask what these columns answer: %(columns)s.",
                             id=survey.id, survey=survey.name, columns=", ".join(used)), field="map")
    return set(foreign)


def _fields_of(item: SurveyItem) -> list[str]:
    """The fields that answer ``item`` (a SERVQUAL statement: its E and P columns)."""
    if item.kind == ItemKind.servqual:
        number = item.code.removeprefix("servqual_")
        return [f"E{number}", f"P{number}"]
    return [field for field in RESPONSE_FIELDS if item_code(field) == item.code][:1] or [item.code]


def _date_order(headers: HeaderMap, given: bool | None, first: list[Record],
                report: ImportReport) -> tuple[dict[str, bool], bool]:
    """Whether ``submitted_at`` puts the day first: ``given``, else inferred from the first batch, else
    month first with a warning naming an example."""
    if given is not None or "submitted_at" not in headers.fields:
        return {}, bool(given)
    index = headers.fields["submitted_at"]
    values = [cell.strip() for found in first if isinstance(cell := found.cells[index], str)]
    inferred = infer_dayfirst(values)
    if inferred is not None:
        return {"submitted_at": inferred}, inferred
    example = ambiguous_dates(values)
    if example is not None:
        report.warn(None, _(
            "%(column)s: dates such as %(example)s could have the day or the month first; they were read month "
            "first. If the day comes first, import the file again with --dayfirst.",
            column=headers.headers[index], example=example))
    return {}, False


# -- export ------------------------------------------------------------------------------------

EXPORT_FIELDS = ("survey", "external_id", "respondent", "submitted_at", *EXPECTED, *PERCEIVED,
                 *(field for field in RESPONSE_FIELDS if field not in {"survey", "external_id", "respondent",
                                                                       "submitted_at", *EXPECTED, *PERCEIVED}))


def export_table(runtime: Runtime, *, kind: str, fmt: str, out_path: Path, by: Principal) -> int:
    """Write every submitted response of every survey to ``out_path`` in ``fmt`` (csv, xlsx, json), a
    row each, with the import's columns: the survey's id, the response's id (``servicescape-N`` for one
    that has none of its own, e.g. answered through its link), the client by external id (else e-mail),
    the time in the firm's zone, and the answers. Returns how many responses were written."""
    require(by, BULK_DATA)
    if kind != RESPONSE_IMPORT.name:
        raise ValidationFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind,
                                 kinds=RESPONSE_IMPORT.name), field="kind")
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown format %(format)s; choose one of %(formats)s.", format=fmt,
                                 formats=", ".join(FORMATS)), field="format")
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.part")
    try:
        with runtime.sessions() as session:
            count = WRITERS[fmt](partial, kind, list(EXPORT_FIELDS), _rows(session, runtime.settings.zone))
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _rows(session: Session, zone: Any) -> Iterator[list[str | None]]:
    """The export's rows, a response at a time: the responses and their answers read in step, both in
    the order of the responses' ids."""
    codes: dict[int, str] = {item_id: code for item_id, code in session.execute(select(SurveyItem.id, SurveyItem.code))}
    responses = session.execute(
        select(SurveyResponse.id, SurveyResponse.survey_id, SurveyResponse.external_id, Client.external_id,
               Client.email, SurveyResponse.submitted_at)
        .join(Client, SurveyResponse.client_id == Client.id).where(SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyResponse.id).execution_options(yield_per=2000))
    answers = iter(session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.item_id, SurveyAnswer.expected, SurveyAnswer.perceived,
               SurveyAnswer.number, SurveyAnswer.text)
        .join(SurveyResponse, SurveyAnswer.response_id == SurveyResponse.id)
        .where(SurveyResponse.submitted_at.is_not(None))
        .order_by(SurveyAnswer.response_id).execution_options(yield_per=5000)))
    position = {field: index for index, field in enumerate(EXPORT_FIELDS)}
    pending = next(answers, None)
    for response_id, survey_id, ext, client_ext, email, submitted in responses:
        row: list[Any] = [None] * len(EXPORT_FIELDS)
        row[:4] = [survey_id, ext or f"{OWN_ID_PREFIX}{response_id}", client_ext or email, submitted]
        while pending is not None and pending[0] < response_id:
            pending = next(answers, None)
        while pending is not None and pending[0] == response_id:
            _, item_id, expected, perceived, number, text = pending
            code = codes.get(item_id, "")
            if code.startswith("servqual_"):
                row[position[f"E{code[9:]}"]] = expected
                row[position[f"P{code[9:]}"]] = perceived
            else:
                field = f"I_{code[11:]}" if code.startswith("importance_") else code
                if field in position:
                    row[position[field]] = number if text is None else text
            pending = next(answers, None)
        yield [cell_text(value, zone) for value in row]
