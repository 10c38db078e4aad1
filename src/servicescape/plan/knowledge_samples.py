"""Valid records of the firm's knowledge and plan, one per ``n``: the create bodies the contract
tests send (``Resource.sample``); each adds the parents it refers to, as the system."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.plan import measures
from servicescape.plan.competitors import competitors
from servicescape.plan.models import EnvironmentArea
from servicescape.plan.planning import plans


def a_person(session: Session, n: int) -> int:
    person = Staff(name=f"Sample Planner {n}", email=f"planner{n}@plan.example")
    session.add(person)
    session.flush()
    return person.id


def a_plan(session: Session, n: int) -> int:
    return plans.create(session, {"name": f"Sample Parent Plan {n}", "starts_on": date(2026, 1, 1),
                                  "ends_on": date(2026, 12, 31)}, by=SYSTEM).id


def competitor(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Sample Rival {n} Ltd", "segments": ["Commercial", f"Region {n}"], "positioning": "parity",
            "website": f"https://rival{n}.example", "notes": f"Quotes low and charges extras ({n})."}


def observation(session: Session, n: int) -> dict[str, Any]:
    from servicescape.clients.samples import a_client

    rival = competitors.create(session, {"name": f"Sample Observed Rival {n}"}, by=SYSTEM)
    return {"competitor_id": rival.id, "kind": "weakness" if n % 2 else "strength",
            "text": f"Their engineers came late twice ({n}).", "client_id": a_client(session, n),
            "noted_on": "2026-03-02"}


def plan(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Sample Plan {n}", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}


def target(session: Session, n: int) -> dict[str, Any]:
    measure = measures.MEASURES[n % len(measures.MEASURES)]
    return {"plan_id": a_plan(session, n), "measure": measure.key, "comparison": ">=", "value": 5.0,
            "owner_id": a_person(session, n), "note": f"Agreed at the planning day ({n})."}


def environment_entry(session: Session, n: int) -> dict[str, Any]:
    areas = list(EnvironmentArea)
    return {"plan_id": a_plan(session, n), "area": areas[n % len(areas)].value, "noted_on": "2026-02-10",
            "text": f"Two new rivals opened offices in the region ({n})."}


def qualification(session: Session, n: int) -> dict[str, Any]:
    return {"staff_id": a_person(session, n), "kind": "certification", "name": f"F-gas handling {n}",
            "issuer": "Certification Body", "obtained_on": "2024-05-01", "renews_on": "2027-05-01"}


def prestige_item(session: Session, n: int) -> dict[str, Any]:
    return {"kind": ("article", "talk", "forum")[n % 3], "title": f"Keeping promised windows {n}",
            "happened_on": "2026-04-15", "audience": "Facility managers", "venue": "Trade journal",
            "staff_id": a_person(session, n), "enquiries": n % 7, "notes": None}
