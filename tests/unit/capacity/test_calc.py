"""Capacity arithmetic: weeks, available hours, the booking grid, the ratios, the bands and the
perished hours — every figure worked out by hand in the comments."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from servicescape.capacity import calc
from servicescape.capacity.calc import (
    BANDS,
    CapacityError,
    StaffTerms,
    as_days,
    available_hours,
    band,
    bands,
    bench,
    capacity_grid,
    effective_rate,
    perished_cost,
    perished_hours,
    realisation,
    utilisation,
    week_grid,
    week_start,
    week_starts,
)
from servicescape.capacity.calendars import holiday_dates
from servicescape.errors import ValidationFailed

NAN = math.nan
EASTER_WEEK = date(2026, 4, 6)          # Monday 2026-04-06 is Easter Monday, a public holiday in Hungary


def days(*isos: str) -> np.ndarray:
    return np.array(isos, dtype="datetime64[D]")


# --- weeks -----------------------------------------------------------------------------------------------


def test_week_start_is_the_monday_of_the_iso_week() -> None:
    assert week_start(date(2026, 1, 1)) == date(2025, 12, 29)       # a Thursday: ISO 2026-W01 began in 2025
    assert week_start(date(2026, 1, 5)) == date(2026, 1, 5)         # a Monday is its own week
    assert week_start(date(2026, 1, 11)) == date(2026, 1, 5)        # Sunday ends the week
    assert week_start(datetime(2026, 1, 11, 23, 59)) == date(2026, 1, 5)


def test_week_starts() -> None:
    assert week_starts(date(2026, 1, 1), 3) == [date(2025, 12, 29), date(2026, 1, 5), date(2026, 1, 12)]
    assert week_starts(date(2026, 1, 1), 0) == []
    with pytest.raises(CapacityError) as raised:
        week_starts(date(2026, 1, 1), -1)
    assert raised.value.field == "count"


# --- available hours -------------------------------------------------------------------------------------


def test_full_time_week_with_a_public_holiday_and_two_leave_days() -> None:
    # 40 h over Mon–Fri = 8 h a day; Monday is Easter Monday, Tuesday and Wednesday are leave:
    # Thursday and Friday remain, 2 × 8 = 16 h; the week after is whole, 5 × 8 = 40 h
    off = holiday_dates("HU", EASTER_WEEK, EASTER_WEEK + timedelta(days=6)) | {date(2026, 4, 7), date(2026, 4, 8)}
    assert date(2026, 4, 6) in off
    terms = StaffTerms(staff_id=1, hours_per_week=40, days_off=frozenset(off))
    assert available_hours(terms, [EASTER_WEEK, EASTER_WEEK + timedelta(weeks=1)]).tolist() == [16.0, 40.0]


def test_part_time_three_day_contract_with_a_holiday_and_two_leave_days() -> None:
    # 24 h over Mon, Tue, Wed = 8 h a day. Week of 2026-04-06: Monday a holiday, leave on Tuesday and on
    # Thursday (not a working day, so it costs nothing): Wednesday alone, 1 × 8 = 8 h.
    # The Easter week before: Good Friday (04-03) is not a working day: 3 × 8 = 24 h.
    off = holiday_dates("HU", date(2026, 3, 30), date(2026, 4, 12)) | {date(2026, 4, 7), date(2026, 4, 9)}
    terms = StaffTerms(staff_id=2, hours_per_week=24, working_days=frozenset({0, 1, 2}), days_off=frozenset(off))
    assert terms.hours_per_day == 8.0
    assert available_hours(terms, [date(2026, 3, 30), EASTER_WEEK]).tolist() == [24.0, 8.0]


def test_uneven_hours_a_weekend_contract_and_a_start_date() -> None:
    # 37.5 h Mon–Fri, one holiday: 4 × 7.5 = 30 h
    terms = StaffTerms(3, 37.5, days_off=frozenset({EASTER_WEEK}))
    assert available_hours(terms, [EASTER_WEEK]).tolist() == [30.0]
    # 16 h on Saturday and Sunday = 8 h a day
    weekend = StaffTerms(4, 16, working_days=frozenset({5, 6}), days_off=frozenset({date(2026, 4, 12)}))
    assert available_hours(weekend, [EASTER_WEEK]).tolist() == [8.0]
    # starts on Wednesday 2026-04-15: nothing the week before, Wed–Fri 3 × 8 = 24 h, then 40 h
    starter = StaffTerms(5, 40, starts_on=date(2026, 4, 15))
    weeks = [date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 20)]
    assert available_hours(starter, weeks).tolist() == [0.0, 24.0, 40.0]
    # capacity_grid stacks the rows
    assert capacity_grid([starter, terms], weeks).tolist() == [[0.0, 24.0, 40.0], [30.0, 37.5, 37.5]]


def test_terms_take_any_iterable_of_days() -> None:
    terms = StaffTerms(6, 20, working_days=[0, 2], days_off={date(2026, 4, 8)})  # type: ignore[arg-type]
    assert terms.working_days == frozenset({0, 2}) and isinstance(terms.days_off, frozenset)
    assert available_hours(terms, [EASTER_WEEK]).tolist() == [10.0]     # Monday only: 20 / 2 = 10 h
    assert StaffTerms(7, 168).hours_per_week == 168                     # the upper edge is allowed
    assert StaffTerms(8, 0).hours_per_day == 0.0


@pytest.mark.parametrize(("hours", "working_days", "field"), [
    (-1, frozenset({0}), "hours_per_week"),
    (168.5, frozenset({0}), "hours_per_week"),
    (NAN, frozenset({0}), "hours_per_week"),
    (40, frozenset(), "working_days"),
    (40, frozenset({0, 7}), "working_days"),
    (40, frozenset({-1}), "working_days"),
])
def test_bad_terms_name_the_field(hours: float, working_days: frozenset[int], field: str) -> None:
    with pytest.raises(CapacityError) as raised:
        StaffTerms(9, hours, working_days=working_days)
    assert raised.value.field == field
    assert field in str(raised.value)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, ValidationFailed)


def test_weeks_must_be_mondays() -> None:
    with pytest.raises(CapacityError) as raised:
        available_hours(StaffTerms(1, 40), [date(2026, 4, 7)])
    assert raised.value.field == "weeks"


# --- the grid --------------------------------------------------------------------------------------------


def test_week_grid_sums_by_staff_and_week_and_ignores_rows_outside() -> None:
    weeks = [date(2026, 1, 5), date(2026, 1, 12)]
    staff = np.array([3, 3, 7, 7, 7, 3, 9, 7])
    on = days("2026-01-05", "2026-01-11", "2026-01-12", "2026-01-18", "2026-01-19", "2026-01-04", "2026-01-06",
              "2026-01-07")
    hours = np.array([2.0, 1.5, 4.0, 0.5, 8.0, 8.0, 8.0, 3.25])
    # staff 7 (row 0): 3.25 (01-07) | 4.0 + 0.5 (Mon 01-12 and Sun 01-18); 01-19 is after the weeks
    # staff 3 (row 1): 2.0 + 1.5 (Mon 01-05 and Sun 01-11) | 0; 01-04 is before the weeks
    # staff 9 is not asked for
    grid = week_grid([7, 3], weeks, staff, on, hours)
    assert grid.tolist() == [[3.25, 4.5], [3.5, 0.0]]


def test_week_grid_with_gaps_nat_nan_and_large_ids() -> None:
    weeks = [date(2026, 1, 5), date(2026, 1, 19)]                   # the week of 01-12 is not asked for
    big = 10**12                                                     # too large for a lookup table
    staff = np.array([big, big, big, big + 1, big])
    on = np.array(["2026-01-06T09:30", "2026-01-13T10:00", "NaT", "2026-01-20T08:00", "2026-01-25T18:00"],
                  dtype="datetime64[m]")
    hours = np.array([1.0, 2.0, 4.0, 8.0, NAN])
    assert week_grid([big, big + 1], weeks, staff, on, hours).tolist() == [[1.0, 0.0], [0.0, 8.0]]
    # a float staff column (NaN where nobody was booked); dates as a list of date objects
    grid = week_grid([1], weeks, np.array([1.0, NAN]), as_days([date(2026, 1, 5), date(2026, 1, 5)]), [2.0, 3.0])
    assert grid.tolist() == [[2.0, 0.0]]


def test_week_grid_empty_and_bad_input() -> None:
    weeks = [date(2026, 1, 5)]
    assert week_grid([1, 2], weeks, [], days(), []).shape == (2, 1)
    assert week_grid([], weeks, [1], days("2026-01-05"), [1.0]).shape == (0, 1)
    with pytest.raises(CapacityError, match="staff_ids"):
        week_grid([1, 1], weeks, [1], days("2026-01-05"), [1.0])
    with pytest.raises(CapacityError, match="rows"):
        week_grid([1], weeks, [1, 1], days("2026-01-05"), [1.0])
    with pytest.raises(CapacityError, match="weeks"):
        week_grid([1], [date(2026, 1, 12), date(2026, 1, 5)], [1], days("2026-01-05"), [1.0])


def test_week_grid_at_the_scale_of_200_staff_and_3_years() -> None:
    # 200 staff × 3 years × ~2 bookings a working day ≈ 312,000 rows (its speed: benchmarks/capacity_speed.py)
    rng = np.random.default_rng(20260105)
    n = 200 * 3 * 52 * 5 * 2
    weeks = week_starts(date(2023, 1, 2), 156)
    staff = rng.integers(1, 211, n)                                  # ids 201..210 are not asked for
    on = np.datetime64("2022-12-26") + rng.integers(0, 156 * 7 + 14, n)   # some a week before or after
    hours = rng.choice([0.5, 1.0, 2.5, 4.0], n)
    ids = list(range(200, 0, -1))
    grid = week_grid(ids, weeks, staff, on, hours)
    inside = (staff <= 200) & (on >= np.datetime64("2023-01-02")) & (on < np.datetime64("2023-01-02") + 156 * 7)
    assert grid.sum() == pytest.approx(hours[inside].sum())
    # one cell by hand: staff 17 (row 200 − 17 = 183) in the week of 2024-03-04
    cell = (staff == 17) & (on >= np.datetime64("2024-03-04")) & (on < np.datetime64("2024-03-11"))
    assert grid[183, weeks.index(date(2024, 3, 4))] == pytest.approx(hours[cell].sum())


# --- ratios ----------------------------------------------------------------------------------------------


def test_ratios_with_zero_denominators() -> None:
    # 30/40 = 0.75, 0/0 and 5/0 have no capacity, 45/40 = 1.125
    assert np.array_equal(utilisation([30, 0, 5, 45], [40, 0, 0, 40]), [0.75, NAN, NAN, 1.125], equal_nan=True)
    assert bench([40, 0, 24], [45, 0, 10]).tolist() == [-5.0, 0.0, 14.0]
    # 27 of 30 billable hours billed = 0.9
    assert np.array_equal(realisation([27, 5], [30, 0]), [0.9, NAN], equal_nan=True)
    # 3,000 over 20 h = 150 an hour
    assert np.array_equal(effective_rate([3000, 100], [20, 0]), [150.0, NAN], equal_nan=True)


def test_ratios_broadcast_over_a_grid() -> None:
    billable = np.array([[32.0, 0.0], [10.0, 20.0]])
    available = np.array([40.0, 0.0])                                 # one capacity per week
    assert np.array_equal(utilisation(billable, available), [[0.8, NAN], [0.25, NAN]], equal_nan=True)
    assert utilisation(3.0, 4.0).shape == ()


# --- bands -----------------------------------------------------------------------------------------------


def test_bands_at_their_edges() -> None:
    assert BANDS == ("none", "under", "well", "over")
    assert band(0.80) == "well"
    assert band(1.00) == "well"
    assert band(0.7999) == "under"
    assert band(1.0001) == "over"
    assert band(0.0) == "under"
    assert band(NAN) == "none"
    assert band(32 / 40) == "well"
    assert band(sum([0.1] * 8)) == "well"            # 0.7999999999999999: floating-point noise, not a band
    assert band(sum([0.1] * 11)) == "over"            # 1.0999999999999999


def test_bands_vectorised_keep_the_shape() -> None:
    u = utilisation([[20, 32, 40], [41, 0, 0]], [[40, 40, 40], [40, 40, 0]])
    # 0.5, 0.8, 1.0 / 1.025, 0.0, no capacity
    assert bands(u).tolist() == [["under", "well", "well"], ["over", "under", "none"]]


# --- perished hours --------------------------------------------------------------------------------------


def test_perished_hours_and_cost() -> None:
    available = np.array([[40.0, 32.0, 40.0], [0.0, 24.0, 24.0]])
    scheduled = np.array([[35.0, 40.0, 40.0], [0.0, 10.0, 24.5]])
    # max(40−35, 0) = 5, max(32−40, 0) = 0, 0 / 0, max(24−10, 0) = 14, max(−0.5, 0) = 0
    perished = perished_hours(available, scheduled)
    assert perished.tolist() == [[5.0, 0.0, 0.0], [0.0, 14.0, 0.0]]
    # rates 100 and 80 an hour: 5 × 100 = 500; 14 × 80 = 1,120
    assert perished_cost(perished, [100.0, 80.0]).tolist() == [[500.0, 0.0, 0.0], [0.0, 1120.0, 0.0]]
    assert perished_cost(perished, 10.0).tolist() == [[50.0, 0.0, 0.0], [0.0, 140.0, 0.0]]
    unknown = perished_cost(perished, [NAN, 80.0])
    assert np.isnan(unknown[0]).all() and unknown[1].tolist() == [0.0, 1120.0, 0.0]
    with pytest.raises(CapacityError) as raised:
        perished_cost(perished, [100.0, 80.0, 60.0])
    assert raised.value.field == "standard_rate"


def test_module_constants() -> None:
    assert calc.WELL_FROM == 0.80 and calc.WELL_TO == 1.00
    assert sorted(calc.WEEKDAYS) == [0, 1, 2, 3, 4]
