"""Cell converters of the importer: one cell of one column → a database value, or a rejection.

A converter is built once per column (it knows the column's header for messages and keeps a
cache of the values it has seen) and called once per row with a non-empty cell; it returns the
value, raises :class:`RowRejected` with a reason, or adds a warning to the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from servicescape.clients.import_values import AMBIGUOUS, StaffDirectory, lookup_word
from servicescape.clients.rules import email_address, web_address
from servicescape.db.types import MONEY_PLACES
from servicescape.i18n import _
from servicescape.tabular import (
    Cell,
    TabularError,
    clean_text,
    normalise_country,
    parse_currency,
    parse_date,
    parse_datetime,
    parse_decimal,
)

#: the largest amount the API accepts (servicescape.schemas.Amount)
MAX_AMOUNT = Decimal(10) ** 13
_MONEY_STEP = Decimal(1).scaleb(-MONEY_PLACES)
#: how many distinct values a converter remembers (dates and countries repeat a lot)
CACHE_SIZE = 50_000
_AMBIGUOUS_DATE = re.compile(r"\s*([0-9]{1,2})\s*[/-]\s*([0-9]{1,2})\s*[/-]\s*[0-9]{2,4}\b")


class RowRejected(Exception):
    """The row cannot be imported; ``reason`` says why (shown in the rejects file)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class RowState:
    """What converting one row adds besides its values: warnings and side facts."""

    warnings: list[str] = field(default_factory=list)
    currency_in_amount: str | None = None
    package_text: str | None = None


Converter = Callable[[Cell, RowState], Any]


def problem(column: str, exc: Exception | str) -> RowRejected:
    return RowRejected(_("%(column)s: %(problem)s", column=column, problem=str(exc)))


def as_text(value: Cell) -> str:
    """A non-empty cell as text (the loop has already stripped and restored strings)."""
    if isinstance(value, str):
        return value
    return clean_text(value) or ""


def text(column: str, limit: int) -> Converter:
    def convert(value: Cell, row: RowState) -> str:
        result = value if isinstance(value, str) else as_text(value)
        if len(result) > limit:
            raise RowRejected(_("%(column)s is longer than %(n)s characters.", column=column, n=limit))
        return result

    return convert


def email(column: str, limit: int = 320) -> Converter:
    def convert(value: Cell, row: RowState) -> str | None:
        address = email_address(as_text(value))
        if address is None or len(address) > limit:
            row.warnings.append(_("%(column)s: %(value)s does not look like an e-mail address; it was "
                                  "left empty.", column=column, value=repr(as_text(value)[:80])))
            return None
        return address

    return convert


def website(column: str, limit: int) -> Converter:
    def convert(value: Cell, row: RowState) -> str | None:
        address = web_address(as_text(value))
        if address is None or len(address) > limit:
            row.warnings.append(_("%(column)s: %(value)s is not a web address; it was left empty.",
                                  column=column, value=repr(as_text(value)[:80])))
            return None
        return address

    return convert


def _cached(column: str, parse: Callable[[Cell], Any], errors: tuple[type[Exception], ...]) -> Converter:
    """A converter that parses each distinct cell once (dates repeat a lot in real files)."""
    seen: dict[Cell, Any] = {}

    def convert(value: Cell, row: RowState) -> Any:
        found = seen.get(value)
        if found is None:
            try:
                found = parse(value)
            except errors as exc:
                found = problem(column, exc)
            if len(seen) < CACHE_SIZE:
                seen[value] = found
        if isinstance(found, RowRejected):
            raise found
        return found

    return convert


def country(column: str) -> Converter:
    return _cached(column, lambda value: normalise_country(as_text(value)), (TabularError,))


def choice(column: str, table: Mapping[str, str], choices: str, extra: Mapping[str, str] | None = None) -> Converter:
    seen: dict[str, str] = {}

    def convert(value: Cell, row: RowState) -> str:
        key = as_text(value)
        found = seen.get(key)
        if found is None:
            found = lookup_word(table, key, extra)
            if found is None:
                raise RowRejected(_("%(column)s: %(value)s is not a value this field knows; use one of "
                                    "%(choices)s.", column=column, value=repr(key[:80]), choices=choices))
            if len(seen) < CACHE_SIZE:
                seen[key] = found
        return found

    return convert


def staff(column: str, directory: StaffDirectory) -> Converter:
    def convert(value: Cell, row: RowState) -> int | None:
        name = as_text(value)
        found = directory.find(name)
        if found is None:
            row.warnings.append(_("%(column)s: no staff member has the name or e-mail %(value)s; it was "
                                  "left empty.", column=column, value=repr(name[:120])))
            return None
        if found == AMBIGUOUS:
            row.warnings.append(_("%(column)s: several staff members are named %(value)s; it was left "
                                  "empty (use the e-mail address).", column=column, value=repr(name[:120])))
            return None
        return found

    return convert


def package(column: str, packages: Mapping[str, int]) -> Converter:
    def convert(value: Cell, row: RowState) -> int | None:
        name = as_text(value)
        found = packages.get(" ".join(name.casefold().split()))
        if found is None:
            row.warnings.append(_("%(column)s: there is no service package %(value)s; the text is kept "
                                  "as the description.", column=column, value=repr(name[:120])))
            row.package_text = name
        return found

    return convert


def day(column: str, dayfirst: bool) -> Converter:
    return _cached(column, lambda value: parse_date(value, dayfirst=dayfirst), (TabularError,))


def moment(column: str, dayfirst: bool, zone: ZoneInfo) -> Converter:
    def parse(value: Cell) -> datetime:
        found = parse_datetime(value, dayfirst=dayfirst, tz=zone)
        found.astimezone(UTC)  # a time that cannot be expressed in UTC is rejected here
        return found

    return _cached(column, parse, (TabularError, OverflowError, ValueError))


def money(column: str) -> Converter:
    def convert(value: Cell, row: RowState) -> Decimal:
        try:
            amount = parse_decimal(value)
        except TabularError as exc:
            raise problem(column, exc) from None
        if abs(amount) > MAX_AMOUNT:
            raise RowRejected(_("%(column)s: %(value)s is too large.", column=column, value=as_text(value)))
        if amount != amount.quantize(_MONEY_STEP):
            raise RowRejected(_("%(column)s: %(value)s has more than %(n)s decimal places.", column=column,
                                value=as_text(value), n=MONEY_PLACES))
        if isinstance(value, str):
            row.currency_in_amount = parse_currency(value)
        return amount

    return convert


def currency(column: str) -> Converter:
    def convert(value: Cell, row: RowState) -> str:
        code = parse_currency(as_text(value))
        if code is None or len(code) != 3:
            raise RowRejected(_("%(column)s: %(value)s is not a currency; use a three-letter code such as "
                                "EUR.", column=column, value=repr(as_text(value)[:40])))
        return code

    return convert


def ambiguous_dates(samples: list[str]) -> str | None:
    """A sample such as ``03/05/2024`` that reads as a date either way round, if any."""
    for sample in samples:
        match = _AMBIGUOUS_DATE.match(sample)
        if match and int(match.group(1)) <= 12 and int(match.group(2)) <= 12 and match.group(1) != match.group(2):
            return sample.strip()
    return None
