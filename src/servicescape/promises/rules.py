"""Pure rules of promises and complaints: windows, what an outcome makes of a promise, and the
firm's business clock (working hours, working days, holidays) that complaint targets run on."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from servicescape.db.crud import about_field
from servicescape.errors import ValidationFailed
from servicescape.i18n import N_
from servicescape.promises.models import PromiseStatus


def check_window(start: datetime | None, end: datetime | None) -> None:
    """Both ends aware, the end after the start."""
    for field, value in (("window_start", start), ("window_end", end)):
        if value is None:
            raise about_field(ValidationFailed, N_("%(field)s is required."), field)
        if value.tzinfo is None:
            raise about_field(ValidationFailed, N_("%(field)s needs a timezone (e.g. 2026-03-01T14:00:00+08:00)."),
                              field)
    assert start is not None and end is not None
    if end <= start:
        raise about_field(ValidationFailed, N_("%(field)s must be after the window's start."), "window_end")


def lateness_minutes(window_end: datetime, kept_at: datetime) -> int:
    """Whole minutes after the window's end (0 when kept within it)."""
    return max(0, int((kept_at - window_end).total_seconds() // 60))


def outcome_of(window_end: datetime, kept_at: datetime | None, cancelled: bool, now: datetime) -> PromiseStatus:
    """What the facts make of a promise: kept after the window's end is late; no ``kept_at`` and
    the window passed is missed; never typed by hand."""
    if cancelled:
        return PromiseStatus.cancelled
    if kept_at is not None:
        return PromiseStatus.kept if kept_at <= window_end else PromiseStatus.late
    return PromiseStatus.missed if window_end < now else PromiseStatus.open


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class BusinessClock:
    """When the firm works: ``opens``–``closes`` on ``days`` (ISO weekdays) except ``holidays``."""

    zone: ZoneInfo
    opens: time
    closes: time
    days: frozenset[int]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not self.days:
            raise ValueError("a business clock needs at least one working day")
        if self.closes <= self.opens:
            raise ValueError("working hours must end after they start")

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.days and day not in self.holidays

    def _next_working_day(self, day: date) -> date:
        for _step in range(3660):  # ten years of holidays at most
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("no working day in the next ten years")

    def _bounds(self, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, self.opens, tzinfo=self.zone),
                datetime.combine(day, self.closes, tzinfo=self.zone))

    def add_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` working hours after ``start`` (received after hours: the clock starts
        when the firm next opens)."""
        left = timedelta(hours=hours)
        moment = start.astimezone(self.zone)
        day = moment.date()
        while True:
            day = self._next_working_day(day)
            opens, closes = self._bounds(day)
            begin = max(moment, opens)
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
            day += timedelta(days=1)
            moment = datetime.combine(day, time(), tzinfo=self.zone)

    def add_days(self, start: datetime, days: int) -> datetime:
        """The close of business on the ``days``-th working day after ``start``'s day (received on a
        working day before closing, that day counts as the first when ``days`` is 0)."""
        day = start.astimezone(self.zone).date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self._bounds(self._next_working_day(day))[1]


def business_clock(zone: ZoneInfo, opens: time, closes: time, days: Collection[int],
                   holidays: Collection[date]) -> BusinessClock:
    return BusinessClock(zone, opens, closes, frozenset(days), frozenset(holidays))
