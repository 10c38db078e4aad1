"""Header cleaning and row fitting shared by the CSV and XLSX readers."""

from collections import Counter
from collections.abc import Sequence
from datetime import date

from servicescape.i18n import _
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell

#: the most columns a file may have: every row becomes that many cells, however few it fills
#: (a header of a million columns would make every short row a million cells)
MAX_COLUMNS = 1000


def column_letter(number: int) -> str:
    """Spreadsheet letters of a 1-based column number (1 → A, 27 → AA)."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def clean_headers(raw: Sequence[object], where: str) -> list[str]:
    """Headers with BOM and surrounding/repeated whitespace removed, trailing blanks dropped.

    A blank header between named ones, or a repeated header, is an error naming it.
    """
    headers = [_header_text(value) for value in raw]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise TabularError(_("%(where)s: the header row is empty", where=where))
    if len(headers) > MAX_COLUMNS:
        raise TabularError(_("%(where)s has more than %(limit)s columns; remove the columns you do not need",
                             where=where, limit=MAX_COLUMNS))
    for number, header in enumerate(headers, start=1):
        if not header:
            raise TabularError(_(
                "%(where)s: column %(number)s (%(letter)s) has no header; name it or delete the column",
                where=where, number=number, letter=column_letter(number),
            ))
    repeated = [header for header, count in Counter(headers).items() if count > 1]
    if repeated:
        names = ", ".join(repr(h) for h in repeated)
        raise TabularError(_(
            "%(where)s: the header %(names)s appears more than once; rename the copies so each column has its own name",
            where=where, names=names,
        ))
    return headers


def fit_row(row: list[Cell], width: int, where: str, hint: str = "") -> list[Cell]:
    """Pad a short row with None; trim a long one if its extra cells are empty, else fail."""
    if len(row) < width:
        return row + [None] * (width - len(row))
    used = max((i for i in range(width, len(row)) if row[i] not in (None, "")), default=None)
    if used is not None:
        raise TabularError(_("%(where)s has %(cells)s cells but the header has %(width)s columns",
                             where=where, cells=used + 1, width=width) + hint)
    return row[:width]


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, date):
        value = value.isoformat()
    return " ".join(str(value).replace("\ufeff", "").replace("\u200b", "").split())
