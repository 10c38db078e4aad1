"""The home page's own panel: recent activity on the clients the signed-in person looks after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.platform.timeline import TimelineScope, timeline
from servicescape.web.deps import RequestContext

RECENT = 12


def recent_activity(context: RequestContext, session: Session) -> dict[str, Any]:
    page = timeline(session, TimelineScope(owner_id=context.principal.id), by=context.principal,
                    zone=context.runtime.settings.zone, limit=RECENT)
    return {"events": page.events}
