"""Valid capacity records, one per ``n``: the create bodies the contract tests send (``Resource.sample``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.clients.models import Engagement, EngagementStatus


def a_person(session: Session, n: int) -> int:
    person = Staff(name=f"Sample Engineer {n}", email=f"engineer{n}@capacity.example")
    session.add(person)
    session.flush()
    return person.id


def staff_capacity(session: Session, n: int) -> dict[str, Any]:
    return {"staff_id": a_person(session, n), "hours_per_week": 37.5, "working_days": [0, 1, 2, 3], "country": "HU",
            "roles": ["engineer"], "standard_rate": "45.00", "currency": "EUR", "starts_on": "2025-01-06"}


def booking(session: Session, n: int) -> dict[str, Any]:
    return {"staff_id": a_person(session, n), "day": "2026-03-02", "hours": 6.5, "billable": True, "status": "worked",
            "billed_hours": 6.0, "role": "engineer", "note": f"Site survey {n}"}


def pipeline(session: Session, n: int) -> dict[str, Any]:
    from servicescape.clients.samples import a_client

    engagement = Engagement(client_id=a_client(session, n), status=EngagementStatus.proposed)
    session.add(engagement)
    session.flush()
    return {"engagement_id": engagement.id, "hours": 120.0, "probability": 0.4}
