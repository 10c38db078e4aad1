"""Amounts as people type them: decimal comma or point, group separators, currency marks."""

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies

from servicescape.i18n import _
from servicescape.tabular.errors import TabularError
from servicescape.tabular.records import Cell

# Symbols and local abbreviations → ISO 4217; ISO codes themselves are recognised too.
CURRENCY_SYMBOLS = {
    "€": "EUR",
    "RM": "MYR",
    "лв": "BGN",
    "лв.": "BGN",
    "Ft": "HUF",
    "Ft.": "HUF",
    "¥": "CNY",
    "￥": "CNY",
    "元": "CNY",
    "RMB": "CNY",
    "NT$": "TWD",
    "HK$": "HKD",
    "US$": "USD",
    "$": "USD",
    "£": "GBP",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "zł": "PLN",
    "Kč": "CZK",
    "lei": "RON",
    "₹": "INR",
    "₩": "KRW",
    "฿": "THB",
    "₱": "PHP",
    "Rp": "IDR",
    "₫": "VND",
}
_FOLDED_SYMBOLS = {symbol.casefold(): code for symbol, code in CURRENCY_SYMBOLS.items()}
_ISO_CODES = frozenset(list_currencies())
_GROUPS = " \u00a0\u202f\u2009'\u2019"  # space, NBSP, narrow NBSP, thin space, apostrophes
_SIMPLE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_TOKEN = r"[^\d\s.,'\u2019()+\-\u2212][^\d\s()+\-\u2212]*?"  # noqa: S105 (a currency mark)
_AMOUNT = re.compile(
    rf"""(?P<sign1>[-+\u2212]?)\s*(?P<open>\()?\s*(?P<sign2>[-+\u2212]?)\s*
    (?P<pre>{_TOKEN})?\s*(?P<sign3>[-+\u2212]?)\s*
    (?P<number>[.,]?[0-9](?:[0-9.,{_GROUPS}]*[0-9])?[.,]?)
    \s*(?P<post>{_TOKEN})?\s*(?P<close>\))?\s*(?P<sign4>[-\u2212]?)""",
    re.VERBOSE,
)


def parse_decimal(value: Cell) -> Decimal:
    """The amount in ``value``, without any currency mark.

    Accepts numbers (a float via ``str()``, so 0.1 stays 0.1) and text such as ``1,234.56``,
    ``1.234,56``, ``1 234,56`` (also NBSP / narrow NBSP groups), ``1'234.56``, ``-12,5``,
    ``(12.50)`` (accounting negative), ``€ 1.234,50``, ``1 234,50 Ft``, ``RM 1,200.00``.
    A lone separator is the decimal one, except that a single comma followed by exactly
    three digits after a 1-3 digit number (``12,345``) is read as a thousands separator;
    a lone point (``1.234``) is always decimal.
    """
    if isinstance(value, bool) or value is None or isinstance(value, date):
        raise TabularError(_("not an amount: %(value)s", value=repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TabularError(_("not an amount: %(value)s", value=repr(value)))
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TabularError(_("not an amount: %(value)s", value=repr(value)))
        return Decimal(str(value))
    text = value.strip()
    if _SIMPLE.fullmatch(text):
        return Decimal(text)
    return _parse_text(value)[0]


def parse_currency(value: Cell) -> str | None:
    """The ISO 4217 code named by a symbol or code in ``value`` (``€ 12`` → EUR), if any."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    code = _currency_code(text)
    if code is not None or not text:
        return code
    try:
        return _parse_text(text)[1]
    except TabularError:
        return None


def _currency_code(token: str) -> str | None:
    code = CURRENCY_SYMBOLS.get(token) or _FOLDED_SYMBOLS.get(token.casefold())
    if code is None and token.upper() in _ISO_CODES and len(token) == 3:
        code = token.upper()
    return code


def _parse_text(text: str) -> tuple[Decimal, str | None]:
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        raise TabularError(_("not an amount: %(value)s", value=repr(text)))
    parts = match.groupdict()
    signs = [parts[f"sign{n}"] for n in range(1, 5) if parts[f"sign{n}"]]
    tokens = [token for token in (parts["pre"], parts["post"]) if token]
    codes = {_currency_code(token) for token in tokens}
    if len(signs) > 1 or bool(parts["open"]) != bool(parts["close"]) or None in codes:
        raise TabularError(_("not an amount: %(value)s", value=repr(text)))
    if len(codes) > 1:
        raise TabularError(_("not an amount: %(value)s names two currencies", value=repr(text)))
    amount = _number(parts["number"], text)
    if parts["open"] or (signs and signs[0] != "+"):
        amount = -amount
    return amount, next(iter(codes), None)


def _number(core: str, text: str) -> Decimal:
    """Digits with group and decimal separators → Decimal (see ``parse_decimal``)."""
    spaced = any(ch in _GROUPS for ch in core)
    dot, comma = core.rfind("."), core.rfind(",")
    decimal_mark: str | None = None
    if dot >= 0 and comma >= 0:
        decimal_mark = "." if dot > comma else ","
    elif dot >= 0 or comma >= 0:
        mark = "." if dot >= 0 else ","
        if core.count(mark) == 1:
            whole, _, fraction = core.partition(mark)
            thousands = mark == "," and not spaced and len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"
            decimal_mark = None if thousands else mark
    whole, fraction = core, ""
    if decimal_mark is not None:
        whole, _, fraction = core.rpartition(decimal_mark)
    if not fraction.isdigit() and fraction:
        raise TabularError(_("not an amount: %(value)s", value=repr(text)))
    digits = _ungroup(whole, text)
    if not digits and not fraction:
        raise TabularError(_("not an amount: %(value)s", value=repr(text)))
    try:
        return Decimal(f"{digits or 0}.{fraction}" if fraction else digits)
    except InvalidOperation:
        raise TabularError(_("not an amount: %(value)s", value=repr(text))) from None


def _ungroup(whole: str, text: str) -> str:
    """Remove group separators, checking groups of three (or Indian 2-2-3 grouping)."""
    if whole.isdigit() or not whole:
        return whole
    separators = {ch for ch in whole if not ch.isdigit()}
    marks = separators - set(_GROUPS)  # a point or comma grouping must be the only kind
    if marks and len(separators) > 1:
        raise TabularError(_("not an amount: %(value)s", value=repr(text)))
    groups = re.split(r"[^0-9]", whole)
    first, rest = groups[0], groups[1:]
    western = 1 <= len(first) <= 3 and all(len(g) == 3 for g in rest)
    indian = 1 <= len(first) <= 2 and all(len(g) == 2 for g in rest[:-1]) and len(rest[-1]) == 3
    if not (western or indian):
        raise TabularError(_("not an amount: %(value)s (digit groups are not in threes)", value=repr(text)))
    return "".join(groups)
