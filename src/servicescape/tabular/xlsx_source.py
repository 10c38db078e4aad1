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

from servicescape.i18n import _
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
        raise TabularError(_("%(file)s is not a readable .xlsx workbook: %(problem)s", file=name,
                             problem=error)) from None
    if len(parts) > MAX_ENTRIES:
        raise TabularError(_(
            "%(file)s holds %(n)s parts, more than the %(limit)s a workbook "
            "can have; refused as a possible ZIP bomb", file=name, n=f"{len(parts):,}", limit=f"{MAX_ENTRIES:,}",
        ))
    total = sum(part.file_size for part in parts)
    if total > max_bytes:
        raise TabularError(_(
            "%(file)s unpacks to %(size)s MiB, over the %(limit)s MiB "
            "limit; split the workbook or export the sheet as CSV",
            file=name, size=f"{total / _MIB:,.0f}", limit=f"{max_bytes / _MIB:,.0f}",
        ))
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * part.compress_size:
            ratio = part.file_size // max(part.compress_size, 1)
            raise TabularError(_(
                "%(file)s: part %(part)s is compressed %(ratio)s:1, far more than a "
                "real workbook; refused as a possible ZIP bomb", file=name, part=part.filename, ratio=f"{ratio:,}",
            ))
    if "[Content_Types].xml" not in {part.filename for part in parts}:
        raise TabularError(_("%(file)s is a ZIP file but not an Excel workbook; save it as .xlsx or CSV", file=name))


class XlsxSource:
    """An open sheet: its headers and a lazy record iterator numbered by sheet row."""

    def __init__(self, path: Path, sheet: str | None, max_bytes: int) -> None:
        self.name = path.name
        check_zip(path, max_bytes)
        if not openpyxl.DEFUSEDXML:
            raise TabularError(_(
                "reading .xlsx files is refused because openpyxl's defusedxml protection is "
                "switched off (unset OPENPYXL_DEFUSEDXML)"
            ))
        self._file = path.open("rb")  # a file object: openpyxl judges paths by their extension
        self._rows: Iterator[tuple[Any, ...]] = iter(())
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._book = openpyxl.load_workbook(self._file, read_only=True, data_only=True, keep_links=False)
        except Exception as error:
            self._file.close()
            raise _read_error(self.name, error, _("%(file)s could not be read as a workbook: %(problem)s",
                                                   file=self.name, problem=error)) from error
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
        width = len(self.headers)
        try:
            while (row := self._next_row()) is not None:
                if _is_blank(row):
                    continue
                cells = [_cell(value) for value in row]
                if len(cells) != width:
                    cells = fit_row(cells, width, self._where())
                yield Record(self._row_number, cells)
        finally:
            self.close()

    def _pick(self, sheet: str | None) -> Any:
        names: list[str] = self._book.sheetnames
        if sheet is None:
            if not self._book.worksheets:
                raise TabularError(_("%(file)s has no worksheets", file=self.name))
            return self._book.worksheets[0]
        matches = [n for n in names if n == sheet] or [
            n for n in names if n.strip().casefold() == sheet.strip().casefold()
        ]
        if len(matches) != 1:
            listed = ", ".join(repr(n) for n in names)
            raise TabularError(_("%(file)s has no sheet %(sheet)s; its sheets are %(sheets)s", file=self.name,
                                 sheet=repr(sheet), sheets=listed))
        chosen = self._book[matches[0]]
        if not hasattr(chosen, "iter_rows"):
            raise TabularError(_("%(file)s: sheet %(sheet)s is a chart, not a table", file=self.name,
                                 sheet=repr(matches[0])))
        return chosen

    def _read_headers(self) -> list[str]:
        while (row := self._next_row()) is not None:
            if not _is_blank(row):
                return clean_headers(row, self._where())
        raise TabularError(_("%(file)s: sheet %(sheet)s is empty", file=self.name, sheet=repr(self.sheet)))

    def _where(self) -> str:
        """The current row, as errors name it."""
        return _("%(file)s sheet %(sheet)s row %(row)s", file=self.name, sheet=repr(self.sheet), row=self._row_number)

    def _next_row(self) -> tuple[Any, ...] | None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. a date cell out of range becomes #VALUE!
            try:
                row = next(self._rows, None)
            except Exception as error:
                problem = _("%(file)s sheet %(sheet)s after row %(row)s could not be read: %(problem)s",
                            file=self.name, sheet=repr(self.sheet), row=self._row_number, problem=error)
                raise _read_error(self.name, error, problem) from error
        if row is not None:
            self._row_number += 1
        return row


def _read_error(name: str, error: Exception, problem: str) -> TabularError:
    """A refusal for XML entity declarations (openpyxl may wrap it), else ``problem`` (what failed and why)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return TabularError(_(
                "%(file)s contains XML entity declarations, which are refused as a possible attack; "
                "open it in Excel and save it again", file=name,
            ))
        cause = cause.__cause__ or cause.__context__
    return TabularError(problem)


def _is_blank(row: tuple[Any, ...]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _cell(value: Any) -> Cell:
    if isinstance(value, time | timedelta):
        return str(value)
    return value
