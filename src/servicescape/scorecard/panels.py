"""The home page's scorecard panel: the last 90 days as the refresh job last computed them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from servicescape.scorecard import catalogue, service
from servicescape.web.deps import RequestContext

#: the weakest measures the panel names
WEAKEST = 3


def home_panel(context: RequestContext, session: Session) -> dict[str, Any] | None:
    """Hidden until the job has run once (a scorecard is never computed on the home page)."""
    kept = service.snapshot(session, by=context.principal)
    if kept is None:
        return None
    payload = kept.payload
    scored = [m for m in payload["measures"] if m["score"] is not None and m["weight"] > 0]
    weakest = sorted(scored, key=lambda m: (m["score"], m["key"]))[:WEAKEST]
    return {"scorecard": payload, "weakest": weakest, "computed_at": datetime.fromisoformat(payload["data_as_of"]),
            "element_labels": catalogue.ELEMENTS,
            "measure_labels": {m.key: m.label for m in catalogue.MEASURES}}
