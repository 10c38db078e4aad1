"""Public holidays by country, from the ``holidays`` package: the days a staff member's capacity is
zero whatever the contract says.

Any country the ``holidays`` package knows works (its ISO 3166 alpha-2 or alpha-3 code, and a
subdivision for the states and provinces with holidays of their own); :data:`SHIPPED_COUNTRIES` are
the ones the product offers first. Names are asked in American English where the country's calendar
has them (``holidays`` otherwise names the days in the country's own language), so they stay the
same whatever the server's locale. Substitute days (a holiday on a weekend observed on the Monday)
are included, as ``holidays`` gives them by default.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import holidays

#: the countries offered first (any other the ``holidays`` package knows works as well)
SHIPPED_COUNTRIES: tuple[str, ...] = ("MY", "BG", "CN", "TW", "HK", "HU")
#: the language asked for holiday names, where the country's calendar has it
NAMES_LANGUAGE = "en_US"


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


@lru_cache(maxsize=1024)
def _year(country: str, subdiv: str | None, year: int) -> tuple[tuple[date, str], ...]:
    """The public holidays of one country (and subdivision) in one calendar year, in date order; cached
    per (country, subdivision, year). Raises ``ValueError`` for a country or subdivision ``holidays``
    does not know."""
    try:
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError as error:
        where = country if subdiv is None else f"{country}-{subdiv}"
        raise ValueError(f"no public holiday calendar for {where!r}: {error}") from None
    if NAMES_LANGUAGE in (getattr(calendar, "supported_languages", None) or ()):
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=year, language=NAMES_LANGUAGE)
    return tuple(sorted((day, str(name)) for day, name in calendar.items() if day.year == year))


def public_holidays(country: str, first: date, last: date, *, subdiv: str | None = None) -> dict[date, str]:
    """The public holidays of ``country`` from ``first`` to ``last`` inclusive, date → name (in American
    English where the calendar has it; two holidays on one day are named together, separated by
    ``"; "``). Empty when ``last`` is before ``first``.

    ``country`` is an ISO 3166 code the ``holidays`` package knows (``"MY"``, ``"BG"``, …; case does
    not matter); an unknown one raises ``ValueError`` naming it. ``subdiv`` picks a state's or
    province's calendar (Malaysia's states, for one, each add their own days)."""
    code = (country or "").strip().upper()
    if not code:
        raise ValueError("no country given for the public holidays")
    first, last = _as_date(first), _as_date(last)
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _year(code, subdiv, year):
            if first <= day <= last:
                found[day] = name
    if last < first:   # still checks the country
        _year(code, subdiv, first.year)
    return found


def holiday_dates(country: str, first: date, last: date, *, subdiv: str | None = None) -> frozenset[date]:
    """Just the dates of :func:`public_holidays`, to merge with leave into ``StaffTerms.days_off``."""
    return frozenset(public_holidays(country, first, last, subdiv=subdiv))


def known_country(country: str) -> bool:
    """Whether ``holidays`` has a calendar for ``country``."""
    try:
        _year((country or "").strip().upper(), None, date.today().year)
    except ValueError:
        return False
    return True
