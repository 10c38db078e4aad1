"""Importing clients, contacts, engagements, invoices and interactions from CSV, XLSX or JSON.

    report = import_file(runtime, "clients", Path("hubspot.csv"), rejects_path=Path("bad.csv"))

The file is read as a stream and written in batches (at most ``batch_size`` rows, one
transaction each, with one audit event ``import`` per batch that wrote something). A crash or a
kill loses at most the batch in flight, never half a row; importing the same file again finishes
the job, because rows are matched to what is stored (see ``import_batches``) and updated, not
duplicated.

Other writers (people signing in, the API) get in between the batches: a batch is only as large
as can be written in about ``HOLD_SECONDS`` (``_Pace``), and a batch that meets a database busy
with other writers is rolled back and tried again within a bound (``db.busy.retrying``); past it
the import stops with ``DatabaseBusy`` (503), saying how far it got. Memory stays that of a
batch: rows are read and converted a batch at a time, and only the counts and the first ``KEPT``
rejects and warnings are kept (every reject goes to the rejects file as it comes).

Decisions (the tests pin each one):

* A bad row never stops the import: it is rejected with its record number (the CSV line it
  starts on, the sheet row, or the position in a JSON array) and a reason that names every
  problem of the row, one a line, written to the rejects file, and counted. Problems with the
  whole file (unreadable, a required column missing, an unknown ``--map`` column or field, a
  custom-field column whose name cannot be stored) raise ``ImportFailed``.
* Empty cells: a new record gets the field's default; on an update an empty cell clears the
  field, except identifiers and required or defaulted fields (``KEEP_IF_EMPTY``).
* Columns that map to no field are kept as the client's custom fields under their own header
  (a header ``custom: X`` always means custom field ``X``: the export writes that when ``X``
  would be read as one of our fields). On an update, custom fields the file does not name are
  kept, and an empty cell removes that custom field. Contacts, engagements, invoices and
  interactions have no custom fields: such a column is reported once as a warning.
* Unknown owner, seller, deliverer or staff member: the field is left empty with a warning (the
  row is imported). They are recognised by e-mail or by name, case-insensitively.
* An e-mail that does not look like ``name@domain.tld``, or a website that is not a web address,
  is left empty with a warning: the row keeps the rest (exports from other systems are full of
  "n/a" and "-"). Both are tidied and checked as the services do (``clients.rules``): ``mailto:``
  dropped, ``example.com`` read as ``https://example.com``.
* A rule of the client book (``clients.rules``: no negative invoice, a currency in use, an
  interaction that has happened and says what) rejects the row, naming the file's column.
* An unknown country rejects the row (a wrong country would silently spoil segments).
* Choice fields accept common spellings (``import_values``); an unknown one rejects the row.
* An unknown service package keeps its text as the engagement's description, with a warning.
* Dates like ``03/05/2024``: ``dayfirst`` decides; when it is not given, each date column's
  order is inferred from the first batch (a first number over 12 means day first, a second
  one month first), then from the file's other date columns; if nothing decides, month first,
  with a warning naming an example.
* Within one file a key seen again updates the record the earlier row wrote; it counts as
  ``updated``. ``imported`` + ``updated`` + ``rejected`` = ``read``.
* CSV and XLSX text cells and headers that carry the export's formula guard (``'=1+2``: an
  apostrophe that ``tabular.neutralise`` would have put there) lose that one apostrophe; JSON
  values and keys are taken exactly as they are.
* ``dry_run`` writes into a private copy of the kind's table (``import_dry_run``): the counts
  are those a real run would give, nothing is written, and other writers are never held up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from servicescape.audit.service import Actor, record
from servicescape.auth.models import Staff
from servicescape.auth.permissions import Principal, require
from servicescape.clients import rules
from servicescape.clients.import_batches import BatchWriter
from servicescape.clients.import_cells import ambiguous_dates
from servicescape.clients.import_columns import RowBatch
from servicescape.clients.import_dry_run import dry_run_connection
from servicescape.clients.import_files import RejectsFile
from servicescape.clients.import_pipeline import (
    Conversion,
    Source,
    between_batches,
    converted,
    first_batch,
    heap_frozen,
)
from servicescape.clients.import_rows import CUSTOM_PREFIX, KINDS, ReadContext
from servicescape.clients.import_statements import bulk_writes
from servicescape.clients.import_targets import BatchOutcome
from servicescape.clients.import_values import StaffDirectory, tier_display_names
from servicescape.data.capability import BULK_DATA
from servicescape.db.busy import busy, retrying
from servicescape.db.types import utcnow
from servicescape.errors import DatabaseBusy, ImportFailed
from servicescape.i18n import N_, _
from servicescape.offerings.models import ServicePackage
from servicescape.runtime import Runtime
from servicescape.tabular import HeaderMap, Record, Table, TabularError, infer_dayfirst, map_headers, restore

#: rows read and converted at a time, and the most one transaction writes: 10,000 took about a tenth
#: less time than 5,000 on a first import of a million clients
BATCH_SIZE = 10_000
#: the longest one batch's transaction should take (other writers wait while it holds SQLite's write
#: lock); a batch that takes longer is written in smaller parts (``_Pace``)
HOLD_SECONDS = 0.25
#: the rows of the first transaction, and the fewest of any (a batch is written in parts of at least this)
FIRST_ROWS = 1000
FEWEST_ROWS = 100
#: the pause after each part of a batch on SQLite, so that a writer waiting for the lock gets it (SQLite's
#: busy handler looks again at most every 100 ms; parts written back to back would starve it): this share
#: of the time the part held the lock, and at most ``YIELD_SECONDS``
YIELD_SHARE = 0.25
YIELD_SECONDS = 0.1
#: how many rejects and warnings a report keeps in memory (all of them are counted)
KEPT = 1000
DATE_FIELDS = {
    "clients": ("created_at",), "engagements": ("start_date", "end_date"), "invoices": ("issued_on",),
    "interactions": ("occurred_at",), "contacts": (),
}
Progress = Callable[["ImportReport"], None]


@dataclass
class ImportReport:
    kind: str
    file: str
    dry_run: bool = False
    read: int = 0
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    warnings: int = 0
    batches: int = 0
    rejects: list[tuple[int, str]] = field(default_factory=list)
    warning_messages: list[tuple[int | None, str]] = field(default_factory=list)
    rejects_path: Path | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    custom_fields: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, int]:
        """The counts: ``{"read", "imported", "updated", "rejected", "warnings"}``."""
        return {"read": self.read, "imported": self.imported, "updated": self.updated,
                "rejected": self.rejected, "warnings": self.warnings}

    def details(self, limit: int = 100) -> dict[str, Any]:
        """The counts plus what a person needs to act on: the first rejects and warnings."""
        return {
            **self.to_dict(), "kind": self.kind, "file": self.file, "dry_run": self.dry_run,
            "encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet,
            "custom_fields": self.custom_fields,
            "rejects": [{"record": n, "reason": r, "reasons": r.split("\n")} for n, r in self.rejects[:limit]],
            "warning_messages": [{"record": n, "message": m} for n, m in self.warning_messages[:limit]],
        }

    def reject(self, number: int, reason: str) -> None:
        self.rejected += 1
        if len(self.rejects) < KEPT:
            self.rejects.append((number, reason))

    def warn(self, number: int | None, message: str) -> None:
        self.warnings += 1
        if len(self.warning_messages) < KEPT:
            self.warning_messages.append((number, message))


def import_file(
    runtime: Runtime, kind: str, path: Path, *, encoding: str | None = None, sheet: str | None = None,
    mappings: dict[str, str] | None = None, dayfirst: bool | None = None, dry_run: bool = False,
    rejects_path: Path | None = None, batch_size: int = BATCH_SIZE, progress: Progress | None = None,
    actor: Actor | None = None, by: Principal, file_label: str | None = None,
) -> ImportReport:
    """Import ``path`` as records of ``kind``; see the module's documentation for the rules.

    ``progress`` is called with the report after every batch; ``actor`` is recorded in the audit
    trail; ``by`` must hold the bulk-data permission (the CLI acts as SYSTEM).
    """
    require(by, BULK_DATA)
    if kind not in KINDS:
        raise ImportFailed(_("Unknown kind %(kind)s; choose one of %(kinds)s.", kind=kind, kinds=", ".join(KINDS)),
                           field="kind")
    source = Source(Path(path), encoding, sheet)
    report = ImportReport(kind, file_label or source.path.name, dry_run=dry_run)
    size = max(1, batch_size)
    table = open_table(source)
    with heap_frozen(), table, rejects_file(rejects_path, table.headers, not source.is_json) as rejects:
        report.encoding, report.delimiter, report.sheet = table.encoding, table.delimiter, table.sheet
        if not table.headers:  # an empty JSON array: nothing to import
            return report
        headers, custom = _map(kind, table.headers, mappings or {}, report)
        first, broken = first_batch(table.records, size)
        order = _DateOrder(kind, headers, dayfirst, first, report)
        with runtime.transaction() as session:
            context = _context(session, runtime, order)
        conversion = Conversion(kind, headers, context, custom, size, guarded=not source.is_json)
        reader = conversion.reader()
        stream = converted(reader, size, table, first, broken)
        writer = BatchWriter(kind, match_country="country" in headers.fields, custom_fields=bool(custom),
                             describe=reader.broken)
        pace = _Pace(size)
        yield_lock = not dry_run and runtime.engine.dialect.name == "sqlite"
        with closing(stream), _units(runtime, actor, writer, dry_run) as unit:
            for batch in stream:
                report.read += batch.read
                for number, reason, cells in batch.rejects:
                    record_rejected(report, rejects, number, reason, cells)
                for rows in pace.parts(batch.rows):
                    _import_batch(unit, kind, writer, rows, report, rejects, pace)
                    if progress is not None:
                        progress(report)
                    if yield_lock:
                        time.sleep(min(YIELD_SECONDS, pace.held * YIELD_SHARE))
                between_batches()
                if batch.broken is not None:
                    raise stopped_at(batch.broken, report)
        report.rejects_path = rejects.path if rejects is not None and rejects.count else None
    return report


# -- one batch ---------------------------------------------------------------------------------

Unit = Callable[[], AbstractContextManager[Session]]


def _import_batch(unit: Unit, kind: str, writer: BatchWriter, rows: RowBatch, report: ImportReport,
                  rejects: RejectsFile | None, pace: _Pace) -> None:
    report.batches += 1
    try:
        outcome = retrying(lambda: _write(unit, kind, writer, rows, report, pace))
    except DatabaseBusy:
        raise busy_report(report) from None
    for row, reason in outcome.rejected:
        record_rejected(report, rejects, row.number, reason, row.cells)
    refused = {row.number for row, _reason in outcome.rejected}
    numbers = rows.numbers
    for position in sorted(rows.warnings):
        if numbers[position] not in refused:
            for message in rows.warnings[position]:
                report.warn(numbers[position], message)
    report.imported += outcome.imported
    report.updated += outcome.updated


def _write(unit: Unit, kind: str, writer: BatchWriter, rows: RowBatch, report: ImportReport,
           pace: _Pace) -> BatchOutcome:
    """One batch in one transaction (run again, whole, when the database was busy)."""
    started = time.monotonic()
    with unit() as session:
        outcome = writer.write(session.connection(), rows, utcnow())
        if not report.dry_run and (outcome.imported or outcome.updated):
            record(session, "import", entity=kind, changes={
                "file": report.file, "batch": report.batches, "imported": outcome.imported,
                "updated": outcome.updated,
            })
    pace.took(len(rows), time.monotonic() - started)
    return outcome


class _Pace:
    """How many rows one transaction writes: ``FIRST_ROWS`` at first, twice as many after a quick one,
    up to a whole batch; after one slower than ``HOLD_SECONDS``, as many as take about that long."""

    def __init__(self, most: int) -> None:
        self.most = most
        self.rows = min(most, FIRST_ROWS)
        #: how long the last part held its transaction
        self.held = 0.0

    def parts(self, batch: RowBatch) -> Iterator[RowBatch]:
        start = 0
        while True:
            stop = start + self.rows
            yield batch if start == 0 and stop >= len(batch) else batch.part(start, stop)
            start = stop
            if start >= len(batch):
                return

    def took(self, rows: int, seconds: float) -> None:
        self.held = seconds
        if seconds > HOLD_SECONDS:
            self.rows = max(FEWEST_ROWS, int(rows * HOLD_SECONDS / seconds))
        elif seconds < HOLD_SECONDS / 2 and rows >= self.rows:
            self.rows = min(self.most, self.rows * 2)


def record_rejected(report: ImportReport, rejects: RejectsFile | None, number: int, reason: str,
                    cells: list[Any]) -> None:
    report.reject(number, reason)
    if rejects is not None:
        rejects.add(number, reason, cells)


@contextmanager
def _units(runtime: Runtime, actor: Actor | None, writer: BatchWriter, dry_run: bool) -> Iterator[Unit]:
    """A transaction per batch, all on one connection: tuned for bulk writes while the import runs,
    or, for a dry run, one on which the writer's table is a private copy (``import_dry_run``)."""
    if dry_run:
        with dry_run_connection(runtime.engine, writer) as connection:
            yield lambda: _batch_transaction(runtime, connection, actor)
        return
    with runtime.engine.connect() as connection, bulk_writes(connection):
        yield lambda: _batch_transaction(runtime, connection, actor)


