"""Reading and converting an import file batch by batch, in this process or in a second one.

Converting a row costs about as much as writing it, so for a big file a second process reads
and converts while this one writes (``parallel``): on two cores that nearly halves the time.
The second process is started with ``spawn`` (a fresh interpreter: no inherited database
connections) and sends converted batches through a bounded queue, so memory stays flat.
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servicescape import i18n
from servicescape.clients.import_cells import RowRejected
from servicescape.clients.import_files import open_json_table
from servicescape.clients.import_rows import ParsedRow, ReadContext, RowReader
from servicescape.tabular import Cell, HeaderMap, Record, Table, TabularError, open_table

#: files at least this big are converted in a second process (about 120,000 rows of clients)
PARALLEL_BYTES = 16 * 1024 * 1024
QUEUE_BATCHES = 4
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """Where the records come from (enough to open the file again in another process)."""

    path: Path
    encoding: str | None
    sheet: str | None

    @property
    def is_json(self) -> bool:
        return self.path.suffix.lower() == ".json"

    def open(self) -> Table:
        if self.is_json:
            if self.sheet is not None:
                raise TabularError(f"{self.path.name} is a JSON file; it has no sheet {self.sheet!r}")
            return open_json_table(self.path, MAX_FILE_BYTES)
        return open_table(self.path, encoding=self.encoding, sheet=self.sheet, max_bytes=MAX_FILE_BYTES)


@dataclass(frozen=True)
class Conversion:
    """How to turn records into rows (picklable: the second process builds its own reader)."""

    kind: str
    headers: HeaderMap
    context: ReadContext
    custom: list[tuple[int, str]]
    batch_size: int
    language: str | None = None
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


def converted_elsewhere(conversion: Conversion, source: Source) -> Generator[ConvertedBatch, None, None]:
    """The batches of ``source``, read and converted by a second process."""
    context = multiprocessing.get_context("spawn")
    channel: Any = context.Queue(maxsize=QUEUE_BATCHES)
    worker = context.Process(target=_work, args=(conversion, source, channel), daemon=True,
                             name="servicescape-import-reader")
    worker.start()
    try:
        while True:
            try:
                item = channel.get(timeout=1.0)
            except queue.Empty:
                if not worker.is_alive():
                    raise RuntimeError("the import's reading process stopped unexpectedly") from None
                continue
            if item is None:
                return
            if isinstance(item, _Failure):
                raise item.error()
            yield item
            if item.broken is not None:
                return
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
        channel.close()
        channel.cancel_join_thread()


@dataclass
class _Failure:
    kind: str
    message: str

    def error(self) -> Exception:
        return TabularError(self.message) if self.kind == "tabular" else RuntimeError(self.message)


def _work(conversion: Conversion, source: Source, channel: Any) -> None:  # pragma: no cover - child process
    if conversion.language:
        i18n.activate(conversion.language)
    gc.freeze()  # this process only reads and converts: see heap_frozen
    try:
        with source.open() as table:
            reader = conversion.reader()
            try:
                for records in batches(table.records, conversion.batch_size):
                    channel.put(convert(reader, records))
            except ReadError as exc:
                channel.put(convert(reader, exc.records, exc.problem))
                return
        channel.put(None)
    except TabularError as exc:
        channel.put(_Failure("tabular", str(exc)))
    except Exception as exc:  # report it to the parent instead of dying silently
        channel.put(_Failure("other", f"{type(exc).__name__}: {exc}"))


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


def active_language() -> str | None:
    """The UI language of this request or command (so the second process answers in it)."""
    current = i18n.active()
    for language in i18n.LOCALES:
        if i18n.translations(language) is current:
            return language
    return None
