"""The client portal: a client's contacts as a second audience (their accounts, one-time sign-in
links and sessions, kept apart from staff's), what they ask of the firm, the notices they were sent
about their promises, the documents the firm shares with them, and the milestones of engagements."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from servicescape.db.base import Base, Timestamped
from servicescape.db.types import UTCDateTime, enum_type, utcnow


class PortalUser(Timestamped, Base):
    """A contact of a client who may sign in to the portal. ``client_id`` is the contact's client,
    kept here so that every portal query is scoped by one column."""

    __tablename__ = "portal_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(20), default=None)
    #: told by e-mail when a promise concerning the client changes (re-promised, at risk, kept)
    promise_emails: Mapped[bool] = mapped_column(Boolean, default=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PortalLink(Base):
    """A one-time sign-in link: 256 random bits, only their SHA-256 kept, used once, expiring."""

    __tablename__ = "portal_link"
    __audited__ = False     # the portal service records its own events
    __table_args__ = (Index("ix_portal_link_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PortalSession(Base):
    """A signed-in portal browser; its cookie is not the staff's and opens nothing of theirs."""

    __tablename__ = "portal_session"
    __audited__ = False

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    address: Mapped[str | None] = mapped_column(String(64), default=None)


class RequestKind(enum.StrEnum):
    confirm = "confirm"             # an appointment confirmed (done at once)
    reschedule = "reschedule"       # another window for a promise
    complaint = "complaint"         # raised in the portal, kept in the complaints (its clock running)
    service = "service"             # a service request
    order = "order"                 # a package level or an add-on from the catalogue


class RequestStatus(enum.StrEnum):
    open = "open"
    accepted = "accepted"
    declined = "declined"


class PortalRequest(Timestamped, Base):
    """What a contact did or asked in the portal. A request the firm must answer opens a task for
    the client's owner; asking changes none of the firm's records (a confirmation confirms the
    promise, a complaint is recorded as one, with its clock running)."""

    __tablename__ = "portal_request"
    __table_args__ = (Index("ix_portal_request_client_created", "client_id", "created_at"),
                      Index("ix_portal_request_status_created", "status", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id", ondelete="SET NULL"), default=None)
    kind: Mapped[RequestKind] = mapped_column(enum_type(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus), default=RequestStatus.open)
    promise_id: Mapped[int | None] = mapped_column(ForeignKey("promise.id", ondelete="SET NULL"), default=None,
                                                   index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id", ondelete="SET NULL"), default=None)
    level_id: Mapped[int | None] = mapped_column(ForeignKey("package_level.id", ondelete="SET NULL"), default=None)
    addon_id: Mapped[int | None] = mapped_column(ForeignKey("package_addon.id", ondelete="SET NULL"), default=None)
    preferred_start: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    preferred_end: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)
    answer: Mapped[str | None] = mapped_column(Text, default=None)


class PromiseNotice(Base):
    """One e-mail to one portal user about one change of a promise (never sent twice)."""

    __tablename__ = "portal_promise_notice"
    __audited__ = False
    __table_args__ = (UniqueConstraint("promise_id", "event", "user_id", name="uq_portal_promise_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    promise_id: Mapped[int] = mapped_column(ForeignKey("promise.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(20))          # repromised, at_risk, kept
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id", ondelete="SET NULL"),
                                                   default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SharedDocument(Timestamped, Base):
    """A file the firm shares with a client's contacts in the portal."""

    __tablename__ = "shared_document"
    __table_args__ = (Index("ix_shared_document_client", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id", ondelete="SET NULL"),
                                                      default=None)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), default=None)


class MilestoneStatus(enum.StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    blocked = "blocked"


class Milestone(Timestamped, Base):
    """A step of an engagement the client can follow: its name, when it is due, where it stands."""

    __tablename__ = "engagement_milestone"
    __table_args__ = (Index("ix_engagement_milestone_engagement", "engagement_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[MilestoneStatus] = mapped_column(enum_type(MilestoneStatus), default=MilestoneStatus.planned)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