@contextmanager
def _batch_transaction(runtime: Runtime, connection: Connection, actor: Actor | None) -> Iterator[Session]:
    with runtime.sessions(bind=connection) as session:
        session.info["actor"] = actor
        with session.begin():
            yield session


# -- reading -----------------------------------------------------------------------------------

def open_table(source: Source) -> Table:
    """The file as a table; a CSV or XLSX header that the export guarded (``'=SUM``, a custom field
    named ``=SUM``) is read back as it was (``=SUM``), exactly as the cells are (``text_cell``)."""
    try:
        table = source.open()
    except (TabularError, LookupError) as exc:
        raise ImportFailed(_("The file cannot be read: %(problem)s", problem=str(exc))) from None
    if not source.is_json:
        table.headers = [restore(header) for header in table.headers]
    return table


def busy_report(report: ImportReport) -> DatabaseBusy:
    """Other writers kept the database busy past the retries: say how far the import got."""
    done = report.imported + report.updated + report.rejected
    return busy(_(
        "The database stayed busy with other work, so the import stopped after %(n)s records (%(imported)s "
        "imported, %(updated)s updated, %(rejected)s rejected). Import the file again a little later: what "
        "was imported is updated, not duplicated.",
        n=done, imported=report.imported, updated=report.updated, rejected=report.rejected),
        details=report.to_dict())


