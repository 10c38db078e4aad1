"""Converting a batch of records column by column (the importer's hot loop).

Per cell, Python's overhead (a loop step, a call, a branch) costs more than the work itself, so
a batch's cells are converted a column at a time: text is stripped and measured with a few
calls over the whole column, and a converter (``import_cells``; each is a pure function of the
cell) runs once per distinct text of its column, its outcome remembered across batches. What
is rare — a formula guard to undo, a line end to normalise, a cell that is not text, a value
that warns or is rejected — takes the careful cell-by-cell path, with the same outcome.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from servicescape.clients.import_cells import Converter, RowRejected, RowState
from servicescape.clients.rules import EMAIL
from servicescape.i18n import _
from servicescape.tabular import Cell, clean_text, restore

#: how many distinct cells a column's converter remembers (dates and choices repeat a lot)
MEMO_SIZE = 50_000
#: a column whose batches hold mostly values not seen before (e-mails, amounts) is not remembered
DISTINCT_SHARE = 0.5
_EMAILS = re.compile(rf"{EMAIL.pattern}(?:\n{EMAIL.pattern})*")


def text_cell(value: Cell, guarded: bool = True) -> Cell:
    """A cell as the importer sees it: text stripped, line ends as \\n, the export's formula
    guard undone (``'=x`` → ``=x``; ``guarded``: the file is CSV or XLSX, which have that guard),
    empty → None; numbers and dates as they are."""
    if value.__class__ is str:
        text = value.strip()  # type: ignore[union-attr]
        if not text:
            return None
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            raise RowRejected(_("the text contains a NUL character (\\x00), which cannot be stored."))
        return restore(text) if guarded and text[0] == "'" else text
    if value is None or value == "":
        return None
    return value


def cell_problem(header: str, rejected: RowRejected) -> str:
    """Why ``text_cell`` refused a cell of the column ``header``, as a reject reason."""
    return _("%(column)s: %(problem)s", column=header, problem=rejected.reason)


def all_text(cells: Sequence[Any]) -> bool:
    return set(map(type, cells)) <= {str}


@dataclass(slots=True)
class Problems:
    """What converting a batch found besides values, by the row's position in the batch: every
    reason to reject it (each with the database column at fault, so that a rule does not call a
    cell empty that was rejected), warnings, and side facts for the rules that look at several cells."""

    rejects: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    currency_in_amount: dict[int, str] = field(default_factory=dict)
    package_text: dict[int, str] = field(default_factory=dict)

    def reject(self, position: int, reason: str, column: str = "") -> None:
        self.rejects.setdefault(position, []).append((column, reason))

    def take(self, position: int, state: RowState) -> None:
        if state.warnings:
            self.warnings.setdefault(position, []).extend(state.warnings)
        if state.currency_in_amount is not None:
            self.currency_in_amount[position] = state.currency_in_amount
        if state.package_text is not None:
            self.package_text[position] = state.package_text


@dataclass(slots=True)
class _Outcome:
    """A converter's result that is more than a value: a rejection, warnings or side facts."""

    value: Any
    reject: str | None
    state: RowState


def _outcome(convert: Converter, value: Cell) -> Any:
    state = RowState()
    try:
        result = convert(value, state)
    except RowRejected as exc:
        return _Outcome(None, exc.reason, state)
    if state.warnings or state.currency_in_amount is not None or state.package_text is not None:
        return _Outcome(result, None, state)
    return result


@dataclass(slots=True)
class Column:
    """One mapped column of the file: where its cells are, the database column they fill, how."""

    column: str                  # the database column
    index: int                   # the cell's position in a record
    header: str                  # the file's header (for messages)
    convert: Converter | None    # None: plain text
    limit: int = 0               # plain text: the most characters the column holds
    as_is: Callable[[str], bool] | None = None   # the text of the whole column (one per line) needs no converting
    memo: dict[Any, Any] | None = field(default_factory=lambda: {None: None})

    def values(self, cells: Sequence[Cell], guarded: bool, problems: Problems) -> list[Any]:
        """The column's database values for a batch; rejected cells come back as None."""
        cleaned, texts = _clean(cells, guarded, self.convert is None, problems, self)
        if self.convert is None:
            return self._text(cleaned, problems)
        if texts and self.as_is is not None and self.as_is("\n".join(filter(None, cleaned))):
            return cleaned
        if texts and self.memo is not None:
            return self._remembered(cleaned, problems)
        return self._each(cleaned, problems)

    def _text(self, cleaned: list[Any], problems: Problems) -> list[Any]:
        if max(map(len, filter(None, cleaned)), default=0) <= self.limit:
            return cleaned
        limit = self.limit
        for position, value in enumerate(cleaned):
            if value is not None and len(value) > limit:
                problems.reject(position, _("%(column)s is longer than %(n)s characters.", column=self.header,
                                            n=limit), self.column)
                cleaned[position] = None
        return cleaned

    def _remembered(self, cleaned: list[Any], problems: Problems) -> list[Any]:
        memo, convert = self.memo, self.convert
        assert memo is not None and convert is not None
        distinct = set(cleaned)
        new = distinct.difference(memo)
        if len(memo) > 1 and len(new) > DISTINCT_SHARE * len(cleaned) > 50:
            self.memo = None   # again mostly values not seen before: remembering costs more than it saves
        if len(memo) + len(new) > MEMO_SIZE:
            memo.clear()
            memo[None] = None
            new = distinct - {None}
        for value in new:
            memo[value] = _outcome(convert, value)
        values = list(map(memo.__getitem__, cleaned))
        if any(memo[value].__class__ is _Outcome for value in distinct):
            for position, found in enumerate(values):
                if found.__class__ is _Outcome:
                    values[position] = self._settle(position, found, problems)
        return values

    def _each(self, cleaned: list[Any], problems: Problems) -> list[Any]:
        convert = self.convert
        assert convert is not None
        values: list[Any] = [None] * len(cleaned)
        for position, value in enumerate(cleaned):
            if value is not None:
                found = _outcome(convert, value)
                values[position] = self._settle(position, found, problems) if found.__class__ is _Outcome else found
        return values

    def _settle(self, position: int, found: _Outcome, problems: Problems) -> Any:
        if found.reject is not None:
            problems.reject(position, found.reject, self.column)
            return None
        problems.take(position, found.state)
        return found.value


def _clean(cells: Sequence[Cell], guarded: bool, plain: bool, problems: Problems,
           column: Column) -> tuple[list[Any], bool]:
    """``text_cell`` over ``column``'s cells (``plain``: cells that are not text become text); and whether
    every value that comes out is text or None."""
    try:
        stripped: list[str] = list(map(str.strip, cells))  # type: ignore[arg-type]
    except TypeError:  # a cell that is not text (a number or date from XLSX or JSON, a missing cell)
        pass
    else:
        joined = "\n".join(stripped)
        if "\r" not in joined and "\x00" not in joined and "\n'" not in joined and joined[:1] != "'":
            return ([value or None for value in stripped] if "" in stripped else stripped), True
    cleaned: list[Any] = []
    for position, value in enumerate(cells):
        try:
            cell = text_cell(value, guarded)
        except RowRejected as exc:
            problems.reject(position, cell_problem(column.header, exc), column.column)
            cell = None
        if plain and cell is not None and cell.__class__ is not str:
            cell = clean_text(cell)
        cleaned.append(cell)
    return cleaned, all_text([cell for cell in cleaned if cell is not None])


def emails_as_they_are(limit: int) -> Callable[[str], bool]:
    """Whether a column's addresses (one per line) all look right as they are: no ``mailto:``, none too
    long; then ``import_cells.email`` would return each unchanged and warn of none."""
    def check(joined: str) -> bool:
        return (":" not in joined and max(map(len, joined.split("\n"))) <= limit
                and _EMAILS.fullmatch(joined) is not None)

    return check


@dataclass(slots=True)
class ParsedRow:
    """One row to write, as the general (row by row) path of the batch writer takes it."""

    number: int
    cells: list[Cell]
    values: dict[str, Any]                   # database column → value; None: the cell was empty
    warnings: list[str] = field(default_factory=list)
    custom: dict[str, str | None] | None = None   # clients: custom field → text (None: empty)
    client_ref: tuple[str | None, str | None] = (None, None)   # (external id, name)


@dataclass(slots=True)
class RowBatch:
    """The importable rows of one batch, column by column: ``columns[k][i]`` is the value of
    database column ``names[k]`` in row ``i``; ``rows()`` gives them row by row."""

    numbers: list[int]                 # each row's record number
    cells: list[list[Cell]]            # each row's cells as the file has them
    names: list[str]
    columns: list[list[Any]]
    warnings: dict[int, list[str]] = field(default_factory=dict)      # row position → warnings
    client_refs: list[tuple[str | None, str | None]] | None = None   # related kinds: (external id, name)
    custom: list[dict[str, str | None]] | None = None                 # clients: custom field → text

    def __len__(self) -> int:
        return len(self.numbers)

    def index(self) -> dict[str, int]:
        return {name: position for position, name in enumerate(self.names)}

    def column(self, name: str) -> list[Any] | None:
        try:
            return self.columns[self.names.index(name)]
        except ValueError:
            return None

    def set_column(self, name: str, values: list[Any]) -> list[Any]:
        if name in self.names:
            self.columns[self.names.index(name)] = values
        else:
            self.names.append(name)
            self.columns.append(values)
        return values

    def without(self, positions: Collection[int]) -> RowBatch:
        """The batch less the rows at ``positions``."""
        kept = [position for position in range(len(self)) if position not in positions]
        renumbered = {old: new for new, old in enumerate(kept)}
        return RowBatch(
            [self.numbers[i] for i in kept], [self.cells[i] for i in kept], self.names,
            [[column[i] for i in kept] for column in self.columns],
            {renumbered[i]: found for i, found in self.warnings.items() if i in renumbered},
            None if self.client_refs is None else [self.client_refs[i] for i in kept],
            None if self.custom is None else [self.custom[i] for i in kept],
        )

    def part(self, start: int, stop: int) -> RowBatch:
        """The rows from position ``start`` up to (not including) ``stop``."""
        return RowBatch(
            self.numbers[start:stop], self.cells[start:stop], list(self.names),
            [column[start:stop] for column in self.columns],
            {i - start: found for i, found in self.warnings.items() if start <= i < stop},
            None if self.client_refs is None else self.client_refs[start:stop],
            None if self.custom is None else self.custom[start:stop],
        )

    def rows(self) -> list[ParsedRow]:
        names, warnings = self.names, self.warnings
        values = [dict(zip(names, row, strict=True)) for row in zip(*self.columns, strict=True)] if names else \
            [{} for _number in self.numbers]
        rows = [ParsedRow(number, cells, row, warnings.get(position) or [])
                for position, (number, cells, row) in enumerate(zip(self.numbers, self.cells, values, strict=True))]
        if self.client_refs is not None:
            for row, ref in zip(rows, self.client_refs, strict=True):
                row.client_ref = ref
        if self.custom is not None:
            for row, custom in zip(rows, self.custom, strict=True):
                row.custom = custom
        return rows


class RowView(Mapping[str, Any]):
    """One row of a batch as a mapping of database column → value, without copying it (what the
    rules of ``clients.rules`` read)."""

    __slots__ = ("_columns", "_index", "_position")

    def __init__(self, index: dict[str, int], columns: list[list[Any]], position: int) -> None:
        self._index = index
        self._columns = columns
        self._position = position

    def __getitem__(self, key: str) -> Any:
        return self._columns[self._index[key]][self._position]

    def get(self, key: str, default: Any = None) -> Any:
        found = self._index.get(key)
        return default if found is None else self._columns[found][self._position]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)
