"""The demo firm's value cases and price research: value cases for some key accounts (the oldest
backed by three outcomes of completed engagements, the others still illustrative) and a Van
Westendorp wave on the Response Desk's Professional level, with some answers out of order."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from servicescape.demo.roster import midnight
from servicescape.demo.steps import DemoRun, next_ids, table
from servicescape.offerings.pricing import PriceAnswer, is_valid

#: (kind, description, low, expected, high as a share of the price, where the figure came from)
BENEFITS = (
    ("time_saved", "Fewer hours lost to breakdowns", Decimal("0.60"), Decimal("0.90"), Decimal("1.20"),
     "The client's maintenance log, last 12 months"),
    ("cost_avoided", "Energy saved by tuned systems", Decimal("0.25"), Decimal("0.40"), Decimal("0.55"),
     "Energy audit benchmark of similar sites"),
    ("risk_avoided", "Tenant complaints and penalties avoided", Decimal("0.05"), Decimal("0.15"), Decimal("0.35"),
     "Facility manager's estimate"),
)
COSTS: tuple[tuple[str, str, Decimal, Decimal, Decimal, str | None], ...] = (
    ("their_time", "Onboarding and quarterly reviews", Decimal("0.02"), Decimal("0.04"), Decimal("0.06"), None),
         ("switching", "Handover from the previous contractor", Decimal("0.03"), Decimal("0.05"), Decimal("0.10"),
          None))
CASES = 6
STUDY = "Response Desk – Professional, price wave"
SEGMENTS = ("Commercial", "Industrial", "Hospitality")   # where the firm's clients have no segments yet


def load_value(run: DemoRun) -> None:
    rng = random.Random(run.spec.seed * 6_151 + 97)
    today = run.spec.today
    with run.runtime.transaction() as session:
        connection = session.connection()
        if connection.scalar(select(table("value_case").c.id).limit(1)) is not None:
            return  # the firm has value cases: the demo does not add to them
        _cases(run, connection, rng, today)
        _study(run, connection, rng, today)


def _stamp(run: DemoRun, days_ago: int) -> dict[str, Any]:
    at = midnight(run.spec.today) - timedelta(days=days_ago, hours=-10)
    return {"created_at": at, "updated_at": at}


def _cases(run: DemoRun, connection: Any, rng: random.Random, today: Any) -> None:
    c, e, lv = table("client"), table("engagement"), table("engagement_level")
    key = connection.execute(select(c.c.id, c.c.name).where(c.c.tier == "key", c.c.status == "active")
                             .order_by(c.c.id).limit(CASES)).all()
    ids = next_ids(connection, ("value_case",))
    cases: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    for n, (client_id, _name) in enumerate(key):
        engagements = connection.execute(
            select(e.c.id, e.c.status, e.c.value, e.c.currency, lv.c.level_id).outerjoin(
                lv, lv.c.engagement_id == e.c.id).where(e.c.client_id == client_id).order_by(e.c.id)).all()
        priced = [row for row in engagements if row.value is not None and row.currency]
        if not priced:
            continue
        latest = priced[-1]
        case_id = ids["value_case"] + len(cases)
        price = Decimal(latest.value).quantize(Decimal("1"))
        cases.append({"id": case_id, "client_id": client_id, "level_id": latest.level_id,
                      "title": "Planned maintenance and response desk: the year ahead", "currency": latest.currency,
                      "price": price, "horizon_months": 12, "notes": None, "prepared_by_id": None,
                      **_stamp(run, 200 - n * 25)})
        for kind, text, low, expected, high, source in BENEFITS:
            items.append({"case_id": case_id, "side": "benefit", "kind": kind, "description": text,
                          "low": price * low, "expected": price * expected, "high": price * high, "source": source})
        for kind, text, low, expected, high, cost_source in COSTS:
            items.append({"case_id": case_id, "side": "cost", "kind": kind, "description": text,
                          "low": price * low, "expected": price * expected, "high": price * high,
                          "source": cost_source})
        done = [row.id for row in engagements if row.status == "completed"]
        backed = 3 if n % 2 == 0 else 1      # half the cases are backed, the others still illustrative
        for k, engagement_id in enumerate(done[:backed]):
            outcomes.append({"case_id": case_id, "engagement_id": engagement_id,
                             "recorded_on": today - timedelta(days=150 - 30 * k),
                             "description": ("Breakdown hours down by a third against the year before",
                                             "Energy bill 18% lower on the audited sites",
                                             "No tenant penalty since the handover")[k],
                             "amount": (price * Decimal("0.4")).quantize(Decimal("1")), "promise_id": None,
                             "survey_response_id": None, "testimonial_id": None, **_stamp(run, 150 - 30 * k)})
    run.insert(connection, "value_case", cases)
    run.insert(connection, "value_item", items)
    run.insert(connection, "value_outcome", outcomes)


def _study(run: DemoRun, connection: Any, rng: random.Random, today: Any) -> None:
    levels, packages = table("package_level"), table("service_package")
    level_id = connection.scalar(select(levels.c.id).join(packages, packages.c.id == levels.c.package_id).where(
        packages.c.name == "Response Desk", levels.c.name == "Professional"))
    clients = table("client")
    common = connection.execute(select(clients.c.segment).where(clients.c.segment.is_not(None),
                                                                clients.c.status == "active")
                                .group_by(clients.c.segment).order_by(func.count().desc(), clients.c.segment)
                                .limit(3)).scalars().all()
    segments = tuple(common) or SEGMENTS
    study_id = next_ids(connection, ("price_study",))["price_study"]
    run.insert(connection, "price_study", [{
        "id": study_id, "name": STUDY, "method": "van_westendorp", "level_id": level_id, "currency": "EUR",
        "grid": [], "asked_on": today - timedelta(days=45), "minimum_sample": 30,
        "notes": "Asked at the yearly reviews of the firm's own clients.", **_stamp(run, 45)}])
    answers = []
    for n in range(96):
        base = rng.gauss(5200, 900)
        prices = [round(base * share / 50) * 50 for share in (0.55, 0.8, 1.2, 1.55)]
        if n % 13 == 5:     # an answer out of order: kept and counted as invalid
            prices[1], prices[2] = prices[2], prices[1]
        answer = PriceAnswer(too_cheap=prices[0], cheap=prices[1], expensive=prices[2], too_expensive=prices[3])
        answers.append({"study_id": study_id, "respondent": f"R{n + 1:03d}", "client_id": None,
                        "segment": segments[n % len(segments)] if n % 7 else segments[0],
                        "too_cheap": Decimal(prices[0]), "cheap": Decimal(prices[1]),
                        "expensive": Decimal(prices[2]), "too_expensive": Decimal(prices[3]),
                        "likely_cheap": rng.choice((4, 5, 5)), "likely_expensive": rng.choice((1, 2, 2, 3)),
                        "valid": is_valid(answer)})
    run.insert(connection, "price_answer", answers)
