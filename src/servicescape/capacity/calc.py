"""Capacity against work, by staff member and ISO week: pure functions over numpy arrays.

A *week* is named by its Monday (ISO weeks start on Monday). A *grid* is a 2-D array with one row per
staff member and one column per week. Nothing here reads a database: the service gathers the rows
(contracts, bookings, leave, public holidays) and hands them over as plain values.

The measures, per cell (staff member × week):

* available hours   ``A = hours_per_week / |working_days| × (working days of the week that are neither
  days off nor before the start date)``
* utilisation       ``U = billable hours / A`` (NaN where ``A = 0``: no capacity to use)
* bench             ``B = A − scheduled hours`` (negative when over-booked)
* realisation       ``R = billed hours / billable hours recorded`` (NaN where nothing was recorded)
* effective rate    ``revenue / hours worked`` (NaN where no hours were worked)
* perished hours    ``P = max(A − scheduled, 0)`` for a week that has passed: service capacity
  cannot be stored, the hours nobody sold that week are gone
* perished cost     ``P × standard rate`` of the staff member
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from servicescape.errors import ValidationFailed

Floats = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

#: Monday to Friday (0 = Monday … 6 = Sunday)
WEEKDAYS: frozenset[int] = frozenset(range(5))
#: the most hours a week has
HOURS_IN_WEEK = 168.0

#: utilisation bands, in order: no capacity, under-used, well used, over-booked
BANDS: tuple[str, ...] = ("none", "under", "well", "over")
#: a week is used well from this utilisation …
WELL_FROM = 0.80
#: … up to and including this one
WELL_TO = 1.00
#: hours add up in floating point (0.1 h units do not add exactly): a utilisation within this of a
#: band's edge counts as on the edge
EDGE_TOLERANCE = 1e-9


class CapacityError(ValidationFailed, ValueError):
    """Terms or rows that cannot be counted; ``field`` names the culprit (``hours_per_week``,
    ``working_days``, ``weeks``, …)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


# --- weeks -------------------------------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week (a ``datetime`` counts by its date)."""
    if isinstance(day, datetime):
        day = day.date()
    return day - timedelta(days=day.weekday())


def week_starts(first: date, count: int) -> list[date]:
    """``count`` consecutive weeks (their Mondays), the first being the week of ``first``."""
    if count < 0:
        raise CapacityError("count", "cannot be negative")
    monday = week_start(first)
    return [monday + timedelta(weeks=i) for i in range(count)]


def _mondays(weeks: Sequence[date], *, increasing: bool) -> npt.NDArray[np.datetime64]:
    """The weeks as ``datetime64[D]``; each must be a Monday (and, if asked, in strictly increasing order)."""
    days = np.array([w.date() if isinstance(w, datetime) else w for w in weeks], dtype="datetime64[D]")
    if days.size and not np.all(_weekday(days) == 0):
        raise CapacityError("weeks", "each week is named by its Monday")
    if increasing and days.size > 1 and not np.all(np.diff(days) > np.timedelta64(0, "D")):
        raise CapacityError("weeks", "weeks must be in increasing order, each once")
    return days


