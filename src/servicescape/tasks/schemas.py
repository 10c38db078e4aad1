"""API shapes of tasks."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from servicescape.schemas import Id, LongText, Name, OutSchema, Schema, Text, partial
from servicescape.tasks.models import TaskPriority, TaskStatus


class TaskIn(Schema):
    title: Name
    kind: Text = Field("follow_up", description="follow_up, call_back, meeting, other, or a kind another "
                                                "capability declares")
    notes: LongText | None = None
    client_id: Id | None = None
    owner_id: Id | None = Field(None, description="who must do it (default: whoever adds it)")
    due_at: datetime | None = Field(None, description="by when, timezone-aware")
    priority: TaskPriority = TaskPriority.normal


class TaskClose(Schema):
    outcome: LongText = Field(min_length=1, description="what was done, or why it is cancelled (required)")
    cancelled: bool = Field(False, description="true: cancelled; false: done")


class TaskOut(OutSchema):
    id: int
    title: str
    kind: str
    notes: str | None
    client_id: int | None
    related_type: str | None
    related_id: int | None
    owner_id: int | None
    due_at: datetime | None
    priority: TaskPriority
    status: TaskStatus
    outcome: str | None
    closed_at: datetime | None
    closed_by_id: int | None
    created_by_id: int | None
    rule: str | None
    created_at: datetime
    updated_at: datetime


TaskPatch = partial(TaskIn, "TaskPatch")
