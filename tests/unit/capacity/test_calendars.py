"""Public holidays from the ``holidays`` package: a day known in each shipped country, English names,
ranges across the new year, subdivisions, the cache and unknown codes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from servicescape.capacity import calendars
from servicescape.capacity.calendars import (
    SHIPPED_COUNTRIES,
    holiday_dates,
    known_country,
    public_holidays,
)

YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))


def test_shipped_countries() -> None:
    assert set(SHIPPED_COUNTRIES) >= {"MY", "BG", "CN", "TW", "HK", "HU"}


@pytest.mark.parametrize(("country", "day", "name"), [
    ("MY", date(2026, 8, 31), "National Day"),
    ("BG", date(2026, 3, 3), "Liberation Day"),
    ("CN", date(2026, 10, 1), "National Day"),
    ("TW", date(2026, 10, 10), "National Day"),
    ("HK", date(2026, 7, 1), "Hong Kong S.A.R. Establishment Day"),
    ("HU", date(2026, 3, 15), "National Day"),
])
def test_a_known_day_in_each_shipped_country_named_in_english(country: str, day: date, name: str) -> None:
    found = public_holidays(country, *YEAR_2026)
    assert found[day] == name
    assert all(YEAR_2026[0] <= d <= YEAR_2026[1] for d in found)


@pytest.mark.parametrize("country", ["BG", "CN", "TW", "HK", "HU"])
def test_new_years_day(country: str) -> None:
    assert date(2026, 1, 1) in public_holidays(country, *YEAR_2026)


def test_malaysia_national_and_by_state() -> None:
    # New Year's Day is a holiday in some Malaysian states only; Kuala Lumpur (subdivision 14) keeps it
    assert date(2026, 1, 1) not in public_holidays("MY", *YEAR_2026)
    assert public_holidays("MY", date(2026, 1, 1), date(2026, 1, 1), subdiv="14") == {
        date(2026, 1, 1): "New Year's Day"}
    with pytest.raises(ValueError, match="MY-99"):
        public_holidays("MY", *YEAR_2026, subdiv="99")


def test_a_range_inside_a_year_and_across_the_new_year() -> None:
    assert public_holidays("HU", date(2026, 3, 1), date(2026, 4, 6)) == {
        date(2026, 3, 15): "National Day", date(2026, 4, 3): "Good Friday", date(2026, 4, 5): "Easter",
        date(2026, 4, 6): "Easter Monday"}
    across = public_holidays("BG", datetime(2025, 12, 25, 12, 0), date(2026, 1, 1))
    assert date(2025, 12, 25) in across and date(2026, 1, 1) in across and date(2025, 12, 24) not in across
    assert holiday_dates("HU", date(2026, 4, 6), date(2026, 4, 12)) == frozenset({date(2026, 4, 6)})
    assert public_holidays("HU", date(2026, 3, 16), date(2026, 3, 15)) == {}


def test_codes_are_read_whatever_their_case() -> None:
    assert public_holidays("hu", *YEAR_2026) == public_holidays("HU", *YEAR_2026)
    assert known_country("tw") and not known_country("XX")


@pytest.mark.parametrize("country", ["XX", "ZZZ", ""])
def test_an_unknown_country_raises_naming_it(country: str) -> None:
    with pytest.raises(ValueError) as raised:
        public_holidays(country, *YEAR_2026)
    assert country in str(raised.value)
    with pytest.raises(ValueError):
        public_holidays(country, date(2026, 2, 1), date(2026, 1, 1))   # an empty range still checks it


def test_years_are_cached() -> None:
    public_holidays("CN", *YEAR_2026)
    hits = calendars._year.cache_info().hits
    again = public_holidays("CN", date(2026, 10, 1), date(2026, 10, 8))
    assert calendars._year.cache_info().hits == hits + 1
    assert date(2026, 10, 1) in again


def test_names_stay_english_whatever_the_servers_language(monkeypatch: pytest.MonkeyPatch) -> None:
    # ``holidays`` names the days in the language of the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)
    # unless told otherwise: on a Hungarian server, 15 March would be "Nemzeti ünnep"
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(variable, "hu_HU.UTF-8")
    calendars._year.cache_clear()
    try:
        assert public_holidays("HU", date(2026, 3, 15), date(2026, 3, 15)) == {date(2026, 3, 15): "National Day"}
    finally:
        calendars._year.cache_clear()


def test_a_country_without_american_english_names_keeps_its_own() -> None:
    # the Bahamas' calendar has no translations: its own (English) names
    assert public_holidays("BS", date(2026, 1, 1), date(2026, 1, 1)) == {date(2026, 1, 1): "New Year's Day"}
