"""Value case arithmetic against figures worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicescape.offerings.value_math import Estimate, scenarios

D = Decimal


def test_three_scenarios_worked_by_hand() -> None:
    # benefits over 12 months: time saved 10,000 / 15,000 / 20,000; cost avoided 5,000 / 6,000 / 9,000
    benefits = [Estimate(D(10000), D(15000), D(20000)), Estimate(D(5000), D(6000), D(9000))]
    # the client's own costs: their time 1,000 / 2,000 / 4,000; switching 500 / 500 / 1,500
    costs = [Estimate(D(1000), D(2000), D(4000)), Estimate(D(500), D(500), D(1500))]
    low, expected, high = scenarios(benefits, costs, D(12000), 12)
    # low: benefits 10,000 + 5,000 = 15,000; costs at their high 4,000 + 1,500 = 5,500;
    # total cost 12,000 + 5,500 = 17,500; value -2,500; ROI -2,500 / 17,500 = -0.142857 → -0.1429;
    # payback 17,500 / (15,000 / 12 = 1,250) = 14.0 months
    assert (low.benefits, low.client_costs, low.total_cost, low.value) == (D(15000), D(5500), D(17500), D(-2500))
    assert low.roi == D("-0.1429") and low.payback_months == D("14.0")
    # expected: 21,000 against 12,000 + 2,500 = 14,500: value 6,500; ROI 0.448276 → 0.4483;
    # payback 14,500 / 1,750 = 8.2857 → 8.3
    assert (expected.benefits, expected.total_cost, expected.value) == (D(21000), D(14500), D(6500))
    assert expected.roi == D("0.4483") and expected.payback_months == D("8.3")
    # high: 29,000 against 12,000 + 1,500 = 13,500: value 15,500; ROI 1.148148 → 1.1481;
    # payback 13,500 / (29,000 / 12 = 2,416.67) = 5.586 → 5.6
    assert (high.benefits, high.total_cost, high.value) == (D(29000), D(13500), D(15500))
    assert high.roi == D("1.1481") and high.payback_months == D("5.6")


def test_no_benefit_has_no_payback_and_a_bad_horizon_is_refused() -> None:
    (low, *_rest) = scenarios([Estimate(D(0), D(0), D(0))], [], D(100), 6)
    assert low.payback_months is None and low.value == D(-100) and low.roi == D(-1)
    with pytest.raises(ValueError, match="months"):
        scenarios([], [], D(100), 0)
