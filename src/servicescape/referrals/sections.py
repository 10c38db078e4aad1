"""The client page's word of mouth: what the client said of the firm (testimonials, with their
status) and whom the client sent us (the referrals it made)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from servicescape.clients.models import Client
from servicescape.referrals import service
from servicescape.web.deps import RequestContext


def client_word_of_mouth(context: RequestContext, session: Session, client: Client) -> dict[str, Any]:
    said, sent = service.client_word_of_mouth(session, client.id, by=context.principal)
    return {"testimonials": said, "referrals": sent}
