"""Lifetime value mathematics (BG/NBD, Gamma-Gamma, discounted CLV) on the CDNOW sample: the published
fits, lifetimes' formulas, grouping, time units, bad input. See tests/data/CDNOW.md for the data."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from servicescape.analytics import lifetime

DATA = Path(__file__).parents[2] / "data"
CALIBRATION_END, HOLDOUT_END = date(1997, 9, 30), date(1998, 6, 30)

Floats = np.ndarray[Any, np.dtype[np.float64]]


@cache
def summary() -> tuple[Floats, Floats, Floats]:
    """CDNOW's calibration summary as lifetimes ships it: x, t_x and T in weeks."""
    table = np.loadtxt(DATA / "cdnow_customers_summary.csv", delimiter=",", skiprows=1)
    return table[:, 1], table[:, 2], table[:, 3]


@cache
def from_raw() -> dict[str, Floats]:
    """The summary made again from the raw transactions: purchases on the same day merged (their values
    added), 39 weeks of calibration up to 1997-09-30, the 39 weeks after it the holdout; monetary is the
    mean value of the repeat purchases in the calibration period (the first purchase left out)."""
    days: dict[int, dict[date, float]] = {}
    for line in (DATA / "cdnow_sample.txt").read_text(encoding="ascii").splitlines():
        _master, number, day, _cds, dollars = line.split()
        on = date(int(day[:4]), int(day[4:6]), int(day[6:]))
        spent = days.setdefault(int(number), {})
        spent[on] = spent.get(on, 0.0) + float(dollars)
    columns: dict[str, list[float]] = {"x": [], "t_x": [], "T": [], "monetary": [], "holdout": []}
    for client in sorted(days):
        purchases = sorted(days[client].items())
        first = purchases[0][0]
        calibration = [(on, value) for on, value in purchases if on <= CALIBRATION_END]
        repeats = [value for _, value in calibration[1:]]
        columns["x"].append(len(repeats))
        columns["t_x"].append((calibration[-1][0] - first).days / 7)
        columns["T"].append((CALIBRATION_END - first).days / 7)
        columns["monetary"].append(sum(repeats) / len(repeats) if repeats else 0.0)
        columns["holdout"].append(sum(1 for on, _ in purchases if CALIBRATION_END < on <= HOLDOUT_END))
    return {name: np.array(values) for name, values in columns.items()}


# a fit of cdnow_customers_summary.csv (lifetimes 0.11.3 finds the same to 1e-6), given as parameters to lifetimes and
# to this module to compare their formulas
CDNOW = lifetime.BgNbd(r=0.2425929144491257, alpha=4.413532442846856, a=0.7928862312959964, b=2.4257543485031863,
                       log_likelihood=-9582.43, clients=2357)
CDNOW_GG = lifetime.GammaGamma(p=6.248807160867528, q=3.7445869627274053, gamma=15.447730919824929,
                               log_likelihood=-4055.92, clients=946)
# a few clients of several kinds (no repeat purchase, recent, lapsed, heavy), in weeks, with mean spend
X = np.array([0, 1, 2, 2, 5, 7, 14, 29, 50.0])
T_X = np.array([0, 1.71, 30.43, 5.0, 35.14, 20.0, 38.0, 38.71, 30.0])
T = np.array([38.86, 38.86, 38.86, 32.71, 38.86, 31.0, 38.86, 38.86, 38.0])
M = np.array([0, 11.77, 22.35, 30.0, 47.5, 10.0, 35.0, 25.4, 12.0])


def test_the_summary_is_the_raw_sample_summarised() -> None:
    raw, (x, t_x, t) = from_raw(), summary()
    assert raw["x"].size == 2357 and int(raw["x"].sum()) == 2457 and int((raw["x"] > 0).sum()) == 946
    np.testing.assert_array_equal(raw["x"], x)
    np.testing.assert_allclose(raw["t_x"], t_x, atol=0.005 + 1e-9)  # the summary rounds weeks to 2 decimals
    np.testing.assert_allclose(raw["T"], t, atol=0.005 + 1e-9)


