"""Valid messages, case studies and proposals, one per ``n``: the create bodies the contract tests
send (``Resource.sample``); each adds the parents it refers to, as the system."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from servicescape.auth.models import Staff
from servicescape.auth.permissions import SYSTEM
from servicescape.clients import service as clients
from servicescape.clients.samples import a_client
from servicescape.offerings.service import packages
from servicescape.offerings.value import value_cases
from servicescape.plan import messages as library
from servicescape.referrals import service as referrals


def a_person(session: Session, n: int) -> int:
    person = Staff(name=f"Sample Writer {n}", email=f"writer{n}@plan.example")
    session.add(person)
    session.flush()
    return person.id


def message(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Sample message {n}", "kind": "positioning" if n % 2 else "benefit",
            "segment": "Industrial" if n % 3 else None, "owner_id": a_person(session, n)}


def an_approved_message(session: Session, name: str, language: str = "en") -> int:
    made = library.messages.create(session, {"name": name, "kind": "benefit"}, by=SYSTEM)
    version = library.add_version(session, made.id, language, "Your plant runs while we look after it.", by=SYSTEM)
    library.approve_version(session, version.id, by=SYSTEM)
    return made.id


def a_testimonial(session: Session, client_id: int, *uses: str) -> int:
    made = referrals.testimonials.create(session, {
        "client_id": client_id, "author_name": "Siti Aminah", "author_role": "Facilities manager",
        "text": "Every call-out came inside the promised window.", "language": "en", "consent_by": "Siti Aminah",
        "consent_at": datetime(2026, 1, 5, 3, tzinfo=UTC), "consent_uses": list(uses)}, by=SYSTEM)
    referrals.approve(session, made, by=SYSTEM)
    return made.id


def case_study(session: Session, n: int) -> dict[str, Any]:
    client_id = a_client(session, n)
    package = packages.create(session, {"name": f"Sample Maintenance {n}", "currency": "MYR"}, by=SYSTEM)
    engagement = clients.engagements.create(session, {"client_id": client_id, "package_id": package.id,
                                                      "status": "completed"}, by=SYSTEM)
    return {"title": f"A cooler plant floor {n}", "client_id": client_id, "engagement_id": engagement.id,
            "testimonial_id": a_testimonial(session, client_id, "case_studies"), "package_id": package.id,
            "segment": "Industrial", "language": "en",
            "problem": "Chillers failed twice a month in the hot season.",
            "approach": "A planned-maintenance round every fortnight and a four-hour response desk.",
            "result": "No unplanned stop for nine months.", "result_figure": "−38% downtime"}


def proposal(session: Session, n: int) -> dict[str, Any]:
    client_id = a_client(session, n)
    package = packages.create(session, {"name": f"Sample Response Desk {n}", "currency": "MYR"}, by=SYSTEM)
    case = value_cases.create(session, {
        "client_id": client_id, "title": f"The year ahead {n}", "currency": "MYR", "price": Decimal(24000),
        "benefits": [{"kind": "time_saved", "description": "Fewer breakdown hours", "low": Decimal(10000),
                      "expected": Decimal(30000), "high": Decimal(40000)}]}, by=SYSTEM)
    return {"client_id": client_id, "title": f"Response Desk for site {n}", "language": "en",
            "package_id": package.id, "value_case_id": case.id,
            "message_id": an_approved_message(session, f"Sample lead message {n}"),
            "case_study_ids": [], "testimonial_ids": [a_testimonial(session, client_id, "proposals")],
            "sent_on": "2026-02-02"}
