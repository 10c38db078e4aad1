"""Reading one sheet of an .xlsx workbook, after checking the ZIP is not a bomb.

openpyxl parses with defusedxml when it is installed (it is a dependency); we refuse to
open workbooks if that protection has been switched off, so a workbook declaring XML
entities (billion laughs) is refused, never expanded.
"""

import warnings
import zipfile
from collections.abc import Generator, Iterator
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException

from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell, Record
from servicescape.tabular.shape import clean_headers, fit_row

MAX_ENTRIES = 10_000
MAX_RATIO = 200  # deflate tops out near 1032:1; real sheets stay far below 200:1
RATIO_FLOOR = 1 << 20  # small parts may compress well; only parts above 1 MiB are judged
_MIB = 1 << 20


def check_zip(path: Path, max_bytes: int) -> None:
    """Refuse a damaged ZIP, too many parts, too much unpacked data or a bomb-like ratio."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise TabularError(f"{name} is not a readable .xlsx workbook: {error}") from None
    if len(parts) > MAX_ENTRIES:
        raise TabularError(
            f"{name} holds {len(parts):,} parts, more than the {MAX_ENTRIES:,} a workbook "
            "can have; refused as a possible ZIP bomb"
        )
    total = sum(part.file_size for part in parts)
    if total > max_bytes:
        raise TabularError(
            f"{name} unpacks to {total / _MIB:,.0f} MiB, over the {max_bytes / _MIB:,.0f} MiB "
            "limit; split the workbook or export the sheet as CSV"
        )
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * part.compress_size:
            ratio = part.file_size // max(part.compress_size, 1)
            raise TabularError(
                f"{name}: part {part.filename} is compressed {ratio:,}:1, far more than a "
                "real workbook; refused as a possible ZIP bomb"
            )
    if "[Content_Types].xml" not in {part.filename for part in parts}:
        raise TabularError(f"{name} is a ZIP file but not an Excel workbook; save it as .xlsx or CSV")


class XlsxSource:
    """An open sheet: its headers and a lazy record iterator numbered by sheet row."""

    def __init__(self, path: Path, sheet: str | None, max_bytes: int) -> None:
        self.name = path.name
        check_zip(path, max_bytes)
        if not openpyxl.DEFUSEDXML:
            raise TabularError(
                "reading .xlsx files is refused because openpyxl's defusedxml protection is "
                "switched off (unset OPENPYXL_DEFUSEDXML)"
            )
        self._file = path.open("rb")  # a file object: openpyxl judges paths by their extension
        self._rows: Iterator[tuple[Any, ...]] = iter(())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(self._file, read_only=True, data_only=True, keep_links=False)
        except Exception as error:
            self._file.close()
            raise _read_error(self.name, error, "could not be read as a workbook") from error
        try:
            self._sheet = self._pick(sheet)
            self.sheet: str = self._sheet.title
            self._sheet.reset_dimensions()  # some writers record a wrong sheet size
            self._rows = self._sheet.iter_rows(values_only=True)
            self._row_number = 0
            self.headers = self._read_headers()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        close_rows = getattr(self._rows, "close", None)
        if close_rows is not None:
            close_rows()  # the suspended row generator holds the sheet's part open
        self._book.close()
        self._file.close()

    def records(self) -> Generator[Record, None, None]:
        """Yield data rows with their sheet row numbers; empty rows are skipped."""
        width, where = len(self.headers), f"{self.name} sheet {self.sheet!r} row"
        try:
            while (row := self._next_row()) is not None:
                if _is_blank(row):
                    continue
                cells = [_cell(value) for value in row]
                if len(cells) != width:
                    cells = fit_row(cells, width, f"{where} {self._row_number}")
                yield Record(self._row_number, cells)
        finally:
            self.close()

    def _pick(self, sheet: str | None) -> Any:
        names: list[str] = self._book.sheetnames
        if sheet is None:
            if not self._book.worksheets:
                raise TabularError(f"{self.name} has no worksheets")
            return self._book.worksheets[0]
        matches = [n for n in names if n == sheet] or [
            n for n in names if n.strip().casefold() == sheet.strip().casefold()
        ]
        if len(matches) != 1:
            listed = ", ".join(repr(n) for n in names)
            raise TabularError(f"{self.name} has no sheet {sheet!r}; its sheets are {listed}")
        chosen = self._book[matches[0]]
        if not hasattr(chosen, "iter_rows"):
            raise TabularError(f"{self.name}: sheet {matches[0]!r} is a chart, not a table")
        return chosen

    def _read_headers(self) -> list[str]:
        while (row := self._next_row()) is not None:
            if not _is_blank(row):
                where = f"{self.name} sheet {self.sheet!r} row {self._row_number}"
                return clean_headers(row, where)
        raise TabularError(f"{self.name}: sheet {self.sheet!r} is empty")

    def _next_row(self) -> tuple[Any, ...] | None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a date cell out of range becomes #VALUE!
            try:
                row = next(self._rows, None)
            except Exception as error:
                where = f"sheet {self.sheet!r} after row {self._row_number} could not be read"
                raise _read_error(self.name, error, where) from error
        if row is not None:
            self._row_number += 1
        return row


def _read_error(name: str, error: Exception, what: str) -> TabularError:
    """A refusal for XML entity declarations (openpyxl may wrap it), else ``what`` and why."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return TabularError(
                f"{name} contains XML entity declarations, which are refused as a possible attack; "
                "open it in Excel and save it again"
            )
        cause = cause.__cause__ or cause.__context__
    return TabularError(f"{name} {what}: {error}")


def _is_blank(row: tuple[Any, ...]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _cell(value: Any) -> Cell:
    if isinstance(value, time | timedelta):
        return str(value)
    return value
