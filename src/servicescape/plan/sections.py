"""The client page's section of what the client values: its needs, its decision criteria with their
weights, how it chooses providers, its last and next review — and the form to record them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.plan import knowledge
from servicescape.plan.capability import WRITE
from servicescape.plan.page_parts import today
from servicescape.quality.instrument import DIMENSION_LABELS, DIMENSIONS
from servicescape.web.deps import RequestContext
from servicescape.web.forms import FormState


def criteria_text(criteria: list[knowledge.Criterion]) -> str:
    """The criteria as the form shows them: "Reliability = 30", one a line."""
    return "\n".join(f"{c.name} = {c.weight}" for c in criteria)


def profile_values(profile: knowledge.Profile) -> dict[str, str]:
    return {"needs": profile.needs or "", "how_they_choose": profile.how_they_choose or "",
            "last_review_on": profile.last_review_on.isoformat() if profile.last_review_on else "",
            "next_review_on": profile.next_review_on.isoformat() if profile.next_review_on else "",
            "criteria": criteria_text(profile.criteria)}


def account_profile(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    """The section's values: the profile, whether its review is overdue, the SERVQUAL split that a
    prefill would set, and the form (with the profile's values)."""
    profile = knowledge.profile_of(session, client.id, by=context.principal)
    split = profile.servqual_split
    return {"profile": profile, "overdue": profile.review_overdue(today(context)),
            "servqual": [(DIMENSION_LABELS[d], split[d]) for d in DIMENSIONS] if split else None,
            "can_write": context.can(WRITE), "form": FormState(profile_values(profile))}
