"""One-time links (invitations, password resets) and the "forgot password" requests they answer."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from servicescape.auth.models import Staff
from servicescape.db.base import Base
from servicescape.db.types import UTCDateTime, enum_type, utcnow


class LinkPurpose(enum.StrEnum):
    invite = "invite"
    reset = "reset"


class AccountLink(Base):
    """A one-time link that lets one person choose a password; the table holds only its SHA-256.

    A new link for the same person and purpose replaces the older ones; using it consumes it.
    """

    __tablename__ = "account_link"
    __audited__ = False  # the invitation service records its own events
    __table_args__ = (Index("ix_account_link_staff_purpose", "staff_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    purpose: Mapped[LinkPurpose] = mapped_column(enum_type(LinkPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    staff: Mapped[Staff] = relationship()


class ResetRequest(Base):
    """A "forgot password" request, kept for its rate limits (per e-mail and per address)."""

    __tablename__ = "password_reset_request"
    __audited__ = False
    __table_args__ = (
        Index("ix_password_reset_request_email_at", "email", "at"),
        Index("ix_password_reset_request_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
