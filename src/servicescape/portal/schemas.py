"""The portal's API bodies: portal accounts and what clients asked in the portal."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from servicescape.portal.models import RequestKind, RequestStatus
from servicescape.schemas import MAX_ID, OutSchema, Schema


class PortalUserOut(OutSchema):
    id: int
    contact_id: int
    client_id: int
    email: str
    active: bool
    language: str | None
    promise_emails: bool
    invited_at: datetime | None
    last_sign_in_at: datetime | None


class InviteIn(Schema):
    contact_id: int = Field(ge=1, le=MAX_ID)
    send: bool = Field(True, description="e-mail the one-time link (false: only return it)")


class InvitedOut(Schema):
    user: PortalUserOut
    link: str | None = Field(description="the one-time sign-in link, when it was not e-mailed")
    emailed: bool


class PortalRequestOut(OutSchema):
    id: int
    client_id: int
    user_id: int | None
    kind: RequestKind
    status: RequestStatus
    promise_id: int | None
    complaint_id: int | None
    level_id: int | None
    addon_id: int | None
    preferred_start: datetime | None
    preferred_end: datetime | None
    message: str | None
    task_id: int | None
    answered_at: datetime | None
    answered_by_id: int | None
    answer: str | None
    created_at: datetime


class AcceptIn(Schema):
    start: datetime | None = Field(None, description="a new window's start (default: the one asked for)")
    end: datetime | None = None
    answer: str | None = Field(None, max_length=4000)


class DeclineIn(Schema):
    answer: str = Field(min_length=1, max_length=4000, description="why, in words the client sees")


class AcceptedOut(Schema):
    request: PortalRequestOut
    promise_id: int | None = Field(None, description="the new promise, when a new window was accepted")
    engagement_id: int | None = Field(None, description="the proposed engagement, when an order was accepted")
