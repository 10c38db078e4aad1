"""Scoring: thresholds, the plan's target, renormalising over the measures that have a figure, the
trend's dead-band; the catalogue names every element and goal."""

from __future__ import annotations

import pytest

from servicescape.scorecard import catalogue
from servicescape.scorecard.scoring import (
    DOWN,
    FLAT,
    NO_DATA,
    UP,
    Figure,
    combine,
    score,
    scored_against,
    trend,
)


@pytest.mark.parametrize(("value", "poor", "good", "expected"), [
    (70, 70, 98, 0.0), (98, 70, 98, 100.0), (84, 70, 98, 50.0), (50, 70, 98, 0.0), (100, 70, 98, 100.0),
    (22.5, 40, 5, 50.0), (3, 40, 5, 100.0), (45, 40, 5, 0.0),          # lower is better
])
def test_a_figure_scores_linearly_between_its_thresholds(value: float, poor: float, good: float,
                                                         expected: float) -> None:
    assert score(value, poor, good) == pytest.approx(expected)


def test_the_plans_target_is_what_scores_100() -> None:
    assert scored_against(90, 70, 98, target=90) == 100.0
    assert scored_against(80, 70, 98, target=90) == pytest.approx(50.0)
    assert scored_against(60, 70, 98, target=50) == 100.0 and scored_against(40, 70, 98, target=50) == 0.0
    assert scored_against(10, 40, 5, target=10, at_most=True) == 100.0


def test_the_mean_leaves_out_what_has_no_figure_and_says_how_much_it_covers() -> None:
    scores = {"a": 80.0, "b": None, "c": 40.0}
    found = combine(scores, {"a": 2.0, "b": 1.0, "c": 1.0}, ["a", "b", "c"])
    assert found.score == pytest.approx((80 * 2 + 40) / 3) and found.coverage == pytest.approx(3 / 4)
    assert (found.scored, found.total) == (2, 3)
    assert combine({"b": None}, {}, ["b"]).score is None and combine({"b": None}, {}, ["b"]).coverage == 0.0


def test_noise_does_not_flip_the_arrow() -> None:
    assert trend(72.0, 70.0) == FLAT and trend(74.0, 70.0) == UP and trend(66.0, 70.0) == DOWN
    assert trend(None, 70.0) is None


def test_a_share_of_nothing_is_no_data_not_zero() -> None:
    assert Figure.share(0, 0).status == NO_DATA and not Figure.share(0, 0).known
    assert Figure.share(3, 4).value == 75.0 and Figure.share(3, 4).n == 4


def test_the_catalogue_covers_every_element_and_goal() -> None:
    for element in catalogue.ELEMENTS:
        assert catalogue.of_element(element), element
    for goal in catalogue.GOALS:
        assert catalogue.of_goal(goal), goal
    assert len({m.key for m in catalogue.MEASURES}) == len(catalogue.MEASURES)
    assert all(set(m.elements) <= set(catalogue.ELEMENTS) and set(m.goals) <= set(catalogue.GOALS)
               for m in catalogue.MEASURES)