def test_bgnbd_reproduces_the_published_cdnow_fit() -> None:
    # Fader, Hardie & Lee (2005): r 0.243, α 4.414, a 0.793, b 2.426, log-likelihood −9582.4
    model = lifetime.fit_bgnbd(*summary())
    for found, published in [(model.r, 0.243), (model.alpha, 4.414), (model.a, 0.793), (model.b, 2.426),
                             (model.log_likelihood, -9582.4)]:
        assert found == pytest.approx(published, rel=0.005)
    assert model.log_likelihood == pytest.approx(-9582.43, abs=0.01)
    assert model.clients == 2357
    assert model.as_dict()["alpha"] == model.alpha


def test_gamma_gamma_reproduces_the_published_cdnow_fit() -> None:
    # Fader & Hardie, "The Gamma-Gamma model of monetary value": p 6.25, q 3.74, γ 15.44 on the 946 repeat buyers
    raw = from_raw()
    model = lifetime.fit_gamma_gamma(raw["x"], raw["monetary"])
    assert model.clients == 946
    for found, published in [(model.p, 6.25), (model.q, 3.74), (model.gamma, 15.44)]:
        assert found == pytest.approx(published, rel=0.005)
    assert model.as_dict()["gamma"] == model.gamma


def test_predictions_match_lifetimes_formulas() -> None:
    # computed once with lifetimes 0.11.3 (BetaGeoFitter / GammaGammaFitter with params_ set to CDNOW, CDNOW_GG;
    # conditional_expected_number_of_purchases_up_to_time, conditional_probability_alive,
    # expected_number_of_purchases_up_to_time, conditional_expected_average_profit, customer_lifetime_value with
    # time=12, discount_rate=0.01, freq="W")
    expected = {
        1.0: [0.00558635096709921, 0.006064653021811, 0.03744319547485978, 0.00996684154441381, 0.10045841249075885,
              0.0847469534053266, 0.30558689616562346, 0.6512399084397779, 0.00208982093634692],
        39.0: [0.19478085307533344, 0.20325071152311786, 1.2259105057116741, 0.3188054414575627, 3.178891184112454,
               2.5542682752171832, 9.395842256885352, 19.79384225588507, 0.06294295133584792],
        104.0: [0.4530856603569933, 0.45293256447429037, 2.669091253299784, 0.6814155329157211, 6.711590659835117,
                5.204115057803637, 19.38933902385984, 40.506098301509574, 0.1280025759094765],
    }
    alive = [1.0, 0.2122274774100571, 0.7266091854750859, 0.16607959939640551, 0.8349540681377605,
             0.41810425590854733, 0.9359688342558444, 0.971963870987343, 0.00177997999678006]
    new = [0.05318473240517756, 1.1950162460427007, 1.8579717460044667]
    spend = [35.1710085713703, 18.911475415955866, 24.65861489868064, 30.931117654482218, 46.50443188385427,
             11.486117747747903, 35.00520180522879, 25.54577834051325, 12.201769941889186]
    clv = [8.344094495914717, 4.637467244089175, 36.27849628346522, 11.780990817982929, 176.13593853837705,
           34.64621011008763, 389.6899737215709, 597.8452163616485, 0.9066078181059251]
    for t, values in expected.items():
        np.testing.assert_allclose(lifetime.expected_purchases(CDNOW, t, X, T_X, T), values, rtol=1e-9)
    np.testing.assert_allclose(lifetime.probability_alive(CDNOW, X, T_X, T), alive, rtol=1e-9)
    np.testing.assert_allclose(lifetime.expected_purchases_new(CDNOW, [1.0, 39.0, 78.0]), new, rtol=1e-9)
    np.testing.assert_allclose(lifetime.expected_spend(CDNOW_GG, X, M), spend, rtol=1e-12)
    found = lifetime.customer_lifetime_value(CDNOW, CDNOW_GG, X, T_X, T, M, horizon=12 * 4.345, step=4.345,
                                             discount_rate=0.01)
    np.testing.assert_allclose(found, clv, rtol=1e-9)


def test_penalized_fits_match_lifetimes() -> None:
    # lifetimes 0.11.3: BetaGeoFitter(penalizer_coef=0.1) on cdnow_customers_summary.csv, GammaGammaFitter(
    # penalizer_coef=0.001) on the repeat buyers of from_raw(); lifetimes stops at a looser tolerance, hence 1e-5
    model = lifetime.fit_bgnbd(*summary(), penalizer=0.1)
    np.testing.assert_allclose([model.r, model.alpha, model.a, model.b],
                               [0.23094701386573424, 4.2192875236191, 0.12865474020745932, 0.26712679605042017],
                               rtol=1e-5)
    raw = from_raw()
    spend = lifetime.fit_gamma_gamma(raw["x"], raw["monetary"], penalizer=0.001)
    np.testing.assert_allclose([spend.p, spend.q, spend.gamma],
                               [7.911854993334262, 2.446770278619335, 7.209332198307006], rtol=1e-5)
    # the log-likelihood is the data's, without the penalty: below the unpenalized maximum
    assert model.log_likelihood < lifetime.fit_bgnbd(*summary()).log_likelihood


