"""The referral figures against numbers worked out by hand: conversion (won ÷ all, won ÷ decided),
the value won in the reporting currency (through the exchange rates), top referrers, per month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.offerings import service as offerings
from servicescape.referrals import service
from servicescape.referrals.stats import referral_stats
from servicescape.runtime import Runtime


def _referrals(runtime: Runtime) -> dict[str, int]:
    with runtime.transaction() as session:
        ids = {name: clients.clients.create(session, {"name": name}, by=SYSTEM).id
               for name in ("Alpha Sdn Bhd", "Beta Kft.", "Gamma ООД")}
        offerings.set_rate(session, "MYR", 0.25, reporting_currency="EUR", by=SYSTEM)
        rows = [
            ("Alpha Sdn Bhd", date(2025, 2, 3), "won", "1000", "MYR"),    # 250 EUR
            ("Alpha Sdn Bhd", date(2025, 2, 20), "won", "200", "EUR"),    # 200 EUR
            ("Alpha Sdn Bhd", date(2025, 5, 9), "lost", None, None),
            ("Beta Kft.", date(2025, 5, 10), "won", "500", "MYR"),        # 125 EUR
            ("Beta Kft.", date(2025, 6, 1), "new", None, None),
            ("Beta Kft.", date(2025, 6, 2), "won", "70", "GBP"),          # no rate: counted apart
            ("Gamma ООД", date(2024, 11, 30), "won", "9000", "MYR"),      # 2250 EUR, the year before
        ]
        for n, (referrer, day, status, value, currency) in enumerate(rows):
            service.referrals.create(session, {
                "referrer_client_id": ids[referrer], "prospect_name": f"Prospect {n}", "referred_on": day,
                "status": status, "value_won": Decimal(value) if value else None, "currency": currency,
                "won_on": day if status == "won" else None}, by=SYSTEM)
    return ids


def test_a_year_by_hand(runtime: Runtime) -> None:
    ids = _referrals(runtime)
    with runtime.transaction() as session:
        found = referral_stats(session, reporting_currency="EUR", since=date(2025, 1, 1), until=date(2026, 1, 1),
                               by=SYSTEM).as_dict()
    assert (found["total"], found["won"], found["lost"], found["open"]) == (6, 4, 1, 1)
    assert found["conversion_rate"] == round(4 / 6, 4) and found["win_rate"] == 0.8
    assert found["value_won"] == 575.0 and found["unconverted"] == {"GBP": 1}
    assert found["referrers"] == 2
    assert [(r["client_id"], r["referrals"], r["won"], r["value_won"]) for r in found["top_by_count"]] == [
        (ids["Alpha Sdn Bhd"], 3, 2, 450.0), (ids["Beta Kft."], 3, 2, 125.0)]
    assert [r["name"] for r in found["top_by_value"]] == ["Alpha Sdn Bhd", "Beta Kft."]
    assert found["by_month"] == [
        {"month": "2025-02", "referrals": 2, "won": 2, "value_won": 450.0},
        {"month": "2025-05", "referrals": 2, "won": 1, "value_won": 125.0},
        {"month": "2025-06", "referrals": 2, "won": 1, "value_won": 0.0},
    ]
    assert found["by_status"] == {"new": 1, "contacted": 0, "proposal": 0, "won": 4, "lost": 1}


def test_all_time_and_the_top_by_value(runtime: Runtime) -> None:
    ids = _referrals(runtime)
    with runtime.transaction() as session:
        found = referral_stats(session, reporting_currency="EUR", top=1, by=SYSTEM).as_dict()
        empty = referral_stats(session, reporting_currency="EUR", since=date(2020, 1, 1), until=date(2021, 1, 1),
                               by=SYSTEM).as_dict()
    assert (found["total"], found["won"], found["value_won"]) == (7, 5, 2825.0)
    assert [r["client_id"] for r in found["top_by_value"]] == [ids["Gamma ООД"]]
    assert len(found["top_by_count"]) == 1 and found["top_by_count"][0]["referrals"] == 3
    assert (empty["total"], empty["conversion_rate"], empty["win_rate"], empty["top_by_count"]) == (0, None, None, [])