def _weekday(days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
    """0 = Monday … 6 = Sunday (1970-01-01, day 0, was a Thursday)."""
    return ((days.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.int64)


# --- a staff member's terms and available hours --------------------------------------------------------


@dataclass(frozen=True)
class StaffTerms:
    """What one staff member can give: ``hours_per_week`` spread evenly over ``working_days``
    (0 = Monday … 6 = Sunday), less ``days_off`` (leave and public holidays, already merged), and
    nothing before ``starts_on``."""

    staff_id: int
    hours_per_week: float
    working_days: frozenset[int] = WEEKDAYS
    days_off: frozenset[date] = field(default_factory=frozenset)
    starts_on: date | None = None

    def __post_init__(self) -> None:
        # accept any iterable (a list from JSON) and keep it as a frozenset
        object.__setattr__(self, "working_days", frozenset(self.working_days))
        object.__setattr__(self, "days_off", frozenset(self.days_off))
        check_terms(self)

    @property
    def hours_per_day(self) -> float:
        """``hours_per_week / |working_days|``."""
        return self.hours_per_week / len(self.working_days)


def check_terms(terms: StaffTerms) -> None:
    """``0 ≤ hours_per_week ≤ 168`` and ``working_days`` a non-empty subset of 0..6, else
    :class:`CapacityError` naming the field."""
    hours = terms.hours_per_week
    if isinstance(hours, bool) or not isinstance(hours, numbers.Real) or not math.isfinite(hours):
        raise CapacityError("hours_per_week", "must be a number of hours")
    if not 0 <= hours <= HOURS_IN_WEEK:
        raise CapacityError("hours_per_week", f"must be between 0 and {HOURS_IN_WEEK:g}, not {hours:g}")
    days = terms.working_days
    if not days:
        raise CapacityError("working_days", "at least one working day is needed")
    if any(isinstance(d, bool) or not isinstance(d, numbers.Integral) or not 0 <= d <= 6 for d in days):
        raise CapacityError("working_days", "days are 0 (Monday) to 6 (Sunday)")


def available_hours(terms: StaffTerms, weeks: Sequence[date]) -> Floats:
    """Hours the staff member can give in each week (each named by its Monday)::

        A(week) = hours_per_week / |working_days|
                  × #{d in week : weekday(d) ∈ working_days, d ∉ days_off, d ≥ starts_on}

    A part-time contract of 24 h on Monday, Tuesday and Wednesday gives 8 h a day; a week with one
    of those days a public holiday gives 16 h."""
    check_terms(terms)
    mondays = _mondays(weeks, increasing=False)
    days = mondays[:, None] + np.arange(7)                                      # (weeks, 7)
    working = np.isin(np.arange(7), sorted(terms.working_days))[None, :]
    off = np.array(sorted(terms.days_off), dtype="datetime64[D]")
    counted = working & ~np.isin(days, off)
    if terms.starts_on is not None:
        counted &= days >= np.datetime64(terms.starts_on, "D")
    return counted.sum(axis=1).astype(np.float64) * terms.hours_per_day


def capacity_grid(staff: Sequence[StaffTerms], weeks: Sequence[date]) -> Floats:
    """:func:`available_hours` of each staff member, one row each: shape ``(len(staff), len(weeks))``."""
    grid = np.zeros((len(staff), len(weeks)), dtype=np.float64)
    for row, terms in enumerate(staff):
        grid[row] = available_hours(terms, weeks)
    return grid


# --- bookings into a grid ------------------------------------------------------------------------------


def week_grid(staff_ids: Sequence[int], weeks: Sequence[date], staff: ArrayLike, days: ArrayLike,
              hours: ArrayLike) -> Floats:
    """Sum hours by staff member and week: ``grid[i, j] = Σ hours[k]`` over the rows ``k`` with
    ``staff[k] == staff_ids[i]`` and ``weeks[j] ≤ days[k] < weeks[j] + 7 days``.

    ``staff``, ``days`` (``datetime64``, any unit, read by day) and ``hours`` are aligned columns, one
    row per booking. Rows of staff not in ``staff_ids``, of days outside the weeks (or ``NaT``), and
    with non-finite hours are left out. ``weeks`` need not be consecutive but must increase.

    Vectorised: each booking finds its row and column through lookup tables indexed by staff id and by
    week number (``np.searchsorted`` for ids too large for a table) and the cells are summed by one
    ``np.bincount`` (300,000 rows take a few milliseconds)."""
    ids = np.asarray(staff_ids, dtype=np.int64).reshape(-1)
    if np.unique(ids).size != ids.size:
        raise CapacityError("staff_ids", "each staff member once")
    mondays = _mondays(weeks, increasing=True)
    who_given = np.asarray(staff).reshape(-1)
    when = np.asarray(days).reshape(-1).astype("datetime64[D]")
    amount = np.asarray(hours, dtype=np.float64).reshape(-1)
    if not who_given.size == when.size == amount.size:
        raise CapacityError("rows", "staff, days and hours must have the same length")
    n_staff, n_weeks = ids.size, mondays.size
    if n_staff == 0 or n_weeks == 0 or amount.size == 0:
        return np.zeros((n_staff, n_weeks), dtype=np.float64)
    # a float column (say with NaN for "nobody") is read where it holds a whole number
    who_valid = np.ones(who_given.size, dtype=bool)
    if who_given.dtype.kind == "f":
        who_valid = np.isfinite(who_given) & (np.mod(who_given, 1, where=np.isfinite(who_given),
                                                     out=np.ones_like(who_given)) == 0)
        who_given = np.where(who_valid, who_given, 0)
    who = who_given.astype(np.int64)

    row, known = _positions(ids, who)
    known &= who_valid

    # weeks counted from the first: a table from week number to column (the weeks may have gaps)
    day = np.where(np.isnat(when), 0, when.view(np.int64))
    offset = day - mondays[0].astype(np.int64)
    week_number = offset // 7
    span = int((mondays[-1] - mondays[0]).astype(np.int64)) // 7 + 1
    columns = np.full(span, -1, dtype=np.int64)
    columns[(mondays - mondays[0]).astype(np.int64) // 7] = np.arange(n_weeks)
    in_span = ~np.isnat(when) & (offset >= 0) & (week_number < span)
    column_in = columns[np.where(in_span, week_number, 0)]
    in_weeks = in_span & (column_in >= 0)

    keep = known & in_weeks & np.isfinite(amount)
    cell = row[keep] * n_weeks + column_in[keep]
    summed = np.bincount(cell, weights=amount[keep], minlength=n_staff * n_weeks)
    return summed.reshape(n_staff, n_weeks).astype(np.float64, copy=False)


def _positions(ids: npt.NDArray[np.int64], who: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64],
                                                                                 npt.NDArray[np.bool_]]:
    """Each ``who``'s row in ``ids`` and whether it is there: by a lookup table when the ids are small
    non-negative numbers (database keys), else by binary search."""
    low, high = int(ids.min()), int(ids.max())
    if low >= 0 and high <= max(1_000_000, 8 * who.size):
        table = np.full(high + 1, -1, dtype=np.int64)
        table[ids] = np.arange(ids.size)
        inside = (who >= 0) & (who <= high)
        row = table[np.where(inside, who, 0)]
        return np.maximum(row, 0), inside & (row >= 0)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    position = np.minimum(np.searchsorted(sorted_ids, who), ids.size - 1)
    return order[position], sorted_ids[position] == who


# --- ratios ---------------------------------------------------------------------------------------------


def _ratio(numerator: ArrayLike, denominator: ArrayLike) -> Floats:
    """``numerator ÷ denominator`` broadcast, NaN where the denominator is 0."""
    top = np.asarray(numerator, dtype=np.float64)
    bottom = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast_shapes(top.shape, bottom.shape), np.nan)
    np.divide(top, bottom, out=out, where=bottom != 0)
    return out


def utilisation(billable: ArrayLike, available: ArrayLike) -> Floats:
    """``U = billable hours ÷ available hours``; NaN where nothing was available."""
    return _ratio(billable, available)


def bench(available: ArrayLike, scheduled: ArrayLike) -> Floats:
    """``B = available − scheduled`` hours: time free to sell (negative when over-booked)."""
    return np.asarray(available, dtype=np.float64) - np.asarray(scheduled, dtype=np.float64)


def realisation(billed: ArrayLike, recorded_billable: ArrayLike) -> Floats:
    """``R = billed hours ÷ billable hours recorded``: the share of billable work that reached an
    invoice (written-off time lowers it); NaN where no billable hours were recorded."""
    return _ratio(billed, recorded_billable)


def effective_rate(revenue: ArrayLike, hours_worked: ArrayLike) -> Floats:
    """``revenue ÷ hours worked``: what an hour actually earned; NaN where no hours were worked."""
    return _ratio(revenue, hours_worked)


# --- bands ----------------------------------------------------------------------------------------------


def band(u: float) -> str:
    """The utilisation band: ``"none"`` for NaN (no capacity), ``"under"`` for ``u < 0.80``,
    ``"well"`` for ``0.80 ≤ u ≤ 1.00`` and ``"over"`` for ``u > 1.00`` (edges within
    :data:`EDGE_TOLERANCE`)."""
    return str(bands(np.asarray([u], dtype=np.float64))[0])


def bands(u: ArrayLike) -> npt.NDArray[np.str_]:
    """:func:`band` of each element, same shape."""
    values = np.asarray(u, dtype=np.float64)
    choices = [np.isnan(values), values < WELL_FROM - EDGE_TOLERANCE, values <= WELL_TO + EDGE_TOLERANCE]
    return np.select(choices, list(BANDS[:3]), default=BANDS[3]).astype(np.str_)


# --- perished capacity ----------------------------------------------------------------------------------


def perished_hours(available: ArrayLike, scheduled: ArrayLike) -> Floats:
    """``P = max(available − scheduled, 0)`` per cell: the capacity of a week that has passed and was
    not sold. Pass only weeks that are over; a week ahead can still be sold."""
    return np.maximum(bench(available, scheduled), 0.0)


def perished_cost(perished: ArrayLike, standard_rate: ArrayLike) -> Floats:
    """``P × standard rate``: ``standard_rate`` has one value per staff member (a row of the grid) and is
    broadcast over the weeks; a scalar applies to all. An unknown rate (NaN) gives NaN."""
    hours = np.asarray(perished, dtype=np.float64)
    rate = np.asarray(standard_rate, dtype=np.float64)
    if rate.ndim == 1 and hours.ndim == 2:
        if rate.size != hours.shape[0]:
            raise CapacityError("standard_rate", f"one rate per staff member: {hours.shape[0]}, not {rate.size}")
        rate = rate[:, None]
    return hours * rate


def as_days(values: Iterable[Any]) -> npt.NDArray[np.datetime64]:
    """Dates (or ISO strings) as a ``datetime64[D]`` column for :func:`week_grid`."""
    return np.array([v.date() if isinstance(v, datetime) else v for v in values], dtype="datetime64[D]")
