"""Reading and converting an import file batch by batch, as a stream (memory stays flat).

(Converting in a second process while this one writes was tried: on the two-core machine the
writing process became slower by more than the conversion it no longer did, so it was removed.)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from servicescape.clients.import_cells import RowRejected
from servicescape.clients.import_files import open_json_table
from servicescape.clients.import_rows import ParsedRow, ReadContext, RowReader
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


@dataclass
class ConvertedBatch:
    read: int
    rows: list[ParsedRow]
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


def convert(reader: RowReader, records: list[Record], broken: str | None = None) -> ConvertedBatch:
    batch = ConvertedBatch(len(records), [], broken=broken)
    for item in records:
        try:
            batch.rows.append(reader.read(item))
        except RowRejected as exc:
            batch.rejects.append((item.number, exc.reason, item.cells))
    return batch


def converted(conversion: Conversion, table: Table, first: list[Record],
              first_broken: str | None) -> Generator[ConvertedBatch, None, None]:
    """The batches of an open table, converted here; ``first`` was already read from it."""
    reader = conversion.reader()
    yield convert(reader, first, first_broken)
    if first_broken is not None or len(first) < conversion.batch_size:
        return
    try:
        for records in batches(table.records, conversion.batch_size):
            yield convert(reader, records)
    except ReadError as exc:
        yield convert(reader, exc.records, exc.problem)


_frozen_lock = threading.Lock()
_frozen_users = 0


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Leave the objects that exist now out of the cyclic garbage collector's scans while an import
    runs (``gc.freeze``). The import allocates millions of short-lived objects; each collection
    of the oldest generation would otherwise walk the whole heap of loaded modules (SQLAlchemy,
    Babel, openpyxl: hundreds of thousands of objects). Measured: converting and unpickling rows
    costs about half as much. Nothing is leaked: ``gc.unfreeze`` when the last import ends."""
    global _frozen_users
    with _frozen_lock:
        if _frozen_users == 0:
            gc.freeze()
        _frozen_users += 1
    try:
        yield
    finally:
        with _frozen_lock:
            _frozen_users -= 1
            if _frozen_users == 0:
                gc.unfreeze()