def test_grouped_clients_fit_as_each_client() -> None:
    x, t_x, t = summary()
    rows, counts = np.unique(np.column_stack([x, t_x, t]), axis=0, return_counts=True)
    assert rows.shape[0] < x.size
    each = lifetime.fit_bgnbd(x, t_x, t)
    grouped = lifetime.fit_bgnbd(rows[:, 0], rows[:, 1], rows[:, 2], weights=counts)
    np.testing.assert_allclose([grouped.r, grouped.alpha, grouped.a, grouped.b, grouped.log_likelihood],
                               [each.r, each.alpha, each.a, each.b, each.log_likelihood], rtol=1e-8)
    assert grouped.clients == each.clients == 2357
    raw = from_raw()
    repeat = raw["x"] > 0
    pairs, weights = np.unique(np.column_stack([raw["x"][repeat], raw["monetary"][repeat]]), axis=0,
                               return_counts=True)
    spend_each = lifetime.fit_gamma_gamma(raw["x"], raw["monetary"])
    spend_grouped = lifetime.fit_gamma_gamma(pairs[:, 0], pairs[:, 1], weights=weights)
    np.testing.assert_allclose([spend_grouped.p, spend_grouped.q, spend_grouped.gamma],
                               [spend_each.p, spend_each.q, spend_each.gamma], rtol=1e-8)
    assert spend_grouped.clients == 946


@pytest.mark.parametrize("kind", ["days", "weeks", "cents", "any", "large", "many"])
def test_grouping_finds_the_identical_rows(kind: str) -> None:
    rng = np.random.default_rng(7)
    size = 5000
    columns = {
        "days": lambda: rng.integers(0, 400, size).astype(float),
        "weeks": lambda: rng.integers(0, 400, size) / 7,
        "cents": lambda: rng.integers(0, 3000, size) / 100,
        "any": lambda: rng.choice(rng.random(300) * 50, size),
        "large": lambda: rng.integers(0, 10**8, size).astype(float),  # beyond the grid: ranked
        "many": lambda: rng.integers(0, 4000, size) / 7,  # 4000³ combinations: ranked, not marked
    }[kind]
    rows = np.column_stack([columns(), columns(), columns()])
    rows[:1000] = rows[1000:2000]  # some rows for sure identical
    rows[rows == 0] = -0.0  # the same client as 0
    inverse, representatives = lifetime._group(rows[:, 0], rows[:, 1], rows[:, 2])
    expected = np.unique(rows, axis=0, return_inverse=True)[1].ravel()
    assert representatives.size == expected.max() + 1
    assert np.unique(np.column_stack([inverse, expected]), axis=0).shape[0] == representatives.size
    np.testing.assert_array_equal(rows[representatives[inverse]], rows)


def test_the_time_unit_only_scales_alpha() -> None:
    x, t_x, t = summary()
    weeks = lifetime.fit_bgnbd(x, t_x, t)
    days = lifetime.fit_bgnbd(x, t_x * 7, t * 7)
    assert days.alpha == pytest.approx(weeks.alpha * 7, rel=1e-8)
    np.testing.assert_allclose([days.r, days.a, days.b], [weeks.r, weeks.a, weeks.b], rtol=1e-8)
    # the density of purchase times changes by 1/7 per repeat purchase
    assert days.log_likelihood == pytest.approx(weeks.log_likelihood - x.sum() * math.log(7), rel=1e-10)
    # and predictions for the same span of time agree
    np.testing.assert_allclose(lifetime.expected_purchases(days, 39 * 7, X, T_X * 7, T * 7),
                               lifetime.expected_purchases(weeks, 39, X, T_X, T), rtol=1e-7)


def test_a_fit_on_whole_days_recovers_the_published_parameters() -> None:
    raw = from_raw()
    days = lifetime.fit_bgnbd(raw["x"], np.rint(raw["t_x"] * 7), np.rint(raw["T"] * 7))
    assert days.alpha / 7 == pytest.approx(4.414, rel=0.005)
    np.testing.assert_allclose([days.r, days.a, days.b], [0.243, 0.793, 2.426], rtol=0.005)


