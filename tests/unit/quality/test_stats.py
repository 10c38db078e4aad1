"""Reference values for the survey statistics, each worked out by hand in the comments."""

from __future__ import annotations

import itertools
import math

import pytest

from servicescape.quality import stats
from servicescape.quality.stats import (
    NO_ESTIMATE,
    Estimate,
    csat,
    fix_first,
    importance_weights,
    mean_ci,
    nps,
    t_975,
    weighted_gaps,
    weighted_score,
)


@pytest.mark.parametrize(("df", "expected"), [
    (1, 12.706205),
    (5, 2.570582),
    (30, 2.042272),
    # between 40 (2.021075) and 60 (2.000298) in 1/df: (1/40 − 1/45) / (1/40 − 1/60) = 1/3
    # → 2.021075 − 0.020777 / 3 = 2.014149 (exact t(45) = 2.014103)
    (45, 2.0141493),
    # between 120 (1.979930) and the normal (1/df = 0): share (1/120 − 1/1000)/(1/120) = 0.88
    # → 1.979930 − 0.019966 · 0.88 = 1.962360 (exact t(1000) = 1.962339)
    (1000, 1.9623599),
    (10**9, 1.959964),
])
def test_t_table_and_its_interpolation(df: int, expected: float) -> None:
    assert t_975(df) == pytest.approx(expected, abs=1e-6)


def test_t_table_refuses_no_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        t_975(0)


def test_t_decreases_with_the_degrees_of_freedom() -> None:
    values = [t_975(df) for df in range(1, 500)]
    assert all(a > b for a, b in itertools.pairwise(values))
    assert values[-1] > stats.Z_975


def test_mean_ci_of_four_gaps() -> None:
    # gaps −2, −1, 0, −1: n 4, Σ −4, Σ² 4 + 1 + 0 + 1 = 6 → mean −1
    # s² = (6 − 16/4) / 3 = 2/3, s = 0.816497, s/√4 = 0.408248, t(3) = 3.182446 → ±1.299228
    found = mean_ci(4, -4, 6)
    assert found.n == 4 and found.mean == pytest.approx(-1)
    assert found.ci_low == pytest.approx(-2.299228, abs=1e-6)
    assert found.ci_high == pytest.approx(0.299228, abs=1e-6)
    assert found.as_dict("gap") == {"gap": -1.0, "ci_low": -2.2992, "ci_high": 0.2992, "n": 4}


def test_mean_ci_of_none_and_of_one() -> None:
    assert mean_ci(0, 0, 0) == NO_ESTIMATE == Estimate(0, None, None, None)
    assert mean_ci(1, -3, 9) == Estimate(1, -3.0, None, None)
    with pytest.raises(ValueError, match="negative"):
        mean_ci(-1, 0, 0)


def test_mean_ci_guards_a_variance_rounded_below_zero() -> None:
    # three answers of 0.1: (Σ² − Σ²/n) comes out at −1.7·10⁻¹⁸ in floating point, not 0
    total, total_sq = 0.1 + 0.1 + 0.1, 0.1 * 0.1 * 3
    assert total_sq - total * total / 3 < 0
    found = mean_ci(3, total, total_sq)
    assert found.ci_low == found.ci_high == found.mean == pytest.approx(0.1)


def test_nps_of_six_promoters_two_passives_two_detractors() -> None:
    # p = 0.6, d = 0.2 → score 40; var = (0.8 − 0.4²) · 100² = 6400; se = √(6400/10) = 25.298221
    # 1.96 · se = 49.584513 → [−9.584513, 89.584513]
    found = nps(6, 2, 2)
    assert (found.n, found.score) == (10, pytest.approx(40))
    assert found.ci_low == pytest.approx(-9.584513, abs=1e-6)
    assert found.ci_high == pytest.approx(89.584513, abs=1e-6)
    assert (found.promoters_share, found.passives_share, found.detractors_share) == (0.6, 0.2, 0.2)
    assert found.as_dict()["ci_low"] == -9.58


def test_nps_interval_is_clipped_to_the_scale() -> None:
    # p = 0.9, d = 0.1 → 80; var = (1.0 − 0.64) · 100² = 3600; se = √360 = 18.973666; ±37.188385
    # → [42.811615, 117.19] clipped to 100
    found = nps(9, 0, 1)
    assert found.score == pytest.approx(80)
    assert found.ci_low == pytest.approx(42.811615, abs=1e-6)
    assert found.ci_high == 100.0
    # everyone a promoter: no spread, the interval is the point
    assert (nps(5, 0, 0).score, nps(5, 0, 0).ci_low, nps(5, 0, 0).ci_high) == (100, 100, 100)
    assert (nps(0, 0, 3).ci_low, nps(0, 0, 3).ci_high) == (-100, -100)


