"""Price research (servicescape.offerings.pricing): van Westendorp curves and points worked out by hand,
the Newton–Miller–Smith trial and revenue by hand, Gabor-Granger demand by hand, the segment gate, bad
grids and bad likelihoods; and a larger seeded set checked against pricesensitivitymeter's R code written
out literally (stats::ecdf, identify_intersection, interpolate_nms_matrix)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from servicescape.offerings.pricing import (
    GaborGrangerAnswer,
    GaborGrangerResult,
    NmsSettings,
    PriceAnswer,
    PriceGridError,
    PsmResult,
    SegmentedAnalysis,
    TooFewAnswers,
    analyse_gabor_granger,
    analyse_psm,
    by_segment,
    check_price_grid,
    is_valid,
)
from servicescape.offerings.pricing_nms import DEFAULT_CALIBRATION

# Nine respondents: (too cheap, cheap, expensive, too expensive), likely at cheap / at expensive (1–5).
HAND = [
    PriceAnswer(10, 20, 40, 60, "r1", "retainer", likely_cheap=5, likely_expensive=3),
    PriceAnswer(10, 30, 50, 60, "r2", "retainer", likely_cheap=4, likely_expensive=2),
    PriceAnswer(20, 30, 40, 50, "r3", "retainer", likely_cheap=5, likely_expensive=3),
    PriceAnswer(20, 30, 50, 100, "r4", "project", likely_cheap=4, likely_expensive=3),
    PriceAnswer(10, 20, 30, 50, "r5", "project", likely_cheap=2, likely_expensive=1),
    PriceAnswer(30, 40, 60, 100, "r6", None, likely_cheap=5, likely_expensive=4),
    PriceAnswer(30, 20, 40, 50, "r7", "project", likely_cheap=3),  # invalid: too cheap above cheap
    PriceAnswer(10, 20, 20, 30, "r8"),  # invalid: cheap = expensive
    PriceAnswer(0, 10, 20, 30, "r9"),  # invalid: a price of 0
]
# Valid: r1..r6, n = 6. Grid = their unique prices: 10 20 30 40 50 60 100.
#   too cheap     [10 10 20 20 10 30]    cheap         [20 30 30 30 20 40]
#   expensive     [40 50 40 50 30 60]    too expensive [60 60 50 100 50 100]
GRID = (10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 100.0)


def sixths(*counts: int) -> tuple[float, ...]:
    return tuple(count / 6 for count in counts)


def test_is_valid() -> None:
    assert is_valid(PriceAnswer(1, 2, 3, 4))
    assert not is_valid(PriceAnswer(2, 2, 3, 4))
    assert not is_valid(PriceAnswer(1, 3, 2, 4))
    assert not is_valid(PriceAnswer(1, 2, 4, 4))
    assert not is_valid(PriceAnswer(0, 2, 3, 4))
    assert not is_valid(PriceAnswer(-1, 2, 3, 4))
    assert not is_valid(PriceAnswer(1, 2, 3, math.inf))
    assert not is_valid(PriceAnswer(math.nan, 2, 3, 4))


def test_hand_curves_and_points_original() -> None:
    result = analyse_psm(HAND)
    assert (result.valid, result.invalid, result.total) == (6, 3, 9)
    assert result.prices == GRID
    # price:                   10 20 30 40 50 60 100
    # too cheap  #(tc > p):     3  1  0  0  0  0  0    (tc 20,20,30 above 10; only 30 above 20)
    assert result.too_cheap == sixths(3, 1, 0, 0, 0, 0, 0)
    # cheap      #(c > p):      6  4  1  0  0  0  0    (30,30,30,40 above 20; 40 above 30)
    assert result.cheap == sixths(6, 4, 1, 0, 0, 0, 0)
    # expensive  #(e <= p):     0  0  1  3  5  6  6    (30; 30,40,40; + 50,50; + 60)
    assert result.expensive == sixths(0, 0, 1, 3, 5, 6, 6)
    # too exp.   #(te <= p):    0  0  0  0  2  4  6    (50,50; + 60,60; + 100,100)
    assert result.too_expensive == sixths(0, 0, 0, 0, 2, 4, 6)
    # not cheap = 6 - cheap;  not expensive = 6 - expensive
    assert result.not_cheap == sixths(0, 2, 5, 6, 6, 6, 6)
    assert result.not_expensive == sixths(6, 6, 5, 3, 1, 0, 0)
    # OPP: too expensive >= too cheap: 10: 0<3, 20: 0<1, 30: 0>=0 -> 30
    # IDP: expensive >= cheap:         10: 0<6, 20: 0<4, 30: 1>=1 -> 30
    # PMC: not cheap >= too cheap:     10: 0<3, 20: 2>=1 -> 20
    # PME: too expensive >= not exp.:  10..40: 0 < 6,6,5,3; 50: 2>=1 -> 50
    assert (result.opp, result.idp, result.pmc, result.pme) == (30.0, 30.0, 20.0, 50.0)
    assert result.convention == "original"
    assert result.boundary == "ecdf"


def test_hand_points_narrower() -> None:
    result = analyse_psm(HAND, convention="narrower")
    # PMC: expensive >= too cheap:   10: 0<3, 20: 0<1, 30: 1>=0 -> 30
    # PME: too expensive >= cheap:   10: 0<6, 20: 0<4, 30: 0<1, 40: 0>=0 -> 40
    assert (result.opp, result.idp, result.pmc, result.pme) == (30.0, 30.0, 30.0, 40.0)
    assert result.convention == "narrower"
    assert result.too_cheap == analyse_psm(HAND).too_cheap  # the curves do not depend on the convention


def test_hand_clamped_boundary_of_release_1_3_1() -> None:
    result = analyse_psm(HAND, boundary="clamped")
    # F is set to 0 at p <= the smallest answer: too cheap at 10 (min 10), cheap at 10 and 20 (min 20),
    # expensive at <= 30 (min 30), too expensive at <= 50 (min 50); the rest as with stats::ecdf.
    assert result.too_cheap == sixths(6, 1, 0, 0, 0, 0, 0)
    assert result.cheap == sixths(6, 6, 1, 0, 0, 0, 0)
    assert result.expensive == sixths(0, 0, 0, 3, 5, 6, 6)
    assert result.too_expensive == sixths(0, 0, 0, 0, 0, 4, 6)
    assert result.not_cheap == sixths(0, 0, 5, 6, 6, 6, 6)
    assert result.not_expensive == sixths(6, 6, 6, 3, 1, 0, 0)
    # OPP: 30 (0>=0); IDP: 30: 0<1, 40: 3>=0 -> 40; PMC: 20: 0<1, 30: 5>=0 -> 30; PME: 50: 0<1, 60: 4>=0 -> 60
    assert (result.opp, result.idp, result.pmc, result.pme) == (30.0, 40.0, 30.0, 60.0)
    narrower = analyse_psm(HAND, boundary="clamped", convention="narrower")
    # PMC: expensive >= too cheap at 30 (0>=0); PME: too expensive >= cheap at 40 (0>=0)
    assert (narrower.pmc, narrower.pme) == (30.0, 40.0)


def test_hand_given_grid() -> None:
    result = analyse_psm(HAND, grid=[15, 25, 35, 45, 55, 65], nms=NmsSettings(interpolation="price"))
    assert result.prices == (15.0, 25.0, 35.0, 45.0, 55.0, 65.0)
    assert result.too_cheap == sixths(3, 1, 0, 0, 0, 0)
    assert result.cheap == sixths(6, 4, 1, 0, 0, 0)
    assert result.expensive == sixths(0, 0, 1, 3, 5, 6)
    assert result.too_expensive == sixths(0, 0, 0, 0, 2, 4)
    # OPP 35 (0>=0), IDP 35 (1>=1), PMC 25 (not cheap 2 >= 1), PME 55 (2 >= not expensive 1)
    assert (result.opp, result.idp, result.pmc, result.pme) == (35.0, 35.0, 25.0, 55.0)


def test_points_are_none_when_the_curves_never_meet() -> None:
    result = analyse_psm(HAND, grid=[10], nms=NmsSettings(interpolation="price"))
    # at 10: too cheap 3, cheap 6, expensive 0, too expensive 0, not cheap 0, not expensive 6
    assert (result.opp, result.idp, result.pmc, result.pme) == (None, None, None, None)
    assert analyse_psm(HAND, grid=[10], convention="narrower", nms=NmsSettings(interpolation="price")).pme is None


def test_no_valid_answer() -> None:
    result = analyse_psm(HAND[6:])
    assert (result.valid, result.invalid, result.total) == (0, 3, 3)
    assert result.prices == result.too_cheap == ()
    assert (result.opp, result.idp, result.pmc, result.pme, result.nms) == (None, None, None, None, None)


def test_hand_nms_trial_and_revenue() -> None:
    nms = analyse_psm(HAND).nms
    assert nms is not None and nms.respondents == 6 and nms.prices == GRID
    # Calibrated (5 .7, 4 .5, 3 .3, 2 .1, 1 0); 0 at too cheap and too expensive, 0 outside; straight lines
    # in grid position between them (grid positions 0..6 = 10 20 30 40 50 60 100):
    #   r1 10 20 40 60  (0 .7 .3 0):   0   .7   .5   .3   .15  0    0
    #   r2 10 30 50 60  (0 .5 .1 0):   0   .25  .5   .3   .1   0    0
    #   r3 20 30 40 50  (0 .7 .3 0):   0   0    .7   .3   0    0    0
    #   r4 20 30 50 100 (0 .5 .3 0):   0   0    .5   .4   .3   .15  0
    #   r5 10 20 30 50  (0 .1 0 0):    0   .1   0    0    0    0    0
    #   r6 30 40 60 100 (0 .7 .5 0):   0   0    0    .7   .6   .5   0
    #   sum:                           0   1.05 2.2  2.0  1.15 .65  0
    trial = (0.0, 1.05 / 6, 2.2 / 6, 2.0 / 6, 1.15 / 6, 0.65 / 6, 0.0)
    assert nms.trial == pytest.approx(trial, abs=1e-12)
    # revenue = price x trial: 0, 3.5, 11, 13.33, 9.583, 6.5, 0
    assert nms.revenue == pytest.approx((0.0, 3.5, 11.0, 40 / 3, 9.583333333333334, 6.5, 0.0), abs=1e-12)
    assert (nms.best_trial_price, nms.best_revenue_price) == (30.0, 40.0)
    assert nms.settings.calibration == DEFAULT_CALIBRATION


def test_hand_nms_interpolated_in_price() -> None:
    nms = analyse_psm(HAND, nms=NmsSettings(interpolation="price")).nms
    assert nms is not None
    # Only r4 differs: at 60, between expensive 50 (.3) and too expensive 100 (0): .3 x 40/50 = .24, not .15
    assert nms.trial[5] == pytest.approx(0.74 / 6, abs=1e-12)
    assert nms.revenue[5] == pytest.approx(7.4, abs=1e-12)
    assert nms.trial[:5] == pytest.approx((0.0, 1.05 / 6, 2.2 / 6, 2.0 / 6, 1.15 / 6), abs=1e-12)


def test_nms_calibration_and_end_probabilities() -> None:
    answer = PriceAnswer(10, 20, 30, 40, likely_cheap=5, likely_expensive=1)
    settings = NmsSettings(calibration={5: 0.9, 1: 0.2}, at_too_cheap=0.1, at_too_expensive=0.05)
    nms = analyse_psm([answer], grid=[5, 10, 20, 30, 40, 50], nms=settings).nms
    assert nms is not None
    assert nms.trial == pytest.approx((0.0, 0.1, 0.9, 0.2, 0.05, 0.0), abs=1e-15)
    assert nms.revenue == pytest.approx((0.0, 1.0, 18.0, 6.0, 2.0, 0.0), abs=1e-12)
    assert (nms.best_trial_price, nms.best_revenue_price) == (20.0, 20.0)


def test_nms_on_the_answers_that_give_both_likelihoods_and_bad_input_raises() -> None:
    # an answer without the likelihoods (or with one of them) counts for the curves, not for NMS
    for extra in (PriceAnswer(30, 40, 60, 100, "r6"), PriceAnswer(30, 40, 60, 100, "r6", likely_expensive=2)):
        found = analyse_psm([*HAND[:5], extra])
        assert found.valid == 6 and found.nms is not None and found.nms.respondents == 5
    off_scale = [*HAND[:5], PriceAnswer(30, 40, 60, 100, "r6", likely_cheap=6, likely_expensive=2)]
    with pytest.raises(ValueError, match=r"'r6' answers 6"):
        analyse_psm(off_scale)
    with pytest.raises(ValueError, match="not within 0 to 1"):
        analyse_psm(HAND, nms=NmsSettings(calibration={5: 1.5, 4: 0.5, 3: 0.3, 2: 0.1, 1: 0}))
    with pytest.raises(ValueError, match=r"price 10 of 'r1' is not on the grid"):
        analyse_psm(HAND, grid=[15, 25])
    assert analyse_psm([PriceAnswer(1, 2, 3, 4)]).nms is None  # none of them: no NMS part


@pytest.mark.parametrize(
    ("grid", "problem"),
    [
        ([], "no prices"),
        ([10, 20, 20], "appears twice"),
        ([10, 30, 20], "out of order"),
        ([0, 10], "not a positive number"),
        ([-5, 10], "not a positive number"),
        ([10, math.nan], "not a positive number"),
        ([10, math.inf], "not a positive number"),
    ],
)
def test_bad_grids(grid: list[float], problem: str) -> None:
    for call in (lambda: check_price_grid(grid), lambda: analyse_psm(HAND, grid=grid),
                 lambda: analyse_gabor_granger([], grid)):
        with pytest.raises(PriceGridError, match=problem) as raised:
            call()
        assert raised.value.field == "grid"
        assert isinstance(raised.value, ValueError)
        assert str(raised.value).startswith("grid: ")


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="convention"):
        analyse_psm(HAND, convention="wide")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="boundary"):
        analyse_psm(HAND, boundary="none")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="minimum"):
        by_segment(HAND, analyse_psm, minimum=-1)


def gg(respondent: str, price: float, buys: bool, segment: str | None = None) -> GaborGrangerAnswer:
    return GaborGrangerAnswer(respondent, price, buys, segment)


GG = [
    *(gg(r, 20, r != "e", "retainer" if r < "d" else None) for r in "abcde"),  # 4 of 5 buy at 20
    *(gg(r, 30, r < "d", "retainer" if r < "d" else None) for r in "abcde"),  # 3 of 5 buy at 30
    *(gg(r, 40, r < "c", "retainer" if r < "d" else None) for r in "abcd"),  # 2 of 4 buy at 40
]


def test_gabor_granger_by_hand() -> None:
    result = analyse_gabor_granger(GG, [20, 30, 40, 50])
    assert [(p.price, p.asked, p.buyers) for p in result.points] == [(20, 5, 4), (30, 5, 3), (40, 4, 2), (50, 0, 0)]
    assert [p.demand for p in result.points] == [0.8, 0.6, 0.5, None]
    # revenue per respondent: 20 x .8 = 16, 30 x .6 = 18, 40 x .5 = 20, nobody asked at 50
    assert [p.revenue for p in result.points] == [16.0, 18.0, 20.0, None]
    assert result.best_price == 40.0
    assert result.respondents == 5


def test_gabor_granger_tie_goes_to_the_lower_price() -> None:
    answers = [gg("a", 10, True), gg("b", 10, True), gg("a", 20, True), gg("b", 20, False)]
    result = analyse_gabor_granger(answers, [10, 20])
    assert [p.revenue for p in result.points] == [10.0, 10.0]
    assert result.best_price == 10.0
    assert analyse_gabor_granger([], [10, 20]).best_price is None


def test_gabor_granger_bad_answers() -> None:
    with pytest.raises(ValueError, match=r"'a' at price 25: not on the grid"):
        analyse_gabor_granger([gg("a", 25, True)], [10, 20])
    with pytest.raises(ValueError, match=r"'a' answers price 10 twice"):
        analyse_gabor_granger([gg("a", 10, True), gg("a", 10, False)], [10, 20])


def test_psm_by_segment_gate() -> None:
    segmented: SegmentedAnalysis[PsmResult] = by_segment(HAND, analyse_psm, minimum=3)
    assert segmented.whole == analyse_psm(HAND)
    assert list(segmented.segments) == ["project", "retainer", None]
    # project: r4, r5 valid (r7 invalid) -> 2 < 3; no segment: r6 valid (r8, r9 invalid) -> 1 < 3
    assert segmented.segments["project"] == TooFewAnswers("project", 2, 3)
    assert segmented.segments[None] == TooFewAnswers(None, 1, 3)
    retainer = segmented.segments["retainer"]
    assert isinstance(retainer, PsmResult)
    # r1..r3: grid 10 20 30 40 50 60; too cheap #(tc > p) 1 0 ..; too expensive #(te <= p) 0 0 0 0 1 3
    assert retainer.prices == (10.0, 20.0, 30.0, 40.0, 50.0, 60.0)
    assert retainer.too_expensive == (0.0, 0.0, 0.0, 0.0, 1 / 3, 1.0)
    assert (retainer.valid, retainer.opp) == (3, 20.0)
    everything_small = by_segment(HAND, analyse_psm)  # default minimum 30: every segment too few
    assert all(isinstance(s, TooFewAnswers) and s.minimum == 30 for s in everything_small.segments.values())
    assert everything_small.whole.valid == 6


def test_gabor_granger_by_segment_counts_respondents() -> None:
    segmented: SegmentedAnalysis[GaborGrangerResult] = by_segment(
        GG, lambda answers: analyse_gabor_granger(answers, [20, 30, 40]), minimum=3)
    retainer = segmented.segments["retainer"]  # a, b, c: 3 respondents, 9 answers
    assert isinstance(retainer, GaborGrangerResult) and retainer.respondents == 3
    assert [p.demand for p in retainer.points] == [1.0, 1.0, 2 / 3]
    assert segmented.segments[None] == TooFewAnswers(None, 2, 3)  # d, e
    assert segmented.whole.best_price == 40.0


# --- agreement with pricesensitivitymeter's R code, written out literally ----------------------------


def r_psm(tc: Any, ch: Any, ex: Any, te: Any, clamp: bool) -> dict[str, Any]:
    """calculate_ecdf_data + calculate_unweighted_ecdfs + identify_price_points (R/psm_data_processing.R)
    and identify_intersection (R/psm-utils.R), as R computes them (floating shares, 1 - ecdf)."""
    price = np.array(sorted(set(tc) | set(ch) | set(ex) | set(te)), dtype=float)

    def ecdf(x: Any) -> Any:
        values = np.array([np.mean(x <= p) for p in price])  # stats::ecdf(x)(price)
        if clamp:  # release 1.3.1
            values[price >= x.max()] = 1
            values[price <= x.min()] = 0
        return values

    d = {"price": price, "toocheap": 1 - ecdf(tc), "cheap": 1 - ecdf(ch),
         "expensive": ecdf(ex), "tooexpensive": ecdf(te)}
    d["not_cheap"], d["not_expensive"] = 1 - d["cheap"], 1 - d["expensive"]

    def intersection(var1: str, var2: str) -> float | None:
        first = np.flatnonzero(d[var1] >= d[var2])  # which(data[, var1] >= data[, var2])[1]
        if not first.size:
            return None
        same = (d[var1] == d[var1][first[0]]) & (d[var2] == d[var2][first[0]])
        return float(price[same].min())  # method = "min"

    d["opp"] = intersection("tooexpensive", "toocheap")
    d["idp"] = intersection("expensive", "cheap")
    d["original"] = (intersection("not_cheap", "toocheap"), intersection("tooexpensive", "not_expensive"))
    d["narrower"] = (intersection("expensive", "toocheap"), intersection("tooexpensive", "cheap"))
    return d


def r_nms(d: dict[str, Any], rows: list[tuple[float, float, float, float, float, float]]) -> tuple[Any, Any]:
    """create_nms_matrix + interpolate_nms_matrix: seq(from, to, length.out) between the known columns."""
    price = d["price"]
    matrix = np.zeros((len(rows), price.size))
    for i, (tc, ch, ex, te, p_ch, p_ex) in enumerate(rows):
        pos = [int(np.flatnonzero(price == p)[0]) for p in (tc, ch, ex, te)]
        known = [0.0, p_ch, p_ex, 0.0]
        for k in range(3):
            matrix[i, pos[k]:pos[k + 1] + 1] = np.linspace(known[k], known[k + 1], pos[k + 1] - pos[k] + 1)
    reach = matrix.mean(axis=0)
    return reach, price * reach


def seeded_answers() -> list[PriceAnswer]:
    rng = np.random.default_rng(20240611)
    answers = []
    for i in range(64):  # 64 valid: every share k/64 is exact in binary, as R's would be
        tc, ch, ex, te = sorted(rng.choice(np.arange(5, 60), size=4, replace=False).tolist())
        answers.append(PriceAnswer(tc, ch, ex, te, f"v{i}", likely_cheap=int(rng.integers(1, 6)),
                                   likely_expensive=int(rng.integers(1, 6))))
    answers += [PriceAnswer(20, 10, 30, 40, "x1"), PriceAnswer(10, 20, 20, 30, "x2"), PriceAnswer(0, 1, 2, 3, "x3")]
    return answers


@pytest.mark.parametrize("boundary", ["ecdf", "clamped"])
def test_agrees_with_pricesensitivitymeter_code(boundary: str) -> None:
    answers = seeded_answers()
    valid = [a for a in answers if is_valid(a)]
    columns = [np.array([getattr(a, name) for a in valid], dtype=float)
               for name in ("too_cheap", "cheap", "expensive", "too_expensive")]
    r = r_psm(columns[0], columns[1], columns[2], columns[3], clamp=boundary == "clamped")
    for convention in ("original", "narrower"):
        ours = analyse_psm(answers, convention=convention, boundary=boundary)  # type: ignore[arg-type]
        assert (ours.valid, ours.invalid, ours.total) == (64, 3, 67)
        assert ours.prices == tuple(r["price"])
        assert ours.too_cheap == tuple(r["toocheap"])
        assert ours.cheap == tuple(r["cheap"])
        assert ours.expensive == tuple(r["expensive"])
        assert ours.too_expensive == tuple(r["tooexpensive"])
        assert ours.not_cheap == tuple(r["not_cheap"])
        assert ours.not_expensive == tuple(r["not_expensive"])
        assert (ours.opp, ours.idp) == (r["opp"], r["idp"])
        assert (ours.pmc, ours.pme) == r[convention]
    calibrated = [(a.too_cheap, a.cheap, a.expensive, a.too_expensive,
                   DEFAULT_CALIBRATION[a.likely_cheap or 0], DEFAULT_CALIBRATION[a.likely_expensive or 0])
                  for a in valid]
    reach, revenue = r_nms(r, calibrated)
    nms = analyse_psm(answers, boundary=boundary).nms  # type: ignore[arg-type]
    assert nms is not None
    assert nms.trial == pytest.approx(tuple(reach), abs=1e-12)
    assert nms.revenue == pytest.approx(tuple(revenue), abs=1e-10)
    assert nms.best_trial_price == r["price"][np.argmax(reach)]  # which.max: the first of the highest
    assert nms.best_revenue_price == r["price"][np.argmax(revenue)]
