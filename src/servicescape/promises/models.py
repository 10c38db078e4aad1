"""Promises to clients, complaints, and what rules them: service targets per tier, the firm's
holidays, staff leave and the at-risk notice's editable wording."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicescape.auth.models import Staff
from servicescape.clients.models import Channel, Client, Engagement, Tier
from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime, enum_type


class PromiseKind(enum.StrEnum):
    appointment = "appointment"
    deliverable = "deliverable"
    call_back = "call_back"
    site_visit = "site_visit"
    document = "document"
    other = "other"


class PromiseStatus(enum.StrEnum):
    open = "open"
    kept = "kept"           # kept within its window
    late = "late"           # kept after the window's end
    missed = "missed"       # the window passed and nobody came
    cancelled = "cancelled"


BROKEN = (PromiseStatus.late, PromiseStatus.missed)


class Promise(Timestamped, Base):
    """A promise to a client: who must deliver what, in which window. Re-promising never edits it:
    a new promise points back at the broken one (``repromised_from_id``)."""

    __tablename__ = "promise"
    __table_args__ = (
        Index("ix_promise_status_window_end", "status", "window_end"),
        # covers the reliability figures' scan of a period (no table rows read)
        Index("ix_promise_window_end_status", "window_end", "status", "owner_id", "lateness_minutes", "client_id",
              "engagement_id", "announced_at"),
        Index("ix_promise_owner_window_start", "owner_id", "window_start"),
        Index("ix_promise_client_window_start", "client_id", "window_start"),
        Index("ix_promise_status_window_start", "status", "window_start"),
        # the timeline of everyone an owner looks after (the home page): the newest by time, then theirs
        Index("ix_promise_window_start", "window_start"),
        Index("ix_promise_announced_at", "announced_at"),
        # an owner's open promises (the agenda's at-risk list): the few open ones, not all they ever made
        Index("ix_promise_owner_status_window_start", "owner_id", "status", "window_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"),
                                                      default=None, index=True)
    kind: Mapped[PromiseKind] = mapped_column(enum_type(PromiseKind), default=PromiseKind.appointment)
    title: Mapped[str | None] = mapped_column(String(300), default=None)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300), default=None)
    status: Mapped[PromiseStatus] = mapped_column(enum_type(PromiseStatus), default=PromiseStatus.open)
    #: the client (or the owner) confirmed the window: not at risk for want of confirmation
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: who actually came or delivered (a different person than the owner is flagged)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    lateness_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: the client's own words on the outcome
    client_words: Mapped[str | None] = mapped_column(Text, default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    repromised_from_id: Mapped[int | None] = mapped_column(ForeignKey("promise.id", ondelete="SET NULL"),
                                                           default=None, unique=True)
    #: why the sweep found it at risk (comma-separated: unconfirmed, double_booked, on_leave)
    at_risk: Mapped[str | None] = mapped_column(String(100), default=None)
    #: the client was told beforehand that the window is at risk (the notice went out)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    client: Mapped[Client] = relationship(lazy="raise")
    engagement: Mapped[Engagement | None] = relationship(lazy="raise")
    owner: Mapped[Staff | None] = relationship(foreign_keys=[owner_id], lazy="raise")
    made_by: Mapped[Staff | None] = relationship(foreign_keys=[made_by_id], lazy="raise")
    delivered_by: Mapped[Staff | None] = relationship(foreign_keys=[delivered_by_id], lazy="raise")

    @property
    def other_person_came(self) -> bool:
        return self.delivered_by_id is not None and self.delivered_by_id != self.owner_id


class Severity(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class ComplaintStatus(enum.StrEnum):
    open = "open"               # nobody has answered the client yet
    responded = "responded"     # answered, not yet resolved
    resolved = "resolved"


class Complaint(Timestamped, Base):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_status_response_due", "status", "response_due_at"),
        Index("ix_complaint_status_resolution_due", "status", "resolution_due_at"),
        Index("ix_complaint_client_received", "client_id", "received_at"),
        Index("ix_complaint_received_at", "received_at"),
        Index("ix_complaint_resolved_at", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True, default=None)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    promise_id: Mapped[int | None] = mapped_column(ForeignKey("promise.id", ondelete="SET NULL"), default=None,
                                                   index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), default=Channel.other)
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[Severity] = mapped_column(enum_type(Severity), default=Severity.medium)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None,
                                                 index=True)
    status: Mapped[ComplaintStatus] = mapped_column(enum_type(ComplaintStatus), default=ComplaintStatus.open)
    #: the targets of the client's tier when it was received (business hours and days)
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    outcome: Mapped[str | None] = mapped_column(Text, default=None)
    #: set by the sweep when a target passed unmet
    response_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolution_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    client: Mapped[Client] = relationship(lazy="raise")
    owner: Mapped[Staff | None] = relationship(lazy="raise")

    @property
    def breached(self) -> bool:
        return self.response_breached_at is not None or self.resolution_breached_at is not None


class ServicePolicy(Base):
    """What the firm promises each tier: complaint targets, and how late still counts as kept."""

    __tablename__ = "service_policy"

    tier: Mapped[Tier] = mapped_column(enum_type(Tier), primary_key=True)
    first_response_hours: Mapped[int] = mapped_column(Integer)      # business hours
    resolution_days: Mapped[int] = mapped_column(Integer)           # business days
    #: lateness beyond this opens a recovery task
    late_tolerance_minutes: Mapped[int] = mapped_column(Integer)


class Holiday(Base):
    """A day the firm does not work (business-hour targets skip it)."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class StaffLeave(Timestamped, Base):
    """A staff member away from ``starts_on`` to ``ends_on`` (both included)."""

    __tablename__ = "staff_leave"
    __table_args__ = (Index("ix_staff_leave_staff_days", "staff_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300), default=None)

    staff: Mapped[Staff] = relationship(lazy="raise")


class NoticeTemplate(Timestamped, Base):
    """The firm's own wording of the at-risk notice in one language (else the built-in one)."""

    __tablename__ = "notice_template"

    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class PromiseMonth(Base):
    """A month of the firm's calendar whose reliability figures are kept (``PromiseMonthFigure``):
    database triggers bump ``version`` whenever a promise whose window ends in the month changes
    (and every month's when a client's tier or an engagement's package changes); the figures are
    those of ``computed_version``, fresh while it equals ``version``."""

    __tablename__ = "promise_month"
    __audited__ = False

    month: Mapped[str] = mapped_column(String(7), primary_key=True)     # "2026-03", the firm's clock
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    computed_version: Mapped[int | None] = mapped_column(Integer, default=None)


class PromiseMonthFigure(Base):
    """One line of a month's figures: per staff member, tier or package (``dimension``, ``key``:
    the id or the tier; empty for none) and status, the promises, their lateness and how many of
    the broken ones were announced beforehand."""

    __tablename__ = "promise_month_figure"
    __audited__ = False
    __table_args__ = (Index("ix_promise_month_figure_month", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(ForeignKey("promise_month.month", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))
    promises: Mapped[int] = mapped_column(Integer)
    lateness_total: Mapped[int] = mapped_column(Integer)
    announced: Mapped[int] = mapped_column(Integer)
