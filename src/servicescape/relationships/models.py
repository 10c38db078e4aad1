"""How often each tier should hear from the firm, and each staff member's private calendar link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.clients.models import Tier
from servicescape.db.base import Base
from servicescape.db.types import UTCDateTime, enum_type, utcnow


class CadencePolicy(Base):
    """A client of ``tier`` should be in touch with the firm at least every ``every_days`` days."""

    __tablename__ = "cadence_policy"

    tier: Mapped[Tier] = mapped_column(enum_type(Tier), primary_key=True)
    every_days: Mapped[int] = mapped_column(Integer)


class CalendarFeed(Base):
    """A staff member's private iCalendar link: only the token's hash is kept (a new link ends the old)."""

    __tablename__ = "calendar_feed"
    __audited__ = False

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
