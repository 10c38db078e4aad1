"""Job state (schedule, lease) and the history of job runs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base
from servicescape.db.types import UTCDateTime, enum_type, utcnow


class JobState(Base):
    """One row per registered job: when it is due, who holds it now, how many tries failed."""

    __tablename__ = "job_state"
    __audited__ = False

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    failures: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    lease_holder: Mapped[str | None] = mapped_column(String(120), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class RunStatus(enum.StrEnum):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    interrupted = "interrupted"   # the process holding it died (its lease ran out, or it ended on this host)


class JobRun(Base):
    __tablename__ = "job_run"
    __audited__ = False
    __table_args__ = (Index("ix_job_run_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(100))
    trigger: Mapped[str] = mapped_column(String(20))          # schedule, manual, cli
    attempt: Mapped[int] = mapped_column(default=1)
    holder: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus), default=RunStatus.running)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
