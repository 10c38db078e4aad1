"""The arithmetic of a value case, at three estimates (pure; reference values in the tests).

Over the case's horizon of ``months``:

* total cost to the client = the price + the client's own costs (money, their time, switching, risk);
* value = benefits − total cost (benefit − price, where the price is all the client gives up);
* ROI = value ÷ total cost;
* payback = total cost ÷ (benefits ÷ months): the months until the benefits have paid for it
  (None where there is no benefit).

The three estimates are scenarios, not columns added up: the **low** case takes every benefit's
low estimate and every cost's high one (the cautious case), the **high** case every benefit's high
and every cost's low, the **expected** case the expected figures of both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

SCENARIOS = ("low", "expected", "high")
#: which estimate of a benefit and of a cost each scenario takes
TAKES = {"low": ("low", "high"), "expected": ("expected", "expected"), "high": ("high", "low")}


@dataclass(frozen=True)
class Estimate:
    low: Decimal
    expected: Decimal
    high: Decimal


@dataclass(frozen=True)
class Scenario:
    name: str
    benefits: Decimal
    client_costs: Decimal
    price: Decimal
    total_cost: Decimal
    value: Decimal
    roi: Decimal | None             # a fraction: 0.5 is 50 %
    payback_months: Decimal | None


def _round(amount: Decimal, places: str = "0.01") -> Decimal:
    return amount.quantize(Decimal(places), rounding=ROUND_HALF_EVEN)


def scenario(name: str, benefits: Iterable[Estimate], costs: Iterable[Estimate], price: Decimal,
             months: int) -> Scenario:
    benefit_takes, cost_takes = TAKES[name]
    gained = sum((getattr(b, benefit_takes) for b in benefits), Decimal(0))
    spent = sum((getattr(c, cost_takes) for c in costs), Decimal(0))
    total = price + spent
    value = gained - total
    roi = _round(value / total, "0.0001") if total > 0 else None
    payback = _round(total / (gained / months), "0.1") if gained > 0 else None
    return Scenario(name, gained, spent, price, total, value, roi, payback)


def scenarios(benefits: list[Estimate], costs: list[Estimate], price: Decimal, months: int) -> list[Scenario]:
    """The low, expected and high scenarios of a case."""
    if months <= 0:
        raise ValueError("months must be more than zero")
    return [scenario(name, benefits, costs, price, months) for name in SCENARIOS]
