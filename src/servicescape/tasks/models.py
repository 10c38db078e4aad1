"""A task: something someone must do for a client, by a time, closed with an outcome."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicescape.auth.models import Staff
from servicescape.clients.models import Client
from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime, enum_type


class TaskStatus(enum.StrEnum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class TaskPriority(enum.StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class Task(Timestamped, Base):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_owner_status_due_priority", "owner_id", "status", "due_at", "priority"),
        # an owner's open tasks of one kind by due date (the agenda's recoveries and reviews)
        Index("ix_task_owner_status_kind_due", "owner_id", "status", "kind", "due_at"),
        Index("ix_task_client_status", "client_id", "status"),
        Index("ix_task_status_due", "status", "due_at"),
        Index("ix_task_created_at", "created_at"),
        Index("ix_task_closed_at", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="follow_up")
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), default=None)
    #: the record it is about, when there is one ("engagement", 12)
    related_type: Mapped[str | None] = mapped_column(String(40), default=None)
    related_id: Mapped[int | None] = mapped_column(default=None)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    priority: Mapped[TaskPriority] = mapped_column(enum_type(TaskPriority), default=TaskPriority.normal)
    status: Mapped[TaskStatus] = mapped_column(enum_type(TaskStatus), default=TaskStatus.open)
    outcome: Mapped[str | None] = mapped_column(Text, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    #: the rule that created it (e.g. "promises.missed"); None: created by a person
    rule: Mapped[str | None] = mapped_column(String(100), default=None)
    #: a rule's key for "this task already exists" (rules run again and again: never twice)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)

    client: Mapped[Client | None] = relationship(lazy="raise")
    owner: Mapped[Staff | None] = relationship(foreign_keys=[owner_id], lazy="raise")
    created_by: Mapped[Staff | None] = relationship(foreign_keys=[created_by_id], lazy="raise")
    closed_by: Mapped[Staff | None] = relationship(foreign_keys=[closed_by_id], lazy="raise")
