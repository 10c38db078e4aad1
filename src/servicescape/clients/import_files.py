"""The files around an import: JSON arrays as tables (our JSON export read back), and the
rejects file (each bad row with its record number and reason, in a CSV that opens in Excel)."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Generator, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from servicescape.i18n import _
from servicescape.tabular import Cell, Record, Table, TabularError, clean_text, neutralise, restore
from servicescape.tabular.shape import MAX_COLUMNS

REJECT_COLUMNS = ["record", "reason"]
#: how much of a JSON file is read at a time
READ_CHARS = 1 << 20


def open_json_table(path: Path, max_bytes: int) -> Table:
    """An array of flat objects as a table: the keys in first-seen order are the headers, and
    each object's position (1 for the first) is its record number. Numbers keep every digit.
    An empty array is a table with no headers and no records.

    Anything else is refused whole, before a record is imported, naming the first record at
    fault: a file that is not an array; a record that is not an object; a value that is an
    array or an object (a cell holds text, a number, true, false or null); nesting too deep to
    read; ``NaN`` or ``Infinity`` (not JSON); text that is not valid Unicode (a lone surrogate
    escape such as ``\\ud800``); more than ``MAX_COLUMNS`` different keys. A number longer than
    ``LONGEST_NUMBER`` digits written out (``1e999999999``) is kept as the text it is written as.

    The file is read as a stream, a piece (``READ_CHARS``) and one object at a time: once to
    check it and collect the keys, then for the records as the import asks for them.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TabularError(_("cannot open %(file)s: %(problem)s", file=path.name,
                             problem=exc.strerror or exc)) from None
    if size > max_bytes:
        raise TabularError(_("%(file)s is %(size)s MiB, over the %(limit)s MiB limit; split the file",
                             file=path.name, size=f"{size / 2**20:,.0f}", limit=f"{max_bytes / 2**20:,.0f}"))
    names = _headers(path.name, _json_values(path))
    if _mentions_surrogates(path):
        _refuse_surrogates(path.name, _json_values(path))
    records = _records(_json_values(path), names)
    return Table(headers=names, records=records, encoding="utf-8", delimiter=None, sheet=None,
                 closer=records.close)


def _json_values(path: Path) -> Iterator[Any]:
    """The values of the JSON array in ``path``, one at a time; ``TabularError`` for anything else."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _JsonArray(handle).values()
    except OSError as exc:
        raise TabularError(_("cannot open %(file)s: %(problem)s", file=path.name,
                             problem=exc.strerror or exc)) from None
    except RecursionError:
        raise TabularError(_("%(file)s is nested too deeply to be a table; it must hold an array of objects, "
                             "one per record", file=path.name)) from None
    except _NotAnArray:
        raise TabularError(_("%(file)s is not a list of records: a JSON file to import holds a list ([…]) with "
                             "one object ({…}) per record, as our JSON export does", file=path.name)) from None
    except ValueError as exc:  # not UTF-8, not JSON (_Invalid), or NaN/Infinity
        raise TabularError(_("%(file)s is not valid UTF-8 JSON: %(problem)s", file=path.name, problem=exc)) from None


def _mentions_surrogates(path: Path) -> bool:
    """Whether the file writes a surrogate escape (``\\ud800``) anywhere (read a piece at a time)."""
    with path.open("rb") as handle:
        tail = b""
        while piece := handle.read(READ_CHARS):
            seen = tail + piece
            if _SURROGATE_ESCAPE_BYTES.search(seen):
                return True
            tail = seen[-5:]  # an escape cut by the end of the piece
    return False


class _Invalid(ValueError):
    """Not JSON: what is wrong and on which line."""


class _NotAnArray(Exception):
    pass


class _JsonArray:
    """The values of a JSON array read from a text file a piece (``READ_CHARS``) at a time."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.text = ""
        self.at = 0           # the next character of ``text`` to read
        self.line = 1         # the file's line where ``text`` begins
        self.decoder = json.JSONDecoder(parse_int=_integer, parse_float=_decimal, parse_constant=_not_json)

    def values(self) -> Iterator[Any]:
        if self._next() != "[":
            self._value()  # _Invalid unless it is JSON
            raise _NotAnArray
        self.at += 1
        if self._next() != "]":
            while True:
                yield self._value()
                following = self._next()
                if following == "]":
                    break
                if following != ",":
                    raise self._invalid("Expecting ',' delimiter")
                self.at += 1
        self.at += 1
        if self._next():
            raise self._invalid("Extra data")

    def _value(self) -> Any:
        self._next()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.at)
            except json.JSONDecodeError as exc:
                if self._more():  # the value may go on in the next piece
                    continue
                raise self._invalid(exc.msg, exc.pos) from None
            if end < len(self.text) or not self._more():
                self.at = end
                return value

    def _next(self) -> str:
        """The next character that is not white space ("" at the end of the file), not consumed."""
        while True:
            self.at = _WHITESPACE.match(self.text, self.at).end()  # type: ignore[union-attr]
            if self.at < len(self.text):
                return self.text[self.at]
            if not self._more():
                return ""

    def _more(self) -> bool:
        """Drop what was read, add the next piece of the file; False at its end."""
        piece = self.handle.read(READ_CHARS)
        if not piece:
            return False
        self.line += self.text.count("\n", 0, self.at)
        self.text = self.text[self.at:] + piece
        self.at = 0
        return True

    def _invalid(self, message: str, position: int | None = None) -> _Invalid:
        line = self.line + self.text.count("\n", 0, self.at if position is None else position)
        return _Invalid(f"{message}: line {line}")


