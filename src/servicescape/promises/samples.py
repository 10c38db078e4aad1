"""Valid promises and complaints, one per ``n``: the create bodies the contract tests send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.samples import a_client as _client


def promise(session: Session, n: int) -> dict[str, Any]:
    start = datetime(2027, 3, 1, 6, tzinfo=UTC) + timedelta(days=n)
    return {"client_id": _client(session, n), "kind": "site_visit", "title": f"Repair visit {n}",
            "window_start": start.isoformat(), "window_end": (start + timedelta(hours=3)).isoformat(),
            "place": "Jalan Ampang 12, Kuala Lumpur"}


def complaint(session: Session, n: int) -> dict[str, Any]:
    return {"client_id": _client(session, n), "text": f"Nobody came between 2 and 5 pm ({n}).", "channel": "call",
            "severity": "high"}
