"""Importing promises and complaints from CSV, XLSX or JSON, and exporting them in the shape an import
reads back.

    report = import_file(runtime, Path("appointments.csv"), kind="promises", by=SYSTEM)

The run is the client book's (``clients.importing``), with the ledger's reader and writer: the file is
opened and its guarded cells restored as there, read and converted a batch at a time
(``clients.import_pipeline``), its columns recognised by the kind's headers (``importing``), and every
rejected row goes to the report and the rejects file with its record number (the CSV line, the sheet
row, the JSON position) and a reason naming the file's column. What reading and writing decide is in
``import_rows`` and ``import_writes``.

* A bad row never stops the import; a whole-file problem (unreadable, a required column missing, an
  unknown ``--map`` column or field) raises ``ImportFailed`` before anything is written. Columns that
  fill no field are reported once as a warning: only clients have custom fields.
* Each batch (at most ``BATCH_SIZE`` rows) is one transaction with one audit event ``import`` besides
  the trail's event of each record written: it is kept whole or rolled back whole, never half-written;
  the good rows of a file are kept, its bad rows listed. A batch that meets a database busy with other
  writers is tried again within a bound (``db.busy.retrying``); past it the import stops with
  ``DatabaseBusy``, saying how far it got. Importing the file again finishes the job: rows are matched,
  not duplicated.
* ``dry_run`` runs every batch as a real run does and rolls it back: the counts are those a real run
  would give (a key repeated in a later batch counts as an update), and nothing is written. (On SQLite a
  checked batch holds the write lock while it runs, as a real one does: a fraction of a second.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

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
from servicescape.clients.models import Client, Engagement
from servicescape.data.capability import BULK_DATA
from servicescape.db.busy import retrying
from servicescape.db.types import utcnow
from servicescape.errors import DatabaseBusy, ImportFailed, ValidationFailed
from servicescape.i18n import _
from servicescape.platform.imports import ImportKind
from servicescape.promises.capability import WRITE
from servicescape.promises.import_rows import LedgerReader
from servicescape.promises.import_writes import WRITERS as LEDGER_WRITERS
from servicescape.promises.import_writes import LedgerOutcome, LedgerWriter
from servicescape.promises.importing import COMPLAINT_IMPORT, PROMISE_IMPORT
from servicescape.promises.models import Complaint, Promise
from servicescape.runtime import Runtime
from servicescape.tabular import HeaderMap, Record, infer_dayfirst

#: rows a transaction writes: each is checked by the services, a few look-ups each; 500 hold SQLite's
#: write lock for a fraction of a second
BATCH_SIZE = 500
KINDS: dict[str, ImportKind] = {kind.name: kind for kind in (PROMISE_IMPORT, COMPLAINT_IMPORT)}
DATE_FIELDS = {"promises": ("window_start", "window_end", "kept_at", "cancelled"),
               "complaints": ("received_at", "first_response_at", "resolved_at")}
Progress = Callable[[ImportReport], None]


def import_file(
    runtime: Runtime, path: Path, *, kind: str, encoding: str | None = None, sheet: str | None = None,
    mappings: dict[str, str] | None = None, dayfirst: bool | None = None, dry_run: bool = False,
    rejects_path: Path | None = None, batch_size: int = BATCH_SIZE, progress: Progress | None = None,
    actor: Actor | None = None, by: Principal, file_label: str | None = None,
) -> ImportReport:
    """Import ``path`` as promises or complaints (``kind``); see the module's documentation.

    ``progress`` is called with the report after every batch; ``actor`` is recorded in the audit trail;
    ``by`` must hold the bulk-data permission and may record promises and complaints (the CLI acts as
    SYSTEM)."""
    require(by, BULK_DATA)
    require(by, WRITE)
    if kind not in KINDS:
        raise ImportFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind, kinds=", ".join(KINDS)),
                           field="kind")
    source = Source(Path(path), encoding, sheet)
    report = ImportReport(kind, file_label or source.path.name, dry_run=dry_run)
    size = max(1, batch_size)
    table = open_table(source)
    with table, rejects_file(rejects_path, table.headers, not source.is_json) as rejects:
        report.encoding, report.delimiter, report.sheet = table.encoding, table.delimiter, table.sheet
        if not table.headers:  # an empty JSON array: nothing to import
            return report
        headers = header_map_for(KINDS[kind], table.headers, mappings or {}, report)
        first, broken = first_batch(table.records, size)
        decided, default = _date_order(kind, headers, dayfirst, first, report)
        with runtime.transaction() as session:
            staff = StaffDirectory.of(session.execute(select(Staff.id, Staff.name, Staff.email)))  # type: ignore[arg-type]
        context = ReadContext(zone=runtime.settings.zone, staff=staff, packages={}, tier_names={}, dayfirst=decided,
                              dayfirst_default=default)
        reader = LedgerReader(kind, headers, context, guarded=not source.is_json)
        writer = LEDGER_WRITERS[kind](reader.column_headers, by=by, dry_run=dry_run)
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


def _import_batch(runtime: Runtime, actor: Actor | None, writer: LedgerWriter, rows: RowBatch, report: ImportReport,
                  rejects: RejectsFile | None) -> None:
    report.batches += 1
    try:
        outcome = retrying(lambda: _write(runtime, actor, writer, rows, report))
    except DatabaseBusy:
        raise busy_report(report) from None
    for row, reason in outcome.rejected:
        record_rejected(report, rejects, row.number, reason, row.cells)
    for row in outcome.written:
        for message in row.warnings:
            report.warn(row.number, message)
    report.imported += outcome.imported
    report.updated += outcome.updated


class _DryRun(Exception):
    """Rolls a dry run's batch back (out of ``Runtime.transaction``), carrying what it did."""

    def __init__(self, outcome: LedgerOutcome) -> None:
        super().__init__("dry run")
        self.outcome = outcome


