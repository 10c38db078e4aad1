"""Valid portal records, one per ``n``: the create bodies the contract tests send (``Resource.sample``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.models import Engagement, EngagementStatus


def an_engagement(session: Session, n: int) -> int:
    """A stored active engagement of a new client (the parent of a milestone)."""
    from servicescape.clients.samples import a_client

    engagement = Engagement(client_id=a_client(session, n), status=EngagementStatus.active,
                            description=f"Commissioning and handover {n}")
    session.add(engagement)
    session.flush()
    return engagement.id


def milestone(session: Session, n: int) -> dict[str, Any]:
    return {"engagement_id": an_engagement(session, n), "name": f"Functional performance tests {n}",
            "due_on": f"2026-0{n % 9 + 1}-15", "status": ("planned", "in_progress", "done", "blocked")[n % 4],
            "note": "Chillers first, then the air-handling units."}
