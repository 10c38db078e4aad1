"""The periods a scorecard is computed for: a year (``2026``), a quarter (``2026-Q3``), a month
(``2026-11``) or the 90 days to now (the default), each with the period before it, of the same
kind, for the trend. Days are the firm's (its time zone)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from servicescape.errors import ValidationFailed
from servicescape.i18n import _

ROLLING_DAYS = 90
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    key: str                  # as asked: "2026-Q3", "2026-11", "2026" or "90d"
    since: datetime           # aware, inclusive
    until: datetime           # aware, exclusive (now at most)
    first_day: date
    last_day: date

    def before(self, zone: tzinfo) -> Period:
        """The period of the same kind just before this one."""
        if self.key == f"{ROLLING_DAYS}d":
            span = self.until - self.since
            return Period(self.key, self.since - span, self.since, self.first_day - span, self.first_day
                          - timedelta(days=1))
        first = self.first_day
        if _YEAR.match(self.key):
            return _parse(str(first.year - 1), zone, None)
        if _QUARTER.match(self.key):
            quarter = (first.month - 1) // 3 + 1
            year, quarter = (first.year, quarter - 1) if quarter > 1 else (first.year - 1, 4)
            return _parse(f"{year}-Q{quarter}", zone, None)
        previous = first - timedelta(days=1)
        return _parse(f"{previous.year}-{previous.month:02d}", zone, None)


def _span(key: str, first: date, after_last: date, zone: tzinfo, now: datetime | None) -> Period:
    since = datetime.combine(first, time(), tzinfo=zone)
    until = datetime.combine(after_last, time(), tzinfo=zone)
    if now is not None and now < until:
        until = max(now, since)
    return Period(key, since, until, first, after_last - timedelta(days=1))


def parse(text: str | None, zone: tzinfo, *, now: datetime | None) -> Period:
    """The period ``text`` names (None: the 90 days to ``now``); a period that has not ended stops
    at ``now``. :class:`ValidationFailed` (field ``period``) for anything else."""
    if text is None or text == f"{ROLLING_DAYS}d":
        if now is None:
            raise ValueError("a rolling period needs now")
        today = now.astimezone(zone).date()
        return Period(f"{ROLLING_DAYS}d", now - timedelta(days=ROLLING_DAYS), now,
                      today - timedelta(days=ROLLING_DAYS), today)
    text = text.strip()
    year = re.match(r"^(\d{4})", text)
    if year is not None and not 1900 <= int(year.group(1)) <= 2999:
        raise ValidationFailed(_("Give a period between 1900 and 2999."), field="period")
    return _parse(text, zone, now)


def _parse(text: str, zone: tzinfo, now: datetime | None) -> Period:
    if (found := _QUARTER.match(text)) is not None:
        year, quarter = int(found.group(1)), int(found.group(2))
        first = date(year, 3 * quarter - 2, 1)
        after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return _span(text, first, after, zone, now)
    if (found := _MONTH.match(text)) is not None:
        year, month = int(found.group(1)), int(found.group(2))
        after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        return _span(text, date(year, month, 1), after, zone, now)
    if (found := _YEAR.match(text)) is not None:
        year = int(found.group(1))
        return _span(text, date(year, 1, 1), date(year + 1, 1, 1), zone, now)
    raise ValidationFailed(_("Give the period as a year (2026), a quarter (2026-Q3), a month (2026-11) or 90d."),
                           field="period")


