"""Importing reviews and feedback from CSV, XLSX or JSON (``servicescape import feedback FILE``), and
exporting them in the shape an import reads back.

The run is the client book's (``clients.importing``, ``clients.import_pipeline``): the file opened and
its guarded cells restored, read and converted a batch at a time, its columns recognised by the kind's
headers (``importing``), every rejected row reported with its record number and a reason naming the
file's column. What is voice's own:

* Only ``text`` is required. An empty text rejects the row; one over the column's limit rejects it
  naming the column. The client (external id, else name) is optional: a review of someone who is not a
  client is kept without one; a client named but not found rejects the row.
* ``said_at`` without a timezone is on the firm's clock; empty means the moment of the import (with a
  warning). ``rating``: a whole number of stars from 1 to 5.
* Matching: by external id; else by client, time and text (the same review imported twice is one).
  An update changes what the row gives; an empty cell leaves the field as it is.
* Each batch (``BATCH_SIZE`` rows) is one transaction with one audit event ``import``: kept whole or
  rolled back whole. ``dry_run`` rolls every batch back and reports what a run would do.
* The analysis job reads what was imported over the next minutes; the pages show how many wait.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicescape.audit.service import Actor, record
from servicescape.auth.permissions import Principal, require
from servicescape.clients import import_cells as cells
from servicescape.clients.exporting import FORMATS, WRITERS, cell_text
from servicescape.clients.import_batches import resolve_clients
from servicescape.clients.import_columns import ParsedRow, RowBatch
from servicescape.clients.import_files import RejectsFile
from servicescape.clients.import_pipeline import Source, converted, first_batch
from servicescape.clients.import_rows import ReadContext, RowReader, Step, column_limit
from servicescape.clients.import_targets import BatchOutcome
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
from servicescape.clients.rules import Rule
from servicescape.data.capability import BULK_DATA
from servicescape.db.busy import retrying
from servicescape.db.types import utcnow
from servicescape.errors import DatabaseBusy, ImportFailed, ValidationFailed
from servicescape.i18n import _
from servicescape.runtime import Runtime
from servicescape.tabular import Cell, HeaderMap, infer_dayfirst
from servicescape.voice.capability import WRITE
from servicescape.voice.importing import FEEDBACK_IMPORT
from servicescape.voice.models import Review

BATCH_SIZE = 500
KIND = "feedback"
Progress = Callable[[ImportReport], None]


def _rating(column: str) -> cells.Converter:
    def convert(value: Cell, row: cells.RowState) -> int:
        text = cells.as_text(value).strip()
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise cells.RowRejected(_("%(column)s: %(value)s is not a number of stars from 1 to 5.", column=column,
                                      value=repr(text[:40]))) from None
        if number != int(number) or not 1 <= number <= 5:
            raise cells.RowRejected(_("%(column)s: %(value)s is not a number of stars from 1 to 5.", column=column,
                                      value=repr(text[:40])))
        return int(number)

    return convert


class FeedbackReader(RowReader):
    """Reads feedback files as the client book's reader does, with voice's fields; a review need not
    name a client."""

    client_required = False

    def __init__(self, headers: HeaderMap, ctx: ReadContext, *, guarded: bool = True) -> None:
        super().__init__(KIND, headers, ctx, [], guarded=guarded)
        self.column_headers["client_id"] = next((ref.header for ref in self.refs if ref is not None), "client_name")

    def plan(self, kind: str, ctx: ReadContext, header: Callable[[str], str]) -> dict[str, Step]:
        table = Review.__table__

        def text(name: str) -> Step:
            return name, None, column_limit(table, name)

        ref: dict[str, Step] = {field: (field, None, column_limit(Client.__table__, column))
                                for field, column in (("client_external_id", "external_id"),
                                                      ("client_name", "name"))}
        return {**ref, "external_id": text("external_id"), "text": text("text"), "channel": text("channel"),
                "author": text("author"),
                "said_at": ("said_at", cells.moment(header("said_at"), ctx.dayfirst_default, ctx.zone), 0),
                "rating": ("rating", _rating(header("rating")), 0)}

    def row_rules(self, kind: str) -> list[Rule]:
        return []


class FeedbackWriter:
    """Writes one batch inside the caller's transaction (see the module's documentation)."""

    def __init__(self, column_headers: dict[str, str], *, dry_run: bool) -> None:
        self.column_headers = column_headers
        self.made: set[Any] | None = set() if dry_run else None

    def write(self, session: Session, batch: RowBatch, now: datetime) -> tuple[BatchOutcome, list[ParsedRow]]:
        outcome = BatchOutcome()
        rows = batch.rows()
        named = [row for row in rows if any(row.client_ref)]
        resolved = resolve_clients(session.connection(), named, outcome)
        header = self.column_headers.get("client_id", "client_name")
        outcome.rejected = [(row, f"{header}: {reason}") for row, reason in outcome.rejected]
        keep = {id(row) for row in resolved} | {id(row) for row in rows if not any(row.client_ref)}
        written: list[ParsedRow] = []
        exts = [row.values["external_id"] for row in rows if row.values.get("external_id")]
        by_ext = {r.external_id: r for r in session.scalars(select(Review).where(Review.external_id.in_(exts)))} \
            if exts else {}
        for row in rows:
            if id(row) not in keep:
                continue
            values = row.values
            text = (values.get("text") or "").strip()
            if not text:
                outcome.rejected.append((row, _("%(column)s: the text is empty.",
                                                column=self.column_headers.get("text", "text"))))
                continue
            said_at = values.get("said_at")
            if said_at is None:
                row.warnings.append(_("%(column)s is empty: the review is dated now.",
                                      column=self.column_headers.get("said_at", "said_at")))
                said_at = now
            elif said_at > now:
                outcome.rejected.append((row, _("%(column)s: %(value)s is in the future.",
                                                column=self.column_headers.get("said_at", "said_at"),
                                                value=said_at.isoformat())))
                continue
            ext = values.get("external_id")
            target = by_ext.get(ext) if ext else None
            if target is None:
                target = session.scalar(select(Review).where(Review.client_id == values.get("client_id"),
                                                             Review.said_at == said_at, Review.text == text))
            fields = {"text": text, "said_at": said_at, "client_id": values.get("client_id"),
                      **{k: values[k] for k in ("channel", "author", "rating", "external_id")
                         if values.get(k) is not None}}
            key = ("ext", ext) if ext else ("key", values.get("client_id"), said_at, text)
            if target is None:
                target = Review(**fields)
                session.add(target)
                if self.made is not None and key in self.made:
                    outcome.updated += 1
                else:
                    outcome.imported += 1
                    if self.made is not None:
                        self.made.add(key)
            else:
                for name, value in fields.items():
                    setattr(target, name, value)
                outcome.updated += 1
            if ext:
                by_ext[ext] = target
            session.flush()
            written.append(row)
        return outcome, written


def import_file(
    runtime: Runtime, path: Path, *, kind: str, encoding: str | None = None, sheet: str | None = None,
    mappings: dict[str, str] | None = None, dayfirst: bool | None = None, dry_run: bool = False,
    rejects_path: Path | None = None, batch_size: int = BATCH_SIZE, progress: Progress | None = None,
    actor: Actor | None = None, by: Principal, file_label: str | None = None,
) -> ImportReport:
    """Import ``path`` as reviews and feedback; see the module's documentation."""
    require(by, BULK_DATA)
    require(by, WRITE)
    if kind != KIND:
        raise ImportFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind, kinds=KIND), field="kind")
    source = Source(Path(path), encoding, sheet)
    report = ImportReport(kind, file_label or source.path.name, dry_run=dry_run)
    size = max(1, batch_size)
    table = open_table(source)
    with table, rejects_file(rejects_path, table.headers, not source.is_json) as rejects:
        report.encoding, report.delimiter, report.sheet = table.encoding, table.delimiter, table.sheet
        if not table.headers:
            return report
        headers = header_map_for(FEEDBACK_IMPORT, table.headers, mappings or {}, report)
        first, broken = first_batch(table.records, size)
        if dayfirst is None and "said_at" in headers.fields:
            index = headers.fields["said_at"]
            dayfirst = infer_dayfirst([c.strip() for r in first if isinstance(c := r.cells[index], str)])
        context = ReadContext(zone=runtime.settings.zone, staff=StaffDirectory.of([]), packages={}, tier_names={},
                              dayfirst={}, dayfirst_default=bool(dayfirst))
        reader = FeedbackReader(headers, context, guarded=not source.is_json)
        writer = FeedbackWriter(reader.column_headers, dry_run=dry_run)
        with closing(converted(reader, size, table, first, broken)) as stream:
            for batch in stream:
                report.read += batch.read
                for number, reason, row_cells in batch.rejects:
                    record_rejected(report, rejects, number, reason, row_cells)
                if len(batch.rows):
                    _import_batch(runtime, actor, writer, batch.rows, report, rejects)
                if progress is not None:
                    progress(report)
                if batch.broken is not None:
                    raise stopped_at(batch.broken, report)
        report.rejects_path = rejects.path if rejects is not None and rejects.count else None
    return report


