"""The ISO 4217 currencies in use today (from CLDR, shipped with Babel): what an amount may be in."""

from __future__ import annotations

from datetime import date
from functools import cache

from babel import Locale
from babel.numbers import get_territory_currencies


@cache
def active_currencies() -> frozenset[str]:
    """Every currency some territory uses as legal tender today (about 150 codes)."""
    found: set[str] = set()
    for territory in Locale("en").territories:
        if isinstance(territory, str) and len(territory) == 2 and territory.isalpha():
            found.update(get_territory_currencies(territory, start_date=date.today(), tender=True))
    return frozenset(found)


def is_currency(code: str) -> bool:
    return code in active_currencies()
