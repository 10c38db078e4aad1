"""Cleaning and parsing the cell values of imported files.

Each ``parse_*`` raises ``TabularError`` for a value it cannot read, empty ones included;
callers check for an empty cell with ``clean_text(value) is None`` first.
"""

from datetime import date, datetime, time
from decimal import Decimal

from servicescape.i18n import _
from servicescape.tabular.amounts import CURRENCY_SYMBOLS, parse_currency, parse_decimal
from servicescape.tabular.countries import normalise_country
from servicescape.tabular.dates import infer_dayfirst, parse_date, parse_datetime
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell

__all__ = [
    "CURRENCY_SYMBOLS",
    "clean_text",
    "infer_dayfirst",
    "normalise_country",
    "parse_bool",
    "parse_currency",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
]

TRUE_WORDS = frozenset(
    {"true", "t", "yes", "y", "1", "x", "✓", "✔", "on", "igen", "ya", "betul", "да", "是", "对", "對"}
)
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "off", "nem", "tidak", "tak", "не", "否", "不是", "不"})


def clean_text(value: Cell) -> str | None:
    """Text for a cell: stripped, line ends as ``\\n``, empty → None.

    Numbers read from a spreadsheet keep their digits (a phone number 60123456789.0 →
    ``60123456789``); dates become ISO text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else str(value)
    if isinstance(value, Decimal):
        return format(value.normalize() if value == value.to_integral() else value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_bool(value: Cell) -> bool:
    """Yes/no in English, Hungarian, Malay, Bulgarian or Chinese, 1/0, x, ✓ or a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise TabularError(_("not a yes/no value: %(value)s", value=repr(value)))