#: a number from a JSON file with more digits than this written out (``1e999999999`` has a billion)
#: is kept as the text it is written as: no field takes it as a number, and writing it out would not fit
LONGEST_NUMBER = 1000
#: what a JSON value may be to fill a cell (numbers are read as int or Decimal, or kept as text)
_FLAT = frozenset({str, int, Decimal, bool, type(None)})
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _integer(literal: str) -> int | str:
    return int(literal) if len(literal) <= LONGEST_NUMBER else literal


def _decimal(literal: str) -> Decimal | str:
    number = Decimal(literal)
    return number if len(literal) <= LONGEST_NUMBER and abs(number.adjusted()) < LONGEST_NUMBER else literal


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def _json_type(value: Any) -> str:
    """A value's kind in JSON's own words (they are not translated, like the syntax itself)."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


def _headers(file: str, data: Iterable[Any]) -> list[str]:
    """The keys of the records, flat objects, in first-seen order; ``TabularError`` for any other shape."""
    headers: dict[str, None] = {}
    for number, item in enumerate(data, start=1):
        if item.__class__ is not dict:
            raise TabularError(_("%(file)s: record %(n)s is a JSON %(type)s, not an object; the file must hold an "
                                 "array of objects, one per record", file=file, n=number, type=_json_type(item)))
        if not _FLAT.issuperset(map(type, item.values())):
            key, value = next((k, v) for k, v in item.items() if v.__class__ not in _FLAT)
            raise TabularError(_("%(file)s: record %(n)s, key %(key)s holds a JSON %(type)s; a value must be "
                                 "text, a number, true, false or null", file=file, n=number, key=repr(key[:80]),
                                 type=_json_type(value)))
        headers.update(dict.fromkeys(item))
        if len(headers) > MAX_COLUMNS:
            raise TabularError(_("%(where)s has more than %(limit)s columns; remove the columns you do not need",
                                 where=file, limit=MAX_COLUMNS))
    if any(not key.strip() for key in headers):
        raise TabularError(_("%(file)s: a key is empty; every value needs a name", file=file))
    return list(headers)


def _refuse_surrogates(file: str, data: Iterable[dict[str, Any]]) -> None:
    """Text with a lone surrogate (``\\ud800`` not followed by its pair) cannot be stored or written out."""
    for number, item in enumerate(data, start=1):
        for text in (*item, *item.values()):
            if text.__class__ is str and _SURROGATE.search(text):
                raise TabularError(_("%(file)s: record %(n)s holds text that is not valid Unicode (a lone "
                                     "surrogate such as \\ud800)", file=file, n=number))


def _records(data: Iterable[dict[str, Any]], names: list[str]) -> Generator[Record, None, None]:
    for number, item in enumerate(data, start=1):
        get = item.get
        yield Record(number, [_cell(get(key)) for key in names])


def _cell(value: Any) -> Cell:
    if value.__class__ is bool:
        return "true" if value else "false"
    return value  # type: ignore[no-any-return]


class RejectsFile:
    """``record, reason`` and then the row's original cells; UTF-8 with a BOM, formula-guarded.

    The file is created at the first rejected row, so a clean import leaves none behind. Corrected
    and imported again, it gives what the original file would have: ``guarded`` says the original
    cells carry the export's formula guard already (CSV and XLSX), so it is not added twice.
    """

    def __init__(self, path: Path, headers: list[str], *, guarded: bool = False) -> None:
        self.path = path
        self.headers = headers
        self.guarded = guarded
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, number: int, reason: str, cells: list[Cell]) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow([neutralise(h) for h in REJECT_COLUMNS + self.headers])
        self._writer.writerow([str(number), neutralise(reason), *(self._text(cell) for cell in cells)])
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

    def _text(self, cell: Cell) -> str:
        if isinstance(cell, str):
            return neutralise(restore(cell) if self.guarded else cell)
        return neutralise(clean_text(cell) or "")
