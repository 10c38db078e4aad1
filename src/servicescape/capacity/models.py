"""Staff capacity (contracted hours, working days, holiday calendar, roles, standard rate), the
bookings that consume it or record the work done, and the pipeline's estimates."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import Money, enum_type


class StaffCapacity(Timestamped, Base):
    __tablename__ = "staff_capacity"
    __table_args__ = (CheckConstraint("hours_per_week >= 0 AND hours_per_week <= 168", name="hours"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), unique=True)
    hours_per_week: Mapped[float] = mapped_column(Float)
    working_days: Mapped[list[Any]] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])   # 0 = Monday
    country: Mapped[str | None] = mapped_column(String(2), default=None)   # public holidays' calendar
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)           # skills and roles
    standard_rate: Mapped[Decimal | None] = mapped_column(Money, default=None)   # per hour
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)


class BookingStatus(enum.StrEnum):
    scheduled = "scheduled"     # time set aside for work ahead
    worked = "worked"           # time recorded as done


class Booking(Timestamped, Base):
    """Hours of one person on one day: work scheduled ahead, or work recorded (and how much of it
    was billed)."""

    __tablename__ = "booking"
    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 24", name="hours"),
        CheckConstraint("billed_hours IS NULL OR billed_hours >= 0", name="billed_hours"),
        Index("ix_booking_staff_day", "staff_id", "day"),
        Index("ix_booking_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    billable: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[BookingStatus] = mapped_column(enum_type(BookingStatus), default=BookingStatus.scheduled)
    billed_hours: Mapped[float | None] = mapped_column(Float, default=None)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="SET NULL"), default=None,
                                                  index=True)
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"),
                                                      default=None, index=True)
    role: Mapped[str | None] = mapped_column(String(60), default=None)
    note: Mapped[str | None] = mapped_column(String(300), default=None)


class PipelineEstimate(Timestamped, Base):
    """How many hours a proposed engagement would take and how likely it is to be won."""

    __tablename__ = "pipeline_estimate"
    __table_args__ = (CheckConstraint("hours > 0", name="hours"),
                      CheckConstraint("probability >= 0 AND probability <= 1", name="probability"))

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), unique=True)
    hours: Mapped[float] = mapped_column(Float)
    probability: Mapped[float] = mapped_column(Float)
