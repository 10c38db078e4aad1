"""The periods a scorecard is asked for: years, quarters, months and the rolling 90 days, each with
the one before; anything else (a year outside 1900–2999 among them) refused naming ``period``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from servicescape.errors import ValidationFailed
from servicescape.scorecard import periods

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
NOW = datetime(2026, 12, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize(("text", "first", "last", "before"), [
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "2026-Q3"),
    ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
    ("2026-01", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024-01"),
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2024"),
    ("1900-Q1", date(1900, 1, 1), date(1900, 3, 31), "1899-Q4"),     # the period before may be older
])
def test_a_period_and_the_one_before(text: str, first: date, last: date, before: str) -> None:
    found = periods.parse(text, ZONE, now=NOW)
    assert (found.first_day, found.last_day) == (first, last)
    assert found.since == datetime(first.year, first.month, first.day, tzinfo=ZONE)
    assert found.before(ZONE).key == before


def test_a_running_period_stops_now_and_the_default_is_the_90_days_to_now() -> None:
    assert periods.parse("2026-Q4", ZONE, now=NOW).until == NOW
    rolling = periods.parse(None, ZONE, now=NOW)
    assert (rolling.key, (rolling.until - rolling.since).days) == ("90d", 90)
    assert rolling.before(ZONE).until == rolling.since


@pytest.mark.parametrize("text", ["0000", "0000-Q1", "1899-12", "3000", "2026-Q5", "2026-13", "last week", "2026-1"])
def test_anything_else_is_refused_naming_the_period(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        periods.parse(text, ZONE, now=NOW)
    assert refused.value.field == "period"