def stopped_at(problem: str, report: ImportReport) -> ImportFailed:
    """A file that breaks midway: the rows before the break were imported; say where it broke."""
    return ImportFailed(
        _("The file cannot be read past this point: %(problem)s. The %(n)s records before it were "
          "processed (%(imported)s imported, %(updated)s updated, %(rejected)s rejected); correct the "
          "file and import it again: what was imported is updated, not duplicated.",
          problem=problem, n=report.read, imported=report.imported, updated=report.updated,
          rejected=report.rejected),
        details=report.to_dict(),
    )


@contextmanager
def rejects_file(path: Path | None, headers: list[str], guarded: bool) -> Iterator[RejectsFile | None]:
    if path is None:
        yield None
        return
    with RejectsFile(Path(path), headers, guarded=guarded) as rejects:
        yield rejects


NOT_CUSTOM = N_("Column %(column)s is not imported: only clients have custom fields.")


def header_map_for(kind: Any, headers: list[str], mappings: dict[str, str], report: ImportReport, *,
                   unmapped: str = NOT_CUSTOM) -> HeaderMap:
    """The header map of a file of another capability's kind (no custom fields): a ``--map`` that
    cannot be, or a required field no column fills, stops the import; a column that fills no field
    is a warning (``unmapped``, marked with N_, names it as ``%(column)s``)."""
    try:
        header_map = map_headers(kind, headers, mappings)
    except TabularError as exc:
        raise ImportFailed(str(exc), field="map") from None
    _require_columns(header_map, headers)
    for message in header_map.warnings:
        report.warn(None, message)
    for _index, header in header_map.unmapped:
        report.warn(None, _(unmapped, column=header))
    return header_map


