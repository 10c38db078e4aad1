"""The demand outlook: the seasonal and naive baselines on synthetic histories worked out by hand, the
rolling-origin backtest, the pipeline's spread and the outlook's expected demand, load, peaks and valleys."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np
import pytest

from servicescape.capacity.calc import CapacityError
from servicescape.capacity.outlook import (
    Proposal,
    backtest,
    demand_outlook,
    naive_last_year,
    next_weeks,
    pipeline_hours,
    seasonal_baseline,
    seasonal_mean,
    spread,
)

NAN = math.nan
WEEK = timedelta(weeks=1)


def iso(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


def yearly(last: date) -> dict[date, float]:
    """From ISO 2023-W01 to ``last``: h(y, n) = 100 × (y − 2022) + n for ISO year y and week n, so
    2023-W05 worked 105 h, 2024-W05 205 h, 2025-W05 305 h, 2026-W05 405 h."""
    history: dict[date, float] = {}
    week = iso(2023, 1)
    while week <= last:
        year, number, _ = week.isocalendar()
        history[week] = 100.0 * (year - 2022) + number
        week += WEEK
    return history


def weekly(first: date, values: Sequence[float]) -> dict[date, float]:
    return {first + WEEK * i: float(v) for i, v in enumerate(values)}


# --- seasonal baseline -----------------------------------------------------------------------------------


def test_seasonal_baseline_with_two_past_years() -> None:
    history = yearly(iso(2025, 30))                   # 52 + 52 + 30 = 134 weeks; the origin is 2025-W31
    assert len(history) == 134
    # S(2025-Wn), n = 19..30: 2022 is outside the history, so 2024 and 2023, weeks n−1, n, n+1:
    #   (3 × (200 + n) + 3 × (100 + n)) / 6 = 150 + n
    # L over the last 12 weeks R = 2025-W19..W30:
    #   Σ h = Σ (300 + n) = 12 × 300 + (19 + … + 30) = 3600 + 294 = 3894
    #   Σ S = Σ (150 + n) = 12 × 150 + 294 = 1800 + 294 = 2094
    level = 3894 / 2094
    assert seasonal_mean(history, [iso(2025, 31), iso(2025, 40)]).tolist() == [181.0, 190.0]
    forecast = seasonal_baseline(history, [iso(2025, 31), iso(2025, 40)])
    assert forecast == pytest.approx([181 * level, 190 * level])    # 336.58…, 353.33…


def test_seasonal_baseline_with_three_past_years_week_53_and_the_new_year() -> None:
    history = yearly(iso(2026, 20))                   # up to 2026-W20: the origin is 2026-W21
    # S(2026-Wn), n = 9..20: 2025, 2024 and 2023, weeks n−1..n+1:
    #   (3 (300 + n) + 3 (200 + n) + 3 (100 + n)) / 9 = 200 + n
    # L over R = 2026-W09..W20:
    #   Σ h = Σ (400 + n) = 4800 + (9 + … + 20) = 4800 + 174 = 4974
    #   Σ S = Σ (200 + n) = 2400 + 174 = 2574
    level = 4974 / 2574
    # 2026-W30: S = 200 + 30 = 230
    # 2026-W53 (Monday 2026-12-28) counts as week 52; the week after 52 is week 1 of the next year:
    #   2025-W51, W52, 2026-W01: 351 + 352 + 401 = 1104
    #   2024-W51, W52, 2025-W01: 251 + 252 + 301 =  804
    #   2023-W51, W52, 2024-W01: 151 + 152 + 201 =  504
    #   S = 2412 / 9 = 268
    # 2027-W01: the week before week 1 is week 52 of the year before:
    #   2025-W52, 2026-W01, W02: 352 + 401 + 402 = 1155
    #   2024-W52, 2025-W01, W02: 252 + 301 + 302 =  855
    #   2023-W52, 2024-W01, W02: 152 + 201 + 202 =  555
    #   S = 2565 / 9 = 285
    targets = [iso(2026, 30), iso(2026, 53), iso(2027, 1)]
    assert iso(2026, 53) == date(2026, 12, 28)
    assert seasonal_mean(history, targets).tolist() == [230.0, 268.0, 285.0]
    assert seasonal_baseline(history, targets) == pytest.approx([230 * level, 268 * level, 285 * level])


def test_seasonal_baseline_reaches_back_three_years_at_most() -> None:
    # 2022 added (h = 30 + n): for 2026-W30 the years are still 2025, 2024 and 2023, S = 230, not the
    # four years' (990 + 690 + 390 + 180) / 12 = 187.5
    history = yearly(iso(2026, 20)) | {iso(2022, n): 30.0 + n for n in range(1, 53)}
    assert seasonal_mean(history, [iso(2026, 30)]).tolist() == [230.0]


def test_seasonal_baseline_under_a_year_is_flat() -> None:
    # 20 weeks of 10, 11, …, 29 h: the last 12 are 18..29, mean (18 + 29) / 2 = 23.5
    history = weekly(date(2026, 1, 5), range(10, 30))
    forecast = seasonal_baseline(history, [date(2026, 5, 25), date(2026, 12, 28)])
    assert forecast.tolist() == [23.5, 23.5]
    # 5 weeks: the mean of all of them, (1 + 2 + 3 + 4 + 5) / 5 = 3
    assert seasonal_baseline(weekly(date(2026, 1, 5), [1, 2, 3, 4, 5]), [date(2026, 2, 9)]).tolist() == [3.0]
    assert np.isnan(seasonal_baseline({}, [date(2026, 2, 9)])).all()


def test_weeks_left_out_inside_the_history_count_as_zero() -> None:
    # 10 h, nothing, 20 h: the mean of the three is 10
    history = {date(2026, 1, 5): 10.0, date(2026, 1, 19): 20.0}
    assert seasonal_baseline(history, [date(2026, 1, 26)]).tolist() == [10.0]


def test_baseline_weeks_must_be_mondays() -> None:
    with pytest.raises(CapacityError) as raised:
        seasonal_baseline(yearly(iso(2024, 1)), [date(2026, 1, 7)])
    assert raised.value.field == "target_weeks"
    with pytest.raises(CapacityError) as raised:
        seasonal_baseline({date(2026, 1, 6): 1.0}, [date(2026, 1, 12)])
    assert raised.value.field == "history"


# --- naive baseline --------------------------------------------------------------------------------------


def test_naive_last_year() -> None:
    history = yearly(iso(2025, 30))
    # 364 days before 2025-W31 is 2024-W31: 231; before 2025-W29, 2024-W29: 229
    # 2027-W10 − 364 days is in 2026, after the history; 2023-W05 − 364 days is in 2022, before it
    forecast = naive_last_year(history, [iso(2025, 31), iso(2025, 29), iso(2027, 10), iso(2023, 5)])
    assert np.array_equal(forecast, [231.0, 229.0, NAN, NAN], equal_nan=True)


# --- backtest --------------------------------------------------------------------------------------------


def test_backtest_of_a_perfectly_seasonal_history_is_exact_for_the_naive_method() -> None:
    # 2022..2025 have 52 ISO weeks each, so 364 days earlier is the same ISO week: h = 20 + n
    history = {week: 20.0 + week.isocalendar()[1] for week in (iso(2022, 1) + WEEK * i for i in range(208))}
    result = backtest(history, naive_last_year)
    assert (result.mae, result.wape, result.compared, result.origins_used, result.origins_skipped) == (
        0.0, 0.0, 26 * 12, 26, 0)


def trend() -> dict[date, float]:
    """104 weeks from 2024-01-01: week i worked 100 + i hours."""
    return weekly(date(2024, 1, 1), [100 + i for i in range(104)])


def test_backtest_of_a_trend_for_the_naive_method() -> None:
    # origins o = 104 − 12 − 26 + 1 = 67 … 104 − 12 = 92 (26 of them), each forecast weeks o..o+11;
    # naive: F = h(w − 52) = 100 + w − 52, so every error is 52 h: MAE = 52
    # Σ actuals = Σ_o Σ_j (100 + o + j) = 26·12·100 + 12·Σo + 26·Σj
    #           = 31200 + 12·(67 + … + 92) + 26·(0 + … + 11) = 31200 + 12·2067 + 26·66 = 57720
    # WAPE = 52 × 312 / 57720 = 16224 / 57720 = 0.2811…
    result = backtest(trend(), naive_last_year)
    assert result.mae == pytest.approx(52.0)
    assert result.wape == pytest.approx(16224 / 57720)
    assert (result.compared, result.origins_used, result.origins_skipped) == (312, 26, 0)


def test_backtest_skips_origins_without_a_year_of_history() -> None:
    # origins 104 − 12 − 60 + 1 = 33 … 92; the naive method needs w − 52 ≥ 0 for every w ≥ o: o ≥ 52.
    # 33..51 are skipped (19), 52..92 used (41), 41 × 12 = 492 forecasts, each 52 h off.
    # Σ actuals = 41·12·100 + 12·(52 + … + 92) + 41·66 = 49200 + 12·2952 + 2706 = 87330
    result = backtest(trend(), naive_last_year, origins=60)
    assert (result.compared, result.origins_used, result.origins_skipped) == (492, 41, 19)
    assert result.mae == pytest.approx(52.0)
    assert result.wape == pytest.approx(52 * 492 / 87330)


def test_backtest_gives_the_method_only_the_past() -> None:
    seen: list[tuple[date, date]] = []

    def constant(history: Mapping[date, float], targets: Sequence[date]) -> np.ndarray:
        seen.append((max(history), targets[0]))
        return np.full(len(targets), 100.0)

    # F = 100 against A = 100 + o + j: |error| = o + j; Σ = 12·2067 + 26·66 = 26520 over 312 forecasts
    result = backtest(trend(), constant)
    assert result.mae == pytest.approx(26520 / 312)               # 85
    assert result.wape == pytest.approx(26520 / 57720)
    assert all(last + WEEK == origin for last, origin in seen) and len(seen) == 26
    assert seen[0][1] == date(2024, 1, 1) + 67 * WEEK


def test_backtest_without_history_before_the_origin() -> None:
    # 20 weeks, horizon 12, 26 origins: starts −17 … 8; the 18 at or before the first week have no
    # history; 1..8 are used. A constant history is forecast exactly (flat).
    result = backtest(weekly(date(2026, 1, 5), [40.0] * 20), seasonal_baseline)
    assert (result.mae, result.wape, result.compared, result.origins_used, result.origins_skipped) == (
        0.0, 0.0, 96, 8, 18)
    nothing = backtest({}, seasonal_baseline, horizon=4, origins=2)
    assert math.isnan(nothing.mae) and math.isnan(nothing.wape) and nothing.compared == 0
    assert nothing.origins_skipped == 2
    with pytest.raises(CapacityError):
        backtest(trend(), naive_last_year, horizon=0)
    with pytest.raises(CapacityError):
        backtest(trend(), naive_last_year, origins=0)


# --- pipeline and outlook --------------------------------------------------------------------------------


OUTLOOK_WEEKS = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 2)]


def test_next_weeks() -> None:
    weeks = next_weeks(date(2026, 1, 1))
    assert len(weeks) == 12 and weeks[0] == date(2025, 12, 29) and weeks[-1] == date(2026, 3, 16)


def test_spread_evenly_over_the_engagement_weeks() -> None:
    # Wednesday 01-07 to Tuesday 01-20 touches the weeks of 01-05, 01-12, 01-19: 30 / 3 = 10 each
    assert spread(30, date(2026, 1, 7), date(2026, 1, 20), OUTLOOK_WEEKS).tolist() == [10, 10, 10, 0, 0]
    # four weeks from 2025-12-22 to 2026-01-12, two of them before the outlook: 40 / 4 = 10 in each of the
    # last two; the other 20 are not moved into the outlook
    assert spread(40, date(2025, 12, 22), date(2026, 1, 12), OUTLOOK_WEEKS).tolist() == [10, 10, 0, 0, 0]
    assert spread(6, date(2026, 1, 28), date(2026, 1, 28), OUTLOOK_WEEKS).tolist() == [0, 0, 0, 6, 0]
    with pytest.raises(CapacityError):
        spread(6, date(2026, 1, 28), date(2026, 1, 27), OUTLOOK_WEEKS)


def test_pipeline_hours_weigh_by_probability() -> None:
    proposals = [Proposal(30, 0.5, date(2026, 1, 7), date(2026, 1, 20)),      # 15 h over 3 weeks: 5 each
                 Proposal(40, 0.25, date(2026, 1, 19), date(2026, 1, 25))]    # 10 h in the week of 01-19
    assert pipeline_hours(proposals, OUTLOOK_WEEKS).tolist() == [5.0, 5.0, 15.0, 0.0, 0.0]
    with pytest.raises(CapacityError) as raised:
        Proposal(10, 1.2, date(2026, 1, 5), date(2026, 1, 6))
    assert raised.value.field == "probability"


def test_outlook_expected_unbooked_load_peaks_and_valleys() -> None:
    outlook = demand_outlook(OUTLOOK_WEEKS, confirmed=[30, 20, 10, 0, 10], pipeline=[5, 5, 15, 0, 0],
                             baseline=[30, 40, 20, NAN, 20], capacity=[40, 40, 20, 0, 40])
    # booked   = confirmed + pipeline     = 35, 25, 25, 0, 10
    # expected = max(booked, baseline)    = 35, 40, 25, 0 (no baseline: booked), 20
    # unbooked = max(0, baseline − booked) = 0, 15,  0, 0, 10
    # load     = expected / capacity      = 0.875, 1.0, 1.25, NaN (no capacity), 0.5
    assert outlook.expected.tolist() == [35.0, 40.0, 25.0, 0.0, 20.0]
    assert outlook.unbooked.tolist() == [0.0, 15.0, 0.0, 0.0, 10.0]
    assert np.array_equal(outlook.load, [0.875, 1.0, 1.25, NAN, 0.5], equal_nan=True)
    assert outlook.peaks.tolist() == [False, False, True, False, False]      # 1.0 exactly is not a peak
    assert outlook.valleys.tolist() == [False, False, False, False, True]
    assert outlook.peak_weeks == [date(2026, 1, 19)] and outlook.valley_weeks == [date(2026, 2, 2)]
    assert outlook.weeks == tuple(OUTLOOK_WEEKS) and outlook.pipeline.tolist() == [5.0, 5.0, 15.0, 0.0, 0.0]


def test_outlook_broadcasts_a_single_capacity_and_checks_lengths() -> None:
    outlook = demand_outlook(OUTLOOK_WEEKS[:2], confirmed=[10, 50], pipeline=0, baseline=[40, 40], capacity=40)
    # expected 40, 50; load 1.0, 1.25; 30 h of usual work not yet booked in the first week
    assert outlook.load.tolist() == [1.0, 1.25] and outlook.unbooked.tolist() == [30.0, 0.0]
    with pytest.raises(CapacityError) as raised:
        demand_outlook(OUTLOOK_WEEKS[:2], confirmed=[10], pipeline=0, baseline=0, capacity=40)
    assert raised.value.field == "confirmed"
