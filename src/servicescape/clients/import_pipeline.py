"""Reading and converting an import file batch by batch, as a stream (memory stays flat).

(Converting in a second process while this one writes was tried: on the two-core machine the
writing process became slower by more than the conversion it no longer did, so it was removed.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from servicescape.clients.import_columns import RowBatch
from servicescape.clients.import_files import open_json_table
from servicescape.clients.import_rows import ReadContext, RowReader
from servicescape.i18n import _
from servicescape.tabular import Cell, HeaderMap, Record, Table, TabularError, open_table

MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """Where the records come from."""

    path: Path
    encoding: str | None
    sheet: str | None

    @property
    def is_json(self) -> bool:
        return self.path.suffix.lower() == ".json"

    def open(self) -> Table:
        if self.is_json:
            if self.sheet is not None:
                raise TabularError(_("%(file)s is a JSON file; it has no sheet %(sheet)s", file=self.path.name,
                                     sheet=repr(self.sheet)))
            return open_json_table(self.path, MAX_FILE_BYTES)
        return open_table(self.path, encoding=self.encoding, sheet=self.sheet, max_bytes=MAX_FILE_BYTES)


@dataclass(frozen=True)
class Conversion:
    """How to turn records into rows."""

    kind: str
    headers: HeaderMap
    context: ReadContext
    custom: list[tuple[int, str]]
    batch_size: int
    guarded: bool = True   # CSV and XLSX: undo the export's formula guard (JSON has none)

    def reader(self) -> RowReader:
        return RowReader(self.kind, self.headers, self.context, self.custom, guarded=self.guarded)


class BatchReader(Protocol):
    """What turns a batch of records into rows (``RowReader`` for the client book's kinds; another
    capability's kinds bring their own): the importable rows and (record number, reason, cells) of
    the others."""

    def read_batch(self, records: Sequence[Record]) -> tuple[RowBatch, list[tuple[int, str, list[Cell]]]]: ...


@dataclass
class ConvertedBatch:
    read: int
    rows: RowBatch
    rejects: list[tuple[int, str, list[Cell]]] = field(default_factory=list)
    broken: str | None = None   # the file cannot be read past these records: why


class ReadError(Exception):
    """The file broke midway; ``records`` are those read since the last whole batch."""

    def __init__(self, problem: str, records: list[Record]) -> None:
        super().__init__(problem)
        self.problem = problem
        self.records = records


def batches(records: Iterator[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    try:
        for item in records:
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
    except TabularError as exc:
        raise ReadError(str(exc), batch) from None
    if batch:
        yield batch


def first_batch(records: Iterator[Record], size: int) -> tuple[list[Record], str | None]:
    """The first ``size`` records (for inferring the date order) and, if the file broke, why."""
    try:
        return next(batches(records, size), []), None
    except ReadError as exc:
        return exc.records, exc.problem


def convert(reader: BatchReader, records: list[Record], broken: str | None = None) -> ConvertedBatch:
    rows, rejects = reader.read_batch(records)
    return ConvertedBatch(len(records), rows, rejects, broken=broken)


def converted(reader: BatchReader, batch_size: int, table: Table, first: list[Record],
              first_broken: str | None) -> Generator[ConvertedBatch, None, None]:
    """The batches of an open table, converted by ``reader``; ``first`` was already read from it."""
    yield convert(reader, first, first_broken)
    if first_broken is not None or len(first) < batch_size:
        return
    try:
        for records in batches(table.records, batch_size):
            yield convert(reader, records)
    except ReadError as exc:
        yield convert(reader, exc.records, exc.problem)


_frozen_lock = threading.Lock()
_frozen_users = 0
_collector_was_enabled = True
_batches = 0
BATCHES_PER_COLLECTION = 20


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Keep the cyclic garbage collector out of the import's way while it runs.

    The objects that exist when the import starts are left out of its scans (``gc.freeze``): each
    collection of the oldest generation would otherwise walk the whole heap of loaded modules
    (SQLAlchemy, Babel, openpyxl: hundreds of thousands of objects). And the collector does not
    run every 700 allocations but between batches (``between_batches``): within a batch it would
    scan the batch's live rows again and again (about a tenth of a million-row import's time,
    measured), and batches leave little garbage. Nothing is leaked: the collector is enabled
    and ``gc.unfreeze`` called when the last import ends."""
    global _frozen_users, _collector_was_enabled
    with _frozen_lock:
        if _frozen_users == 0:
            gc.freeze()
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _frozen_users += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen_users -= 1
            if _frozen_users == 0:
                if _collector_was_enabled:
                    gc.enable()
                gc.unfreeze()


def between_batches() -> None:
    """Collect the young generations' garbage (the few cycles batches leave) every
    ``BATCHES_PER_COLLECTION`` batches while ``heap_frozen``. (Each collection also walks what is
    alive at that moment, a batch's rows among them: a few milliseconds.)"""
    global _batches
    _batches += 1
    if _frozen_users and _batches % BATCHES_PER_COLLECTION == 0:
        gc.collect(1)