def _require_columns(header_map: HeaderMap, headers: list[str]) -> None:
    missing = header_map.missing_required()
    if missing:
        raise ImportFailed(_(
            "The file has no column for %(fields)s. Its columns are: %(columns)s. Name the column with "
            "--map \"Their header=field\".", fields="; ".join(missing), columns=", ".join(headers)))


def _map(kind: str, headers: list[str], mappings: dict[str, str],
         report: ImportReport) -> tuple[HeaderMap, list[tuple[int, str]]]:
    """The header map, with ``custom: X`` columns kept out of it, and the custom-field columns."""
    prefixed = {index for index, header in enumerate(headers) if header.casefold().startswith(CUSTOM_PREFIX.strip())}
    visible = ["\u2063" if index in prefixed else header for index, header in enumerate(headers)]
    try:
        header_map = map_headers(kind, visible, mappings)
    except TabularError as exc:
        raise ImportFailed(str(exc), field="map") from None
    header_map.headers = list(headers)
    _require_columns(header_map, headers)
    for message in header_map.warnings:
        report.warn(None, message)
    custom: list[tuple[int, str]] = []
    for index, _visible in header_map.unmapped:
        header = headers[index]
        if kind != "clients":
            report.warn(None, _(NOT_CUSTOM, column=header))
            continue
        key = header.split(":", 1)[1].strip() if index in prefixed else header
        try:
            rules.custom_field_can_be_stored(key)
        except rules.RuleBroken as broken:
            raise ImportFailed(broken.describe()) from None
        custom.append((index, key))
        report.custom_fields.append(key)
    return header_map, custom