def _write(runtime: Runtime, actor: Actor | None, writer: LedgerWriter, rows: RowBatch,
           report: ImportReport) -> LedgerOutcome:
    """One batch in one transaction (run again, whole, when the database was busy)."""
    try:
        with runtime.transaction(actor) as session:
            outcome = writer.write(session, rows, utcnow())
            if report.dry_run:
                raise _DryRun(outcome)
            if outcome.imported or outcome.updated:
                record(session, "import", entity=report.kind, changes={
                    "file": report.file, "batch": report.batches, "imported": outcome.imported,
                    "updated": outcome.updated,
                })
    except _DryRun as undone:
        writer.remember(undone.outcome)
        return undone.outcome
    return outcome


def _date_order(kind: str, headers: HeaderMap, given: bool | None, first: list[Record],
                report: ImportReport) -> tuple[dict[str, bool], bool]:
    """Whether each date column puts the day first (as the client book's import decides it): ``given``,
    else inferred per column from the first batch, else from the file's other date columns, else month
    first with a warning naming an example."""
    if given is not None:
        return {}, given
    columns = {name: headers.fields[name] for name in DATE_FIELDS[kind] if name in headers.fields}
    samples = {name: [cell.strip() for found in first if isinstance(cell := found.cells[index], str)]
               for name, index in columns.items()}
    decided = {name: inferred for name, values in samples.items() if (inferred := infer_dayfirst(values)) is not None}
    votes = set(decided.values())
    for name, values in samples.items():
        example = ambiguous_dates(values)
        if name not in decided and len(votes) != 1 and example is not None:
            report.warn(None, _(
                "%(column)s: dates such as %(example)s could have the day or the month first; they "
                "were read month first. If the day comes first, import the file again with --dayfirst.",
                column=headers.headers[columns[name]], example=example))
    return decided, next(iter(votes)) if len(votes) == 1 else False


# -- export ------------------------------------------------------------------------------------

def export_table(runtime: Runtime, *, kind: str, fmt: str, out_path: Path, by: Principal) -> int:
    """Write every promise or complaint to ``out_path`` in ``fmt`` (csv, xlsx, json), with the kind's
    import fields as columns (``importing``): clients by external id and name, staff by e-mail, an
    engagement by its external id, times in the firm's zone with their offset, a cancelled promise's
    ``cancelled`` as when it was cancelled. Status, lateness and due times are not columns: importing
    the file derives them again. Returns how many records were written."""
    require(by, BULK_DATA)
    if kind not in KINDS:
        raise ValidationFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind,
                                 kinds=", ".join(KINDS)), field="kind")
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown format %(format)s; choose one of %(formats)s.", format=fmt,
                                 formats=", ".join(FORMATS)), field="format")
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.part")
    zone = runtime.settings.zone
    try:
        with runtime.sessions() as session:
            found = session.execute(_query(kind).execution_options(yield_per=2000))
            count = WRITERS[fmt](partial, kind, list(KINDS[kind].fields), _texts(found, zone))
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _texts(rows: Any, zone: Any) -> Iterator[list[str | None]]:
    for row in rows:
        yield [cell_text(value, zone) for value in row]


def _query(kind: str) -> Any:
    """The export's rows, their values in the order of the kind's fields."""
    owner, deliverer = aliased(Staff), aliased(Staff)
    ref = (Client.external_id, Client.name)
    if kind == "promises":
        p = Promise
        return (select(p.external_id, *ref, owner.email, p.kind, p.title, p.window_start, p.window_end, p.place,
                       Engagement.external_id, p.kept_at, deliverer.email, p.cancelled_at, p.client_words, p.notes)
                .join(Client, p.client_id == Client.id).outerjoin(owner, p.owner_id == owner.id)
                .outerjoin(deliverer, p.delivered_by_id == deliverer.id)
                .outerjoin(Engagement, p.engagement_id == Engagement.id).order_by(p.id))
    c = Complaint
    return (select(c.external_id, *ref, c.received_at, c.channel, c.severity, owner.email, c.text,
                   c.first_response_at, c.resolved_at, c.outcome)
            .join(Client, c.client_id == Client.id).outerjoin(owner, c.owner_id == owner.id).order_by(c.id))
