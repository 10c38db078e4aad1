"""``POST /api/v1/staff/{id}/invitation``: e-mail a staff member a link to choose their password."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from servicescape.auth import invitations
from servicescape.auth import service as auth
from servicescape.schemas import OutSchema
from servicescape.web.api.common import EntityId, error_responses
from servicescape.web.api.resources import SignedIn

router = APIRouter(tags=["staff"])


class InvitationOut(OutSchema):
    staff_id: int
    email: str
    expires_at: datetime = Field(description="until when the link works (UTC)")
    mail_id: int = Field(description="the e-mail in the outbox (the owners' page /mail)")
    mail_configured: bool = Field(description="false: SMTP is not configured; the e-mail waits in the outbox")


@router.post(
    "/staff/{id}/invitation", status_code=202, response_model=InvitationOut, name="invite_staff",
    summary="E-mail an invitation to choose a password",
    description="For an active staff member without a password (add one with POST /staff and no "
    "password first). The e-mail is queued; a new invitation replaces the older links. Owners only.",
    responses=error_responses(401, 403, 404, 409, 422),
)
def invite(id: EntityId, context: SignedIn) -> Any:
    with context.unit() as session:
        staff = auth.get_staff(session, id, by=context.principal)
        sent = invitations.invite(session, context.runtime.settings, staff, by=context.principal)
        return InvitationOut(staff_id=staff.id, email=staff.email, expires_at=sent.expires_at,
                             mail_id=sent.message.id,
                             mail_configured=context.runtime.settings.mail_configured)