class _DryRun(Exception):
    def __init__(self, outcome: BatchOutcome, written: list[ParsedRow]) -> None:
        super().__init__("dry run")
        self.outcome, self.written = outcome, written


def _import_batch(runtime: Runtime, actor: Actor | None, writer: FeedbackWriter, rows: RowBatch,
                  report: ImportReport, rejects: RejectsFile | None) -> None:
    report.batches += 1

    def write() -> tuple[BatchOutcome, list[ParsedRow]]:
        try:
            with runtime.transaction(actor) as session:
                outcome, written = writer.write(session, rows, utcnow())
                if report.dry_run:
                    raise _DryRun(outcome, written)
                if outcome.imported or outcome.updated:
                    record(session, "import", entity=KIND, changes={
                        "file": report.file, "batch": report.batches, "imported": outcome.imported,
                        "updated": outcome.updated})
        except _DryRun as undone:
            return undone.outcome, undone.written
        return outcome, written

    try:
        outcome, written = retrying(write)
    except DatabaseBusy:
        raise busy_report(report) from None
    for row, reason in outcome.rejected:
        record_rejected(report, rejects, row.number, reason, row.cells)
    for row in written:
        for message in row.warnings:
            report.warn(row.number, message)
    report.imported += outcome.imported
    report.updated += outcome.updated


def export_table(runtime: Runtime, *, kind: str, fmt: str, out_path: Path, by: Principal) -> int:
    """Write every review to ``out_path`` in ``fmt`` (csv, xlsx, json) with the import's columns."""
    require(by, BULK_DATA)
    if kind != KIND:
        raise ValidationFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind, kinds=KIND),
                               field="kind")
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown format %(format)s; choose one of %(formats)s.", format=fmt,
                                 formats=", ".join(FORMATS)), field="format")
    out_path = Path(out_path)
    partial = out_path.with_name(f".{out_path.name}.part")
    zone = runtime.settings.zone
    r = Review
    query = (select(r.external_id, Client.external_id, Client.name, r.said_at, r.text, r.channel, r.author, r.rating)
             .outerjoin(Client, r.client_id == Client.id).order_by(r.id))
    try:
        with runtime.sessions() as session:
            found = session.execute(query.execution_options(yield_per=2000))
            count = WRITERS[fmt](partial, kind, list(FEEDBACK_IMPORT.fields),
                                 ([cell_text(value, zone) for value in row] for row in found))
        os.replace(partial, out_path)
    finally:
        partial.unlink(missing_ok=True)
    return count
