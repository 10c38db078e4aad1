"""Valid catalogue records, one per ``n``: the create bodies the contract tests send (``Resource.sample``);
each adds the parents it refers to, as the system."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.offerings import catalogue
from servicescape.offerings.service import packages


def package(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Sample Retainer {n}", "level": "Gold", "list_price": f"{2000 + n}.00", "currency": "MYR",
            "description": "Monthly bookkeeping and a quarterly review.", "active": True}


def a_package(session: Session, n: int) -> int:
    return packages.create(session, {"name": f"Sample Parent Package {n}", "currency": "MYR"}, by=SYSTEM).id


def level(session: Session, n: int) -> dict[str, Any]:
    return {"package_id": a_package(session, n), "name": f"Premier {n}", "position": 2,
            "summary": "Our most attentive level.", "inclusions": ["A named engineer", "Four-hour response"],
            "first_response_hours": 4, "resolution_days": 3, "cadence_days": 14, "perceived_quality": 6.1}


def addon(session: Session, n: int) -> dict[str, Any]:
    return {"package_id": a_package(session, n), "name": f"Extra site {n}", "description": "One more site."}


def price(session: Session, n: int) -> dict[str, Any]:
    level_id = catalogue.levels.create(session, {"package_id": a_package(session, n), "name": "Essential"},
                                       by=SYSTEM).id
    return {"level_id": level_id, "currency": "MYR", "amount": f"{22000 + n}.00", "valid_from": "2026-01-01",
            "note": "Yearly review"}


def competitor_price(session: Session, n: int) -> dict[str, Any]:
    return {"package_id": a_package(session, n), "competitor": f"CoolTech {n}", "offer": "Maintenance Plus",
            "segment": "Commercial",
            "price": f"{8900 + n}.00", "currency": "EUR", "perceived_quality": 4.9, "noted_on": "2026-10-01",
            "source": "Lost-deal interview"}


def value_case(session: Session, n: int) -> dict[str, Any]:
    from servicescape.clients.samples import a_client

    return {"client_id": a_client(session, n), "title": f"Response Desk for site {n}", "currency": "MYR",
            "price": f"{24000 + n}.00", "horizon_months": 12, "notes": "From the site survey.",
            "benefits": [{"kind": "time_saved", "description": "Fewer hours lost to breakdowns", "low": "10000",
                          "expected": "15000", "high": "20000", "source": "Their maintenance log, 2025"}],
            "costs": [{"kind": "their_time", "description": "Onboarding meetings", "low": "500", "expected": "800",
                       "high": "1200"}]}


def price_study(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Price wave {n}", "method": "gabor_granger", "currency": "EUR", "grid": ["4000", "5000", "6000"],
            "asked_on": "2026-10-01", "minimum_sample": 20, "notes": "At the yearly reviews."}
