"""API shapes of the portal's records: engagement milestones and shared documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from servicescape.portal.milestones import MAX_MILESTONES
from servicescape.portal.models import MilestoneStatus
from servicescape.schemas import Id, LongText, Name, OutSchema, Schema, partial


class MilestoneFields(Schema):
    """A milestone added to the engagement its URL names."""

    name: Name
    due_on: date | None = None
    status: MilestoneStatus = MilestoneStatus.planned
    note: LongText | None = None


class MilestoneIn(MilestoneFields):
    """A milestone of the engagement ``engagement_id`` (it goes last; see the order route)."""

    engagement_id: Id


MilestonePatch = partial(MilestoneIn, "MilestonePatch")


class MilestoneOut(OutSchema):
    id: int
    engagement_id: int
    name: str
    position: int = Field(description="its place in the engagement, 0 first")
    due_on: date | None
    status: MilestoneStatus
    done_at: datetime | None = Field(description="when it was marked done (cleared when it is not done)")
    note: str | None
    created_at: datetime
    updated_at: datetime


class MilestoneOrderIn(Schema):
    ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_MILESTONES,
                                   description="every milestone of the engagement once, in the new order")]


class DocumentOut(OutSchema):
    id: int
    client_id: int
    engagement_id: int | None
    title: str
    filename: str
    content_type: str
    size: int = Field(description="bytes")
    shared_by_id: int | None
    created_at: datetime
    updated_at: datetime
