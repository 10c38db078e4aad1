"""Valid tasks, one per ``n``: the create bodies the contract tests send (``Resource.sample``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def task(session: Session, n: int) -> dict[str, Any]:
    return {"title": f"Call back about the renewal {n}", "kind": "call_back", "notes": "Ask about the audit.",
            "due_at": "2025-03-01T10:00:00+08:00", "priority": "high"}