def test_holdout_check_on_cdnow() -> None:
    raw = from_raw()
    model = lifetime.fit_bgnbd(raw["x"], raw["t_x"], raw["T"])
    check = lifetime.holdout_check(model, raw["x"], raw["t_x"], raw["T"], raw["holdout"], 39)
    assert check.clients == 2357 and check.length == 39
    assert check.actual == 1882  # purchase days of the 2,357 clients from 1997-10-01 to 1998-06-30
    predicted = lifetime.expected_purchases(model, 39, raw["x"], raw["t_x"], raw["T"])
    assert check.predicted == pytest.approx(predicted.sum(), rel=1e-12)
    assert check.predicted == pytest.approx(1653.41, rel=1e-5)
    assert check.relative_error == pytest.approx((check.predicted - 1882) / 1882, rel=1e-12)
    assert check.mean_absolute_error == pytest.approx(np.abs(predicted - raw["holdout"]).mean(), rel=1e-12)
    groups = check.by_frequency
    assert [g["frequency"] for g in groups] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert [g["clients"] for g in groups] == [1411, 439, 214, 100, 62, 38, 29, 64]
    assert groups[0]["actual"] == pytest.approx(334 / 1411)  # the figure in Fader, Hardie & Lee (2005): 0.24
    assert groups[-1]["predicted"] > groups[0]["predicted"]
    assert check.as_dict()["by_frequency"] == groups


def test_clv_of_one_undiscounted_step_is_purchases_times_spend() -> None:
    value = lifetime.customer_lifetime_value(CDNOW, CDNOW_GG, X, T_X, T, M, horizon=26, step=26, discount_rate=0)
    purchases = lifetime.expected_purchases(CDNOW, 26, X, T_X, T)
    np.testing.assert_allclose(value, purchases * lifetime.expected_spend(CDNOW_GG, X, M), rtol=1e-12)
    # more steps of the same horizon only discount: value at 0% equals value of one step
    stepped = lifetime.customer_lifetime_value(CDNOW, CDNOW_GG, X, T_X, T, M, horizon=26, step=2, discount_rate=0)
    np.testing.assert_allclose(stepped, value, rtol=1e-9)
    discounted = lifetime.customer_lifetime_value(CDNOW, CDNOW_GG, X, T_X, T, M, horizon=26, step=2,
                                                  discount_rate=0.01)
    assert (discounted < value).all()


def test_large_frequencies_stay_finite() -> None:
    # lifetimes' form of eq. 10 overflows here (₂F₁(r+x, b+x; a+b+x−1; z) for x in the thousands); the
    # references are mpmath at 40 digits (eq. 10 itself for x = 1,000; Euler's form for x = 1,000,000)
    x = np.array([1e3, 1e4, 1e6])
    t_x = np.array([38.0, 30.0, 38.86])
    t = np.full(3, 38.86)
    alive = lifetime.probability_alive(CDNOW, x, t_x, t)
    expected = lifetime.expected_purchases(CDNOW, 39, x, t_x, t)
    np.testing.assert_allclose(alive, [2.4065123321614536e-6, 0.0, 0.9999992071155278], rtol=1e-9)
    np.testing.assert_allclose(expected, [0.0016548946438439619, 0.0, 687219.29290853393], rtol=1e-9)
    # (the true values 1.4e-991 and 3.4e-532 for x = 10,000 are below the smallest double)


def test_expected_purchases_are_smooth_through_a_equal_to_one() -> None:
    # eq. 10 is 0 / 0 at a = 1: near it, the value is interpolated between a = 1 ± 1e-4
    values = [lifetime.expected_purchases(replace(CDNOW, a=a), 39, X, T_X, T) for a in (0.999, 1.0, 1.001)]
    assert np.isfinite(values[1]).all()
    np.testing.assert_allclose(values[1], (values[0] + values[2]) / 2, rtol=1e-5)
    np.testing.assert_allclose(lifetime.expected_purchases(replace(CDNOW, a=1.00005), 39, X, T_X, T), values[1],
                               rtol=1e-3)


