"""Valid service packages, one per ``n``: the create bodies the contract tests send (``Resource.sample``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def package(session: Session, n: int) -> dict[str, Any]:
    return {"name": f"Sample Retainer {n}", "level": "Gold", "list_price": f"{2000 + n}.00", "currency": "MYR",
            "description": "Monthly bookkeeping and a quarterly review.", "active": True}