def test_nps_without_answers() -> None:
    found = nps(0, 0, 0)
    assert (found.n, found.score, found.ci_low, found.promoters_share) == (0, None, None, None)
    with pytest.raises(ValueError):
        nps(-1, 0, 0)


@pytest.mark.parametrize(("score", "group"), [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"),
                                              (9, "promoter"), (10, "promoter")])
def test_nps_groups(score: int, group: str) -> None:
    assert stats.nps_group(score) == group


def test_csat_mean_interval_and_satisfied_share() -> None:
    # scores 5, 5, 5, 4, 2: n 5, Σ 21 → 4.2; Σ² 75 + 16 + 4 = 95; s² = (95 − 441/5)/4 = 1.7
    # s/√5 = 0.583095; t(4) = 2.776445 → ±1.618932; satisfied 4 of 5
    found = csat({5: 3, 4: 1, 2: 1, 1: 0})
    assert found.n == 5 and found.mean == pytest.approx(4.2)
    assert found.ci_low == pytest.approx(2.581068, abs=1e-6)
    assert found.ci_high == pytest.approx(5.818932, abs=1e-6)
    assert found.satisfied_share == pytest.approx(0.8)


def test_csat_refuses_scores_off_the_scale() -> None:
    assert csat({}).mean is None and csat({}).satisfied_share is None
    with pytest.raises(ValueError, match="1–5, not 6"):
        csat({6: 1})
    with pytest.raises(ValueError, match="negative"):
        csat({3: -1})


GAPS: dict[str, float | None] = {"tangibles": -2.0, "reliability": -1.0, "responsiveness": -0.5,
                                  "assurance": 0.5, "empathy": None}
IMPORTANCE: dict[str, float | None] = {"tangibles": 5, "reliability": 40, "responsiveness": 30, "assurance": 15,
                                       "empathy": 10}


def test_weighted_gaps_by_importance() -> None:
    # −2.0 · 0.05 = −0.1; −1.0 · 0.40 = −0.4; −0.5 · 0.30 = −0.15; 0.5 · 0.15 = 0.075; empathy: no gap
    weighted = weighted_gaps(GAPS, IMPORTANCE)
    assert weighted == pytest.approx({"tangibles": -0.1, "reliability": -0.4, "responsiveness": -0.15,
                                      "assurance": 0.075, "empathy": None})
    # Σ = −0.1 − 0.4 − 0.15 + 0.075 = −0.575
    assert weighted_score(weighted) == pytest.approx(-0.575)
    # the largest raw gap (tangibles) matters least to these clients: reliability comes first
    assert fix_first(weighted) == ["reliability", "responsiveness", "tangibles"]


def test_weighted_gaps_with_equal_weights_when_importance_was_not_asked() -> None:
    # 1/5 each: −0.4, −0.2, −0.1, 0.1 → Σ −0.6
    for importance in (None, {}, {d: None for d in IMPORTANCE}):
        weighted = weighted_gaps(GAPS, importance)
        assert weighted == pytest.approx({"tangibles": -0.4, "reliability": -0.2, "responsiveness": -0.1,
                                          "assurance": 0.1, "empathy": None})
        assert weighted_score(weighted) == pytest.approx(-0.6)
        assert fix_first(weighted) == ["tangibles", "reliability", "responsiveness"]


def test_importance_weights_sum_to_one() -> None:
    # mean points that add to 10, not 100 (an imported split): the same weights as 5/40/30/15/10
    weights = importance_weights({"tangibles": 0.5, "reliability": 4, "responsiveness": 3, "assurance": 1.5,
                                  "empathy": 1})
    assert weights == pytest.approx({"tangibles": 0.05, "reliability": 0.4, "responsiveness": 0.3,
                                     "assurance": 0.15, "empathy": 0.1})
    assert importance_weights({"tangibles": 0, "reliability": 0, "responsiveness": 0, "assurance": 0,
                               "empathy": 0}) is None
    # one dimension without points: importance was not really asked, weights are equal
    assert importance_weights({**IMPORTANCE, "empathy": None}) is None


def test_unknown_dimension_is_named() -> None:
    with pytest.raises(ValueError, match="'speed'"):
        weighted_gaps({"speed": -1.0}, None)
    with pytest.raises(ValueError, match="'speed'"):
        importance_weights({"speed": 10})


def test_weighted_score_and_fix_first_without_gaps() -> None:
    assert weighted_score({d: None for d in IMPORTANCE}) is None
    assert fix_first({"tangibles": 0.0, "reliability": 0.2}) == []
    # ties keep the published order
    assert fix_first({"empathy": -0.2, "tangibles": -0.2}) == ["tangibles", "empathy"]
    assert math.isclose(weighted_score({"tangibles": -0.25, "empathy": 0.5}) or 0, 0.25)