def test_empty_predictions_and_shapes() -> None:
    assert lifetime.expected_purchases(CDNOW, 10, [], [], []).shape == (0,)
    assert lifetime.probability_alive(CDNOW, [], [], []).shape == (0,)
    assert lifetime.expected_purchases_new(CDNOW, np.zeros((2, 3))).shape == (2, 3)
    assert lifetime.expected_purchases_new(CDNOW, 0.0) == 0.0


def test_spend_needs_q_above_one() -> None:
    with pytest.raises(ValueError, match="undefined"):
        lifetime.expected_spend(replace(CDNOW_GG, q=0.9), X, M)


def test_fits_that_find_no_maximum_say_so() -> None:
    with pytest.raises(ValueError, match="frequency is 0 for every client"):
        lifetime.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(RuntimeError, match="BG/NBD fit did not converge"):  # nobody ever left: p runs off to 0
        lifetime.fit_bgnbd([3, 5, 2, 4], [30, 40, 20, 40], [30, 40, 20, 40])
    with pytest.raises(RuntimeError, match="Gamma-Gamma fit did not converge"):  # every purchase worth the same
        lifetime.fit_gamma_gamma([1, 2, 3, 4, 5], [10, 10, 10, 10, 10])


GOOD = {"frequency": [0, 2, 1], "recency": [0, 5.0, 3.0], "age": [10.0, 12.0, 3.0]}


@pytest.mark.parametrize(("change", "message"), [
    ({"recency": [0, 5.0]}, "recency has 2 values, frequency has 3"),
    ({"age": [10.0, 12.0, 3.0, 4.0]}, "age has 4 values"),
    ({"frequency": [0, -2, 1]}, "frequency holds negative values"),
    ({"frequency": [0, 1.5, 1]}, "frequency must hold whole numbers"),
    ({"age": [10.0, float("nan"), 3.0]}, "age holds values that are not finite"),
    ({"recency": [0, float("inf"), 3.0]}, "recency holds values that are not finite"),
    ({"recency": [0, 5.0, 4.0]}, "recency exceeds age"),
    ({"recency": [0, 0.0, 3.0]}, "recency is 0 for 1 clients with repeat purchases"),
    ({"recency": [1.0, 5.0, 3.0]}, "recency is above 0 for 1 clients without repeat purchases"),
    ({"frequency": ["a", 2, 1]}, "frequency must hold numbers"),
    ({"age": [[10.0, 12.0, 3.0]]}, "age must be one value per client"),
    ({"frequency": [], "recency": [], "age": []}, "frequency is empty"),
    ({"weights": [1, -1, 1]}, "weights holds negative values"),
    ({"weights": [1, 1]}, "weights has 2 values"),
    ({"weights": [0, 0, 0]}, "weights are all 0"),
    ({"penalizer": -1.0}, "penalizer must be 0 or more"),
])
def test_fit_bgnbd_refuses_bad_input_naming_it(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lifetime.fit_bgnbd(**{**GOOD, **change})


def test_predictions_refuse_bad_input_naming_it() -> None:
    with pytest.raises(ValueError, match="t must be a finite time"):
        lifetime.expected_purchases(CDNOW, -1, X, T_X, T)
    with pytest.raises(ValueError, match="recency exceeds age"):
        lifetime.probability_alive(CDNOW, X, T_X + 1, T)
    with pytest.raises(ValueError, match="monetary holds negative"):
        lifetime.fit_gamma_gamma(X, -M)
    with pytest.raises(ValueError, match="no client has repeat purchases"):
        lifetime.fit_gamma_gamma([0, 0], [0, 0])
    with pytest.raises(ValueError, match="monetary has 2 values"):
        lifetime.expected_spend(CDNOW_GG, X, [1.0, 2.0])
    for horizon, step, rate, name in [(10, 3, 0.01, "horizon"), (10, 0, 0.01, "step"), (10, 5, -1, "discount_rate"),
                                      (-5, 5, 0.0, "horizon")]:
        with pytest.raises(ValueError, match=name):
            lifetime.customer_lifetime_value(CDNOW, CDNOW_GG, X, T_X, T, M, horizon=horizon, step=step,
                                             discount_rate=rate)
    with pytest.raises(ValueError, match="holdout_purchases must hold whole numbers"):
        lifetime.holdout_check(CDNOW, X, T_X, T, np.full(X.size, 0.5), 39)
    with pytest.raises(ValueError, match="holdout_length"):
        lifetime.holdout_check(CDNOW, X, T_X, T, np.zeros(X.size), float("nan"))
