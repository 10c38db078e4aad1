"""Open a spreadsheet or CSV export as headers plus a lazy stream of numbered records.

    with open_table(Path("clients.csv")) as table:
        for record in table.records:
            ...

``open_table`` reads the headers at once (so a bad file fails early) and returns a
``Table`` whose ``records`` iterator reads the rest lazily. The file stays open until the
iterator is exhausted or ``close()`` (or the ``with`` block) ends it.
"""

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from servicescape.i18n import _
from servicescape.tabular.csv_source import CsvSource
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell, Record
from servicescape.tabular.xlsx_source import XlsxSource

__all__ = ["Cell", "Record", "Table", "open_table"]

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
CSV_SUFFIXES = {".csv": None, ".tsv": "\t", ".txt": None}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class Table:
    """Headers and records of one CSV file or sheet; use as a context manager or close().

    ``encoding`` and ``delimiter`` are set for CSV, ``sheet`` for XLSX; ``closer`` releases
    the file (``open_table`` supplies it).
    """

    headers: list[str]
    records: Iterator[Record]
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    closer: Callable[[], None] = field(default=lambda: None, repr=False, compare=False)

    def close(self) -> None:
        """Release the file; the records iterator yields nothing more afterwards."""
        self.closer()

    def __enter__(self) -> "Table":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_table(
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Table:
    """Open ``path`` by its extension (.csv/.tsv/.txt, .xlsx/.xlsm) or, failing that, by
    its first bytes. ``encoding`` overrides CSV detection; ``sheet`` picks an XLSX sheet
    (default: the first); ``max_bytes`` caps the CSV size and the XLSX unpacked size.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as probe:
            magic = probe.read(4)
    except OSError as error:
        raise TabularError(_("cannot open %(file)s: %(problem)s", file=path.name,
                             problem=error.strerror or error)) from None
    suffix = path.suffix.lower()
    if magic == _OLE_MAGIC:
        raise TabularError(_("%(file)s is an old binary Excel (.xls) or encrypted workbook; save it as .xlsx or CSV",
                             file=path.name))
    if suffix in XLSX_SUFFIXES or (suffix not in CSV_SUFFIXES and magic == _ZIP_MAGIC):
        return _xlsx_table(path, sheet, max_bytes)
    if size > max_bytes:
        raise TabularError(_(
            "%(file)s is %(size)s MiB, over the %(limit)s MiB limit; split the file",
            file=path.name, size=f"{size / 2**20:,.0f}", limit=f"{max_bytes / 2**20:,.0f}",
        ))
    if sheet is not None:
        raise TabularError(_("%(file)s is a CSV file; it has no sheet %(sheet)s", file=path.name, sheet=repr(sheet)))
    source = CsvSource(path, encoding, CSV_SUFFIXES.get(suffix))
    records = source.records()
    return Table(
        headers=source.headers,
        records=records,
        encoding=source.detected.name,
        delimiter=source.delimiter,
        sheet=None,
        closer=_closer(records, source.close),
    )


def _xlsx_table(path: Path, sheet: str | None, max_bytes: int) -> Table:
    source = XlsxSource(path, sheet, max_bytes)
    records = source.records()
    return Table(
        headers=source.headers,
        records=records,
        encoding=None,
        delimiter=None,
        sheet=source.sheet,
        closer=_closer(records, source.close),
    )


def _closer(records: Generator[Record, None, None], close: Callable[[], None]) -> Callable[[], None]:
    def close_both() -> None:
        records.close()  # a closed generator yields nothing more
        close()

    return close_both
