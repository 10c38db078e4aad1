"""The public routes' rate limits shared by every server process (``platform.ratelimit``)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from servicescape.db.base import Base


class RateWindow(Base):
    """Requests counted in one fixed window of one public route from one address (group); the limit
    weighs the window before it too. Derived, short-lived data: not audited; pruned by a job."""

    __tablename__ = "rate_window"
    __audited__ = False

    route: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    slot: Mapped[int] = mapped_column(BigInteger, primary_key=True)         # seconds since the epoch // length
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)           # no longer weighed after this
