"""The demand of the weeks ahead (12 by default) against the firm's capacity, and how far the usual
pattern of work can be trusted to forecast it.

**History** is the hours the whole firm worked, by week: a mapping ``{Monday of the week: hours}``.
The history runs from its first week to its last; a week in between that the mapping leaves out had
no hours (0.0), weeks outside it are unknown. The *forecast origin* is the week after the last one.

Two baselines forecast the usual work from the history alone:

* :func:`seasonal_baseline`: the same weeks of past years, scaled to the recent level of work;
* :func:`naive_last_year`: the week 52 weeks (364 days) earlier.

:func:`backtest` measures either on the firm's own past (rolling origins). :func:`demand_outlook`
puts the baseline beside what is already booked and proposed, and the capacity:

* ``confirmed``  hours booked for the week (scheduled bookings and appointments);
* ``pipeline``   Σ over proposed engagements of ``estimated hours × probability``, spread evenly over
  the engagement's weeks (:func:`spread`);
* ``expected``   ``max(confirmed + pipeline, baseline)``: the usual work arrives even if nobody booked it yet;
* ``unbooked``   ``max(0, baseline − confirmed − pipeline)``: "usual work not yet booked";
* ``load``       ``expected ÷ capacity`` (NaN without capacity); a *peak* where ``load > 1.00``, a
  *valley* where ``load < 0.80`` (the bands of :func:`servicescape.capacity.calc.band`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from servicescape.capacity.calc import CapacityError, Floats, bands, utilisation, week_start, week_starts

History = Mapping[date, float]
Method = Callable[[History, Sequence[date]], Floats]

#: weeks ahead in the outlook
HORIZON = 12
#: weeks of recent work that set the level
LEVEL_WEEKS = 12
#: past years the seasonal mean reaches back
SEASON_YEARS = 3
#: weeks of history below which the forecast is flat
ONE_YEAR = 52
_WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class _Series:
    """The history as a dense array: ``hours[i]`` is the week ``first + 7 i`` days."""

    first: date
    hours: Floats

    @classmethod
    def of(cls, history: History) -> _Series:
        if not history:
            return cls(date.min, np.zeros(0))
        weeks = sorted(history)
        if any(w.weekday() != 0 for w in weeks):
            raise CapacityError("history", "each week is named by its Monday")
        first = weeks[0]
        hours = np.zeros((weeks[-1] - first).days // 7 + 1)
        for week in weeks:
            hours[(week - first).days // 7] = float(history[week])
        return cls(first, hours)

    @property
    def origin(self) -> date:
        """The week after the last week of history."""
        return self.first + _WEEK * len(self.hours)

    def at(self, weeks: Sequence[date]) -> Floats:
        """Hours of each week; NaN outside the history."""
        if not len(self.hours):
            return np.full(len(weeks), np.nan)
        index = np.array([(w - self.first).days // 7 for w in weeks], dtype=np.int64)
        inside = (index >= 0) & (index < len(self.hours))
        return np.where(inside, self.hours[np.clip(index, 0, len(self.hours) - 1)], np.nan)

    def before(self, origin: date) -> _Series:
        """The history up to the week before ``origin``."""
        return _Series(self.first, self.hours[:max(0, (origin - self.first).days // 7)])

    def as_history(self) -> dict[date, float]:
        return {self.first + _WEEK * i: float(h) for i, h in enumerate(self.hours)}


def _check_weeks(weeks: Sequence[date], name: str) -> None:
    if any(w.weekday() != 0 for w in weeks):
        raise CapacityError(name, "each week is named by its Monday")


def _season_weeks(week: date) -> list[date]:
    """The comparison weeks ``C(w)`` of ``week``: ISO week ``n = min(isoweek(w), 52)`` of each of the
    ``SEASON_YEARS`` ISO years before, with the week before and after it (by date, so the neighbours of
    week 1 and 52 lie across the new year)."""
    year, number, _ = week.isocalendar()
    found = []
    for back in range(1, SEASON_YEARS + 1):
        anchor = date.fromisocalendar(year - back, min(number, 52), 1)
        found += [anchor - _WEEK, anchor, anchor + _WEEK]
    return found


def _seasonal_mean(series: _Series, weeks: Sequence[date]) -> Floats:
    hours = series.at([c for w in weeks for c in _season_weeks(w)]).reshape(len(weeks), 3 * SEASON_YEARS)
    known = np.isfinite(hours)
    count = known.sum(axis=1)
    total = np.where(known, hours, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.full(len(weeks), np.nan), where=count > 0)


def seasonal_mean(history: History, weeks: Sequence[date]) -> Floats:
    """``S(w)``: the mean hours of the comparison weeks ``C(w)`` that lie inside the history — the
    same ISO week ``n`` (week 53 counts as 52) and its two neighbours, in each of the 3 years before
    (so up to 9 weeks)::

        C(w) = { Monday of ISO week (year(w) − k, min(n, 52)) + j weeks : k ∈ {1, 2, 3}, j ∈ {−1, 0, 1} }
        S(w) = mean{ h(v) : v ∈ C(w), v inside the history }     (NaN when none is)
    """
    _check_weeks(weeks, "weeks")
    return _seasonal_mean(_Series.of(history), weeks)


def _level(series: _Series) -> tuple[float, float]:
    """(level factor L, recent mean): see :func:`seasonal_baseline`."""
    recent = series.hours[-LEVEL_WEEKS:]
    recent_mean = float(recent.mean()) if recent.size else float("nan")
    weeks = [series.origin - _WEEK * (i + 1) for i in range(recent.size)][::-1]
    season = _seasonal_mean(series, weeks)
    known = np.isfinite(season)
    expected = float(season[known].sum())
    factor = float(recent[known].sum()) / expected if known.any() and expected > 0 else 1.0
    return factor, recent_mean


def seasonal_baseline(history: History, target_weeks: Sequence[date]) -> Floats:
    """Seasonal-index forecast of each target week, learned from the history by ISO week of year.

    With ``R`` the last 12 weeks of history (before the forecast origin) and ``S`` the seasonal mean of
    :func:`seasonal_mean`::

        L    = Σ_{v ∈ R'} h(v) ÷ Σ_{v ∈ R'} S(v)     R' = the weeks of R whose S is known
                                                     (L = 1 when R' is empty or Σ S = 0)
        F(w) = L × S(w)

    so growth or shrinkage since the past years carries forward. With under one year of history
    (fewer than 52 weeks), and for a target whose ``S`` is unknown, the forecast is flat: the mean of the
    last 12 weeks, ``F(w) = mean{h(v) : v ∈ R}``. Without history: NaN."""
    _check_weeks(target_weeks, "target_weeks")
    series = _Series.of(history)
    factor, recent_mean = _level(series)
    flat = np.full(len(target_weeks), recent_mean)
    if len(series.hours) < ONE_YEAR:
        return flat
    season = _seasonal_mean(series, target_weeks)
    return np.where(np.isfinite(season), factor * season, flat)


def naive_last_year(history: History, target_weeks: Sequence[date]) -> Floats:
    """``F(w) = h(w − 364 days)``, the same week a year (52 weeks) earlier; NaN outside the history."""
    _check_weeks(target_weeks, "target_weeks")
    return _Series.of(history).at([w - timedelta(days=364) for w in target_weeks])


@dataclass(frozen=True)
class Backtest:
    """How far a method's forecasts fell from what happened.

    ``mae = Σ|F − A| ÷ compared`` (hours), ``wape = Σ|F − A| ÷ Σ A`` (NaN when nothing was compared or
    Σ A = 0); ``compared`` forecasts (weeks) from ``origins_used`` origins, ``origins_skipped`` left out."""

    mae: float
    wape: float
    compared: int
    origins_used: int
    origins_skipped: int


def backtest(history: History, method: Method, *, horizon: int = HORIZON, origins: int = 26) -> Backtest:
    """Rolling-origin backtest: each of the last ``origins`` weeks ``o`` that leave ``horizon`` weeks of
    actuals from ``o`` on (the last origin is ``horizon`` weeks before the history ends) is forecast with
    ``method(history before o, [o, o + 1 week, …, o + (horizon − 1) weeks])`` and compared with the
    actual hours of those weeks.

    An origin is skipped when no history lies before it or when the method cannot forecast one of its
    weeks (NaN: the naive method needs a year of history)."""
    if horizon < 1:
        raise CapacityError("horizon", "at least one week")
    if origins < 1:
        raise CapacityError("origins", "at least one origin")
    series = _Series.of(history)
    n = len(series.hours)
    errors: list[Floats] = []
    actual_total = 0.0
    used = skipped = 0
    for start in range(n - horizon - origins + 1, n - horizon + 1):
        if start < 1:
            skipped += 1
            continue
        origin = series.first + _WEEK * start
        targets = [origin + _WEEK * i for i in range(horizon)]
        forecast = np.asarray(method(series.before(origin).as_history(), targets), dtype=np.float64)
        if forecast.shape != (horizon,) or not np.all(np.isfinite(forecast)):
            skipped += 1
            continue
        actual = series.hours[start:start + horizon]
        errors.append(np.abs(forecast - actual))
        actual_total += float(actual.sum())
        used += 1
    if not errors:
        return Backtest(float("nan"), float("nan"), 0, 0, skipped)
    absolute = np.concatenate(errors)
    error_total = float(absolute.sum())
    wape = error_total / actual_total if actual_total > 0 else float("nan")
    return Backtest(error_total / absolute.size, wape, int(absolute.size), used, skipped)


# --- the outlook ------------------------------------------------------------------------------------------


def next_weeks(today: date, count: int = HORIZON) -> list[date]:
    """The ``count`` weeks of the outlook, from the week of ``today`` on."""
    return week_starts(today, count)


def spread(hours: float, first: date, last: date, weeks: Sequence[date]) -> Floats:
    """``hours`` spread evenly over the weeks from ``first``'s to ``last``'s (inclusive)::

        k = number of those weeks,   out[j] = hours ÷ k  where weeks[j] is one of them, else 0

    The share of weeks outside ``weeks`` is not moved into them."""
    if last < first:
        raise CapacityError("last", "the engagement ends before it starts")
    _check_weeks(weeks, "weeks")
    begin, end = week_start(first), week_start(last)
    share = hours / ((end - begin).days // 7 + 1)
    return np.array([share if begin <= w <= end else 0.0 for w in weeks], dtype=np.float64)


@dataclass(frozen=True)
class Proposal:
    """A proposed engagement: ``hours`` estimated, ``probability`` of winning it, from ``first`` to ``last``."""

    hours: float
    probability: float
    first: date
    last: date

    def __post_init__(self) -> None:
        if not 0 <= self.probability <= 1:
            raise CapacityError("probability", "between 0 and 1")
        if not self.hours >= 0:
            raise CapacityError("hours", "cannot be negative")
        if self.last < self.first:
            raise CapacityError("last", "the engagement ends before it starts")


def pipeline_hours(proposals: Sequence[Proposal], weeks: Sequence[date]) -> Floats:
    """``Σ_p spread(hours_p × probability_p, first_p, last_p, weeks)``: the pipeline's weighted hours by week."""
    total = np.zeros(len(weeks), dtype=np.float64)
    for p in proposals:
        total += spread(p.hours * p.probability, p.first, p.last, weeks)
    return total


@dataclass(frozen=True)
class Outlook:
    """The weeks ahead, one value per week in each array (see the module's docstring for the formulas)."""

    weeks: tuple[date, ...]
    confirmed: Floats
    pipeline: Floats
    baseline: Floats
    capacity: Floats
    expected: Floats
    unbooked: Floats
    load: Floats
    peaks: npt.NDArray[np.bool_]
    valleys: npt.NDArray[np.bool_]

    @property
    def peak_weeks(self) -> list[date]:
        return [w for w, peak in zip(self.weeks, self.peaks, strict=True) if peak]

    @property
    def valley_weeks(self) -> list[date]:
        return [w for w, valley in zip(self.weeks, self.valleys, strict=True) if valley]


def _per_week(name: str, values: npt.ArrayLike, n: int) -> Floats:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim > 1 or (array.ndim == 1 and array.size != n):
        raise CapacityError(name, f"one value per week: {n}, not {array.size}")
    return np.broadcast_to(array, (n,)).copy()


def demand_outlook(weeks: Sequence[date], *, confirmed: npt.ArrayLike, pipeline: npt.ArrayLike,
                   baseline: npt.ArrayLike, capacity: npt.ArrayLike) -> Outlook:
    """Put together the weeks' demand and capacity::

        booked   = confirmed + pipeline
        expected = max(booked, baseline)          (booked alone where the baseline is unknown)
        unbooked = max(0, baseline − booked)      (0 where the baseline is unknown)
        load     = expected ÷ capacity            (NaN where capacity is 0)
        peak     = load > 1.00,  valley = load < 0.80
    """
    _check_weeks(weeks, "weeks")
    n = len(weeks)
    columns = {name: _per_week(name, values, n) for name, values in (
        ("confirmed", confirmed), ("pipeline", pipeline), ("baseline", baseline), ("capacity", capacity))}
    booked = columns["confirmed"] + columns["pipeline"]
    expected = np.fmax(booked, columns["baseline"])
    unbooked = np.fmax(columns["baseline"] - booked, 0.0)
    load = utilisation(expected, columns["capacity"])
    band = bands(load)
    return Outlook(tuple(weeks), columns["confirmed"], columns["pipeline"], columns["baseline"],
                   columns["capacity"], expected, unbooked, load, band == "over", band == "under")
