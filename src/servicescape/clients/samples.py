"""Valid records of the client book, one per ``n``: the create bodies the contract tests send
(``Resource.sample``). Each adds the parents it refers to, as the system."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.auth.permissions import SYSTEM
from servicescape.clients.service import clients
from servicescape.offerings.service import packages


def client(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Sample Client {n} Sdn Bhd", "external_id": f"SAMPLE-C{n}", "kind": "organisation",
            "email": f"office{n}@client.example", "country": "MY", "city": "Shah Alam", "segment": "Logistics",
            "tier": "growth", "status": "active", "custom_fields": {"sample": n}}


def a_client(session: Session, n: int) -> int:
    """A stored client (the parent of the samples below)."""
    return clients.create(session, {"name": f"Sample Parent {n}"}, by=SYSTEM).id


def contact(session: Session, n: int) -> dict[str, Any]:
    return {"client_id": a_client(session, n), "name": f"Sample Contact {n}", "email": f"person{n}@client.example",
            "job_title": "Finance director", "language": "ms", "external_id": f"SAMPLE-P{n}"}


def engagement(session: Session, n: int) -> dict[str, Any]:
    package = packages.create(session, {"name": f"Sample Audit {n}", "currency": "MYR"}, by=SYSTEM)
    return {"client_id": a_client(session, n), "package_id": package.id, "description": f"Quarterly audit {n}",
            "start_date": "2025-01-01", "end_date": "2025-12-31", "status": "active", "value": f"{1000 + n}.50",
            "currency": "MYR", "external_id": f"SAMPLE-E{n}"}


def invoice(session: Session, n: int) -> dict[str, Any]:
    return {"client_id": a_client(session, n), "issued_on": "2025-01-31", "amount": f"{100 + n}.25",
            "currency": "MYR", "external_id": f"SAMPLE-I{n}"}


def interaction(session: Session, n: int) -> dict[str, Any]:
    return {"client_id": a_client(session, n), "channel": "call", "occurred_at": "2025-03-01T10:00:00+08:00",
            "summary": f"Call {n}: confirmed the site visit.", "external_id": f"SAMPLE-X{n}"}
