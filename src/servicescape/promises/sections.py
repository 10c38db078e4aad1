"""The client page's promise ledger: the client's promises (a re-promise shows what it replaced)
and its complaints, with the reliability flag when two or more promises broke in 90 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.db.types import utcnow
from servicescape.promises import complaints, service
from servicescape.promises.models import Promise, PromiseStatus
from servicescape.promises.reliability import FLAG_BROKEN, FLAG_DAYS
from servicescape.web.deps import RequestContext


def client_promises(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    now = utcnow()
    promises = service.client_promises(session, client.id, by=context.principal)
    broken = session.scalar(select(func.count()).select_from(Promise).where(
        Promise.client_id == client.id, Promise.window_end >= now - timedelta(days=FLAG_DAYS), Promise.window_end < now,
        Promise.status.in_((PromiseStatus.late, PromiseStatus.missed, PromiseStatus.open)))) or 0
    return {"promises": promises, "complaints": complaints.client_complaints(session, client.id, by=context.principal),
            "broken_recently": broken, "flagged": broken >= FLAG_BROKEN, "now": now}
