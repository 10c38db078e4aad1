"""The files around an import: JSON arrays as tables (our JSON export read back), and the
rejects file (each bad row with its record number and reason, in a CSV that opens in Excel)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from servicescape.i18n import _
from servicescape.tabular import Cell, Record, Table, TabularError, clean_text, neutralise

REJECT_COLUMNS = ["record", "reason"]


def open_json_table(path: Path, max_bytes: int) -> Table:
    """An array of flat objects as a table: the keys in first-seen order are the headers, and
    each object's position (1 for the first) is its record number. Numbers keep every digit.
    An empty array is a table with no headers and no records."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TabularError(_("%(file)s is %(size)s MiB, over the %(limit)s MiB limit; split the file",
                                 file=path.name, size=f"{size / 2**20:,.0f}", limit=f"{max_bytes / 2**20:,.0f}"))
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except OSError as exc:
        raise TabularError(_("cannot open %(file)s: %(problem)s", file=path.name,
                             problem=exc.strerror or exc)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TabularError(_("%(file)s is not valid UTF-8 JSON: %(problem)s", file=path.name, problem=exc)) from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise TabularError(_("%(file)s is not a list of records: a JSON file to import holds a list ([…]) with "
                             "one object ({…}) per record, as our JSON export does", file=path.name))
    headers: dict[str, None] = {}
    for item in data:
        headers.update(dict.fromkeys(item))
    if any(not key.strip() for key in headers):
        raise TabularError(_("%(file)s: a key is empty; every value needs a name", file=path.name))
    names = list(headers)
    records = iter([Record(number, [_cell(item.get(key)) for key in names])
                    for number, item in enumerate(data, start=1)])
    return Table(headers=names, records=records, encoding="utf-8", delimiter=None, sheet=None)


def _cell(value: Any) -> Cell:
    if value is None or (isinstance(value, str | int | Decimal) and not isinstance(value, bool)):
        return value  # type: ignore[no-any-return]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return Decimal(str(value))
    return json.dumps(value, ensure_ascii=False)


class RejectsFile:
    """``record, reason`` and then the row's original cells; UTF-8 with a BOM, formula-guarded.

    The file is created at the first rejected row, so a clean import leaves none behind.
    """

    def __init__(self, path: Path, headers: list[str]) -> None:
        self.path = path
        self.headers = headers
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, number: int, reason: str, cells: list[Cell]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow([neutralise(h) for h in REJECT_COLUMNS + self.headers])
        self._writer.writerow([str(number), neutralise(reason), *(_text(cell) for cell in cells)])
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RejectsFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _text(cell: Cell) -> str:
    if isinstance(cell, str):
        return neutralise(cell)
    return neutralise(clean_text(cell) or "")