def _context(session: Session, runtime: Runtime, order: _DateOrder) -> ReadContext:
    staff = StaffDirectory.of(session.execute(select(Staff.id, Staff.name, Staff.email)))
    packages = {" ".join(name.casefold().split()): package_id
                for package_id, name in session.execute(select(ServicePackage.id, ServicePackage.name))}
    return ReadContext(zone=runtime.settings.zone, staff=staff, packages=packages,
                       tier_names=tier_display_names(runtime.settings.tier_names), dayfirst=order.decided,
                       dayfirst_default=order.default)


class _DateOrder:
    """Whether each date column puts the day first: given, or inferred from the first batch."""

    def __init__(self, kind: str, headers: HeaderMap, given: bool | None, first: list[Record],
                 report: ImportReport) -> None:
        self.decided: dict[str, bool] = {}
        if given is not None:
            self.default = given
            return
        columns = {name: headers.fields[name] for name in DATE_FIELDS[kind] if name in headers.fields}
        samples = {name: [c.strip() for r in first if isinstance(c := r.cells[index], str)]
                   for name, index in columns.items()}
        for name, values in samples.items():
            inferred = infer_dayfirst(values)
            if inferred is not None:
                self.decided[name] = inferred
        votes = set(self.decided.values())
        self.default = next(iter(votes)) if len(votes) == 1 else False
        for name, values in samples.items():
            example = ambiguous_dates(values)
            if name not in self.decided and len(votes) != 1 and example is not None:
                report.warn(None, _(
                    "%(column)s: dates such as %(example)s could have the day or the month first; they "
                    "were read month first. If the day comes first, import the file again with --dayfirst.",
                    column=headers.headers[columns[name]], example=example))
