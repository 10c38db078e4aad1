"""Valid testimonials and referrals, one per ``n``: the create bodies the contract tests send."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.samples import a_client as _client


def testimonial(session: Session, n: int) -> dict[str, Any]:
    return {"client_id": _client(session, n), "author_name": f"Siti Aminah {n}", "author_role": "Finance director",
            "text": f"They answered every question within the day and the audit finished early ({n}).",
            "language": "en", "consent_by": f"Siti Aminah {n}",
            "consent_at": (datetime(2025, 3, 1, 2, tzinfo=UTC) + timedelta(days=n)).isoformat(),
            "consent_uses": ["website", "proposals"]}


def referral(session: Session, n: int) -> dict[str, Any]:
    return {"referrer_client_id": _client(session, n), "prospect_name": f"Tan Wei Ming {n}",
            "prospect_email": f"weiming{n}@prospect.example", "prospect_company": f"Syarikat Prospek {n}",
            "referred_on": (date(2025, 1, 6) + timedelta(days=n)).isoformat(), "status": "contacted",
            "note": "Met at the chamber of commerce dinner."}
