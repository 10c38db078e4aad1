"""The client page's feedback: what the client said, wherever it was said, with how it reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.voice import labels, service
from servicescape.web.deps import RequestContext


def client_feedback(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    return {"feedback": service.client_feedback(session, client.id, by=context.principal), "voice_labels": labels}
